// The write gate: whether a client's update may stay in a document. The room applies the update in
// a transaction of its own and judges it on what Yjs says that transaction changed (every changed
// type, walked up to its root), never on how the update was encoded: an item that carries only an
// origin (no parent), a stripped delete set, a brand-new root, all show up there. A refused write
// is undone at once by the server (see DocRoom.applyGated), and the undo reaches the writer too.
//
// Yjs keeps the items of an update whose dependencies are missing in the store's "pending"
// fields and integrates them whenever a later update fills the gap, in that later transaction.
// Left there, a hostile client's items (written under another client's id, at clocks that client
// has not reached yet) would be integrated inside an honest writer's transaction and judged as
// theirs. So the room keeps each peer's pending items apart (PendingWrites) and only ever
// integrates them in a transaction of that same peer.
import * as Y from 'yjs';

export interface GateRules {
  /** Roots clients may write in this document. */
  readonly clientRoots: ReadonlySet<string>;
  /** Roots only the server writes. */
  readonly serverRoots: ReadonlySet<string>;
  /** Roots whose values must all be records (Y.Map): a note that is a bare string breaks every reader. */
  readonly recordRoots: ReadonlySet<string>;
  /** How much the document may hold (shared/limits.ts). */
  readonly limits: ContentLimits;
}

export interface ContentLimits {
  /** The longest string or text each field of each record root may hold, by root and field. */
  readonly fields: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The longest string any other field of a record may hold. */
  readonly otherField: number;
  /** Most records in a root (notes per board). */
  readonly records: Readonly<Record<string, number>>;
  /** Largest encoded document, bytes (the room checks it: see DocRoom.applyGated). */
  readonly docBytes: number;
}

/** Why a write was refused (a label of `scaleboard_ws_rejected_total`). */
export type GateRefusal = 'server_only_map' | 'unknown_root' | 'not_a_record' | 'text_too_long' | 'too_many_records';

/** The names of the root types a transaction changed (inserted into, deleted from, or created). */
export function changedRoots(tr: Y.Transaction): Set<string> {
  const roots = new Set<Y.AbstractType<unknown>>();
  for (const type of tr.changed.keys()) {
    let t = type as Y.AbstractType<unknown>;
    while (t._item) t = t._item.parent as Y.AbstractType<unknown>;
    roots.add(t);
  }
  const names = new Set<string>();
  for (const root of roots) names.add(Y.findRootTypeKey(root));
  return names;
}

/** Whether a transaction changed anything at all (an empty sync step 2 changes nothing). */
export const changedAnything = (tr: Y.Transaction): boolean => tr.changed.size > 0 || tr.deleteSet.clients.size > 0;

export function judge(tr: Y.Transaction, rules: GateRules): GateRefusal | null {
  for (const root of changedRoots(tr)) {
    if (rules.serverRoots.has(root)) return 'server_only_map';
    if (!rules.clientRoots.has(root)) return 'unknown_root';
  }
  // What a record root holds under each key it changed must be a record (or nothing: a delete).
  for (const [type, keys] of tr.changed) {
    if (type._item !== null || !(type instanceof Y.Map)) continue;
    if (!rules.recordRoots.has(Y.findRootTypeKey(type))) continue;
    for (const key of keys) {
      const value = key === null ? undefined : type.get(key);
      if (value !== undefined && !(value instanceof Y.Map)) return 'not_a_record';
    }
  }
  return judgeLimits(tr, rules);
}

/**
 * The content limits, on what the transaction changed only (so a write costs what it touched, not
 * the size of the board): the records it added or replaced, field by field; the fields it set in
 * existing records; the texts it inserted into; and the record count of a root it grew. A limit
 * binds new content only: a text already longer (stored before limits existed) may still shrink.
 */
function judgeLimits(tr: Y.Transaction, rules: GateRules): GateRefusal | null {
  const { limits } = rules;
  const fieldLimit = (root: string, field: string): number => limits.fields[root]?.[field] ?? limits.otherField;
  for (const [type, keys] of tr.changed) {
    const place = recordPlace(type as Y.AbstractType<unknown>, rules);
    if (!place) continue;
    if (place.kind === 'root') {
      let grew = 0;
      for (const key of keys) {
        if (key === null) continue;
        const record = place.map.get(key);
        if (record instanceof Y.Map && record._item && createdIn(tr, record._item)) {
          for (const [field, value] of record.entries()) if (tooLong(value, fieldLimit(place.root, field))) return 'text_too_long';
        }
        grew += (record === undefined ? 0 : 1) - (liveBefore(tr, place.map, key) ? 1 : 0);
      }
      const most = limits.records[place.root];
      if (most !== undefined && grew > 0 && place.map.size > most) return 'too_many_records';
    } else if (place.kind === 'record') {
      for (const key of keys) if (key !== null && tooLong(place.map.get(key), fieldLimit(place.root, key))) return 'text_too_long';
    } else if (place.text.length > fieldLimit(place.root, place.field) && insertedInto(tr, place.text)) {
      return 'text_too_long';
    }
  }
  return null;
}

type RecordPlace =
  | { kind: 'root'; root: string; map: Y.Map<unknown> }
  | { kind: 'record'; root: string; map: Y.Map<unknown> }
  | { kind: 'text'; root: string; field: string; text: Y.Text };

