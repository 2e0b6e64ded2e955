// The HTTP API: workshop creation and its links, sessions by bearer token, health, metrics,
// and logs that never carry a token.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, waitClosed, waitSynced } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

it('creates a workshop with three role links carrying long random tokens in the fragment', async () => {
  const res = await fetch(`${server.url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Scale 2027', template: 'regulated' }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { id: string; links: Record<string, string> };
  expect(Object.keys(body.links).sort()).toEqual(['facilitator', 'observer', 'participant']);
  const tokens = new Set<string>();
  for (const link of Object.values(body.links)) {
    const url = new URL(link);
    expect(url.origin).toBe(server.url);
    expect(url.pathname).toBe(`/w/${body.id}`);
    expect(url.search).toBe('');
    const token = /^#token=([A-Za-z0-9_-]+)$/.exec(url.hash)?.[1];
    expect(token!.length).toBeGreaterThanOrEqual(43); // 256 bits
    tokens.add(token!);
  }
  expect(tokens.size).toBe(3);
});

it('tells each token its role, and refuses bad tokens and unknown workshops', async () => {
  const ws = await createWorkshop(server, { title: 'Roles' });
  for (const role of ['facilitator', 'participant', 'observer'] as const) {
    const res = await fetch(`${server.url}/api/workshops/${ws.id}/session`, { headers: { authorization: `Bearer ${ws.tokens[role]}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: ws.id, title: 'Roles', role, template: 'scaleup' });
  }
  expect((await fetch(`${server.url}/api/workshops/${ws.id}/session`)).status).toBe(401);
  expect((await fetch(`${server.url}/api/workshops/${ws.id}/session`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  expect((await fetch(`${server.url}/api/workshops/nope/session`, { headers: { authorization: `Bearer ${ws.tokens.facilitator}` } })).status).toBe(404);
  expect((await fetch(`${server.url}/api/nothing-here`)).status).toBe(404);
});

it('serves health, Prometheus metrics and the built client for any /w/ path', async () => {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  const ws = await createWorkshop(server, { title: 'Metrics' });
  const c = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
  await waitSynced(c);
  putRecord(c.doc, 'x', 1);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  for (const name of [
    'scaleboard_ws_connections',
    'scaleboard_rooms',
    'scaleboard_ws_messages_received_total',
    'scaleboard_ws_bytes_received_total',
    'scaleboard_ws_rejected_total',
    'scaleboard_persistence_write_seconds_bucket',
  ]) {
    expect(metrics).toContain(name);
  }
  expect(await metricValue(server, 'scaleboard_ws_connections')).toBeGreaterThanOrEqual(1);
  c.destroy();

  const page = await fetch(`${server.url}/w/${ws.id}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<div id="root">');
});

it('never writes a token to its logs', async () => {
  const ws = await createWorkshop(server, { title: 'Secrets' });
  const c = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator);
  await waitSynced(c);
  await fetch(`${server.url}/api/workshops/${ws.id}/session`, { headers: { authorization: `Bearer ${ws.tokens.participant}` } });
  const bad = connectClient(server.wsUrl, ws.id, 'guess-token-that-is-wrong');
  expect((await waitClosed(bad)).code).toBe(4401);
  c.destroy();
  bad.destroy();
  const logs = server.logs.join('');
  expect(logs).toContain('peer joined');
  for (const token of Object.values(ws.tokens)) expect(logs).not.toContain(token);
  expect(logs).not.toContain('guess-token-that-is-wrong');
});
