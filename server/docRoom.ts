// One Yjs document in memory with the peers connected to it. It speaks the y-websocket protocol,
// persists every accepted update before relaying it, and enforces who may write.
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Storage } from './storage.js';
import type { Metrics } from './metrics.js';
import type { Logger } from './logger.js';
import type { Peer } from './socket.js';
import {
  CloseCode,
  MessageType,
  SyncType,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
} from './protocol.js';
import type { PendingRoom, TurnWriter } from './turnWriter.js';
import {
  AwarenessOwners,
  decodeAwarenessUpdate,
  encodeAwarenessEntries,
  isStaleAwareness,
  isStaleEntry,
  sanitizePresence,
  type AwarenessEntry,
} from './awarenessChecks.js';
import {
  ClientIdOwners,
  writtenClientIds,
  changedAnything,
  judge,
  pendingBytes,
  pendingMayApply,
  restorePending,
  takePending,
  type GateRules,
  type PendingWrites,
} from './writeGate.js';
import { loadStoredDoc } from './storedDoc.js';

/** Transaction origins the server uses for its own writes. */
export const ServerOrigin = { load: 'load', server: 'server' } as const;

/**
 * allow: apply. drop: ignore (observers; the sender's later writes stay unapplied, which is fine
 * for a peer that may never write). revert: apply, then undo at once with the server as origin,
 * so a participant whose write raced a lock keeps a contiguous history and can write again later.
 */
export type WriteVerdict = 'allow' | 'drop' | 'revert';

export interface DocRoomDeps {
  storage: Storage;
  /** Stores every room's updates at the end of each event-loop turn, then lets them relay (one per server). */
  turnWriter: TurnWriter;
  metrics: Metrics;
  log: Logger;
  compactAfterUpdates: number;
  maxBufferedBytes: number;
  /** Whether this peer may write this document right now (role, lock). */
  writePolicy: (peer: Peer) => WriteVerdict;
  /** Which roots clients may write and which only the server writes (see writeGate.ts). */
  gate: GateRules;
  /** Called after a client's write passed the gate, with its transaction (server-side rules react to it). */
  onAccepted?: (tr: Y.Transaction, peer: Peer) => void;
  /** Called when the room dropped itself after a failed commit (see dropPending): forget it. */
  onDropped?: (room: DocRoom) => void;
}

export class MalformedMessageError extends Error {}

/** How long presence changes wait to be relayed together, and how long bare renewals may wait. */
const AWARENESS_CHANGE_DELAY_MS = 20;
const AWARENESS_RENEWAL_DELAY_MS = 5_000;
/** Compaction waits for this long without updates in the room, up to a log of this many times the threshold. */
const COMPACT_QUIET_MS = 1_000;
const COMPACT_FORCE_FACTOR = 4;
/** Most updates merged into one relayed message. */
const RELAY_MERGE_MAX = 16;
/** Most awareness client ids one connection may introduce (an honest client has one). */
const MAX_AWARENESS_IDS_PER_PEER = 4;
/** Most bytes of updates one peer may have waiting for missing dependencies (an honest client has next to none). */
const MAX_PENDING_BYTES = 1024 * 1024;
/** A document past its size limit is measured at most this often. */
const SIZE_MEASURE_EVERY_MS = 1_000;

/** Whether a transaction integrated any new item (a write that only deletes adds none). */
function addedContent(tr: Y.Transaction): boolean {
  for (const [client, clock] of tr.afterState) if (clock > (tr.beforeState.get(client) ?? 0)) return true;
  return false;
}

export class DocRoom implements PendingRoom {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness: awarenessProtocol.Awareness;
  /** Connected peers and the awareness client ids each one introduced (see awarenessOwners). */
  readonly peers = new Map<Peer, Set<number>>();
  /** Which connection may set and remove which client id's presence. */
  private readonly awarenessOwners: AwarenessOwners;
  private updatesSinceSnapshot = 0;
  private lastSeq = 0;
  private compactTimer: NodeJS.Timeout | null = null;
  /** When the last update was accepted (performance.now()); compaction waits for a quiet room. */
  private lastUpdateAt = 0;
  private pendingAwareness = new Set<number>();
  private awarenessTimer: NodeJS.Timeout | null = null;
  /** When the pending presence flush is due (performance.now()). */
  private awarenessDue = 0;
  /** Client ids whose presence state really changed in the awareness update being applied. */
  private awarenessChanged = new Set<number>();
  /** Updates accepted this turn: stored at its end, then relayed together. */
  private outbox: { update: Uint8Array; origin: unknown }[] = [];
  /** Each peer's updates that wait for items they build on (see writeGate.ts). */
  private readonly pendingByPeer = new Map<Peer, PendingWrites>();
  /** Who may write under which Yjs client id (see writeGate.ts). */
  private readonly clientIds = new ClientIdOwners(() => this.doc.clientID);
  /**
   * A running estimate of the document's encoded size, for its size limit: the bytes of every
   * update since it was loaded, compacted or measured (an upper bound: overwritten and deleted
   * content counts until then). Past the limit the document is measured (see sizeRefusal).
   */
  private docBytes = 0;
  /** docBytes is a measurement, and nothing was written since. */
  private docMeasured = false;
  /** When the document was last measured (performance.now()). */
  private docMeasuredAt = -Infinity;

