// The per-connection message budget, tested as an attacker would use it: raw frames at the real
// server. Past the budget a connection's messages are processed no faster than the configured
// rate (read from /metrics, bounded by burst + rate × measured elapsed time), a connection that
// keeps flooding is closed with 1008, and the rest of the room keeps working meanwhile. A burst
// from a stock client that stays below the close threshold is throttled, not lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';

const RATE = 100;
const BURST = 50;
/** Messages the calm clients themselves may send during a measurement (an edit, presence). */
const SLACK = 20;
const FLOOD = 3_000;

const servers: TestServer[] = [];
const clients: TestClient[] = [];
const raws: RawPeer[] = [];
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  raws.forEach((r) => r.ws.terminate());
  await Promise.all(servers.map((s) => s.stop()));
});

async function serverWith(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer({ env });
  servers.push(server);
  return server;
}

/**
 * `count` valid sync-update frames from one Yjs client, each adding one record to the board (to
 * `impacts`: notes stop at 500 a board, shared/limits.ts).
 */
function noteUpdateFrames(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const frames: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // y-websocket: sync message
    syncProtocol.writeUpdate(e, update);
    frames.push(encoding.toUint8Array(e));
  });
  const records = doc.getMap(FLOOD_ROOT);
  for (let i = 0; i < count; i++) records.set(`flood-${i}`, note(`flood-${i}`, `flood ${i}`));
  doc.destroy();
  return frames;
}

async function rawFlooder(server: TestServer, ws: CreatedWorkshop): Promise<RawPeer> {
  const peer = await openRaw(`${server.wsUrl}/${ws.id}?token=${ws.tokens.participant}`);
  raws.push(peer);
  expect(peer.ws.readyState).toBe(peer.ws.OPEN);
  return peer;
}

/** Sends every frame at once, the way a script would: as few TCP writes as it can. */
function blast(peer: RawPeer, frames: Uint8Array[]): void {
  // ws's own socket, corked: thousands of frames leave in a handful of large writes.
  const socket = (peer.ws as unknown as { _socket: import('node:net').Socket })._socket;
  socket.cork();
  for (const f of frames) peer.ws.send(f);
  socket.uncork();
}

/** A note as the board stores it (a Y.Map), so every reader of the board can read the flood. */
function note(id: string, text: string): Y.Map<unknown> {
  const m = new Y.Map<unknown>();
  m.set('id', id);
  m.set('lane', 'product');
  m.set('text', text);
  return m;
}
const noteText = (doc: Y.Doc, id: string, root = 'notes'): unknown => (doc.getMap(root).get(id) as Y.Map<unknown> | undefined)?.get('text');
/** Where floods write: a record root without a count limit (notes stop at 500 a board). */
const FLOOD_ROOT = 'impacts';

const processed = (server: TestServer) => metricValue(server, 'scaleboard_ws_messages_received_total');
const rejected = (server: TestServer, reason: string) => metricValue(server, 'scaleboard_ws_rejected_total', { reason });

describe('a raw connection flooding valid updates', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serverWith({
      RATE_LIMIT_PER_SEC: String(RATE),
      RATE_LIMIT_BURST: String(BURST),
      // Only the time bound closes it here, so the throttled rate can be measured first.
      RATE_LIMIT_MAX_QUEUED: '1000000',
      RATE_LIMIT_CLOSE_AFTER_MS: '3000',
    });
  });

  it('is processed no faster than burst + rate × elapsed, then closed with 1008, while calm peers keep working', async () => {
    const ws = await createWorkshop(server);
    const calm = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
    const watcher = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator);
    clients.push(calm, watcher);
    await Promise.all([waitSynced(calm), waitSynced(watcher)]);
    const peer = await rawFlooder(server, ws);
    const frames = noteUpdateFrames(FLOOD);

    const t0 = performance.now();
    const before = await processed(server);
    const throttledBefore = await rejected(server, 'throttled');
    blast(peer, frames);

    // Honest peers in the same room, during the flood.
    calm.doc.getMap('notes').set('calm', note('calm', 'still heard'));
    await waitFor(() => noteText(watcher.doc, 'calm') === 'still heard', 2_000, 'a calm edit during the flood');
    expect(peer.ws.readyState).toBe(peer.ws.OPEN); // the flood was still going on
    // The calm edit did not wait its turn behind the flood: when it arrived, the watcher had only
    // what the flooder's budget allows so far (without the budget all 3,000 are processed in a
    // few hundred ms, ahead of an edit sent after them).
    const floodSeen = watcher.doc.getMap(FLOOD_ROOT).size;
    expect(floodSeen).toBeLessThanOrEqual(BURST + RATE * ((performance.now() - t0) / 1000) + SLACK);
    expect(floodSeen).toBeLessThan(FLOOD / 2);

    await new Promise((r) => setTimeout(r, 1_500));
    const mid = await processed(server);
    const midElapsed = (performance.now() - t0) / 1000;
    expect(mid - before).toBeLessThanOrEqual(BURST + RATE * midElapsed + SLACK);
    expect(mid - before).toBeGreaterThan(BURST); // throttled, not stalled: it drains at the rate

    // It never falls back below its rate, so after RATE_LIMIT_CLOSE_AFTER_MS it is closed.
    const closed = await Promise.race([peer.closed, new Promise<null>((r) => setTimeout(() => r(null), 8_000))]);
    expect(closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    const after = await processed(server);
    const elapsed = (performance.now() - t0) / 1000;
    expect(after - before).toBeLessThanOrEqual(BURST + RATE * elapsed + SLACK);
    expect(after - before).toBeLessThan(FLOOD); // most of the flood was never processed
    expect(await rejected(server, 'rate_limited_closed')).toBe(1);
    // Counted once per throttle episode (here one: it never calmed down), not once per message.
    const episodes = (await rejected(server, 'throttled')) - throttledBefore;
    expect(episodes).toBeGreaterThanOrEqual(1);
    expect(episodes).toBeLessThanOrEqual(3);

    // The room still works after the flooder is gone.
    calm.doc.getMap('notes').set('after', note('after', 'the flood'));
    await waitFor(() => noteText(watcher.doc, 'after') === 'the flood', 5_000, 'an edit after the flood');
    expect(calm.closeEvents).toEqual([]);
    expect(watcher.closeEvents).toEqual([]);
  });
});

