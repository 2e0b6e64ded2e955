// Embedded storage on SQLite (better-sqlite3). Each Yjs document is an append-only log of
// updates plus at most one snapshot; compaction folds the log into the snapshot.
// WAL journal + synchronous=NORMAL: a committed write survives a process kill (kill -9), which
// is the durability the product promises; every accepted update is committed before it is relayed.
// The log is keyed (doc, seq) in one B-tree (WITHOUT ROWID), so appending an update writes one
// page to the WAL; a rowid table plus an index and AUTOINCREMENT's counter wrote three.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Role, TemplateKey } from '../shared/constants.js';
import { StartupError } from './dataDir.js';
import { HISTORY_TABLE_SQL } from './history/store.js';

export interface WorkshopRow {
  id: string;
  title: string;
  template: TemplateKey;
  createdAt: number;
  facilitatorHash: Buffer;
  participantHash: Buffer;
  observerHash: Buffer;
}

/** A person of a workshop: the identity the server issued to one browser for one role. */
export interface PersonRow {
  workshopId: string;
  id: string;
  role: Role;
  /** SHA-256 of the person token; the token itself is never stored. */
  tokenHash: Buffer;
  color: string;
  createdAt: number;
}

/** Schema version kept in PRAGMA user_version. 1: doc_updates as a rowid table; 2: WITHOUT ROWID. */
const SCHEMA_VERSION = 2;

/** SQLite's own threshold (pages of WAL) for checkpointing inside a commit. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** How often the checkpoint worker looks at the WAL's size. */
const WAL_POLL_MS = 50;
/** How many milliseconds boundWal waits at most for the worker's checkpoint to finish. */
const WAL_RESTART_ATTEMPTS = 200;
/**
 * Past seven eighths of the bound it waits as long as that takes (up to this many milliseconds, so
 * a stuck checkpoint cannot hang the server): on a starved machine the worker's checkpoint can take
 * longer than WAL_RESTART_ATTEMPTS, and the WAL went past its bound while turns gave up waiting.
 */
