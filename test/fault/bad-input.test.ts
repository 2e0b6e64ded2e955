// Generated hostile input (fast-check, seeded): a few thousand malformed WebSocket frames and
// HTTP bodies thrown at the real server. Each frame gets the answer its kind calls for (close
// 4400 for malformed, 1009 for oversized, nothing for a frame that happens to be valid), the
// server stays up, and the room keeps its content and keeps working, also after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import WebSocket from 'ws';
import http from 'node:http';
import { canonical, connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';

const SEED = 0xbad1;
const MAX_FRAME = 16 * 1024;
const MAX_BODY = 4 * 1024;
const FRAME_RUNS = 2_400;
const BODY_RUNS = 500;

let server: TestServer;
let ws: CreatedWorkshop;
const clients: TestClient[] = [];
let a: TestClient;
let b: TestClient;
/** What the room held before the attack, as the participants see it. */
let before: string;
const boardOf = (d: Y.Doc) => ({ notes: d.getMap('notes').toJSON(), roster: d.getMap('roster').toJSON() });

beforeAll(async () => {
  server = await startTestServer({
    env: {
      MAX_FRAME_BYTES: String(MAX_FRAME),
      MAX_BODY_BYTES: String(MAX_BODY),
      // Throttling is tested elsewhere; here it would only make the run slow.
      RATE_LIMIT_PER_SEC: '1000000',
      RATE_LIMIT_BURST: '1000000',
      // Hundreds of generated bodies POST to /api/workshops from one address; the HTTP budget is tested in test/server/serving.test.ts.
      HTTP_CREATE_LIMIT: '1000000',
      LOG_LEVEL: 'error',
    },
  });
  ws = await createWorkshop(server, { title: 'Under attack' });
  a = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
  b = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator);
  clients.push(a, b);
  await Promise.all([waitSynced(a), waitSynced(b)]);
  a.doc.transact(() => {
    for (let i = 0; i < 30; i++) {
      const note = new Y.Map<unknown>();
      const text = new Y.Text();
      text.insert(0, `keep ${i} — ünïcödé 🙂`);
      note.set('text', text);
      note.set('lane', ['product', 'platform', 'org'][i % 3]);
      a.doc.getMap('notes').set(`keep-${i}`, note);
    }
  });
  await waitConverged([a.doc, b.doc], boardOf);
  before = canonical(boardOf(b.doc));
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------
// Frames

const bytes = (...parts: ((e: encoding.Encoder) => void)[]): Uint8Array => {
  const e = encoding.createEncoder();
  for (const p of parts) p(e);
  return encoding.toUint8Array(e);
};
const u = (n: number) => (e: encoding.Encoder) => encoding.writeVarUint(e, n);
const arr = (x: Uint8Array) => (e: encoding.Encoder) => encoding.writeVarUint8Array(e, x);
const raw = (x: Uint8Array) => (e: encoding.Encoder) => encoding.writeUint8Array(e, x);

/** Well-formed messages of every kind, for truncation and header reuse. */
function validMessages(): Uint8Array[] {
  const doc = new Y.Doc();
  const note = new Y.Map<unknown>();
  note.set('text', new Y.Text('valid'));
  doc.getMap('notes').set('valid', note);
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: { id: 'x', name: 'Valid', color: '#123456' } });
  const out = [
    bytes(u(0), (e) => syncProtocol.writeSyncStep1(e, doc)),
    bytes(u(0), (e) => syncProtocol.writeSyncStep2(e, doc)),
    bytes(u(0), (e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc))),
    bytes(u(1), arr(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]))),
  ];
  awareness.destroy();
  doc.destroy();
  return out;
}
const VALID = validMessages();

type Expect = 'close-4400' | 'close-1009' | 'close-4400-or-open' | 'open';
interface Frame {
  kind: string;
  data: Uint8Array | string;
  expect: Expect;
}

const someBytes = (max = 64) => fc.uint8Array({ maxLength: max });
const hugeVarint = fc.integer({ min: 8, max: 40 }).map((n) => new Uint8Array(n).fill(0xff));

