// One Yjs document in memory with the peers connected to it, speaking the y-websocket protocol.
// The room coordinates; its parts, in server/room/, follow the path a message takes:
//   messages.ts      decode a frame into a tagged union (or refuse it)
//   writeGate.ts     who may write, what a write may touch (writeRules.ts), apply-judge-undo
//   presenceGate.ts  whose presence a peer may set, and as whom
//   outbox.ts        persist first (the TurnWriter's commit), then relay; a failed commit drops the room
//   relay.ts         fan-out, merged updates, batched presence, slow consumers
//   compaction.ts    folding the update log into a snapshot when the room is quiet
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Metrics } from './metrics.js';
import type { Logger } from './logger.js';
import type { Peer } from './socket.js';
import { encodeAwareness, encodeRefusal, encodeSyncStep1, encodeSyncStep2 } from './protocol.js';
import type { PendingRoom, RoomWriter } from './turnWriter.js';
import { loadStoredDoc } from './storedDoc.js';
import { Compaction } from './room/compaction.js';
import { MalformedMessageError, decodeMessage, messageLabel, type RoomMessage } from './room/messages.js';
import { ServerOrigin } from './room/origins.js';
import { Outbox } from './room/outbox.js';
import { PresenceGate } from './room/presenceGate.js';
import { Relay } from './room/relay.js';
import type { RoomStorage, StoredLog } from './room/roomStorage.js';
import { WriteGate, type WriteVerdict } from './room/writeGate.js';
import type { GateRules } from './room/writeRules.js';

export { ServerOrigin, type WriteVerdict };

export interface DocRoomDeps {
  storage: RoomStorage;
  /** Stores every room's updates at the end of each event-loop turn, then lets them relay (one per server). */
  turnWriter: RoomWriter;
  metrics: Metrics;
  log: Logger;
  compactAfterUpdates: number;
  maxBufferedBytes: number;
  /** Whether this peer may write this document right now (role, lock). */
  writePolicy: (peer: Peer) => WriteVerdict;
  /** Which roots clients may write and which only the server writes (see room/writeRules.ts). */
  gate: GateRules;
  /** Called after a client's write passed the gate, with its transaction (server-side rules react to it). */
  onAccepted?: (tr: Y.Transaction, peer: Peer) => void;
  /** Called when the room dropped itself after a failed commit (see room/outbox.ts): forget it. */
  onDropped?: (room: DocRoom) => void;
  /** Whether the workshop is anonymous now (see room/presenceGate.ts). */
  anonymous?: () => boolean;
}

export class DocRoom implements PendingRoom {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness: awarenessProtocol.Awareness;
  /** Connected peers and the awareness client ids each one introduced (see room/presenceGate.ts). */
  readonly peers = new Map<Peer, Set<number>>();
  private readonly gate: WriteGate;
  private readonly presence: PresenceGate;
  private readonly outbox: Outbox;
  private readonly relay: Relay;
  private readonly compaction: Compaction;

