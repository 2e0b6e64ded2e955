// Compaction: folding a room's update log into one snapshot, so loading stays fast and the log
// bounded. It waits for a quiet second (encoding the whole document and rewriting its snapshot takes
// milliseconds on the event loop, which a burst of edits would otherwise wait behind), unless the
// log has grown to COMPACT_FORCE_FACTOR times the threshold.
import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RoomStorage, StoredLog } from './roomStorage.js';

/** Compaction waits for this long without updates in the room, up to a log of this many times the threshold. */
const COMPACT_QUIET_MS = 1_000;
const COMPACT_FORCE_FACTOR = 4;

export interface CompactionDeps {
  storage: Pick<RoomStorage, 'compact'>;
  metrics: Metrics;
  log: Logger;
  compactAfterUpdates: number;
}

export class Compaction {
  private timer: NodeJS.Timeout | null = null;
  /** When the last update was taken (performance.now()); loading counts as activity. */
  private lastUpdateAt = performance.now();

  constructor(
    private readonly key: string,
    private readonly doc: Y.Doc,
    private readonly stored: StoredLog,
    private readonly deps: CompactionDeps,
    /** Called with the snapshot's size after each compaction (the write gate's size estimate). */
    private readonly onCompacted: (bytes: number) => void,
  ) {}

  /** The document took an update: the room is not quiet. */
  touched(): void {
    this.lastUpdateAt = performance.now();
  }

  /** The log grew (loaded, or updates stored): schedules compaction once it reaches the threshold. */
  logGrew(): void {
    if (this.stored.sinceSnapshot >= this.deps.compactAfterUpdates) this.schedule();
  }

  /** Folds the update log into one snapshot. Safe at any time: the snapshot covers lastSeq. */
  compact(): void {
    if (this.stored.sinceSnapshot === 0 || this.doc.isDestroyed) return;
    const t0 = performance.now();
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.deps.storage.compact(this.key, this.stored.lastSeq, snapshot);
    this.stored.sinceSnapshot = 0;
    this.onCompacted(snapshot.byteLength);
    this.deps.metrics.compactions.inc();
    this.deps.log.debug({ doc: this.key, ms: performance.now() - t0 }, 'compacted');
  }

  /** Stops a scheduled compaction (the room is unloaded). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Compacts once the room has been quiet for COMPACT_QUIET_MS. A room that never pauses is
   * compacted anyway once its log reaches COMPACT_FORCE_FACTOR times the threshold, so the log
   * stays bounded.
   */
  private schedule(): void {
    const forced = this.stored.sinceSnapshot >= COMPACT_FORCE_FACTOR * this.deps.compactAfterUpdates;
    const quietFor = performance.now() - this.lastUpdateAt;
    const delayMs = forced ? 0 : Math.max(0, COMPACT_QUIET_MS - quietFor);
    if (this.timer) {
      if (!forced) return; // already waiting for the room to fall quiet
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.doc.isDestroyed) return;
      if (performance.now() - this.lastUpdateAt < COMPACT_QUIET_MS && !forced) return this.schedule();
      this.compact();
    }, delayMs);
    this.timer.unref();
  }
}
