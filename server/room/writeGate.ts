// The write gate: whether a client's update may stay in the document. In order: may this peer write
// at all right now (role, lock: the write policy), is the update readable, does it write only under
// client ids that are this writer's (clientIds.ts); then it is applied in a transaction of its own
// and kept only if what that transaction changed passes the rules (writeRules.ts: server-only and
// unknown roots, records, content limits) and the document's size limit; otherwise the server
// undoes it at once, and the undo reaches the writer too.
//
// Yjs keeps the items of an update whose dependencies are missing in the store's "pending"
// fields and integrates them whenever a later update fills the gap, in that later transaction.
// Left there, a hostile client's items (written under another client's id, at clocks that client
// has not reached yet) would be integrated inside an honest writer's transaction and judged as
// theirs. So the gate keeps each peer's pending items apart (PendingWrites) and only ever
// integrates them in a transaction of that same peer.
import * as Y from 'yjs';
import type { Metrics } from '../metrics.js';
import type { Peer } from '../socket.js';
import { CloseCode } from '../protocol.js';
import { ClientIdOwners, writtenClientIds } from './clientIds.js';
import { MalformedMessageError } from './messages.js';
import { ServerOrigin } from './origins.js';
import { changedAnything, judge, type GateRules } from './writeRules.js';

/**
 * allow: apply. drop: ignore (observers; the sender's later writes stay unapplied, which is fine
 * for a peer that may never write). revert: apply, then undo at once with the server as origin,
 * so a participant whose write raced a lock keeps a contiguous history and can write again later.
 */
export type WriteVerdict = 'allow' | 'drop' | 'revert';

export interface WriteGateDeps {
  metrics: Metrics;
  /** Whether this peer may write this document right now (role, lock). */
  writePolicy: (peer: Peer) => WriteVerdict;
  /** Which roots clients may write and which only the server writes (see writeRules.ts). */
  gate: GateRules;
  /** Called after a client's write passed the gate, with its transaction (server-side rules react to it). */
  onAccepted?: (tr: Y.Transaction, peer: Peer) => void;
}

/** Most bytes of updates one peer may have waiting for missing dependencies (an honest client has next to none). */
const MAX_PENDING_BYTES = 1024 * 1024;
/** A document past its size limit is measured at most this often. */
const SIZE_MEASURE_EVERY_MS = 1_000;

/**
 * Where the document's updates wait to be stored and relayed (the room's outbox): a refused write
 * and its undo are joined into one update there, so no peer is ever sent the write without its undo
 * (the relay merges a turn's updates in chunks, and a chunk could end between the two).
 */
export interface RefusalJoin {
  /** How many updates wait now. */
  mark(): number;
  /** Makes the updates added since `mark` one. */
  joinSince(mark: number): void;
}

export class WriteGate {
  /** Who may write under which Yjs client id (shared with the presence gate). */
  readonly clientIds: ClientIdOwners;
  /** Each peer's updates that wait for items they build on. */
  private readonly pendingByPeer = new Map<Peer, PendingWrites>();
  /**
   * A running estimate of the document's encoded size, for its size limit: the bytes of every
   * update since it was loaded, compacted or measured (an upper bound: overwritten and deleted
   * content counts until then). Past the limit the document is measured (see sizeRefusal).
   */
  private docBytes: number;
  /** docBytes is a measurement, and nothing was written since. */
  private docMeasured = false;
  /** When the document was last measured (performance.now()). */
  private docMeasuredAt = -Infinity;

  constructor(
    private readonly doc: Y.Doc,
    private readonly deps: WriteGateDeps,
    /** The bytes storage held for the document when it was loaded. */
    loadedBytes: number,
    private readonly outbox: RefusalJoin,
    /** Tells the writer why a write of theirs was undone (see DocRoom: a y-protocols permission-denied message). */
    private readonly refused: (peer: Peer, reason: string) => void = () => undefined,
  ) {
    this.clientIds = new ClientIdOwners(() => this.doc.clientID);
    this.docBytes = loadedBytes;
  }

  /**
   * One client's update, through the gate. Throws MalformedMessageError for an update that cannot
   * be read or applied, or that writes under another writer's client id; the caller closes that
   * connection.
   */
  write(peer: Peer, update: Uint8Array): void {
    const verdict = this.deps.writePolicy(peer);
    if (verdict === 'drop') {
      this.deps.metrics.rejected.inc({ reason: `write_forbidden_${peer.role}` });
      return;
    }
    let decoded: ReturnType<typeof Y.decodeUpdate>;
    try {
      decoded = Y.decodeUpdate(update); // reads it whole, so garbage is refused before anything is applied
    } catch {
      throw new MalformedMessageError('malformed Yjs update');
    }
    if (!this.clientIds.claim(peer.personId, writtenClientIds(decoded))) {
      this.deps.metrics.rejected.inc({ reason: 'foreign_client_id' });
      throw new MalformedMessageError("writes under another writer's Yjs client id");
    }
    this.applyGated(peer, verdict, update);
    this.retryPending(peer);
  }

  /** The document took an update (any origin but loading): the size estimate grows by it. */
  grew(bytes: number): void {
    this.docBytes += bytes;
    this.docMeasured = false;
  }

  /** The document was just encoded whole (compacted): its size is known. */
  measured(bytes: number): void {
    this.docBytes = bytes;
    this.docMeasured = true;
  }

