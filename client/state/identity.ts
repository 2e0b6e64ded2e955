// Who this browser tab is: a random id kept for the tab's life (sessionStorage, so a reload or a
// reconnect stays the same person while two tabs are two people), and the name typed at join and
// a colour, remembered for next time (localStorage).
import type { LocalUser } from '../sync/session';
import { newId } from '../../shared/commands/ids';

const KEY = 'scaleboard:user';
const COLORS = ['#b3261e', '#006a6a', '#6750a4', '#7d5700', '#1a5fb4', '#8f3f71', '#2e7d32', '#a4400e'];

export function loadIdentity(): LocalUser {
  let id = sessionStorage.getItem(`${KEY}:id`);
  if (!id) {
    id = newId();
    sessionStorage.setItem(`${KEY}:id`, id);
  }
  let name = '';
  try {
    name = (JSON.parse(localStorage.getItem(KEY) ?? 'null') as { name?: string } | null)?.name ?? '';
  } catch {
    /* a corrupt entry means no remembered name */
  }
  return { id, name, color: COLORS[hash(id) % COLORS.length]! };
}

export function saveIdentity(user: LocalUser): void {
  localStorage.setItem(KEY, JSON.stringify({ name: user.name }));
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