/** Where a changed type sits in a record root: the root map, a record, or a text field of a record. */
function recordPlace(type: Y.AbstractType<unknown>, rules: GateRules): RecordPlace | null {
  const rootOf = (t: unknown): string | null =>
    t instanceof Y.Map && t._item === null && rules.recordRoots.has(Y.findRootTypeKey(t)) ? Y.findRootTypeKey(t) : null;
  if (type._item === null) {
    const root = rootOf(type);
    return root === null || !(type instanceof Y.Map) ? null : { kind: 'root', root, map: type };
  }
  const parent = type._item.parent;
  if (type instanceof Y.Map) {
    const root = rootOf(parent);
    return root === null ? null : { kind: 'record', root, map: type };
  }
  const field = type._item.parentSub;
  if (type instanceof Y.Text && parent instanceof Y.Map && parent._item && field !== null) {
    const root = rootOf(parent._item.parent);
    return root === null ? null : { kind: 'text', root, field, text: type };
  }
  return null;
}

const tooLong = (value: unknown, limit: number): boolean =>
  (typeof value === 'string' || value instanceof Y.Text) && value.length > limit;

/** Whether an item was integrated by this transaction. */
const createdIn = (tr: Y.Transaction, item: Y.Item): boolean => item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);

/** Whether a map held a value under `key` before this transaction. */
function liveBefore(tr: Y.Transaction, map: Y.Map<unknown>, key: string): boolean {
  let item: Y.Item | null = map._map.get(key) ?? null;
  while (item && createdIn(tr, item)) item = item.left;
  return item !== null && (!item.deleted || Y.isDeleted(tr.deleteSet, item.id));
}

/** Whether this transaction inserted any (still present) characters into a text. */
function insertedInto(tr: Y.Transaction, text: Y.Text): boolean {
  for (let item = text._start; item; item = item.right) if (!item.deleted && createdIn(tr, item)) return true;
  return false;
}

/** Yjs's pending items of one peer, taken out of the shared store between that peer's writes. */
export interface PendingWrites {
  structs: { missing: Map<number, number>; update: Uint8Array } | null;
  ds: Uint8Array | null;
}

/** Moves whatever Yjs left pending in the store out of it (null when nothing is pending). */
export function takePending(store: Y.Doc['store']): PendingWrites | null {
  const taken = { structs: store.pendingStructs, ds: store.pendingDs };
  store.pendingStructs = null;
  store.pendingDs = null;
  return taken.structs || taken.ds ? taken : null;
}

/** Puts a peer's pending items back into the store, so the next update of that peer retries them. */
export function restorePending(store: Y.Doc['store'], pending: PendingWrites | undefined): void {
  store.pendingStructs = pending?.structs ?? null;
  store.pendingDs = pending?.ds ?? null;
}

export const pendingBytes = (p: PendingWrites): number => (p.structs?.update.byteLength ?? 0) + (p.ds?.byteLength ?? 0);

/** Whether the document now holds something a peer's pending items were waiting for. */
export function pendingMayApply(p: PendingWrites, doc: Y.Doc): boolean {
  if (p.ds) return true; // deletes of items not yet seen: cheap to retry
  for (const [client, clock] of p.structs?.missing ?? []) if (clock < Y.getState(doc.store, client)) return true;
  return false;
}

/**
 * Which writer owns each Yjs client id of a document. Yjs trusts the client id and clock written
 * in an update: a client that writes under someone else's id at the clock that person's next edit
 * will have makes the server skip that edit as already known, so it is lost. So a client id
 * belongs to the identity that first writes under it (the server's own id from the start), and a
 * write under an id owned by another identity is refused before anything of it is applied.
 * A person keeps their ids while the room is loaded (tabs and reconnects of one browser are one
 * person); a connection without a person identity gives its ids back when it closes.
 */
export class ClientIdOwners {
  private readonly owners = new Map<number, string>();
  private readonly owned = new Map<string, Set<number>>();

  constructor(private readonly reserved: () => number) {}

  /** Claims every id in `clients` for `owner`; claims nothing and returns false if any is someone else's. */
  claim(owner: string, clients: Iterable<number>): boolean {
    const reserved = this.reserved();
    const fresh: number[] = [];
    for (const client of clients) {
      if (client === reserved) return false;
      const current = this.owners.get(client);
      if (current === undefined) fresh.push(client);
      else if (current !== owner) return false;
    }
    if (fresh.length) {
      let mine = this.owned.get(owner);
      if (!mine) this.owned.set(owner, (mine = new Set()));
      for (const client of fresh) {
        this.owners.set(client, owner);
        mine.add(client);
      }
    }
    return true;
  }

  release(owner: string): void {
    for (const client of this.owned.get(owner) ?? []) this.owners.delete(client);
    this.owned.delete(owner);
  }
}

/** The client ids an update writes under (every struct but the Skip placeholders). */
export function writtenClientIds(decoded: ReturnType<typeof Y.decodeUpdate>): Set<number> {
  const ids = new Set<number>();
  for (const s of decoded.structs) if (!(s instanceof Y.Skip)) ids.add(s.id.client);
  return ids;
}