  /** The peer left: its waiting items go (its client resends what is missing on its next sync), and an ephemeral identity's ids are free. */
  leave(peer: Peer): void {
    this.pendingByPeer.delete(peer);
    if (peer.ephemeral) this.clientIds.release(peer.personId);
  }

  /**
   * Applies one peer's update in a transaction of its own, then keeps it only if the write gate
   * allows what that transaction changed; otherwise the server undoes it at once. The undo
   * manager spans the whole document, so a write that makes a new root is undone as well.
   */
  private applyGated(peer: Peer, verdict: Exclude<WriteVerdict, 'drop'>, update: Uint8Array | null): void {
    const { metrics } = this.deps;
    const store = this.doc.store;
    const undo = new Y.UndoManager(this.doc, { trackedOrigins: new Set([peer]), captureTimeout: 0 });
    const size = { bytes: this.docBytes, measured: this.docMeasured };
    const mark = this.outbox.mark();
    let tr: Y.Transaction | null = null;
    let failed = false;
    try {
      this.doc.transact((t) => {
        tr = t;
        // This peer's earlier items that waited for a dependency are retried with its update, and
        // only with its updates: never inside another writer's transaction (see the header).
        restorePending(store, this.pendingByPeer.get(peer));
        this.pendingByPeer.delete(peer);
        try {
          if (update) Y.applyUpdate(this.doc, update);
          else if (store.pendingStructs) {
            const waiting = store.pendingStructs.update;
            store.pendingStructs = null;
            Y.applyUpdateV2(this.doc, waiting);
          } else if (store.pendingDs) {
            const waiting = store.pendingDs;
            store.pendingDs = null;
            Y.applyUpdateV2(this.doc, waiting);
          }
        } catch {
          failed = true;
        }
      }, peer);
      const pending = takePending(store);
      if (pending && !failed) {
        if (pendingBytes(pending) > MAX_PENDING_BYTES) failed = true;
        else this.pendingByPeer.set(peer, pending);
      }
      const done = tr as Y.Transaction | null;
      let refusal: string | null = null;
      if (failed) refusal = 'malformed';
      else if (done && changedAnything(done)) {
        refusal = verdict === 'revert' ? `write_reverted_${peer.role}` : (judge(done, this.deps.gate) ?? this.sizeRefusal(done, size));
      }
      if (refusal) {
        metrics.rejected.inc({ reason: refusal });
        if (!failed) this.refused(peer, refusal);
        this.doc.transact(() => {
          while (undo.canUndo()) undo.undo();
        }, ServerOrigin.server);
        this.outbox.joinSince(mark);
        // Undone: the document is the size it was (give or take a tombstone).
        this.docBytes = size.bytes;
        this.docMeasured = size.measured;
      } else if (done) {
        // Allowed: let go of the deleted items the undo manager kept alive for a revert, so they are
        // garbage-collected as they would have been without it.
        undo.clear();
        Y.tryGc(done.deleteSet, store, this.doc.gcFilter);
        this.deps.onAccepted?.(done, peer);
      }
    } finally {
      undo.destroy();
    }
    if (failed) throw new MalformedMessageError('Yjs update could not be applied');
  }

  /**
   * Whether a write that added content takes the document past its size limit. Within the running
   * estimate it does not. Past it the document is measured (encoded whole) unless it was measured
   * before this write with nothing accepted since, and at most once per SIZE_MEASURE_EVERY_MS, so
   * a writer at the limit cannot make the room encode a whole board per message. A write that only
   * deletes is always allowed: it is how a full board makes room. `before` is the estimate before
   * this write, restored if it is refused; a measurement corrects it.
   */
  private sizeRefusal(tr: Y.Transaction, before: { bytes: number; measured: boolean }): 'doc_too_large' | null {
    const limit = this.deps.gate.limits.docBytes;
    if (this.docBytes <= limit || !addedContent(tr)) return null;
    if (before.measured) return 'doc_too_large';
    const now = performance.now();
    if (now - this.docMeasuredAt < SIZE_MEASURE_EVERY_MS) return 'doc_too_large';
    this.docMeasuredAt = now;
    const written = this.docBytes - before.bytes;
    this.docBytes = Y.encodeStateAsUpdate(this.doc).byteLength;
    this.docMeasured = true;
    if (this.docBytes <= limit) return null;
    Object.assign(before, { bytes: Math.max(0, this.docBytes - written), measured: true });
    return 'doc_too_large';
  }

  /** After a write, other peers' waiting items whose dependencies have now arrived are applied, as theirs. */
  private retryPending(writer: Peer): void {
    if (!this.pendingByPeer.size) return;
    for (const [peer, pending] of [...this.pendingByPeer]) {
      if (peer === writer || !pendingMayApply(pending, this.doc)) continue;
      const verdict = this.deps.writePolicy(peer);
      if (verdict === 'drop') this.pendingByPeer.delete(peer);
      else {
        try {
          this.applyGated(peer, verdict, null);
        } catch {
          this.pendingByPeer.delete(peer);
          peer.socket.close(CloseCode.malformed, 'Yjs update could not be applied');
        }
      }
    }
  }
}

/** Whether a transaction integrated any new item (a write that only deletes adds none). */
function addedContent(tr: Y.Transaction): boolean {
  for (const [client, clock] of tr.afterState) if (clock > (tr.beforeState.get(client) ?? 0)) return true;
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
