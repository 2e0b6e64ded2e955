// What this browser remembers about the person at it: the name typed at join (for next time), and
// per workshop and role the person token the server issued (server/people.ts) and the name they
// joined under, so a reload and the browser's other tabs are the same person, straight back in.
// Kept per role: one browser may hold both the facilitator and the participant link of a
// workshop, and each is its own person.
import { ROLES, type Role } from '../../shared/constants';

const KEY = 'scaleboard:user';
const personKey = (workshopId: string, role: Role) => `scaleboard:person:${workshopId}:${role}`;
const joinedKey = (workshopId: string, role: Role) => `scaleboard:joined:${workshopId}:${role}`;

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

/**
 * The name this browser's person joined a workshop under ('' if they never pressed Join here):
 * with their person token still valid, a reload goes straight back in under it.
 */
export function loadJoinedName(workshopId: string, role: Role): string {
  return localStorage.getItem(joinedKey(workshopId, role)) ?? '';
}

export function saveJoinedName(workshopId: string, role: Role, name: string): void {
  localStorage.setItem(joinedKey(workshopId, role), name);
}

/** Forgets this browser's people in a workshop (after it was deleted: their tokens are gone with it). */
export function forgetWorkshop(workshopId: string): void {
  for (const role of ROLES) localStorage.removeItem(personKey(workshopId, role));
}
