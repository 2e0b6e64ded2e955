// Persist first, then relay: the updates all rooms on one storage accept during an event-loop
// turn are stored in a single SQLite transaction at the end of that turn, and only then relayed.
// Under load that is one commit per turn instead of one per update, and a peer never sees an
// update that a crash could lose.
import type { Metrics } from './metrics.js';

/**
 * What a room gives the writer: its pending updates, stored, dropped or relayed. With SQLite the
 * three calls come in one turn; the cluster's writer awaits PostgreSQL between persistPending and
 * relayPersisted, so what the room takes meanwhile must wait for the next persistPending, and
 * relayPersisted relays (and forgets) only what the last persistPending stored.
 */
export interface PendingRoom {
  readonly pendingCount: number;
  /** Stores the pending updates (called inside the writer's transaction). */
  persistPending(): void;
  /** The transaction failed: nothing pending may be relayed. */
  dropPending(err: unknown): void;
  /** The transaction committed: relay what was stored. */
  relayPersisted(): void;
}

/** What the writer needs of storage (the SQLite Storage, or a test's in-memory double). */
export interface CommitStorage {
  /** better-sqlite3's: `transaction(fn)()` runs fn between BEGIN and COMMIT, rolled back if it throws. */
  readonly db: { transaction(fn: () => void): () => void };
  /** Keeps the WAL under its bound, after each commit. */
  boundWal(): void;
}

/** What a room needs of its writer: this one (SQLite, synchronous) or the cluster's (server/cluster/pgWriter.ts). */
export interface RoomWriter {
  add(room: PendingRoom): void;
  /** Starts storing now what is pending (a sync reply or an unload must not overtake it). */
  flush(): void;
  /**
   * Stores now if this turn has gathered a commit's worth, called where nothing is half-judged
   * (after a message was handled): a starved event loop reads thousands of queued frames in one
   * turn, and one commit of them all would grow the WAL by megabytes at once, past its bound.
   */
  flushIfFull(): void;
}

/**
 * Most updates (and history rows) one commit takes: a commit of this many grows the WAL by a few
 * hundred KB, so boundWal, which runs between commits, keeps it under WAL_MAX_BYTES. A starved
 * turn once committed 6.6 MB of WAL frames at once (test/server/wal-bound.test.ts).
 */
export const MAX_UPDATES_PER_COMMIT = 256;

export class TurnWriter implements RoomWriter {
  private rooms = new Set<PendingRoom>();
  private scheduled = false;
  /** Updates added since the last flush (each add is one update or history row). */
  private added = 0;

  constructor(
    private readonly storage: CommitStorage,
    private readonly metrics: Metrics,
    /** Runs the flush at the end of this turn; a test may hold it and call flush() itself. */
    private readonly schedule: (flush: () => void) => void = (flush) => setImmediate(flush),
  ) {}

  add(room: PendingRoom): void {
    this.rooms.add(room);
    this.added++;
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.flush);
    }
  }

  /** Stores and relays now (a sync reply or an unload must not overtake pending updates). */
  flushIfFull(): void {
    if (this.added >= MAX_UPDATES_PER_COMMIT) this.flush();
  }

  flush = (): void => {
    this.scheduled = false;
    this.added = 0;
    const rooms = [...this.rooms];
    this.rooms.clear();
    if (!rooms.length) return;
    const end = this.metrics.persistLatency.startTimer();
    try {
      const store = () => rooms.forEach((r) => r.persistPending());
      // A lone update commits on its own; BEGIN/COMMIT around it would only add two statements.
      if (rooms.length === 1 && rooms[0]!.pendingCount === 1) store();
      else this.storage.db.transaction(store)();
    } catch (err) {
      rooms.forEach((r) => r.dropPending(err));
      return;
    } finally {
      end();
    }
    this.storage.boundWal();
    for (const r of rooms) r.relayPersisted();
  };
}
