// Bad input closes only the offending connection; the server stays up and the room keeps its
// content and keeps working. (The heavier generated fuzz lives in test/fault/.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';
import { openRaw } from '../helpers/raw.js';

let server: TestServer;
let ws: CreatedWorkshop;
let a: TestClient;
let b: TestClient;
const notesOf = (d: Y.Doc) => d.getMap('notes').toJSON();
const MAX_FRAME = 64 * 1024;

beforeAll(async () => {
  server = await startTestServer({ env: { MAX_FRAME_BYTES: String(MAX_FRAME), MAX_BODY_BYTES: '4096' } });
  ws = await createWorkshop(server);
  a = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
  b = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
  await Promise.all([waitSynced(a), waitSynced(b)]);
  for (let i = 0; i < 20; i++) putRecord(a.doc, `keep-${i}`, `content ${i}`);
  await waitConverged([a.doc, b.doc], notesOf);
});
afterAll(async () => {
  a?.destroy();
  b?.destroy();
  await server?.stop();
});

function frame(...parts: ((e: encoding.Encoder) => void)[]): Uint8Array {
  const e = encoding.createEncoder();
  for (const p of parts) p(e);
  return encoding.toUint8Array(e);
}

/** The room still holds everything and still relays a fresh edit both ways. */
async function roomIntact(label: string) {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  putRecord(a.doc, `probe-${label}`, label);
  await waitFor(() => recordValue(b.doc, `probe-${label}`) === label, 5000, `probe ${label}`);
  for (let i = 0; i < 20; i++) expect(recordValue(b.doc, `keep-${i}`)).toBe(`content ${i}`);
  const fresh = connectClient(server.wsUrl, ws.id, ws.tokens.observer);
  await waitSynced(fresh);
  await waitConverged([a.doc, fresh.doc], notesOf);
  fresh.destroy();
}

describe('WebSocket frames', () => {
  const url = () => `${server.wsUrl}/${ws.id}?token=${ws.tokens.participant}`;
  const cases: [string, Uint8Array | string][] = [
    ['empty frame', new Uint8Array()],
    ['unknown message type', frame((e) => encoding.writeVarUint(e, 99))],
    ['truncated sync message', frame((e) => encoding.writeVarUint(e, 0))],
    ['unknown sync type', frame((e) => encoding.writeVarUint(e, 0), (e) => encoding.writeVarUint(e, 7), (e) => encoding.writeVarUint8Array(e, new Uint8Array([1])))],
    ['garbage Yjs update', frame((e) => encoding.writeVarUint(e, 0), (e) => encoding.writeVarUint(e, 2), (e) => encoding.writeVarUint8Array(e, new Uint8Array([255, 255, 255, 1, 2, 3, 4, 5, 6, 7])))],
    ['length prefix past the end', frame((e) => encoding.writeVarUint(e, 0), (e) => encoding.writeVarUint(e, 2), (e) => encoding.writeVarUint(e, 1_000_000))],
    ['awareness with bad JSON', frame((e) => encoding.writeVarUint(e, 1), (e) => encoding.writeVarUint8Array(e, frame((f) => encoding.writeVarUint(f, 1), (f) => encoding.writeVarUint(f, 42), (f) => encoding.writeVarUint(f, 1), (f) => encoding.writeVarString(f, '{not json'))))],
    ['text frame', 'hello'],
  ];

  for (const [name, data] of cases) {
    it(`closes the connection on ${name} and nothing else`, async () => {
      const peer = await openRaw(url());
      peer.ws.send(data);
      const { code } = await peer.closed;
      expect(code).toBe(4400);
      await roomIntact(name.replace(/\W+/g, '-'));
    });
  }

  it('closes an oversized frame with 1009', async () => {
    const peer = await openRaw(url());
    peer.ws.send(new Uint8Array(MAX_FRAME + 1));
    expect((await peer.closed).code).toBe(1009);
    await roomIntact('oversized');
  });

  it('keeps a valid but random-looking update from corrupting the room', async () => {
    const other = new Y.Doc();
    putRecord(other, 'legit-from-raw', 'ok');
    const peer = await openRaw(url());
    peer.ws.send(frame((e) => encoding.writeVarUint(e, 0), (e) => encoding.writeVarUint(e, 2), (e) => encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(other))));
    await waitFor(() => recordValue(b.doc, 'legit-from-raw') === 'ok', 5000, 'valid raw update');
    peer.ws.close();
    await roomIntact('valid-raw');
  });
});

describe('HTTP bodies', () => {
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${server.url}/api/workshops`, { method: 'POST', headers, body });

  it('answers 400 naming the field, 413 for big bodies, and stays up', async () => {
    const bad = await post('{"title":');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/JSON/);

    const noTitle = await post('{}');
    expect(noTitle.status).toBe(400);
    expect(await noTitle.json()).toMatchObject({ field: 'title' });

    const wrongType = await post('{"title": 42}');
    expect(await wrongType.json()).toMatchObject({ field: 'title' });

    const badTemplate = await post('{"title":"x","template":"galactic"}');
    expect(badTemplate.status).toBe(400);
    expect(await badTemplate.json()).toMatchObject({ field: 'template' });

    const notObject = await post('[1,2,3]');
    expect(notObject.status).toBe(400);

    const huge = await post(JSON.stringify({ title: 'x'.repeat(10_000) }));
    expect(huge.status).toBe(413);

    await roomIntact('http');
  });
});
