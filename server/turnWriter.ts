// Persist first, then relay: the updates all rooms on one storage accept during an event-loop
// turn are stored in a single SQLite transaction at the end of that turn, and only then relayed.
// Under load that is one commit per turn instead of one per update, and a peer never sees an
// update that a crash could lose.
import type { Storage } from './storage.js';
import type { Metrics } from './metrics.js';

/** What a room gives the writer: its pending updates, stored, dropped or relayed. */
export interface PendingRoom {
  readonly pendingCount: number;
  /** Stores the pending updates (called inside the writer's transaction). */
  persistPending(): void;
  /** The transaction failed: nothing pending may be relayed. */
  dropPending(err: unknown): void;
  /** The transaction committed: relay what was stored. */
  relayPersisted(): void;
}

export class TurnWriter {
  private rooms = new Set<PendingRoom>();
  private scheduled = false;

  constructor(
    private readonly storage: Storage,
    private readonly metrics: Metrics,
  ) {}

  add(room: PendingRoom): void {
    this.rooms.add(room);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Stores and relays now (a sync reply or an unload must not overtake pending updates). */
  flush = (): void => {
    this.scheduled = false;
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
