// A reconnect storm after a restart: 100 stock clients lose the server at the same instant and
// come back through client/sync/backoff.ts (full-jitter back-off). The server absorbs them all,
// the returns are spread out rather than synchronized, and the room converges.
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';
import { jitteredDelay, withJitteredBackoff } from '../../client/sync/backoff.js';

const CLIENTS = 100;

const servers: TestServer[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await Promise.all(servers.map((s) => s.stop()));
});

const notesOf = (d: Y.Doc) => d.getMap('notes').toJSON();

describe('jittered back-off', () => {
  it('draws each delay uniformly below a ceiling that doubles up to the maximum', () => {
    let s = 1;
    const random = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(3_000, 200 * 2 ** attempt);
      const delays = Array.from({ length: 400 }, () => jitteredDelay(attempt, { baseMs: 200, maxMs: 3_000, random }));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(ceiling);
      // Spread over the whole range, not bunched: both halves get a fair share.
      const low = delays.filter((d) => d < ceiling / 2).length;
      expect(low).toBeGreaterThan(120);
      expect(low).toBeLessThan(280);
    }
    expect(jitteredDelay(0, { random: () => 0.999 })).toBeLessThan(250);
    expect(jitteredDelay(50, { random: () => 0.999 })).toBeLessThan(5_000);
  });

  it('leaves final refusals and explicit disconnects alone', async () => {
    const server = await startTestServer();
    servers.push(server);
    const ws = await createWorkshop(server);
    // A refused token (4401) is final: no retries.
    const refused = connectClient(server.wsUrl, ws.id, 'wrong-token', { connect: false });
    clients.push(refused);
    withJitteredBackoff(refused.provider, { baseMs: 20, maxMs: 50 });
    let attempts = 0;
    refused.provider.on('status', ({ status }: { status: string }) => void (status === 'connecting' && attempts++));
    refused.provider.connect();
    await waitFor(() => refused.closeEvents.length > 0, 5_000, 'refusal');
    await new Promise((r) => setTimeout(r, 400));
    expect(refused.closeEvents.map((e) => e.code)).toEqual([4401]);
    expect(attempts).toBe(1);

    // A retry that is pending when the app disconnects never fires.
    const c = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
    clients.push(c);
    withJitteredBackoff(c.provider, { baseMs: 300, maxMs: 300, random: () => 0.99 });
    await waitSynced(c);
    await server.kill9();
    await waitFor(() => !c.provider.wsconnected, 5_000, 'drop');
    c.provider.disconnect();
    const again = await server.restart();
    servers.push(again);
    await new Promise((r) => setTimeout(r, 800));
    expect(c.provider.wsconnected).toBe(false);
    expect(c.provider.ws).toBeNull();
    // …and connecting again by hand still works.
    c.provider.connect();
    await waitSynced(c);
  });
});

describe('reconnect storm after a restart', () => {
  it(`absorbs ${CLIENTS} clients coming back at once, spread by jitter`, { timeout: 60_000 }, async () => {
    const server = await startTestServer();
    servers.push(server);
    const ws = await createWorkshop(server, { title: 'Storm' });
    const mine = Array.from({ length: CLIENTS }, () => connectClient(server.wsUrl, ws.id, ws.tokens.participant));
    clients.push(...mine);
    // Per client: when it lost the server, when it first tried again, when it was back, and the
    // first retry delay its back-off scheduled, as withJitteredBackoff reports it (recorded, not
    // timed: a busy machine delays timers, it does not change what was scheduled).
    const lostAt: number[] = new Array(CLIENTS).fill(NaN);
    const retriedAt: number[] = new Array(CLIENTS).fill(NaN);
    const backAt: number[] = new Array(CLIENTS).fill(NaN);
    const firstDelay: number[] = new Array(CLIENTS).fill(NaN);
    let stopping = false;
    let attempts = 0;
    mine.forEach((c, i) => {
      const onRetry = (delayMs: number, attempt: number) => {
        if (stopping && attempt === 0 && Number.isNaN(firstDelay[i]!)) firstDelay[i] = delayMs;
      };
      withJitteredBackoff(c.provider, { baseMs: 600, maxMs: 2_000, onRetry });
      c.provider.on('connection-close', () => {
        if (stopping && Number.isNaN(lostAt[i]!)) lostAt[i] = performance.now();
      });
      c.provider.on('status', ({ status }: { status: string }) => {
        if (!stopping) return;
        if (status === 'connecting') {
          attempts++;
          if (Number.isNaN(retriedAt[i]!)) retriedAt[i] = performance.now();
        }
        if (status === 'connected') backAt[i] = performance.now();
      });
    });
    await Promise.all(mine.map((c) => waitSynced(c, 20_000)));
    putRecord(mine[0]!.doc, 'before', 'the restart');
    await waitConverged(
      mine.map((c) => c.doc),
      notesOf,
    );

    // Restart: every client loses its connection at the same moment.
    stopping = true;
    await server.stop();
    const again = await server.restart();
    servers.push(again);

    await waitFor(() => mine.every((c) => c.provider.synced), 30_000, 'every client back and synced');
    expect(await metricValue(again, 'scaleboard_ws_connections')).toBe(CLIENTS);
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    expect(backAt.every((t) => Number.isFinite(t))).toBe(true);

    // Jitter: every client's first retry after the drop was scheduled at its own point in
    // [0, 600 ms), not in step (the stock provider alone retries every client after exactly
    // 200 ms), and no client retried before its delay was up.
    expect(firstDelay.every((d) => d >= 0 && d < 600)).toBe(true);
    const mean = firstDelay.reduce((a, b) => a + b, 0) / CLIENTS;
    const sd = Math.sqrt(firstDelay.reduce((a, d) => a + (d - mean) ** 2, 0) / CLIENTS);
    expect(sd, 'standard deviation of the first retry delay (ms)').toBeGreaterThan(100);
    expect(retriedAt.every((t, i) => t - lostAt[i]! >= firstDelay[i]! - 1)).toBe(true);
    // Back-off, not a busy loop: a handful of attempts per client while the server was down.
    expect(attempts).toBeLessThan(CLIENTS * 10);

    // The room works for everyone again: each client writes, all converge on the same board.
    mine.forEach((c, i) => putRecord(c.doc, `after-${i}`, i));
    await waitConverged(
      mine.map((c) => c.doc),
      notesOf,
      20_000,
    );
    expect(Object.keys(notesOf(mine[CLIENTS - 1]!.doc)).length).toBe(CLIENTS + 1);
  });
});