  constructor(
    readonly key: string,
    private readonly deps: DocRoomDeps,
  ) {
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null); // the server has no presence of its own
    this.awarenessOwners = new AwarenessOwners(new Set([this.awareness.clientID]), MAX_AWARENESS_IDS_PER_PEER);
    try {
      this.load();
    } catch (err) {
      // A damaged stored update: no room (the awareness's timer would keep this one alive).
      this.awareness.destroy();
      this.doc.destroy();
      throw err;
    }
    this.doc.on('update', this.onDocUpdate);
    // y-protocols emits 'change' (states that differ) just before 'update' (also bare renewals).
    this.awareness.on('change', this.onAwarenessChange);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  private load(): void {
    const t0 = performance.now();
    const { lastSeq, updatesSinceSnapshot, bytes } = loadStoredDoc(this.deps.storage, this.key, this.doc, ServerOrigin.load);
    this.lastSeq = lastSeq;
    this.docBytes = bytes;
    this.updatesSinceSnapshot = updatesSinceSnapshot;
    this.deps.log.debug({ doc: this.key, updates: updatesSinceSnapshot, ms: performance.now() - t0 }, 'doc loaded');
    // Not before the first peer's sync: compacting a long log takes a while and can wait for a
    // quiet second like any other compaction (loading counts as activity).
    this.lastUpdateAt = performance.now();
    if (this.updatesSinceSnapshot >= this.deps.compactAfterUpdates) this.scheduleCompaction();
  }

