// Storage: the schema migration keeps every stored update, and WAL checkpoints run in a worker
// thread instead of inside the commits on the event loop.
import { afterEach, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { Storage, type CheckpointResult } from '../../server/storage.js';
import { tempDataDir, waitFor } from '../helpers/server.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const tempDir = () => {
  const dir = tempDataDir();
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const open = (dir: string) => {
  const s = new Storage(dir);
  cleanup.push(() => s.close());
  return s;
};
const bytes = (...xs: number[]) => Uint8Array.from(xs);

it('migrates a version-1 database (rowid log) and keeps every update in order', () => {
  const dir = tempDir();
  // The layout the first release wrote: one global AUTOINCREMENT sequence over all documents.
  const old = new Database(path.join(dir, 'scaleboard.db'));
  old.exec(`
    CREATE TABLE doc_updates (doc TEXT NOT NULL, seq INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL);
    CREATE INDEX doc_updates_doc ON doc_updates (doc, seq);
    CREATE TABLE doc_snapshots (doc TEXT PRIMARY KEY, upto_seq INTEGER NOT NULL, data BLOB NOT NULL);
  `);
  const ins = old.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)');
  for (let i = 1; i <= 6; i++) ins.run(i % 2 ? 'w1:board' : 'w1:control', Buffer.from([i]));
  old.prepare('INSERT INTO doc_snapshots VALUES (?, ?, ?)').run('w1:board', 1, Buffer.from([0]));
  old.close();

  const storage = open(dir);
  expect(storage.db.pragma('user_version', { simple: true })).toBe(2);
  const ddl = storage.db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'doc_updates'`).get() as { sql: string };
  expect(ddl.sql).toMatch(/WITHOUT ROWID/);
  // Board: snapshot up to seq 1, then updates 3 and 5. Control: 2, 4, 6.
  const board = storage.loadDoc('w1:board');
  expect(board.snapshot).toEqual(bytes(0));
  expect(board.updates).toEqual([bytes(3), bytes(5)]);
  expect(board.lastSeq).toBe(5);
  const control = storage.loadDoc('w1:control');
  expect(control.updates).toEqual([bytes(2), bytes(4), bytes(6)]);

  // Appending continues each document's sequence; a sequence number is never written twice.
  storage.appendUpdate('w1:board', board.lastSeq + 1, bytes(7));
  expect(storage.loadDoc('w1:board').updates).toEqual([bytes(3), bytes(5), bytes(7)]);
  expect(() => storage.appendUpdate('w1:board', 6, bytes(8))).toThrow(/UNIQUE/);
  expect(storage.listDocs('w1:').sort()).toEqual(['w1:board', 'w1:control']);
});

it('opens an already migrated database without changing it', () => {
  const dir = tempDir();
  const first = new Storage(dir);
  first.appendUpdate('w2:board', 1, bytes(1));
  first.close();
  const again = open(dir);
  expect(again.loadDoc('w2:board')).toEqual({ snapshot: null, updates: [bytes(1)], lastSeq: 1 });
});

it('checkpoints the WAL from a worker thread, never inside a commit', async () => {
  const dir = tempDir();
  const storage = open(dir);
  const results: CheckpointResult[] = [];
  const maxWalBytes = 32 * 1024 * 1024;
  storage.startCheckpointer({ intervalMs: 20, maxWalBytes, onCheckpoint: (r) => results.push(r) });
  expect(storage.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  const data = new Uint8Array(3000).fill(7);
  for (let seq = 1; seq <= 200; seq++) storage.appendUpdate('w3:board', seq, data);
  await waitFor(() => results.some((r) => r.checkpointed === r.log && r.log > 0), 10_000, 'a complete checkpoint');
  // The pages are in the database file itself (it only grows when a checkpoint copies them),
  // while the writer's connection is still open and never checkpointed on its own.
  expect(fs.statSync(storage.file).size).toBeGreaterThan(200 * data.length);
  expect(storage.loadDoc('w3:board').updates).toHaveLength(200);
});
