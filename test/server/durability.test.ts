// Durability: whatever a peer has seen survives a SIGKILL of the server; snapshots compact the
// log without losing anything, and a workshop reloads from storage after being unloaded.
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';
import { Storage } from '../../server/storage.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const track = (c: TestClient) => (cleanup.push(() => c.destroy()), c);
const notesOf = (d: Y.Doc) => d.getMap('notes').toJSON();

it('keeps every write another client saw through kill -9 and a restart', async () => {
  const server = await startTestServer();
  cleanup.push(() => server.stop());
  const ws = await createWorkshop(server);
  const writer = track(connectClient(server.wsUrl, ws.id, ws.tokens.participant));
  const watcher = track(connectClient(server.wsUrl, ws.id, ws.tokens.participant));
  await Promise.all([waitSynced(writer), waitSynced(watcher)]);

  const text = new Y.Text();
  putRecord(writer.doc, 'with-text', text);
  for (let i = 0; i < 200; i++) {
    putRecord(writer.doc, `n${i}`, { i, text: `note ${i}` });
    if (i % 10 === 0) text.insert(text.length, `${i};`);
  }
  await waitConverged([writer.doc, watcher.doc], notesOf);
  const seen = notesOf(watcher.doc);
  expect(Object.keys(seen)).toHaveLength(201);

  await server.kill9();
  writer.destroy();
  watcher.destroy();

  const restarted = await server.restart();
  cleanup.push(() => restarted.stop());
  const fresh = track(connectClient(restarted.wsUrl, ws.id, ws.tokens.observer));
  await waitSynced(fresh);
  await waitFor(() => fresh.doc.getMap('notes').size === 201, 10_000, 'all notes after restart');
  expect(notesOf(fresh.doc)).toEqual(seen);
});

it('compacts the update log into a snapshot and loads the same state', async () => {
  const server = await startTestServer({ env: { COMPACT_AFTER_UPDATES: '50', ROOM_IDLE_MS: '200' } });
  cleanup.push(() => server.stop());
  const ws = await createWorkshop(server);
  const a = track(connectClient(server.wsUrl, ws.id, ws.tokens.participant));
  await waitSynced(a);
  for (let i = 0; i < 180; i++) putRecord(a.doc, `n${i % 60}`, i);
  const b = track(connectClient(server.wsUrl, ws.id, ws.tokens.participant));
  await waitSynced(b);
  await waitConverged([a.doc, b.doc], notesOf);
  const expected = notesOf(a.doc);
  a.destroy();
  b.destroy();
  // With no connections, the workshop unloads after ROOM_IDLE_MS; the next client loads it from storage.
  await waitFor(() => server.logs.join('').includes('workshop unloaded'), 5_000, 'unload');
  const c = track(connectClient(server.wsUrl, ws.id, ws.tokens.observer));
  await waitSynced(c);
  await waitFor(() => c.doc.getMap('notes').size === 60, 5_000, 'reload');
  expect(notesOf(c.doc)).toEqual(expected);
  c.destroy();
  await server.stop();

  // The log was folded: far fewer stored updates than were written.
  const storage = new Storage(server.dataDir);
  cleanup.push(() => storage.close());
  const stored = storage.loadDoc(`${ws.id}:board`);
  expect(stored.snapshot).not.toBeNull();
  expect(stored.updates.length).toBeLessThan(50);
  const reloaded = new Y.Doc();
  Y.applyUpdate(reloaded, Y.mergeUpdates([stored.snapshot!, ...stored.updates]));
  expect(notesOf(reloaded)).toEqual(expected);
});

it('compacts once the room is quiet, not in the middle of a stream of edits, unless the log grows far past the threshold', async () => {
  const server = await startTestServer({ env: { COMPACT_AFTER_UPDATES: '40' } });
  cleanup.push(() => server.stop());
  const ws = await createWorkshop(server);
  const a = track(connectClient(server.wsUrl, ws.id, ws.tokens.participant));
  await waitSynced(a);
  const compactions = () => metricValue(server, 'scaleboard_compactions_total');
  const stream = async (n: number, gapMs: number) => {
    for (let i = 0; i < n; i++) {
      putRecord(a.doc, `n${i % 10}`, i);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  };
  // 60 updates, 25 ms apart: past the threshold of 40, but never a quiet second.
  await stream(60, 25);
  expect(await compactions()).toBe(0);
  // Then the room falls quiet: compacted within a second or so.
  await waitFor(async () => (await compactions()) === 1, 5_000, 'compaction after the room fell quiet');
  // A room that never pauses is compacted anyway once its log is 4x the threshold (160 updates).
  await stream(200, 5);
  expect(await compactions()).toBeGreaterThanOrEqual(2);
});

it('lets a client keep editing while the server is down and merges its edits on reconnect', async () => {
  const server = await startTestServer();
  cleanup.push(() => server.stop());
  const ws = await createWorkshop(server);
  const offline = track(connectClient(server.wsUrl, ws.id, ws.tokens.participant));
  const other = track(connectClient(server.wsUrl, ws.id, ws.tokens.participant));
  await Promise.all([waitSynced(offline), waitSynced(other)]);
  putRecord(offline.doc, 'before', 1);
  await waitFor(() => other.doc.getMap('notes').has('before'), 5_000, 'before');

  await server.kill9();
  // Both keep working locally while the server is gone.
  putRecord(offline.doc, 'while-down-a', 'a');
  putRecord(other.doc, 'while-down-b', 'b');

  const restarted = await server.restart();
  cleanup.push(() => restarted.stop());
  await waitConverged([offline.doc, other.doc], notesOf, 15_000);
  expect(Object.keys(notesOf(other.doc)).sort()).toEqual(['before', 'while-down-a', 'while-down-b']);
  const fresh = track(connectClient(restarted.wsUrl, ws.id, ws.tokens.observer));
  await waitSynced(fresh);
  await waitConverged([offline.doc, fresh.doc], notesOf);
});
