// The outbox and its commit: persist first, then relay. Every update the document takes (a client's
// accepted write, a revert, the server's own writes) waits here until the TurnWriter stores this
// turn's updates of every room in one commit (turnWriter.ts); only then are they relayed. A peer
// never sees an update that a crash could lose, and a failed commit relays nothing: the room closes
// its connections and is dropped from memory, to be loaded again from storage.
import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Peer } from '../socket.js';
import { CloseCode } from '../protocol.js';
import type { PendingRoom, RoomWriter } from '../turnWriter.js';
import type { RoomStorage, StoredLog } from './roomStorage.js';

/** An update the document took this turn, and the origin of its transaction (who made it). */
export interface Accepted {
  update: Uint8Array;
  origin: unknown;
}

export interface OutboxDeps {
  storage: Pick<RoomStorage, 'appendUpdate'>;
  turnWriter: RoomWriter;
  metrics: Metrics;
  log: Logger;
}

export class Outbox {
  private pending: Accepted[] = [];
  /** How many of `pending` (its first ones) were stored by the commit under way; take() relays only those. */
  private persisted = 0;
  /** A commit of this room failed (the room is being dropped). */
  failed = false;

  constructor(
    private readonly key: string,
    /** What the TurnWriter calls back (persistPending, dropPending, relayPersisted): the room. */
    private readonly room: PendingRoom,
    private readonly stored: StoredLog,
    private readonly peers: ReadonlyMap<Peer, unknown>,
    private readonly deps: OutboxDeps,
    /** After a failed commit, once the connections are closed: unload the room. */
    private readonly unload: () => void,
  ) {}

  get count(): number {
    return this.pending.length;
  }

  /** An update the document took: stored at the end of this turn, then relayed. */
  add(update: Uint8Array, origin: unknown): void {
    this.pending.push({ update, origin });
    this.deps.turnWriter.add(this.room);
  }

  /**
   * Makes the updates added since `mark` (a position given by `count`) one update, from no single
   * origin (so it reaches every peer, the writer included): a refused write and its undo are then
   * stored and relayed together, and no peer can apply the write without the undo.
   */
  joinSince(mark: number): void {
    if (mark < 0 || this.pending.length - mark < 2) return;
    const joined = this.pending.splice(mark);
    this.pending.push({ update: Y.mergeUpdates(joined.map((a) => a.update)), origin: undefined });
  }

  /** Stores now what this turn accepted (a sync reply or an unload must not overtake it). */
  flush(): void {
    if (this.pending.length) this.deps.turnWriter.flush();
  }

  /** Called inside the TurnWriter's transaction: appends the pending updates to the log. */
  persist(): void {
    // With SQLite the commit returns in the same turn; the cluster's writer awaits PostgreSQL, and
    // updates accepted meanwhile wait for the next commit (one commit per room is under way at a time).
    for (let i = this.persisted; i < this.pending.length; i++) {
      this.deps.storage.appendUpdate(this.key, ++this.stored.lastSeq, this.pending[i]!.update);
      this.stored.sinceSnapshot++;
    }
    this.persisted = this.pending.length;
  }

  /** The commit returned: what it stored, now free to relay. */
  take(): Accepted[] {
    let batch: Accepted[];
    if (this.persisted === this.pending.length) {
      batch = this.pending;
      this.pending = [];
    } else batch = this.pending.splice(0, this.persisted);
    this.persisted = 0;
    return batch;
  }

  /**
   * The commit failed: nothing of it may be relayed, nor stay in this document, or a later joiner
   * would receive what storage does not hold. So every connection closes (their clients still
   * hold their edits, resync and send them again) and the room is dropped: the next connection
   * loads it from storage.
   */
  fail(err: unknown): void {
    this.failed = true;
    this.pending = [];
    this.persisted = 0;
    this.deps.metrics.rejected.inc({ reason: 'persist_failed' });
    this.deps.log.error({ err, doc: this.key, peers: this.peers.size }, 'storing updates failed; closing the room to reload it from storage');
    for (const peer of this.peers.keys()) peer.socket.close(CloseCode.storageFailed, 'storage failed; reconnect');
    this.unload();
  }
}
