// Cheap checks on awareness (presence) updates before y-protocols applies them.
import * as decoding from 'lib0/decoding';
import type * as awarenessProtocol from 'y-protocols/awareness';

/** More states than any real room has in one update; a bigger count is garbage. */
const MAX_STATES = 10_000;

/**
 * Whether applying `update` would change nothing: every entry is older than, or as old as, what
 * the room already holds (the one exception y-protocols makes, a removal at the same clock of a
 * state still present, counts as a change). Reads clocks only; never parses the JSON states.
 */
export function isStaleAwareness(awareness: awarenessProtocol.Awareness, update: Uint8Array): boolean {
  const d = decoding.createDecoder(update);
  const len = decoding.readVarUint(d);
  if (len === 0 || len > MAX_STATES) return false;
  for (let i = 0; i < len; i++) {
    const clientId = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const state = decoding.readVarUint8Array(d);
    const known = awareness.meta.get(clientId)?.clock;
    if (known === undefined || known < clock) return false;
    if (known === clock && isJsonNull(state) && awareness.states.has(clientId)) return false;
  }
  return true;
}

const isJsonNull = (b: Uint8Array): boolean => b.length === 4 && b[0] === 0x6e && b[1] === 0x75 && b[2] === 0x6c && b[3] === 0x6c;

/** Reads an awareness update fully without applying it, so garbage never half-applies. Throws on garbage. */
export function validateAwarenessUpdate(update: Uint8Array): void {
  const d = decoding.createDecoder(update);
  const len = decoding.readVarUint(d);
  if (len > MAX_STATES) throw new Error('too many awareness states');
  for (let i = 0; i < len; i++) {
    decoding.readVarUint(d);
    decoding.readVarUint(d);
    JSON.parse(decoding.readVarString(d));
  }
}
