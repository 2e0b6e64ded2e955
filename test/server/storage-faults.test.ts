// Storage that fails, against the real server and real SQLite:
// - a damaged stored update makes its own workshop unavailable (WebSocket close 4500, export 500)
//   while every other workshop goes on;
// - a commit that fails relays nothing: the room's connections close and the room is reloaded
//   from storage, so no one (a peer, a later joiner) receives what storage does not hold, and the
//   writer's edit arrives once its client reconnects and sends it again.
import { afterEach, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import path from 'node:path';
import * as Y from 'yjs';
import { connectClient, waitClosed, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const track = (c: TestClient) => (cleanup.push(() => c.destroy()), c);
const notesOf = (d: Y.Doc) => d.getMap('notes').toJSON();

it('answers a workshop with a damaged stored update with 4500 and a 500 export; every other workshop goes on', async () => {
  const server = await startTestServer();
  cleanup.push(() => server.stop());
  const good = await createWorkshop(server, { title: 'Good' });
  const bad = await createWorkshop(server, { title: 'Bad' });
  for (const w of [good, bad]) {
    const c = track(connectClient(server.wsUrl, w.id, w.tokens.participant));
    await waitSynced(c);
    putRecord(c.doc, 'before', `written to ${w.id}`);
    const check = track(connectClient(server.wsUrl, w.id, w.tokens.observer));
    await waitFor(() => recordValue(check.doc, 'before') !== undefined, 5_000, 'stored');
    c.destroy();
    check.destroy();
  }
  await server.stop();

  // Random bytes where one of the bad workshop's board updates belongs.
  const db = new Database(path.join(server.dataDir, 'scaleboard.db'));
  // (After the snapshot the server wrote when it unloaded the workshop.)
  const { seq } = db
    .prepare('SELECT MAX(s) AS seq FROM (SELECT upto_seq AS s FROM doc_snapshots WHERE doc = ? UNION ALL SELECT seq FROM doc_updates WHERE doc = ?)')
    .get(`${bad.id}:board`, `${bad.id}:board`) as { seq: number };
  db.prepare('INSERT INTO doc_updates (doc, seq, data) VALUES (?, ?, ?)').run(`${bad.id}:board`, seq + 1, crypto.randomBytes(256));
  db.close();

  const restarted = await server.restart();
  cleanup.push(() => restarted.stop());
  // The damaged workshop: its board and its control document both close with 4500.
  const badBoard = track(connectClient(restarted.wsUrl, bad.id, bad.tokens.participant));
  expect(await waitClosed(badBoard)).toEqual({ code: 4500, reason: 'workshop could not be loaded' });
  const badControl = track(connectClient(restarted.wsUrl, bad.id, bad.tokens.facilitator, { docName: 'control' }));
  expect((await waitClosed(badControl)).code).toBe(4500);
  badBoard.destroy(); // a stock client tries again (our app's client does not: 4500 is fatal to it)
  badControl.destroy();
  // Its export names the problem, not the internals.
  const badLog = await fetch(`${restarted.url}/api/workshops/${bad.id}/decision-log.json`, { headers: { authorization: `Bearer ${bad.tokens.observer}` } });
  expect(badLog.status).toBe(500);
  const body = (await badLog.json()) as { error: string };
  expect(body).toEqual({ error: 'workshop could not be loaded: its stored data is damaged' });

  // The server is up, and the other workshop syncs and stores as before.
  expect(restarted.proc.exitCode).toBe(null);
  expect((await fetch(`${restarted.url}/healthz`)).status).toBe(200);
  const a = track(connectClient(restarted.wsUrl, good.id, good.tokens.participant));
  const b = track(connectClient(restarted.wsUrl, good.id, good.tokens.participant));
  await Promise.all([waitSynced(a), waitSynced(b)]);
  expect(recordValue(a.doc, 'before')).toBe(`written to ${good.id}`);
  putRecord(a.doc, 'after', 'still syncing');
  await waitConverged([a.doc, b.doc], notesOf);
  expect(recordValue(b.doc, 'after')).toBe('still syncing');
  const goodLog = await fetch(`${restarted.url}/api/workshops/${good.id}/decision-log.json`, { headers: { authorization: `Bearer ${good.tokens.observer}` } });
  expect(goodLog.status).toBe(200);

  // Logged and counted.
  expect(await metricValue(restarted, 'scaleboard_ws_rejected_total', { reason: 'load_failed' })).toBeGreaterThanOrEqual(3);
  expect(restarted.logs.join('')).toMatch(/workshop could not be loaded/);
});

it('relays nothing of a failed commit: the room closes, reloads from storage, and the writer resends on reconnect', async () => {
  const MARK = 'unstored-edit';
  const server = await startTestServer({ env: { SCALEBOARD_TEST_FAULTS: '1', SCALEBOARD_FAULT_APPEND: MARK, SCALEBOARD_FAULT_APPEND_TIMES: '1' } });
  cleanup.push(() => server.stop());
  const w = await createWorkshop(server);
  const writer = track(connectClient(server.wsUrl, w.id, w.tokens.participant));
  const watcher = track(connectClient(server.wsUrl, w.id, w.tokens.participant));
  await Promise.all([waitSynced(writer), waitSynced(watcher)]);
  putRecord(writer.doc, 'stored', 'before the fault');
  await waitFor(() => recordValue(watcher.doc, 'stored') !== undefined, 5_000, 'a stored write relayed');

  // Whatever the watcher ever receives of the failed write, from any connection, is noticed.
  let leaked = false;
  let writerBack = false;
  watcher.doc.getMap('notes').observe(() => (leaked ||= watcher.doc.getMap('notes').has('failed') && !writerBack));
  // The writer stays away after the close, so a later joiner can look at the room without it.
  writer.provider.once('connection-close', () => writer.provider.disconnect());

  putRecord(writer.doc, 'failed', `${MARK}: storing this fails once`);
  // Every connection of the room closes with 1011, not only the writer's.
  expect((await waitClosed(writer)).code).toBe(1011);
  expect(await waitClosed(watcher)).toEqual({ code: 1011, reason: 'storage failed; reconnect' });
  expect(await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'persist_failed' })).toBe(1);

  // The watcher reconnects and resyncs from storage; a later joiner loads the room afresh.
  await waitSynced(watcher);
  const joiner = track(connectClient(server.wsUrl, w.id, w.tokens.observer));
  await waitSynced(joiner);
  for (const c of [watcher, joiner]) {
    expect(recordValue(c.doc, 'stored')).toBe('before the fault');
    expect(c.doc.getMap('notes').has('failed')).toBe(false);
  }
  expect(leaked).toBe(false);

  // The writer comes back: its client still holds the edit and sends it again; now it is stored.
  writerBack = true;
  writer.provider.connect();
  await waitSynced(writer);
  await waitConverged([writer.doc, watcher.doc, joiner.doc], notesOf);
  expect(recordValue(joiner.doc, 'failed')).toBe(`${MARK}: storing this fails once`);

  // Stored for real: it survives a restart.
  await server.stop();
  const restarted = await server.restart();
  cleanup.push(() => restarted.stop());
  const fresh = track(connectClient(restarted.wsUrl, w.id, w.tokens.observer));
  await waitSynced(fresh);
  expect(notesOf(fresh.doc)).toEqual(notesOf(writer.doc));
});
