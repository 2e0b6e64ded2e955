// Role tokens: long, random, stored only as SHA-256 hashes, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../shared/constants.js';

export const newToken = (): string => randomBytes(32).toString('base64url');
export const newWorkshopId = (): string => randomBytes(12).toString('base64url');
export const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export type RoleHashes = Record<Role, Buffer>;

/** The role a token grants, or null. Every role's hash is compared, so timing reveals nothing. */
export function roleForToken(token: string | null | undefined, hashes: RoleHashes): Role | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > 256) return null;
  const h = hashToken(token);
  let found: Role | null = null;
  for (const role of ['facilitator', 'participant', 'observer'] as const) {
    if (timingSafeEqual(h, hashes[role]) && found === null) found = role;
  }
  return found;
}