const WAL_RESTART_ATTEMPTS_NEAR_BOUND = 5_000;
/** Something to Atomics.wait on: a synchronous pause of the event loop, for boundWal only. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

export class Storage {
  readonly db: Database.Database;
  readonly file: string;
  private readonly stmts;
  private checkpointer: Worker | null = null;
  /** Past this WAL size the writer checkpoints and restarts the log (see boundWal); null without a checkpointer. */
  private walRestartAboveBytes: number | null = null;

  constructor(dataDir: string, fileName = 'scaleboard.db') {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, fileName);
    this.db = new Database(this.file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
      this.createTables();
    } catch (err) {
      this.db.close();
      throw unreadableDatabase(this.file, err);
    }
    this.stmts = this.prepareStatements();
  }

  private createTables(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS workshops (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        template TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        facilitator_hash BLOB NOT NULL,
        participant_hash BLOB NOT NULL,
        observer_hash BLOB NOT NULL
      );
      CREATE TABLE IF NOT EXISTS doc_updates (
        doc TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (doc, seq)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS doc_snapshots (
        doc TEXT PRIMARY KEY,
        upto_seq INTEGER NOT NULL,
        data BLOB NOT NULL
      );
      CREATE TABLE IF NOT EXISTS people (
        workshop_id TEXT NOT NULL,
        id TEXT NOT NULL,
        role TEXT NOT NULL,
        token_hash BLOB NOT NULL,
        color TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (workshop_id, id)
      );
      CREATE UNIQUE INDEX IF NOT EXISTS people_token_hash ON people (token_hash);
    `);
    // The append-only history (SPEC 8; server/history/store.ts): compaction never touches it.
    this.db.exec(HISTORY_TABLE_SQL);
  }

  private prepareStatements() {
    return {
      insertWorkshop: this.db.prepare(
        `INSERT INTO workshops (id, title, template, created_at, facilitator_hash, participant_hash, observer_hash)
         VALUES (@id, @title, @template, @createdAt, @facilitatorHash, @participantHash, @observerHash)`,
      ),
      getWorkshop: this.db.prepare(`SELECT * FROM workshops WHERE id = ?`),
      appendUpdate: this.db.prepare(`INSERT INTO doc_updates (doc, seq, data) VALUES (?, ?, ?)`),
      getSnapshot: this.db.prepare(`SELECT upto_seq, data FROM doc_snapshots WHERE doc = ?`),
      getUpdates: this.db.prepare(`SELECT seq, data FROM doc_updates WHERE doc = ? AND seq > ? ORDER BY seq`),
      putSnapshot: this.db.prepare(
        `INSERT INTO doc_snapshots (doc, upto_seq, data) VALUES (?, ?, ?)
         ON CONFLICT (doc) DO UPDATE SET upto_seq = excluded.upto_seq, data = excluded.data`,
      ),
      deleteUpdatesUpTo: this.db.prepare(`DELETE FROM doc_updates WHERE doc = ? AND seq <= ?`),
      insertPerson: this.db.prepare(
        `INSERT INTO people (workshop_id, id, role, token_hash, color, created_at)
         VALUES (@workshopId, @id, @role, @tokenHash, @color, @createdAt)`,
      ),
      getPersonByToken: this.db.prepare(`SELECT * FROM people WHERE workshop_id = ? AND token_hash = ?`),
      countPeople: this.db.prepare(`SELECT COUNT(*) AS n FROM people WHERE workshop_id = ?`),
      peopleColors: this.db.prepare(`SELECT color FROM people WHERE workshop_id = ?`),
      personIds: this.db.prepare(`SELECT id FROM people WHERE workshop_id = ?`),
      listDocs: this.db.prepare(
        `SELECT doc FROM doc_snapshots WHERE doc LIKE ? ESCAPE '\\'
         UNION SELECT DISTINCT doc FROM doc_updates WHERE doc LIKE ? ESCAPE '\\'`,
      ),
    };
  }

  createWorkshop(row: WorkshopRow): void {
    this.stmts.insertWorkshop.run(row);
  }

  getWorkshop(id: string): WorkshopRow | null {
    const r = this.stmts.getWorkshop.get(id) as Record<string, unknown> | undefined;
    if (!r) return null;
    return {
      id: r.id as string,
      title: r.title as string,
      template: r.template as TemplateKey,
      createdAt: r.created_at as number,
      facilitatorHash: r.facilitator_hash as Buffer,
      participantHash: r.participant_hash as Buffer,
      observerHash: r.observer_hash as Buffer,
    };
  }

  createPerson(row: PersonRow): void {
    this.stmts.insertPerson.run(row);
  }

  /** The person of workshop `workshopId` whose token hashes to `tokenHash`, or null. */
  findPersonByTokenHash(workshopId: string, tokenHash: Buffer): PersonRow | null {
    const r = this.stmts.getPersonByToken.get(workshopId, tokenHash) as Record<string, unknown> | undefined;
    if (!r) return null;
    return {
      workshopId: r.workshop_id as string,
      id: r.id as string,
      role: r.role as Role,
      tokenHash: r.token_hash as Buffer,
      color: r.color as string,
      createdAt: r.created_at as number,
    };
  }

  countPeople(workshopId: string): number {
    return (this.stmts.countPeople.get(workshopId) as { n: number }).n;
  }

  /** The colour of every person of a workshop (for assigning the next one). */
  peopleColors(workshopId: string): string[] {
    return (this.stmts.peopleColors.all(workshopId) as { color: string }[]).map((r) => r.color);
  }

  personIds(workshopId: string): string[] {
    return (this.stmts.personIds.all(workshopId) as { id: string }[]).map((r) => r.id);
  }

  /**
   * Brings a database written by an older version to SCHEMA_VERSION, in one transaction. Sequence
   * numbers are kept: they were global and increasing, so they stay increasing per document.
   */
  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    this.db.transaction(() => {
      const old = this.db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'doc_updates'`).get() as { sql: string } | undefined;
      if (old && !/WITHOUT ROWID/i.test(old.sql)) {
        this.db.exec(`
          CREATE TABLE doc_updates_v2 (doc TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc, seq)) WITHOUT ROWID;
          INSERT INTO doc_updates_v2 (doc, seq, data) SELECT doc, seq, data FROM doc_updates;
          DROP TABLE doc_updates;
          ALTER TABLE doc_updates_v2 RENAME TO doc_updates;
        `);
      }
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  /**
   * Moves WAL checkpoints off the event loop. By default SQLite checkpoints inside the commit
   * that grows the WAL past 1,000 pages, and that checkpoint's writes and fsync (milliseconds,
   * tens of them on a busy disk) would hold up every room. A worker thread with its own
   * connection checkpoints every `intervalMs` instead (PASSIVE: it never blocks a writer).
   * Should the worker fail, SQLite's own checkpoints come back on.
   *
   * PASSIVE alone does not bound the WAL: under sustained writes it never catches up with the
   * newest frame, so the log never starts over and grows without end (hundreds of MB a minute).
   * So once the WAL passes a quarter of `maxWalBytes` the worker checkpoints every WAL_POLL_MS
   * instead, copying most frames while commits go on, and past half of it the writer finishes
   * the job after a commit (boundWal): it copies what is left and the next commit starts the
   * log over, which `journal_size_limit` cuts back to a quarter of the bound.
   */
  startCheckpointer(opts: {
    intervalMs: number;
    maxWalBytes: number;
    onCheckpoint?: (r: CheckpointResult) => void;
    onError?: (err: Error) => void;
  }): void {
    if (this.checkpointer) return;
    this.db.pragma('wal_autocheckpoint = 0');
    this.db.pragma(`journal_size_limit = ${Math.floor(opts.maxWalBytes / 4)}`);
    this.walRestartAboveBytes = Math.floor(opts.maxWalBytes / 2);
    const workerData = { file: this.file, intervalMs: opts.intervalMs, pollMs: WAL_POLL_MS, eagerAboveBytes: Math.floor(opts.maxWalBytes / 4) };
    const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData });
    worker.unref();
    worker.on('message', (r: CheckpointResult) => opts.onCheckpoint?.(r));
    worker.on('error', (err) => {
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
      this.checkpointer = null;
      opts.onError?.(err);
    });
    this.checkpointer = worker;
  }

  /**
   * Keeps the WAL under its bound; called after each commit on the event loop (one stat, about a
   * microsecond). Past half the bound, checkpoint here and have the next commit start the log
   * over (RESTART): this turn waits for what the worker has not copied yet, and the WAL cannot
   * grow meanwhile. SQLite runs one checkpoint at a time and does not wait for another: while the
   * worker is mid-checkpoint this gives up at once, and the next commit tries again; past five
   * eighths of the bound it waits for the worker, a millisecond at a time (it takes a few), and
   * past seven eighths until the log restarts (WAL_RESTART_ATTEMPTS_NEAR_BOUND): the event loop
   * stalls rather than the WAL outgrowing its bound.
   */
  boundWal(): void {
    if (this.walRestartAboveBytes === null) return;
    const size = this.walBytes();
    if (size <= this.walRestartAboveBytes) return;
    const attempts = size > this.walRestartAboveBytes * 1.75 ? WAL_RESTART_ATTEMPTS_NEAR_BOUND : size > this.walRestartAboveBytes * 1.25 ? WAL_RESTART_ATTEMPTS : 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) Atomics.wait(PAUSE, 0, 0, 1);
      const [r] = this.db.pragma('wal_checkpoint(RESTART)') as { busy: number }[];
      if (!r?.busy) return;
    }
  }

  /** Size of the WAL file now, in bytes (0 when there is none). */
  walBytes(): number {
    try {
      return fs.statSync(`${this.file}-wal`).size;
    } catch {
      return 0;
    }
  }

  /** Appends one update durably as number `seq` of its document (one more than the last). */
  appendUpdate(doc: string, seq: number, update: Uint8Array): void {
    this.stmts.appendUpdate.run(doc, seq, update);
  }

  /** The snapshot (if any) and every update after it, in order. */
  loadDoc(doc: string): { snapshot: Uint8Array | null; updates: Uint8Array[]; lastSeq: number } {
    const snap = this.stmts.getSnapshot.get(doc) as { upto_seq: number; data: Buffer } | undefined;
    const rows = this.stmts.getUpdates.all(doc, snap?.upto_seq ?? 0) as { seq: number; data: Buffer }[];
    return {
      snapshot: snap ? new Uint8Array(snap.data) : null,
      updates: rows.map((r) => new Uint8Array(r.data)),
      lastSeq: rows.length ? rows[rows.length - 1]!.seq : (snap?.upto_seq ?? 0),
    };
  }

  /** Replaces the log up to `uptoSeq` by a snapshot that contains it, atomically. */
  compact(doc: string, uptoSeq: number, snapshot: Uint8Array): void {
    this.db.transaction(() => {
      this.stmts.putSnapshot.run(doc, uptoSeq, snapshot);
      this.stmts.deleteUpdatesUpTo.run(doc, uptoSeq);
    })();
    this.boundWal();
  }

  /**
   * Deletes a workshop and everything of it in one transaction: its row (and with it the role
   * token hashes), its people (and their token hashes), and every document (`<id>:…`: board,
   * control, private ones), update log and snapshot alike. False when there was no such workshop.
   */
  deleteWorkshop(id: string): boolean {
    // Document keys are `<id>:<name>` (workshop.ts docKey); ';' sorts right after ':', so this range
    // is exactly one workshop's documents, read off the primary key without a LIKE pattern.
    const from = `${id}:`;
    const to = `${id};`;
    return this.db.transaction(() => {
      this.db.prepare(`DELETE FROM doc_updates WHERE doc >= ? AND doc < ?`).run(from, to);
      this.db.prepare(`DELETE FROM doc_snapshots WHERE doc >= ? AND doc < ?`).run(from, to);
      this.db.prepare(`DELETE FROM people WHERE workshop_id = ?`).run(id);
      this.db.prepare(`DELETE FROM history WHERE workshop_id = ?`).run(id);
      return this.db.prepare(`DELETE FROM workshops WHERE id = ?`).run(id).changes > 0;
    })();
  }

  /** Names of stored documents that start with `prefix`. */
  listDocs(prefix: string): string[] {
    const like = prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    return (this.stmts.listDocs.all(like, like) as { doc: string }[]).map((r) => r.doc);
  }

  close(): void {
    // Stops the checkpoint worker (asynchronously). If its connection is still open when this one
    // closes, the WAL is not folded in now; SQLite does it on the next open, nothing is lost.
    void this.checkpointer?.terminate();
    this.checkpointer = null;
    if (this.db.open) this.db.close();
  }
}

/**
 * The checkpoint worker, as CommonJS source for an eval'd worker thread (it runs the same way
 * under tsx and from a bundle). Reports each checkpoint that moved frames; exits with its parent.
 */
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require('better-sqlite3');
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const walBytes = () => {
  try {
    return fs.statSync(workerData.file + '-wal').size;
  } catch {
    return 0;
  }
};
let last = 0;
setInterval(() => {
  const now = Date.now();
  if (now - last < workerData.intervalMs && walBytes() <= workerData.eagerAboveBytes) return;
  last = now;
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  if (r && r.checkpointed > 0) parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
}, workerData.pollMs);
`;

/** Why the database file cannot be used, in one sentence for the operator (see main.ts). */
function unreadableDatabase(file: string, err: unknown): Error {
  const code = (err as { code?: string }).code ?? '';
  if (!['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_IOERR'].some((c) => code.startsWith(c))) return err as Error;
  return new StartupError(
    `The database file ${file} cannot be used (${(err as Error).message}): ` +
      `restore it from a backup, or move it and its -wal and -shm files out of DATA_DIR to start with an empty one.`,
  );
}
