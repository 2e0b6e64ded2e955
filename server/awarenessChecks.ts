// Awareness (presence) from clients, checked before y-protocols applies it: a cheap test for the
// echoes every stock client sends back, a full decode that never half-applies garbage, who may
// set which client id's state, and the rewrite that puts the server's identity into every state.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type { Role } from '../shared/constants.js';

/** More states than any real room has in one update; a bigger count is garbage. */
const MAX_STATES = 10_000;

/** One entry of an awareness update; `state` null means "remove". */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

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
    if (!isStale(awareness, clientId, clock, isJsonNull(state))) return false;
  }
  return true;
}

/** The rule y-protocols applies per entry, inverted: true if it would ignore this entry. */
const isStale = (awareness: awarenessProtocol.Awareness, clientId: number, clock: number, removal: boolean): boolean => {
  const known = awareness.meta.get(clientId)?.clock;
  if (known === undefined || known < clock) return false;
  return !(known === clock && removal && awareness.states.has(clientId));
};

export const isStaleEntry = (awareness: awarenessProtocol.Awareness, e: AwarenessEntry): boolean =>
  isStale(awareness, e.clientId, e.clock, e.state === null);

const isJsonNull = (b: Uint8Array): boolean => b.length === 4 && b[0] === 0x6e && b[1] === 0x75 && b[2] === 0x6c && b[3] === 0x6c;

/** Reads an awareness update fully without applying it, so garbage never half-applies. Throws on garbage. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(update);
  const len = decoding.readVarUint(d);
  if (len > MAX_STATES) throw new Error('too many awareness states');
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < len; i++) {
    const clientId = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(d)) as unknown });
  }
  return entries;
}

/** The y-protocols encoding of these entries (what encodeAwarenessUpdate writes). */
export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, JSON.stringify(state));
  }
  return encoding.toUint8Array(e);
}

/** What the server knows about a connection, and writes into its presence. */
export interface PresenceOwner {
  readonly personId: string;
  /** True when personId was made for this connection only. */
  readonly ephemeral: boolean;
  readonly color: string;
  readonly role: Role;
}

export type OwnershipVerdict = 'own' | 'foreign' | 'too_many';

/**
 * Which connection controls which awareness client ids in one room. A connection may set and
 * remove only the states of client ids it introduced: first seen from it, and not held by
 * another live connection. Once that connection leaves, the id stays reserved for its person
 * (a reconnect under the same person token takes it back; nobody else can squat it), except
 * for ephemeral identities, which nobody can come back as. A person's own connections may hand
 * an id to each other (tabs sharing presence, a reconnect before the old socket closed).
 */
export class AwarenessOwners {
  private readonly byClient = new Map<number, { peer: PresenceOwner | null; personId: string; ephemeral: boolean }>();

  constructor(
    /** Client ids nobody may introduce (the server's own awareness). */
    private readonly reserved: ReadonlySet<number>,
    /** Most client ids one connection may introduce (an honest client has one per document). */
    private readonly maxPerPeer: number,
  ) {}

  /**
   * Whether `peer` may apply an entry for `clientId`; claims a free id for it (`introduced` is
   * the set of ids this peer introduced, kept by the room). A removal never claims an id.
   */
  admit(peer: PresenceOwner, introduced: Set<number>, clientId: number, removal: boolean): OwnershipVerdict {
    if (this.reserved.has(clientId)) return 'foreign';
    const held = this.byClient.get(clientId);
    if (held?.peer === peer) return 'own';
    // Held by another connection, or reserved for the person who held it: only that person may take it.
    if (held && (held.ephemeral || peer.ephemeral || held.personId !== peer.personId)) return 'foreign';
    if (removal && !held) return 'foreign'; // nothing of this peer's to remove
    if (!introduced.has(clientId) && introduced.size >= this.maxPerPeer) return 'too_many';
    introduced.add(clientId);
    this.byClient.set(clientId, { peer, personId: peer.personId, ephemeral: peer.ephemeral });
    return 'own';
  }

  /** The peer left: returns the ids it still held (their states are to be removed), now released. */
  release(peer: PresenceOwner, introduced: Set<number>): number[] {
    const held: number[] = [];
    for (const id of introduced) {
      const rec = this.byClient.get(id);
      if (rec?.peer !== peer) continue; // handed to another connection of the same person
      held.push(id);
      if (rec.ephemeral) this.byClient.delete(id);
      else rec.peer = null;
    }
    return held;
  }
}

/** Most characters of a name; the form allows as many. */
const MAX_NAME = 80;
/** Limits on the rest of a presence state (cursor, editing, privateNotes, …). */
const MAX_FIELDS = 32;
const MAX_KEY = 64;
const MAX_STRING = 1_000;
const MAX_ITEMS = 64;
const MAX_DEPTH = 4;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Control characters, and the bidi overrides that make a name read as something else. */
const UNPRINTABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** A display name from a client's claim: control characters removed, trimmed, at most 80 characters. */
export function cleanName(value: unknown): string {
  if (typeof value !== 'string') return '';
  return Array.from(value.replace(UNPRINTABLE, '').trim()).slice(0, MAX_NAME).join('').trim();
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A bounded copy of a JSON value: oversized strings, lists and nesting are left out (undefined). */
function plainJson(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return value.length <= MAX_STRING ? value : undefined;
  if (depth <= 0) return undefined;
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) return undefined;
    return value.map((v) => plainJson(v, depth - 1) ?? null);
  }
  return isPlainObject(value) ? plainFields(value, depth - 1) : undefined;
}

function plainFields(src: Record<string, unknown>, depth: number, skip?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, value] of Object.entries(src)) {
    if (key === skip || UNSAFE_KEYS.has(key) || key.length > MAX_KEY || ++n > MAX_FIELDS) continue;
    const plain = plainJson(value, depth);
    if (plain !== undefined) out[key] = plain;
  }
  return out;
}

/**
 * The state the room stores and relays for a client's claimed presence: `user` is the server's
 * identity of the connection (person id, colour, role) with only the name taken from the claim,
 * cleaned; the other fields (cursor, editing, privateNotes) are kept within bounds. In an anonymous
 * workshop presence does not say which note someone is writing or editing (`editing`): a name
 * beside "typing…" on the note that then appears would tell its author.
 */
export function sanitizePresence(claimed: unknown, owner: PresenceOwner, { anonymous = false }: { anonymous?: boolean } = {}): Record<string, unknown> {
  const src = isPlainObject(claimed) ? claimed : {};
  const user = isPlainObject(src.user) ? src.user : {};
  const fields = plainFields(src, MAX_DEPTH, 'user');
  if (anonymous) delete fields.editing;
  return { ...fields, user: { id: owner.personId, name: cleanName(user.name), color: owner.color, role: owner.role } };
}
