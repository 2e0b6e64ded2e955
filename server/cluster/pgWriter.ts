// Persist first, then relay, on PostgreSQL: the owner's rooms are the same DocRooms as on one node
// (server/docRoom.ts), given this writer instead of the SQLite TurnWriter and this storage instead of
// SQLite. A room's updates accepted in a turn are stored in one transaction that checks the
// workshop's fencing epoch (pgStore.ts commit); only once it committed are they relayed
// (relayPersisted), and a failed commit relays nothing (dropPending). One commit per workshop is
// under way at a time; what is accepted meanwhile waits for the next one.
import type { PendingRoom, RoomWriter } from '../turnWriter.js';
import type { WorkshopStorage } from '../workshop.js';
import type { Metrics } from '../metrics.js';
import type { RoomSocket } from '../socket.js';
import type { Append, Compact, DocState, PgStore } from './pgStore.js';
import type { HistoryEntry, HistoryLog } from '../history/store.js';

/**
 * A workshop's documents as PostgreSQL held them when this node took it over: RoomStorage.loadDoc is
 * synchronous, so they are read first and each room is built from them. Nobody else can write the
 * workshop after the takeover (the epoch fences them), so this is the whole truth; a document not
 * in it is new. A room is loaded once: after a failed commit the whole workshop is let go and read again.
 */
export class PreloadedStorage implements WorkshopStorage {
  private readonly loaded = new Set<string>();
  private appends: Append[] = [];
  private historyRows: HistoryEntry[] = [];

  constructor(
    private readonly docs: Map<string, DocState>,
    /** This workshop's people when it was loaded, and each one who joined since. */
    readonly people: Set<string>,
    private readonly onCompact: (c: Compact) => void,
  ) {}

  loadDoc(doc: string): DocState {
    if (this.loaded.has(doc)) throw new Error(`document ${doc} was loaded already: the workshop must be loaded again from PostgreSQL`);
    this.loaded.add(doc);
    const state = this.docs.get(doc) ?? { snapshot: null, updates: [], lastSeq: 0 };
    this.docs.delete(doc);
    return state;
  }

  appendUpdate(doc: string, seq: number, update: Uint8Array): void {
    this.appends.push({ doc, seq, data: update });
  }

  /** What persistPending appended since the last call: the next commit's rows. */
  takeAppends(): { appends: Append[]; history: HistoryEntry[] } {
    const out = { appends: this.appends, history: this.historyRows };
    this.appends = [];
    this.historyRows = [];
    return out;
  }

  /** The workshop's stored history: as loaded, then each commit's entries once it returned. */
  private committedHistory: HistoryEntry[] = [];

  /** The workshop's history for its recorder (HistoryLog): reads what is stored; an insert goes into the next commit. */
  historyLog(entries: HistoryEntry[]): HistoryLog {
    this.committedHistory = entries;
    return {
      insert: (_workshopId, e) => void this.historyRows.push(e),
      lastSeq: () => this.committedHistory.at(-1)?.seq ?? 0,
      get: (_workshopId, seq) => this.committedHistory.find((e) => e.seq === seq) ?? null,
      list: () => [...this.committedHistory],
      boardAfter: (_workshopId, seq) => this.committedHistory.filter((e) => e.seq > seq && e.doc === 'board'),
    };
  }

  /** A commit with these history entries returned. */
  historyStored(entries: HistoryEntry[]): void {
    this.committedHistory.push(...entries);
  }

  compact(doc: string, uptoSeq: number, snapshot: Uint8Array): void {
    this.onCompact({ doc, uptoSeq, snapshot });
  }

  personIds(): string[] {
    return [...this.people];
  }

  listDocs(prefix: string): string[] {
    return [...new Set([...this.docs.keys(), ...this.loaded])].filter((k) => k.startsWith(prefix));
  }
}

export class PgWriter implements RoomWriter {
  private rooms = new Set<PendingRoom>();
  private compactions: Compact[] = [];
  private scheduled = false;
  private inFlight = false;
  /** Waiting for the commit after the one under way (they asked while updates were pending). */
  private nextWaiters: ((stored: boolean) => void)[] = [];
  /** Waiting for the commit under way. */
  private currentWaiters: ((stored: boolean) => void)[] = [];
  /** A commit failed: the workshop is being let go, nothing more is stored. */
  private failed = false;