  constructor(
    readonly key: string,
    private readonly deps: DocRoomDeps,
  ) {
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null); // the server has no presence of its own
    let loaded: { stored: StoredLog; bytes: number };
    try {
      loaded = this.load();
    } catch (err) {
      // A damaged stored update: no room (the awareness's timer would keep this one alive).
      this.awareness.destroy();
      this.doc.destroy();
      throw err;
    }
    const { stored, bytes } = loaded;
    // The outbox is made below; the gate reaches it only once writes arrive.
    this.gate = new WriteGate(
      this.doc,
      deps,
      bytes,
      { mark: () => this.outbox.count, joinSince: (mark) => this.outbox.joinSince(mark) },
      (peer, reason) => this.send(peer, encodeRefusal(reason)),
    );
    this.presence = new PresenceGate(this.awareness, this.peers, this.gate.clientIds, deps.metrics, deps.anonymous);
    this.outbox = new Outbox(key, this, stored, this.peers, deps, this.unload);
    this.relay = new Relay(key, this.doc, this.awareness, this.peers, deps);
    // Not before the first peer's sync: compacting a long log takes a while and can wait for a
    // quiet second like any other compaction (loading counts as activity).
    this.compaction = new Compaction(key, this.doc, stored, deps, (size) => this.gate.measured(size));
    this.compaction.logGrew();
    this.doc.on('update', this.onDocUpdate);
  }

  private load(): { stored: StoredLog; bytes: number } {
    const t0 = performance.now();
    const { lastSeq, updatesSinceSnapshot, bytes } = loadStoredDoc(this.deps.storage, this.key, this.doc, ServerOrigin.load);
    this.deps.log.debug({ doc: this.key, updates: updatesSinceSnapshot, ms: performance.now() - t0 }, 'doc loaded');
    return { stored: { lastSeq, sinceSnapshot: updatesSinceSnapshot }, bytes };
  }

  // Every update the document takes, whoever made it: persisted first, then relayed (room/outbox.ts).
  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === ServerOrigin.load) return;
    this.compaction.touched();
    this.gate.grew(update.byteLength);
    this.outbox.add(update, origin);
  };

  join(peer: Peer): void {
    this.peers.set(peer, new Set());
    this.send(peer, encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length) this.send(peer, encodeAwareness(this.awareness, states));
  }

  leave(peer: Peer): void {
    this.gate.leave(peer);
    const introduced = this.peers.get(peer);
    if (!introduced) return;
    this.peers.delete(peer);
    this.presence.leave(peer, introduced);
  }

  send(peer: Peer, message: Uint8Array): void {
    this.relay.send(peer, message);
  }

  /**
   * Handles one binary message from a peer: decode, then act. Throws MalformedMessageError for
   * anything that is not a well-formed y-websocket message; the caller closes that connection only.
   */
  handleMessage(peer: Peer, data: Uint8Array): void {
    const message = this.decode(data);
    switch (message.type) {
      case 'syncStep1':
        // The reply holds the whole document: store what this turn accepted first.
        this.outbox.flush();
        this.send(peer, encodeSyncStep2(this.doc, message.stateVector));
        return;
      case 'syncUpdate':
        this.gate.write(peer, message.update);
        this.deps.turnWriter.flushIfFull(); // judged (and undone if refused): safe to store now
        return;
      case 'awareness':
        this.presence.receive(peer, message.update);
        return;
      case 'queryAwareness':
        this.send(peer, encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
        return;
      case 'auth':
        return; // tokens travel at upgrade only; nothing to do
    }
  }

  /** Decodes a frame and counts it as received (a malformed one too, once it said what kind it is). */
  private decode(data: Uint8Array): RoomMessage {
    const { messagesIn } = this.deps.metrics;
    let message: RoomMessage;
    try {
      message = decodeMessage(data);
    } catch (err) {
      if (err instanceof MalformedMessageError && err.received) messagesIn.inc({ type: err.received });
      throw err;
    }
    messagesIn.inc({ type: messageLabel(message) });
    return message;
  }

  // The TurnWriter's side (PendingRoom): it stores this room's updates with every other room's.

  get pendingCount(): number {
    return this.outbox.count;
  }

  /** Stores (then relays) now what this turn accepted, instead of at the end of the turn: for an
   * HTTP write whose answer says it is stored (a kill -9 right after the answer must not lose it). */
  commitNow(): boolean {
    this.outbox.flush();
    return !this.outbox.failed;
  }

  /** Called by the TurnWriter inside its transaction: stores this room's pending updates. */
  persistPending(): void {
    this.outbox.persist();
  }

  /** Called by the TurnWriter when the transaction failed: relays nothing, closes the room (room/outbox.ts). */
  dropPending(err: unknown): void {
    this.outbox.fail(err);
  }

  /** Called by the TurnWriter once the transaction committed: relays what it stored. */
  relayPersisted(): void {
    const batch = this.outbox.take();
    this.compaction.logGrew();
    this.relay.updates(batch);
  }

  /** Folds the update log into one snapshot. Safe at any time: the snapshot covers lastSeq. */
  compact(): void {
    this.compaction.compact();
  }

  destroy(): void {
    this.relay.stop();
    this.compaction.stop();
    this.outbox.flush();
    this.compact();
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** After a failed commit, once every connection is closed: never compacted or stored again, and forgotten. */
  private unload = (): void => {
    this.relay.stop();
    this.compaction.stop();
    this.awareness.destroy();
    this.doc.destroy(); // never compacted or stored again (compact() skips a destroyed doc)
    this.deps.onDropped?.(this);
  };
}
