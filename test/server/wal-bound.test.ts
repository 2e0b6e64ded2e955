// The SQLite WAL stays under WAL_MAX_BYTES however hard many rooms write (Storage.startCheckpointer
// and boundWal), and /metrics shows its size. Under sustained writes PASSIVE checkpoints alone
// never catch up, and the WAL grew by megabytes a second (20 to 120 MB in this test before the fix).
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import fs from 'node:fs';
import path from 'node:path';
import { createWorkshop, metricValue, startTestServer, waitFor } from '../helpers/server.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { updateFrame } from '../helpers/updates.js';
import { putRecord } from '../helpers/records.js';
import { connectClient, waitSynced } from '../helpers/clients.js';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const WAL_MAX_BYTES = 6 * 1024 * 1024;
const ROOMS = 20;
const WRITE_MS = 4_000;

it('keeps the WAL file under WAL_MAX_BYTES through seconds of hard writes across many rooms', async () => {
  const server = await startTestServer({
    env: {
      WAL_MAX_BYTES: String(WAL_MAX_BYTES),
      // Each writer sends about 500 updates a second, steadily: within its budget, never throttled.
      RATE_LIMIT_PER_SEC: '2000',
      RATE_LIMIT_BURST: '2000',
      LOG_LEVEL: 'warn',
    },
  });
  cleanup.push(() => server.stop());
  const wal = path.join(server.dataDir, 'scaleboard.db-wal');
  const walSize = () => (fs.existsSync(wal) ? fs.statSync(wal).size : 0);

  // One raw writer per workshop, each with a document of its own that it keeps adding impacts to
  // (a record root with no count limit; notes stop at 500 a board).
  const writers: { peer: RawPeer; doc: Y.Doc; frames: Uint8Array[]; id: string; token: string }[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const w = await createWorkshop(server, { title: `WAL ${r}` });
    const peer = await openRaw(`${server.wsUrl}/${w.id}?token=${w.tokens.participant}`);
    cleanup.push(() => peer.ws.close());
    const doc = new Y.Doc();
    const frames: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => frames.push(updateFrame(u)));
    writers.push({ peer, doc, frames, id: w.id, token: w.tokens.observer });
  }

  let sent = 0;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, walSize())), 2);
  cleanup.push(() => clearInterval(sampler));
  const end = Date.now() + WRITE_MS;
  const filler = 'x'.repeat(300);
  while (Date.now() < end) {
    for (const w of writers) {
      // One update per writer per millisecond tick, as fast as a steady writer goes: the commits
      // the server makes are one event-loop turn's worth, small and many, the case PASSIVE
      // checkpoints cannot keep up with.
      if (w.peer.ws.bufferedAmount > 16 * 1024) continue;
      putRecord(w.doc, `i${sent++}`, `${sent} ${filler}`, 'impacts');
      for (const f of w.frames.splice(0)) w.peer.ws.send(f);
    }
    peak = Math.max(peak, walSize());
    await new Promise((r) => setTimeout(r, 1));
  }
  peak = Math.max(peak, walSize());
  clearInterval(sampler);
  console.log(`WAL peak ${(peak / 2 ** 20).toFixed(2)} MB over ${sent} updates in ${WRITE_MS} ms (${ROOMS} rooms; bound ${WAL_MAX_BYTES / 2 ** 20} MB)`);
  expect(sent).toBeGreaterThan(4_000);
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThan(WAL_MAX_BYTES);

  // /metrics reports the WAL's size.
  const gauge = await metricValue(server, 'scaleboard_wal_bytes');
  expect(gauge).toBeLessThan(WAL_MAX_BYTES);
  expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^scaleboard_wal_bytes \d+/m);

  // Nothing was lost to the checkpoints: after a kill -9, a fresh client of the last room reads every record.
  const last = writers.at(-1)!;
  const expected = last.doc.getMap('impacts').size;
  // The server answers a sync step 1 after storing everything the connection sent before it.
  const seen = last.peer.received.length;
  last.peer.ws.send(syncStep1Frame(last.doc));
  await waitFor(() => last.peer.received.slice(seen).some((m) => m[0] === 0 && m[1] === 1), 10_000, 'sync step 2');
  await server.kill9();
  const restarted = await server.restart();
  cleanup.push(() => restarted.stop());
  const reader = connectClient(restarted.wsUrl, last.id, last.token);
  cleanup.push(() => reader.destroy());
  await waitSynced(reader);
  expect(expected).toBeGreaterThan(500);
  expect(reader.doc.getMap('impacts').size).toBe(expected);
});

function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeSyncStep1(e, doc);
  return encoding.toUint8Array(e);
}