  constructor(
    private readonly pg: PgStore,
    private readonly workshopId: string,
    private readonly epoch: number,
    readonly storage: PreloadedStorage,
    private readonly metrics: Metrics,
    /** A commit failed (FencedError when another node owns the workshop now): let the workshop go. */
    private readonly onFailure: (err: unknown) => void,
  ) {}

  add(room: PendingRoom): void {
    this.rooms.add(room);
    this.schedule();
  }

  /** PostgreSQL has no WAL bound of ours to keep: a commit takes whatever the turn gathered. */
  flushIfFull(): void {}

  compact(c: Compact): void {
    this.compactions.push(c);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  flush = (): void => {
    this.scheduled = false;
    if (this.inFlight || this.failed) return; // the commit under way starts the next one when it returns
    if (!this.rooms.size && !this.compactions.length) return;
    const rooms = [...this.rooms];
    this.rooms.clear();
    for (const r of rooms) r.persistPending();
    const { appends, history } = this.storage.takeAppends();
    const compactions = this.compactions;
    this.compactions = [];
    this.currentWaiters = this.nextWaiters;
    this.nextWaiters = [];
    this.inFlight = true;
    const end = this.metrics.persistLatency.startTimer();
    this.pg.commit(this.workshopId, this.epoch, appends, compactions, history).then(
      () => {
        end();
        this.inFlight = false;
        this.storage.historyStored(history);
        for (const r of rooms) r.relayPersisted();
        this.settle(true);
        if (this.rooms.size || this.compactions.length) this.flush();
      },
      (err: unknown) => {
        end();
        this.inFlight = false;
        this.failed = true;
        this.onFailure(err);
        for (const r of rooms) r.dropPending(err);
        for (const r of this.rooms) r.dropPending(err);
        this.rooms.clear();
        this.settle(false);
        this.nextWaiters.forEach((w) => w(false));
        this.nextWaiters = [];
      },
    );
  };

  private settle(stored: boolean): void {
    const waiters = this.currentWaiters;
    this.currentWaiters = [];
    waiters.forEach((w) => w(stored));
  }

  /**
   * Resolves once everything accepted so far is committed (true) or could not be (false): a sync
   * reply, which holds the whole document, waits for it, and so does an HTTP write's answer.
   */
  whenCommitted(): Promise<boolean> {
    if (this.failed) return Promise.resolve(false);
    if (this.rooms.size || this.compactions.length) {
      this.schedule();
      return new Promise((resolve) => this.nextWaiters.push(resolve));
    }
    if (this.inFlight) return new Promise((resolve) => this.currentWaiters.push(resolve));
    return Promise.resolve(true);
  }

  /** Nothing pending and nothing under way, or nothing more will be (a workshop let go waits for this before its lease goes). */
  get idle(): boolean {
    return this.failed || !this.inFlight && !this.rooms.size && !this.compactions.length;
  }
}

/**
 * A peer's socket on the owner, which can hold what the room sends it until a commit returns: the
 * reply to a sync request holds the whole document, updates not yet committed included, so it
 * (and everything after it, to keep the order) waits until they are stored.
 */
export class HeldSocket implements RoomSocket {
  private holds = 0;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;

  constructor(private readonly inner: RoomSocket) {}

  holdUntil(committed: Promise<boolean>): void {
    this.holds++;
    void committed.then(() => {
      if (--this.holds > 0) return;
      const queue = this.queue;
      this.queue = [];
      this.queuedBytes = 0;
      for (const message of queue) if (this.inner.isOpen()) this.inner.send(message);
    });
  }

  send(data: Uint8Array): void {
    if (this.holds === 0) return this.inner.send(data);
    this.queue.push(data);
    this.queuedBytes += data.byteLength;
  }

  close(code: number, reason: string): void {
    this.inner.close(code, reason);
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  bufferedAmount(): number {
    return this.inner.bufferedAmount() + this.queuedBytes;
  }
}
