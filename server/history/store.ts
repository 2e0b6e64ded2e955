// The history table: append-only, one row per accepted change of a workshop, with what restore
// needs (each record's value before and after, as JSON). Rows are only ever inserted, in the same
// SQLite transaction as the updates they describe (see recorder.ts); compaction never reads or
// writes this table, and deleting a workshop deletes its rows (storage.ts deleteWorkshop).
import type Database from 'better-sqlite3';
import type { Actor, HistoryDoc, HistoryEntryView, HistoryKind, RecordChange } from '../../shared/history.js';
import { deletedRecords, withAnonymity } from '../../shared/history.js';
import type { LogHistoryEntry } from '../../shared/log/types.js';

export const HISTORY_TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS history (
    workshop_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    person_id TEXT NOT NULL,
    person_name TEXT NOT NULL,
    role TEXT NOT NULL,
    stage TEXT NOT NULL,
    doc TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (workshop_id, seq)
  ) WITHOUT ROWID;
`;

/** An entry as stored, changes included (server only: the API shows HistoryEntryView). */
export interface HistoryEntry {
  seq: number;
  at: number;
  actor: Actor;
  stage: string;
  doc: HistoryDoc;
  kind: HistoryKind;
  text: string;
  changes: RecordChange[];
}

interface Row {
  seq: number;
  at: number;
  person_id: string;
  person_name: string;
  role: string;
  stage: string;
  doc: string;
  kind: string;
  text: string;
  changes: string;
}

const fromRow = (r: Row): HistoryEntry => ({
  seq: r.seq,
  at: r.at,
  actor: { id: r.person_id, name: r.person_name, role: r.role as Actor['role'] },
  stage: r.stage,
  doc: r.doc as HistoryDoc,
  kind: r.kind as HistoryKind,
  text: r.text,
  changes: JSON.parse(r.changes) as RecordChange[],
});

/** `gone`, when given, says whether a record is absent from the board now: an entry whose deletions are all back is not restorable. */
export const entryView = (e: HistoryEntry, gone?: (root: string, key: string) => boolean): HistoryEntryView => ({
  id: e.seq,
  at: new Date(e.at).toISOString(),
  person: e.actor,
  stage: e.stage,
  doc: e.doc,
  kind: e.kind,
  text: e.text,
  restorable: e.doc === 'board' && deletedRecords(e.changes).some((c) => !gone || gone(c.root, c.key)),
});

/** The entries as the decision log carries them (SPEC 8: `history`, and the Markdown appendix). */
export const logHistory = (entries: HistoryEntry[]): LogHistoryEntry[] =>
  entries.map((e) => ({ id: e.seq, at: new Date(e.at).toISOString(), person: e.actor.name, role: e.actor.role, stage: e.stage, text: e.text }));

/** What the recorder and restore use of a workshop's history: this SQLite store, or the cluster owner's (server/cluster/pgHistory.ts). */
export type HistoryLog = Pick<HistoryStore, 'insert' | 'lastSeq' | 'get' | 'list' | 'boardAfter'>;

export class HistoryStore implements HistoryLog {
  private readonly stmts;

  constructor(db: Database.Database) {
    db.exec(HISTORY_TABLE_SQL);
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO history (workshop_id, seq, at, person_id, person_name, role, stage, doc, kind, text, changes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      lastSeq: db.prepare(`SELECT MAX(seq) AS seq FROM history WHERE workshop_id = ?`),
      one: db.prepare(`SELECT * FROM history WHERE workshop_id = ? AND seq = ?`),
      all: db.prepare(`SELECT * FROM history WHERE workshop_id = ? ORDER BY seq`),
      after: db.prepare(`SELECT * FROM history WHERE workshop_id = ? AND seq > ? AND doc = 'board' ORDER BY seq`),
    };
  }

  insert(workshopId: string, e: HistoryEntry): void {
    this.stmts.insert.run(workshopId, e.seq, e.at, e.actor.id, e.actor.name, e.actor.role, e.stage, e.doc, e.kind, e.text, JSON.stringify(e.changes));
  }

  lastSeq(workshopId: string): number {
    return (this.stmts.lastSeq.get(workshopId) as { seq: number | null }).seq ?? 0;
  }

  get(workshopId: string, seq: number): HistoryEntry | null {
    const r = this.stmts.one.get(workshopId, seq) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** Every entry of a workshop, oldest first. */
  list(workshopId: string): HistoryEntry[] {
    return (this.stmts.all.all(workshopId) as Row[]).map(fromRow);
  }

  /** Every entry as it may be read (API, logs), oldest first: note authors hidden as anonymous mode says (withAnonymity). */
  readable(workshopId: string, anonymousNow: boolean): HistoryEntry[] {
    return withAnonymity(this.list(workshopId), anonymousNow);
  }

  /** The board's entries after `seq`, oldest first (what a rollback undoes). */
  boardAfter(workshopId: string, seq: number): HistoryEntry[] {
    return (this.stmts.after.all(workshopId, seq) as Row[]).map(fromRow);
  }
}
