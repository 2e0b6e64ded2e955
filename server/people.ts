// People: the identity the server issues to one browser in one workshop and role. A person token
// is kept by the browser (so reloads and its other tabs are the same person) and sent at every
// WebSocket upgrade; the server stores only its SHA-256 hash, like the role tokens. Everything
// that names a person to others (presence, the roster, a ballot) uses the server's person id and
// colour, never what a client claims.
import { hashToken, newToken } from './auth.js';
import type { PersonRow, Storage } from './storage.js';
import type { Role } from '../shared/constants.js';
import { newId } from '../shared/commands/ids.js';
import { nextPersonColor } from '../shared/colors.js';

export interface Person {
  id: string;
  role: Role;
  color: string;
}

export type EnterResult = { person: Person; token: string; created: boolean } | { full: true };

const asPerson = (row: PersonRow): Person => ({ id: row.id, role: row.role, color: row.color });

export class People {
  constructor(
    private readonly storage: Storage,
    /** Most people one workshop may have, so a script cannot mint identities without end. */
    private readonly maxPerWorkshop: number,
  ) {}

  /** The person of this workshop whose token this is, whatever their role; null for any other string. */
  find(workshopId: string, token: string | null | undefined): Person | null {
    // Same bounds as role tokens (auth.ts); a lookup by SHA-256 hash reveals nothing of the token by its timing.
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) return null;
    const row = this.storage.findPersonByTokenHash(workshopId, hashToken(token));
    return row ? asPerson(row) : null;
  }

  /**
   * The same person if `token` is one of this workshop's people with this role; otherwise a new
   * person with a new token and the next free colour (or `full` once the workshop has its cap).
   */
  enter(workshopId: string, role: Role, token: string | undefined, now: number): EnterResult {
    const known = token === undefined ? null : this.find(workshopId, token);
    if (known && known.role === role) return { person: known, token: token!, created: false };
    // better-sqlite3 is synchronous: count, colour and insert happen in one turn, so no race.
    if (this.storage.countPeople(workshopId) >= this.maxPerWorkshop) return { full: true };
    const fresh = newToken();
    const row: PersonRow = {
      workshopId,
      id: newId(),
      role,
      tokenHash: hashToken(fresh),
      color: nextPersonColor(this.storage.peopleColors(workshopId)),
      createdAt: now,
    };
    this.storage.createPerson(row);
    return { person: asPerson(row), token: fresh, created: true };
  }
}
