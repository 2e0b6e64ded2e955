// Embedded storage on SQLite (better-sqlite3). Each Yjs document is an append-only log of
// updates plus at most one snapshot; compaction folds the log into the snapshot.
// WAL journal + synchronous=NORMAL: a committed write survives a process kill (kill -9), which
// is the durability the product promises; every accepted update is committed before it is relayed.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { TemplateKey } from '../shared/constants.js';

export interface WorkshopRow {
  id: string;
  title: string;
  template: TemplateKey;
  createdAt: number;
  facilitatorHash: Buffer;
  participantHash: Buffer;
  observerHash: Buffer;
}

export class Storage {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(dataDir: string, fileName = 'scaleboard.db') {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, fileName));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
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
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        data BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS doc_updates_doc ON doc_updates (doc, seq);
      CREATE TABLE IF NOT EXISTS doc_snapshots (
        doc TEXT PRIMARY KEY,
        upto_seq INTEGER NOT NULL,
        data BLOB NOT NULL
      );
    `);
    this.stmts = {
      insertWorkshop: this.db.prepare(
        `INSERT INTO workshops (id, title, template, created_at, facilitator_hash, participant_hash, observer_hash)
         VALUES (@id, @title, @template, @createdAt, @facilitatorHash, @participantHash, @observerHash)`,
      ),
      getWorkshop: this.db.prepare(`SELECT * FROM workshops WHERE id = ?`),
      appendUpdate: this.db.prepare(`INSERT INTO doc_updates (doc, data) VALUES (?, ?)`),
      getSnapshot: this.db.prepare(`SELECT upto_seq, data FROM doc_snapshots WHERE doc = ?`),
      getUpdates: this.db.prepare(`SELECT seq, data FROM doc_updates WHERE doc = ? AND seq > ? ORDER BY seq`),
      countUpdates: this.db.prepare(`SELECT COUNT(*) AS n FROM doc_updates WHERE doc = ?`),
      putSnapshot: this.db.prepare(
        `INSERT INTO doc_snapshots (doc, upto_seq, data) VALUES (?, ?, ?)
         ON CONFLICT (doc) DO UPDATE SET upto_seq = excluded.upto_seq, data = excluded.data`,
      ),
      deleteUpdatesUpTo: this.db.prepare(`DELETE FROM doc_updates WHERE doc = ? AND seq <= ?`),
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

  /** Appends one update durably; returns its sequence number. */
  appendUpdate(doc: string, update: Uint8Array): number {
    return Number(this.stmts.appendUpdate.run(doc, update).lastInsertRowid);
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

  countUpdates(doc: string): number {
    return (this.stmts.countUpdates.get(doc) as { n: number }).n;
  }

  /** Replaces the log up to `uptoSeq` by a snapshot that contains it, atomically. */
  compact(doc: string, uptoSeq: number, snapshot: Uint8Array): void {
    this.db.transaction(() => {
      this.stmts.putSnapshot.run(doc, uptoSeq, snapshot);
      this.stmts.deleteUpdatesUpTo.run(doc, uptoSeq);
    })();
  }

  /** Names of stored documents that start with `prefix`. */
  listDocs(prefix: string): string[] {
    const like = prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    return (this.stmts.listDocs.all(like, like) as { doc: string }[]).map((r) => r.doc);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