/** An update that writes into a map only the server may write. Applied, then undone: never closes. */
const serverOnlyWrite = fc.constantFrom('roster', 'revealedScores').chain((map) =>
  fc.string({ maxLength: 20 }).map((key) => {
    const d = new Y.Doc();
    d.getMap(map).set(`hostile-${key}`, { id: 'x', name: 'Mallory', role: 'facilitator' });
    const update = Y.encodeStateAsUpdate(d);
    d.destroy();
    return { kind: `write to ${map}`, data: bytes(u(0), u(2), arr(update)), expect: 'open' as Expect };
  }),
);

const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  someBytes(256).map((x) => ({ kind: 'random bytes', data: x, expect: 'close-4400-or-open' as Expect })),
  fc.constant({ kind: 'empty frame', data: new Uint8Array(), expect: 'close-4400' as Expect }),
  fc.string({ maxLength: 100 }).map((s) => ({ kind: 'text frame', data: s, expect: 'close-4400' as Expect })),
  fc.integer({ min: MAX_FRAME + 1, max: MAX_FRAME * 4 }).map((n) => ({ kind: 'oversized frame', data: new Uint8Array(n).fill(7), expect: 'close-1009' as Expect })),
  fc.tuple(fc.integer({ min: 4, max: 2 ** 31 }), someBytes()).map(([t, tail]) => ({ kind: 'unknown message type', data: bytes(u(t), raw(tail)), expect: 'close-4400' as Expect })),
  fc.tuple(fc.integer({ min: 3, max: 1000 }), someBytes()).map(([t, tail]) => ({ kind: 'unknown sync type', data: bytes(u(0), u(t), arr(tail)), expect: 'close-4400' as Expect })),
  fc.tuple(fc.constantFrom(...VALID), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })).map(([m, cut]) => ({
    kind: 'truncated valid message',
    data: m.slice(0, Math.max(1, Math.floor(cut * (m.length - 1)))),
    expect: 'close-4400' as Expect,
  })),
  fc.tuple(fc.constantFrom(1, 2), someBytes(200)).map(([sub, junk]) => ({ kind: 'valid header, garbage update', data: bytes(u(0), u(sub), arr(junk)), expect: 'close-4400-or-open' as Expect })),
  someBytes(100).map((junk) => ({ kind: 'valid header, garbage state vector', data: bytes(u(0), u(0), arr(junk)), expect: 'close-4400-or-open' as Expect })),
  fc.tuple(fc.constantFrom(0, 1, 2), hugeVarint).map(([prefix, v]) => ({
    kind: 'huge varint',
    data: prefix === 0 ? v : prefix === 1 ? bytes(u(0), raw(v)) : bytes(u(0), u(2), raw(v)),
    expect: 'close-4400' as Expect,
  })),
  fc.integer({ min: MAX_FRAME, max: 2 ** 40 }).map((n) => ({ kind: 'length prefix past the end', data: bytes(u(0), u(2), u(n), raw(new Uint8Array(8))), expect: 'close-4400' as Expect })),
  fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 1e6 }), fc.string({ maxLength: 40 }).filter((s) => !isJson(s)))
    .map(([id, clock, json]) => ({
      kind: 'awareness with bad JSON',
      data: bytes(u(1), arr(bytes(u(1), u(id), u(clock), (e) => encoding.writeVarString(e, json)))),
      expect: 'close-4400' as Expect,
    })),
  fc.integer({ min: 10_001, max: 2 ** 31 }).map((n) => ({ kind: 'awareness claiming too many states', data: bytes(u(1), arr(bytes(u(n)))), expect: 'close-4400' as Expect })),
  serverOnlyWrite,
);

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * One raw WebSocket, reused until the server closes it. After each frame a ping goes out: the
 * server handles frames in order, so a pong means the frame was handled and the connection kept.
 */
