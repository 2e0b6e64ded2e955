// Ids for board records: random, URL-safe, and valid as Y.Map keys and merge-entry key parts.
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A random URL-safe id of `length` characters (6 bits each: 16 gives 96 bits); works in browsers
 * without a secure context too, unlike crypto.randomUUID. Also used for secrets (private doc keys).
 */
export function newId(length = 16): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(length));
  let id = '';
  for (const b of bytes) id += ID_ALPHABET[b & 63];
  return id;
}

export const isValidId = (id: string): boolean => ID_PATTERN.test(id);
