// The relay: what the room sends its peers, and how much. Stored updates go out merged (one message
// per peer for a turn's worth of edits, not one per update), presence goes out batched (one message
// per tick for changes, renewals later), and a peer that stopped reading is closed rather than
// allowed to hold the room's memory. Every message sent is counted here, once per broadcast.
import * as Y from 'yjs';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Peer } from '../socket.js';
import { CloseCode, encodeAwareness, encodeUpdate } from '../protocol.js';
import type { Accepted } from './outbox.js';

/** How long presence changes wait to be relayed together, and how long bare renewals may wait. */
const AWARENESS_CHANGE_DELAY_MS = 20;
const AWARENESS_RENEWAL_DELAY_MS = 5_000;
/** Most updates merged into one relayed message. */
const RELAY_MERGE_MAX = 16;

export interface RelayDeps {
  metrics: Metrics;
  log: Logger;
  maxBufferedBytes: number;
}

type AwarenessChanges = { added: number[]; updated: number[]; removed: number[] };

export class Relay {
  private pendingAwareness = new Set<number>();
  private awarenessTimer: NodeJS.Timeout | null = null;
  /** When the pending presence flush is due (performance.now()). */
  private awarenessDue = 0;
  /** Client ids whose presence state really changed in the awareness update being applied. */
  private awarenessChanged = new Set<number>();

  constructor(
    private readonly key: string,
    private readonly doc: Y.Doc,
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly peers: ReadonlyMap<Peer, unknown>,
    private readonly deps: RelayDeps,
  ) {
    // y-protocols emits 'change' (states that differ) just before 'update' (also bare renewals).
    awareness.on('change', this.onAwarenessChange);
    awareness.on('update', this.onAwarenessUpdate);
  }

  /**
   * Relays the updates stored in this turn, merged into few messages. Under load many updates
   * land in one turn (a join storm writes the roster once per joiner, twenty editors type at
   * once); one merged update per peer instead of one message per update per peer keeps the
   * fan-out, and every client's work, proportional to peers rather than peers × updates.
   * A peer's own updates come back to it only inside a merge with others' (harmless, and what
   * the stock server always does). Y.mergeUpdates grows faster than linearly, hence the chunks.
   */
  updates(batch: Accepted[]): void {
    if (!batch.length || !this.peers.size || this.doc.isDestroyed) return;
    for (let i = 0; i < batch.length; i += RELAY_MERGE_MAX) {
      const chunk = batch.slice(i, i + RELAY_MERGE_MAX);
      const origin = chunk.every((b) => b.origin === chunk[0]!.origin) ? chunk[0]!.origin : undefined;
      const message = encodeUpdate(chunk.length === 1 ? chunk[0]!.update : Y.mergeUpdates(chunk.map((b) => b.update)));
      this.broadcast(message, origin);
    }
  }

  send(peer: Peer, message: Uint8Array): void {
    if (this.write(peer, message)) this.countSent(1, message.byteLength);
  }

  /** Stops the presence timer (the room is unloaded). */
  stop(): void {
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
  }

  /**
   * Sends one message to every peer but `except`; counted once, not per peer (a room may hold 1,000).
   * Every peer gets the same Uint8Array, so the transport frames it once for all of them (server/ws.ts binaryFrame).
   */
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

  private onAwarenessChange = ({ added, updated, removed }: AwarenessChanges): void => {
    for (const ids of [added, updated, removed]) for (const id of ids) this.awarenessChanged.add(id);
  };

  private onAwarenessUpdate = ({ added, updated, removed }: AwarenessChanges): void => {
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
}
