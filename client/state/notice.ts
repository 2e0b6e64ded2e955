// A message for the next page this tab shows, across one navigation: the landing page says that
// the workshop just deleted is gone. Kept in sessionStorage, so it stays with this tab.
const KEY = 'scaleboard:notice';

export function leaveNotice(text: string): void {
  try {
    sessionStorage.setItem(KEY, text);
  } catch {
    // Storage unavailable: the next page simply says nothing.
  }
}

export function readNotice(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function clearNotice(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing to clear
  }
}