  // Persist first, then relay (see turnWriter.ts): a peer never sees an update that a crash could lose.
  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === ServerOrigin.load) return;
    this.lastUpdateAt = performance.now();
    this.docBytes += update.byteLength;
    this.docMeasured = false;
    this.outbox.push({ update, origin });
    this.deps.turnWriter.add(this);
  };

  get pendingCount(): number {
    return this.outbox.length;
  }

  /** Called by the TurnWriter inside its transaction: stores this room's pending updates. */
  persistPending(): void {
    for (const { update } of this.outbox) {
      this.deps.storage.appendUpdate(this.key, ++this.lastSeq, update);
      this.updatesSinceSnapshot++;
    }
  }

  /**
   * Called by the TurnWriter when the transaction failed: nothing of it may be relayed, nor stay
   * in this document, or a later joiner would receive what storage does not hold. So every
   * connection closes (their clients still hold their edits, resync and send them again) and the
   * room is dropped: the next connection loads it from storage.
   */
  dropPending(err: unknown): void {
    this.outbox = [];
    this.deps.metrics.rejected.inc({ reason: 'persist_failed' });
    this.deps.log.error({ err, doc: this.key, peers: this.peers.size }, 'storing updates failed; closing the room to reload it from storage');
    for (const peer of this.peers.keys()) peer.socket.close(CloseCode.storageFailed, 'storage failed; reconnect');
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    if (this.compactTimer) clearTimeout(this.compactTimer);
    this.awareness.destroy();
    this.doc.destroy(); // never compacted or stored again (compact() skips a destroyed doc)
    this.deps.onDropped?.(this);
  }

  /**
   * Relays the updates stored in this turn, merged into few messages. Under load many updates
   * land in one turn (a join storm writes the roster once per joiner, twenty editors type at
   * once); one merged update per peer instead of one message per update per peer keeps the
   * fan-out, and every client's work, proportional to peers rather than peers × updates.
   * A peer's own updates come back to it only inside a merge with others' (harmless, and what
   * the stock server always does). Y.mergeUpdates grows faster than linearly, hence the chunks.
   */
  relayPersisted(): void {
    const batch = this.outbox;
    this.outbox = [];
    if (this.updatesSinceSnapshot >= this.deps.compactAfterUpdates) this.scheduleCompaction();
    if (!batch.length || !this.peers.size || this.doc.isDestroyed) return;
    for (let i = 0; i < batch.length; i += RELAY_MERGE_MAX) {
      const chunk = batch.slice(i, i + RELAY_MERGE_MAX);
      const origin = chunk.every((b) => b.origin === chunk[0]!.origin) ? chunk[0]!.origin : undefined;
      const message = encodeUpdate(chunk.length === 1 ? chunk[0]!.update : Y.mergeUpdates(chunk.map((b) => b.update)));
      this.broadcast(message, origin);
    }
  }

  private onAwarenessChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    for (const ids of [added, updated, removed]) for (const id of ids) this.awarenessChanged.add(id);
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    let changed = false;
    for (const ids of [added, updated, removed]) {
      for (const id of ids) {
        this.pendingAwareness.add(id);
        if (this.awarenessChanged.has(id)) changed = true;
      }
    }
    this.awarenessChanged.clear();
    // Batch presence so a busy room sends one message per tick, not one per cursor move. Bare
    // renewals (every client re-announces itself every 15 s; peers drop a state after 30 s
    // without one) can wait longer: in a room of 1,000 they would otherwise be ~70 broadcasts
    // a second to everyone. They ride along with the next real change, or go out on their own.
    this.scheduleAwarenessFlush(changed ? AWARENESS_CHANGE_DELAY_MS : AWARENESS_RENEWAL_DELAY_MS);
  };

  private scheduleAwarenessFlush(delayMs: number): void {
    const due = performance.now() + delayMs;
    if (this.awarenessTimer) {
      if (this.awarenessDue <= due) return;
      clearTimeout(this.awarenessTimer);
    }
    this.awarenessDue = due;
    this.awarenessTimer = setTimeout(this.flushAwareness, delayMs);
  }

  private flushAwareness = (): void => {
    this.awarenessTimer = null;
    const ids = [...this.pendingAwareness];
    this.pendingAwareness.clear();
    if (!ids.length || !this.peers.size) return;
    const message = encodeAwareness(this.awareness, ids);
    this.broadcast(message);
  };

  join(peer: Peer): void {
    this.peers.set(peer, new Set());
    this.send(peer, encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length) this.send(peer, encodeAwareness(this.awareness, states));
  }

  leave(peer: Peer): void {
    this.pendingByPeer.delete(peer); // its client resends what is missing on its next sync
    if (peer.ephemeral) this.clientIds.release(peer.personId);
    const introduced = this.peers.get(peer);
    if (!introduced) return;
    this.peers.delete(peer);
    const held = this.awarenessOwners.release(peer, introduced);
    if (held.length) awarenessProtocol.removeAwarenessStates(this.awareness, held, null);
  }

  send(peer: Peer, message: Uint8Array): void {
    if (this.write(peer, message)) this.countSent(1, message.byteLength);
  }

  /** Sends one message to every peer but `except`; counted once, not per peer (a room may hold 1,000). */
  private broadcast(message: Uint8Array, except?: unknown): void {
    let sent = 0;
    for (const peer of this.peers.keys()) if (peer !== except && this.write(peer, message)) sent++;
    this.countSent(sent, message.byteLength);
  }

  private write(peer: Peer, message: Uint8Array): boolean {
    if (!peer.socket.isOpen()) return false;
    if (peer.socket.bufferedAmount() > this.deps.maxBufferedBytes) {
      // A peer that stopped reading must not hold the room's memory hostage; it will resync on reconnect.
      this.deps.metrics.rejected.inc({ reason: 'slow_consumer' });
      this.deps.log.warn({ doc: this.key, peer: peer.id }, 'closing slow consumer');
      peer.socket.close(CloseCode.slowConsumer, 'slow consumer');
      return false;
    }
    peer.socket.send(message);
    return true;
  }

  private countSent(messages: number, bytes: number): void {
    if (!messages) return;
    this.deps.metrics.messagesOut.inc(messages);
    this.deps.metrics.bytesOut.inc(messages * bytes);
  }

  /**
   * Handles one binary message from a peer. Throws MalformedMessageError for anything that is
   * not a well-formed y-websocket message; the caller closes that connection only.
   */
  handleMessage(peer: Peer, data: Uint8Array): void {
    const metrics = this.deps.metrics;
    let decoder: decoding.Decoder;
    let type: number;
    try {
      decoder = decoding.createDecoder(data);
      type = decoding.readVarUint(decoder);
    } catch {
      throw new MalformedMessageError('unreadable message type');
    }
    switch (type) {
      case MessageType.sync: {
        metrics.messagesIn.inc({ type: 'sync' });
        let sub: number;
        let payload: Uint8Array;
        try {
          sub = decoding.readVarUint(decoder);
          payload = decoding.readVarUint8Array(decoder);
        } catch {
          throw new MalformedMessageError('truncated sync message');
        }
        if (sub === SyncType.step1) {
          // The reply holds the whole document: store what this turn accepted first.
          if (this.outbox.length) this.deps.turnWriter.flush();
          try {
            this.send(peer, encodeSyncStep2(this.doc, payload));
          } catch {
            throw new MalformedMessageError('bad state vector');
          }
          return;
        }
        if (sub !== SyncType.step2 && sub !== SyncType.update) throw new MalformedMessageError('unknown sync type');
        this.applyClientUpdate(peer, payload);
        return;
      }
      case MessageType.awareness: {
        metrics.messagesIn.inc({ type: 'awareness' });
        let entries: AwarenessEntry[];
        try {
          const update = decoding.readVarUint8Array(decoder);
          // The stock client sends every awareness update it receives back to the server, so in
          // a room of n peers each presence change comes back n times: drop those echoes cheaply.
          if (isStaleAwareness(this.awareness, update)) return;
          entries = decodeAwarenessUpdate(update);
        } catch {
          throw new MalformedMessageError('malformed awareness update');
        }
        const introduced = this.peers.get(peer);
        if (!introduced) return;
        // A peer sets only the presence it introduced, and only as the identity the server gave it.
        const accepted: AwarenessEntry[] = [];
        for (const entry of entries) {
          if (isStaleEntry(this.awareness, entry)) continue; // an echo riding along
          const verdict = this.awarenessOwners.admit(peer, introduced, entry.clientId, entry.state === null);
          if (verdict !== 'own') {
            metrics.rejected.inc({ reason: `awareness_${verdict}` });
            continue;
          }
          // Presence announces the client id a person's document edits will carry (y-websocket uses
          // one id for both): it is theirs from now on, before anyone else can write under it.
          if (entry.state !== null && !this.clientIds.claim(peer.personId, [entry.clientId])) {
            metrics.rejected.inc({ reason: 'awareness_foreign' });
            continue;
          }
          accepted.push(entry.state === null ? entry : { ...entry, state: sanitizePresence(entry.state, peer) });
        }
        if (accepted.length) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), peer);
        return;
      }
      case MessageType.queryAwareness: {
        metrics.messagesIn.inc({ type: 'query_awareness' });
        this.send(peer, encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
        return;
      }
      case MessageType.auth:
        metrics.messagesIn.inc({ type: 'auth' });
        return; // tokens travel at upgrade only; nothing to do
      default:
        throw new MalformedMessageError('unknown message type');
    }
  }

  private applyClientUpdate(peer: Peer, update: Uint8Array): void {
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
    let tr: Y.Transaction | null = null;
    let failed = false;
    try {
      this.doc.transact((t) => {
        tr = t;
        // This peer's earlier items that waited for a dependency are retried with its update, and
        // only with its updates: never inside another writer's transaction (see writeGate.ts).
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
        this.doc.transact(() => {
          while (undo.canUndo()) undo.undo();
        }, ServerOrigin.server);
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

  /**
   * Compacts once the room has been quiet for COMPACT_QUIET_MS: encoding the whole document and
   * rewriting its snapshot takes milliseconds on the event loop, which a burst of edits would
   * otherwise wait behind. A room that never pauses is compacted anyway once its log reaches
   * COMPACT_FORCE_FACTOR times the threshold, so the log stays bounded.
   */
  private scheduleCompaction(): void {
    const forced = this.updatesSinceSnapshot >= COMPACT_FORCE_FACTOR * this.deps.compactAfterUpdates;
    const quietFor = performance.now() - this.lastUpdateAt;
    const delayMs = forced ? 0 : Math.max(0, COMPACT_QUIET_MS - quietFor);
    if (this.compactTimer) {
      if (!forced) return; // already waiting for the room to fall quiet
      clearTimeout(this.compactTimer);
    }
    this.compactTimer = setTimeout(() => {
      this.compactTimer = null;
      if (this.doc.isDestroyed) return;
      if (performance.now() - this.lastUpdateAt < COMPACT_QUIET_MS && !forced) return this.scheduleCompaction();
      this.compact();
    }, delayMs);
    this.compactTimer.unref();
  }

  /** Folds the update log into one snapshot. Safe at any time: the snapshot covers lastSeq. */
  compact(): void {
    if (this.updatesSinceSnapshot === 0 || this.doc.isDestroyed) return;
    const t0 = performance.now();
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.deps.storage.compact(this.key, this.lastSeq, snapshot);
    this.updatesSinceSnapshot = 0;
    this.docBytes = snapshot.byteLength;
    this.docMeasured = true;
    this.deps.metrics.compactions.inc();
    this.deps.log.debug({ doc: this.key, ms: performance.now() - t0 }, 'compacted');
  }

  destroy(): void {
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    if (this.compactTimer) clearTimeout(this.compactTimer);
    if (this.outbox.length) this.deps.turnWriter.flush();
    this.compact();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
