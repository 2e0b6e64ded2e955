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
}

/** Why a write was refused (a label of `scaleboard_ws_rejected_total`). */
export type GateRefusal = 'server_only_map' | 'unknown_root' | 'not_a_record';

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
  return null;
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
