// A flood from one connection is throttled (its socket is paused), nothing it sent is lost, and
// the rest of the room keeps working meanwhile.
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

let server: TestServer;
const clients: TestClient[] = [];
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_SEC: '500', RATE_LIMIT_BURST: '50' } });
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

it('throttles a flooding connection without losing its messages or stalling others', async () => {
  const ws = await createWorkshop(server);
  const flooder = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
  const calm = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
  const watcher = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
  clients.push(flooder, calm, watcher);
  await Promise.all([flooder, calm, watcher].map((c) => waitSynced(c)));

  const flood = flooder.doc.getMap('flood');
  for (let i = 0; i < 1000; i++) flood.set(`k${i}`, i); // 1000 separate update messages
  calm.doc.getMap('notes').set('calm', 'still heard');
  await waitFor(() => watcher.doc.getMap('notes').get('calm') === 'still heard', 10_000, 'calm edit during the flood');

  await waitFor(() => watcher.doc.getMap('flood').size === 1000, 20_000, 'every flooded update');
  expect(await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'throttled' })).toBeGreaterThan(0);
  const sv = (d: Y.Doc) => Buffer.from(Y.encodeStateVector(d)).toString('base64');
  await waitFor(() => sv(watcher.doc) === sv(flooder.doc) && sv(calm.doc) === sv(flooder.doc), 10_000, 'identical state');
});
