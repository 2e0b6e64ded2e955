// A slow consumer (a peer that completes the handshake and then stops reading) must neither
// stall its room nor make the server buffer without bound: once the bytes queued for it pass
// MAX_BUFFERED_BYTES the server closes it (1013), and everyone else keeps getting updates promptly.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';

const MAX_BUFFERED = 256 * 1024;
const BLOB = 60 * 1000;

let server: TestServer;
let ws: CreatedWorkshop;
const clients: TestClient[] = [];
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});
beforeAll(async () => {
  server = await startTestServer({ env: { MAX_BUFFERED_BYTES: String(MAX_BUFFERED) } });
  ws = await createWorkshop(server, { title: 'Slow consumer' });
});

const rssOf = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

describe('a peer that stops reading', () => {
  it('is closed once its buffer passes the limit, while the room keeps flowing', { timeout: 45_000 }, async () => {
    const writer = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
    const reader = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
    clients.push(writer, reader);
    await Promise.all([waitSynced(writer), waitSynced(reader)]);

    // The slow consumer: a real WebSocket that joins the room and then stops reading its socket.
    const slow = new WebSocket(`${server.wsUrl}/${ws.id}?token=${ws.tokens.participant}`);
    let slowBytes = 0;
    slow.on('message', (d: Buffer) => void (slowBytes += d.length));
    slow.on('error', () => undefined);
    const slowClosed = new Promise<number>((resolve) => slow.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      slow.once('open', () => resolve());
      slow.once('error', reject);
    });
    slow.pause();

    const before = await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'slow_consumer' });
    const rssBefore = rssOf(server.proc.pid!);
    let rssPeak = rssBefore;

    // Flood: big presence states at 50 Hz (fanned out to every peer), plus a small note edit
    // every 100 ms whose arrival time at the reader is what "prompt" is measured on.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    reader.doc.getMap('notes').observe((e) => {
      for (const k of e.keysChanged) {
        const t = sentAt.get(k);
        if (t !== undefined) latencies.push(performance.now() - t);
      }
    });
    let floodBytes = 0;
    let tick = 0;
    const flood = setInterval(() => {
      tick++;
      // Presence fields are capped (strings of 1,000 characters, lists of 64): a big state is many parts.
      writer.provider.awareness.setLocalStateField('blob', Array.from({ length: BLOB / 1000 }, (_, i) => `${tick}:${i}:`.padEnd(1000, 'x')));
      floodBytes += BLOB;
      if (tick % 5 === 0) {
        const key = `marker-${tick}`;
        sentAt.set(key, performance.now());
        putRecord(writer.doc, key, tick);
      }
      rssPeak = Math.max(rssPeak, rssOf(server.proc.pid!));
    }, 20);
    // Markers the reader had received by the time the server gave up on the slow peer: a room
    // that waited for the slow peer would have delivered none of them while it sat there.
    let deliveredWhileSlowPeerConnected = 0;
    try {
      await waitFor(
        async () => {
          const delivered = latencies.length;
          const closed = (await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'slow_consumer' })) > before;
          if (!closed) deliveredWhileSlowPeerConnected = delivered;
          return closed;
        },
        30_000,
        'the server to close the slow consumer',
      );
      // Keep the room busy a little longer: it must not care that the slow peer is gone.
      const markersAtClose = sentAt.size;
      await waitFor(() => sentAt.size >= markersAtClose + 25, 15_000, 'more markers after the close');
    } finally {
      clearInterval(flood);
    }

    // Every marker reached the reader, and many of them while the slow peer still sat on its
    // socket: the room never waited for it. (Latency figures belong to `npm run bench`, not here.)
    await waitFor(() => latencies.length === sentAt.size, 10_000, 'all markers at the reader');
    expect(deliveredWhileSlowPeerConnected).toBeGreaterThanOrEqual(3);

    // The slow peer got at most what the kernel buffers and the limit hold, then a 1013 close.
    slow.resume();
    expect(await slowClosed).toBe(1013);
    expect(slowBytes).toBeLessThan(floodBytes / 2);

    // The server did not keep the flood for the slow peer in memory.
    expect(rssPeak - rssBefore).toBeLessThan(96 * 1024 * 1024);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // And the room still works both ways.
    putRecord(reader.doc, 'after', 'still here');
    await waitFor(() => recordValue(writer.doc, 'after') === 'still here', 5_000, 'write after the flood');
  });
});
