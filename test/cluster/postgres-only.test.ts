// DATABASE_URL without REDIS_URL: one node on PostgreSQL with the in-process bus. It serves as one
// node does, and what it accepted survives its kill -9.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';
import { startPostgres, type Postgres } from '../helpers/cluster.js';

let pg: Postgres;
let node: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  node = await startTestServer({ env: { DATABASE_URL: pg.url, LOG_LEVEL: 'warn' } });
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await node?.kill9();
  await pg?.stop();
});

describe('one node on PostgreSQL', () => {
  it('serves a workshop and keeps every accepted edit through a kill -9', async () => {
    const ws = await createWorkshop(node);
    const a = connectClient(node.wsUrl, ws.id, ws.tokens.facilitator);
    const b = connectClient(node.wsUrl, ws.id, ws.tokens.participant);
    clients.push(a, b);
    await Promise.all([a, b].map((c) => waitSynced(c)));
    for (let i = 0; i < 10; i++) putRecord(a.doc, `n${i}`, i);
    await waitFor(() => b.doc.getMap('notes').size >= 10, 5_000, 'edits relayed');
    expect(await metricValue(node, 'scaleboard_cluster_owned_workshops')).toBe(1);

    await node.kill9();
    a.destroy();
    b.destroy();
    node = await node.restart();
    const fresh = connectClient(node.wsUrl, ws.id, ws.tokens.observer);
    clients.push(fresh);
    await waitSynced(fresh);
    await waitFor(() => fresh.doc.getMap('notes').size >= 10, 5_000, 'edits after restart');
    expect(recordValue(fresh.doc, 'n9')).toBe(9);
  });
});
