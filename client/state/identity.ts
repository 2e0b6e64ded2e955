// What this browser remembers about the person at it: the name typed at join (for next time), and
// per workshop and role the person token the server issued (server/people.ts), so a reload and
// the browser's other tabs are the same person. Kept per role: one browser may hold both the
// facilitator and the participant link of a workshop, and each is its own person.
import type { Role } from '../../shared/constants';

const KEY = 'scaleboard:user';
const personKey = (workshopId: string, role: Role) => `scaleboard:person:${workshopId}:${role}`;

export function loadName(): string {
  try {
    return (JSON.parse(localStorage.getItem(KEY) ?? 'null') as { name?: string } | null)?.name ?? '';
  } catch {
    return ''; // a corrupt entry means no remembered name
  }
}

export function saveName(name: string): void {
  localStorage.setItem(KEY, JSON.stringify({ name }));
}

export function loadPersonToken(workshopId: string, role: Role): string | undefined {
  return localStorage.getItem(personKey(workshopId, role)) || undefined;
}

export function savePersonToken(workshopId: string, role: Role, token: string): void {
  localStorage.setItem(personKey(workshopId, role), token);
}