class RawPeer {
  readonly ws: WebSocket;
  closeCode: number | null = null;
  private pongs = new Map<string, () => void>();
  private onClose: (() => void)[] = [];
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('error', () => undefined);
    this.ws.on('pong', (data: Buffer) => this.pongs.get(data.toString())?.());
    this.ws.on('close', (code: number) => {
      this.closeCode = code;
      this.onClose.splice(0).forEach((f) => f());
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', (code: number) => reject(new Error(`closed before open: ${code}`)));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a frame and resolves 'open' (it was handled, connection kept) or the close code. */
  async fire(data: Uint8Array | string, id: string): Promise<'open' | number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to frame ${id}`)), 10_000);
      const done = (v: 'open' | number) => {
        clearTimeout(timer);
        this.pongs.delete(id);
        resolve(v);
      };
      this.pongs.set(id, () => done('open'));
      this.onClose.push(() => done(this.closeCode ?? -1));
      this.ws.send(data, { binary: typeof data !== 'string' });
      if (this.open) this.ws.ping(id);
    });
  }
}

describe('generated hostile WebSocket frames', () => {
  it(`answers ${FRAME_RUNS} of them correctly and keeps the room intact`, { timeout: 90_000 }, async () => {
    const url = `${server.wsUrl}/${ws.id}?token=${ws.tokens.participant}`;
    const malformedBefore = await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'malformed' });
    let peer: RawPeer | null = null;
    let n = 0;
    const outcomes = new Map<string, Map<string, number>>();
    await fc.assert(
      fc.asyncProperty(frameArb, async (frame) => {
        if (!peer || !peer.open) {
          peer?.ws.terminate();
          peer = new RawPeer(url);
          await peer.opened;
        }
        const outcome = await peer.fire(frame.data, `f${n++}`);
        const label = outcome === 'open' ? 'open' : `close-${outcome}`;
        const byKind = outcomes.get(frame.kind) ?? new Map<string, number>();
        byKind.set(label, (byKind.get(label) ?? 0) + 1);
        outcomes.set(frame.kind, byKind);
        const allowed = frame.expect === 'close-4400-or-open' ? ['close-4400', 'open'] : [frame.expect];
        expect(allowed, `${frame.kind} (${typeof frame.data === 'string' ? 'text' : frame.data.length + ' bytes'})`).toContain(label);
      }),
      { seed: SEED, numRuns: FRAME_RUNS, endOnFailure: true },
    );
    (peer as RawPeer | null)?.ws.terminate();

    // Every kind was exercised, and malformed ones were counted as such.
    expect([...outcomes.keys()].sort()).toEqual(
      [
        'random bytes',
        'empty frame',
        'text frame',
        'oversized frame',
        'unknown message type',
        'unknown sync type',
        'truncated valid message',
        'valid header, garbage update',
        'valid header, garbage state vector',
        'huge varint',
        'length prefix past the end',
        'awareness with bad JSON',
        'awareness claiming too many states',
        'write to roster',
        'write to revealedScores',
      ].sort(),
    );
    const malformedAfter = await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'malformed' });
    const closed4400 = [...outcomes.values()].reduce((s, m) => s + (m.get('close-4400') ?? 0), 0);
    expect(malformedAfter - malformedBefore).toBe(closed4400);

    await expectRoomIntact('frames');
  });
});

// ---------------------------------------------------------------------------------------------
// HTTP bodies

type BodyCase = { kind: string; body: string; chunked?: boolean; status: number[]; field?: string };

const nonObjectJson = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 5 }), fc.string({ maxLength: 20 }));
const bodyArb: fc.Arbitrary<BodyCase> = fc.oneof(
  fc.string({ maxLength: 200 }).filter((s) => !isJson(s)).map((body) => ({ kind: 'not JSON', body, status: [400] })),
  nonObjectJson.map((v) => ({ kind: 'JSON but not an object', body: JSON.stringify(v), status: [400] })),
  fc
    .dictionary(fc.string({ maxLength: 10 }).filter((k) => k !== 'title' && k !== '__proto__'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 })
    .map((o) => ({ kind: 'missing title', body: JSON.stringify(o), status: [400], field: 'title' })),
  fc
    .oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }), fc.constant(''), fc.constant('   '), fc.string({ minLength: 201, maxLength: 300 }).filter((s) => s.trim().length > 200))
    .map((title) => ({ kind: 'title of the wrong type or size', body: JSON.stringify({ title }), status: [400], field: 'title' })),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 50 }).filter((s) => s.trim().length > 0), fc.jsonValue({ maxDepth: 1 }).filter((t) => !['startup', 'scaleup', 'enterprise', 'regulated', 'remote'].includes(t as string)))
    .filter(([, t]) => t !== undefined && t !== null)
    .map(([title, template]) => ({ kind: 'bad template', body: JSON.stringify({ title, template }), status: [400], field: 'template' })),
  fc.tuple(fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 8 }), fc.boolean()).map(([n, chunked]) => ({
    kind: chunked ? 'huge body, chunked' : 'huge body',
    body: JSON.stringify({ title: 'x'.repeat(n) }),
    chunked,
    status: [413],
  })),
  fc.string({ minLength: 1, maxLength: 100 }).filter((s) => s.trim().length > 0).map((title) => ({ kind: 'valid', body: JSON.stringify({ title }), status: [201] })),
);

/** POSTs on a connection of its own, so one refused body never affects the next request. */
function post(c: BodyCase): Promise<{ status: number; json: { error?: unknown; field?: unknown; id?: unknown } | null }> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(c.body);
    const req = http.request(
      `${server.url}/api/workshops`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...(c.chunked ? {} : { 'content-length': data.length }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          let json = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString());
          } catch {
            // asserted by the caller
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    if (c.chunked) {
      for (let i = 0; i < data.length; i += 1024) req.write(data.subarray(i, i + 1024));
      req.end();
    } else {
      req.end(data);
    }
  });
}

describe('generated bad HTTP bodies', () => {
  it(`answers ${BODY_RUNS} of them with the right status and field`, { timeout: 60_000 }, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(bodyArb, async (c) => {
        seen.add(c.kind);
        const { status, json } = await post(c);
        expect(c.status, `${c.kind}: ${c.body.slice(0, 80)}`).toContain(status);
        if (status === 201) {
          expect(typeof json?.id).toBe('string');
          return;
        }
        expect(typeof json?.error, `${c.kind}: error message`).toBe('string');
        if (c.field) expect(json?.field, `${c.kind}: ${c.body.slice(0, 80)}`).toBe(c.field);
      }),
      { seed: SEED, numRuns: BODY_RUNS, endOnFailure: true },
    );
    expect(seen.size).toBe(8);

    // Tokens and ids from nowhere: 401 or 404, never a crash.
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.string({ minLength: 1, maxLength: 80 }), async (realId, token) => {
        const id = realId ? ws.id : 'nope' + Buffer.from(token).toString('hex').slice(0, 20);
        const res = await fetch(`${server.url}/api/workshops/${id}/session`, { headers: { authorization: `Bearer ${encodeURIComponent(token)}` } });
        expect(res.status).toBe(realId ? 401 : 404);
      }),
      { seed: SEED, numRuns: 100, endOnFailure: true },
    );
    await expectRoomIntact('bodies');
  });
});

describe('after the attack', () => {
  it('restarts with the room intact', { timeout: 30_000 }, async () => {
    for (const c of clients) c.provider.disconnect();
    await server.stop();
    server = await server.restart();
    for (const c of clients) c.provider.connect();
    await Promise.all(clients.map((c) => waitSynced(c)));
    await expectRoomIntact('restart');
  });
});

/** The server is up, the participants' content is what it was, and the room still syncs. */
async function expectRoomIntact(label: string): Promise<void> {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  const fresh = connectClient(server.wsUrl, ws.id, ws.tokens.observer);
  clients.push(fresh);
  await waitSynced(fresh);
  for (const d of [a.doc, b.doc, fresh.doc]) {
    const notes = d.getMap('notes');
    for (let i = 0; i < 30; i++) expect((notes.get(`keep-${i}`) as Y.Map<unknown>)?.get('text')?.toString()).toBe(`keep ${i} — ünïcödé 🙂`);
  }
  // Nothing hostile reached the server-only maps.
  expect(Object.keys(fresh.doc.getMap('roster').toJSON()).filter((k) => k.startsWith('hostile-'))).toEqual([]);
  expect(fresh.doc.getMap('revealedScores').size).toBe(0);
  // Both participants can still write and see each other's writes.
  putRecord(a.doc, `probe-a-${label}`, label);
  putRecord(b.doc, `probe-b-${label}`, label);
  await waitFor(() => recordValue(b.doc, `probe-a-${label}`) === label && recordValue(a.doc, `probe-b-${label}`) === label, 10_000, `probes ${label}`);
  await waitConverged([a.doc, b.doc, fresh.doc], boardOf, 10_000);
  fresh.destroy();
  // The notes that existed before are byte-for-byte what they were.
  const keep = (s: string) => Object.fromEntries(Object.entries((JSON.parse(s) as { notes: Record<string, unknown> }).notes).filter(([k]) => k.startsWith('keep-')));
  expect(keep(canonical(boardOf(b.doc)))).toEqual(keep(before));
}