describe('a raw connection queueing more than RATE_LIMIT_MAX_QUEUED', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serverWith({
      RATE_LIMIT_PER_SEC: String(RATE),
      RATE_LIMIT_BURST: String(BURST),
      // RATE_LIMIT_MAX_QUEUED defaults to the burst; the time bound is out of reach here.
      RATE_LIMIT_CLOSE_AFTER_MS: '600000',
    });
  });

  it('is closed with 1008 at once, having had no more than its budget processed', async () => {
    const ws = await createWorkshop(server);
    const peer = await rawFlooder(server, ws);
    const t0 = performance.now();
    const before = await processed(server);
    blast(peer, noteUpdateFrames(FLOOD));
    const closed = await Promise.race([peer.closed, new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
    expect(closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    const elapsed = (performance.now() - t0) / 1000;
    expect((await processed(server)) - before).toBeLessThanOrEqual(BURST + RATE * elapsed + SLACK);
    expect(await rejected(server, 'rate_limited_closed')).toBe(1);
    expect(server.logs.join('')).toContain('rate limit exceeded; closing');
  });
});

describe('a stock client sending a burst below the close threshold', () => {
  let server: TestServer;
  beforeAll(async () => {
    // 1,000 updates: 100 pass at once, the rest wait (fewer than RATE_LIMIT_MAX_QUEUED) and
    // drain in about 2 s, well within RATE_LIMIT_CLOSE_AFTER_MS.
    server = await serverWith({ RATE_LIMIT_PER_SEC: '500', RATE_LIMIT_BURST: '100', RATE_LIMIT_MAX_QUEUED: '2000', RATE_LIMIT_CLOSE_AFTER_MS: '10000' });
  });

  it('is throttled without losing a message or stalling others', async () => {
    const ws = await createWorkshop(server);
    const flooder = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
    const calm = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
    const watcher = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
    clients.push(flooder, calm, watcher);
    await Promise.all([flooder, calm, watcher].map((c) => waitSynced(c)));

    const t0 = performance.now();
    const before = await processed(server);
    const records = flooder.doc.getMap(FLOOD_ROOT);
    for (let i = 0; i < 1000; i++) records.set(`k${i}`, note(`k${i}`, `burst ${i}`)); // 1000 separate update messages
    calm.doc.getMap('notes').set('calm', note('calm', 'still heard'));
    await waitFor(() => noteText(watcher.doc, 'calm') === 'still heard', 10_000, 'calm edit during the flood');

    await waitFor(() => [...watcher.doc.getMap(FLOOD_ROOT).keys()].filter((k) => k.startsWith('k')).length === 1000, 20_000, 'every flooded update');
    // Throttled: no faster than its budget (all 1000 are processed by now).
    expect((await processed(server)) - before).toBeLessThanOrEqual(100 + (500 * (performance.now() - t0)) / 1000 + SLACK);
    // Counted per throttle episode, not per message: one, or a few if the client's own sending
    // was slower than the drain for a moment (a busy test machine).
    expect(await rejected(server, 'throttled')).toBeGreaterThanOrEqual(1);
    expect(await rejected(server, 'throttled')).toBeLessThanOrEqual(5);
    expect(await rejected(server, 'rate_limited_closed')).toBe(0);
    expect(flooder.closeEvents).toEqual([]);
    const sv = (d: Y.Doc) => Buffer.from(Y.encodeStateVector(d)).toString('base64');
    await waitFor(() => sv(watcher.doc) === sv(flooder.doc) && sv(calm.doc) === sv(flooder.doc), 10_000, 'identical state');
    for (let i = 0; i < 1000; i++) expect(noteText(watcher.doc, `k${i}`, FLOOD_ROOT)).toBe(`burst ${i}`);
  });
});
