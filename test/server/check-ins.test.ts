// POST /api/workshops/:id/check-ins against the real server (SPEC 8): a check-in posted with a
// facilitator's or participant's token reaches every connected client's board and the log; bad
// input gets 400 naming the field, observers 403, bad tokens 401, unknown workshops and metrics
// 404, other content types 415, and the endpoint is rate limited like the other writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createPerson, createWorkshop, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { readBoard } from '../../shared/schema.js';

let server: TestServer;
let ws: CreatedWorkshop;
const clients: TestClient[] = [];
let metricId = '';

const post = (id: string, body: unknown, opts: { token?: string; type?: string; raw?: string; person?: string } = {}) =>
  fetch(`${server.url}/api/workshops/${id}/check-ins`, {
    method: 'POST',
    headers: {
      ...(opts.type === '' ? {} : { 'content-type': opts.type ?? 'application/json' }),
      ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
      ...(opts.person === undefined ? {} : { 'x-person-token': opts.person }),
    },
    body: opts.raw ?? JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startTestServer({ env: { HTTP_WRITE_LIMIT: '40' } });
  ws = await createWorkshop(server, { title: 'Check-ins' });
  const facilitator = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator);
  const participant = connectClient(server.wsUrl, ws.id, ws.tokens.participant);
  const observer = connectClient(server.wsUrl, ws.id, ws.tokens.observer);
  clients.push(facilitator, participant, observer);
  await Promise.all(clients.map((c) => waitSynced(c)));
  metricId = addMetric(facilitator.doc, { initiativeId: 'i1', name: 'p99 latency', baseline: '2.1 s', target: '0.8 s', due: '2099-12-31' });
  await waitFor(() => clients.every((c) => readBoard(c.doc).metrics.length === 1), 5_000, 'the metric on every client');
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

describe('POST /api/workshops/:id/check-ins', () => {
  it('records a participant’s check-in as a server write that reaches every connected client and the log', async () => {
    const person = await createPerson(server, ws.id, ws.tokens.participant);
    const res = await post(ws.id, { metricId, value: 1.9, at: '2030-01-15' }, { token: ws.tokens.participant, person: person.personToken });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await waitFor(() => clients.every((c) => readBoard(c.doc).checkIns.length === 1), 5_000, 'the check-in on every client');
    await waitConverged(clients.map((c) => c.doc), (d) => readBoard(d).checkIns);
    for (const c of clients) expect(readBoard(c.doc).checkIns).toEqual([expect.objectContaining({ id, metricId, value: 1.9, at: '2030-01-15', by: person.personId })]);

    const facilitator = await post(ws.id, { metricId, value: 5, at: '2030-02-01' }, { token: ws.tokens.facilitator });
    expect(facilitator.status).toBe(201);
    await waitFor(() => clients.every((c) => readBoard(c.doc).checkIns.length === 2), 5_000, 'the second check-in everywhere');
    expect(readBoard(clients[2]!.doc).checkIns.find((c) => c.value === 5)?.by).toBe('api:facilitator');
  });

  it('answers 400 naming the field for each bad field, and 400 for malformed JSON', async () => {
    const good = { metricId, value: 1, at: '2030-01-01' };
    const cases: [unknown, string][] = [
      [{ ...good, metricId: undefined }, 'metricId'],
      [{ ...good, metricId: 42 }, 'metricId'],
      [{ ...good, metricId: '' }, 'metricId'],
      [{ ...good, value: undefined }, 'value'],
      [{ ...good, value: '1.5' }, 'value'],
      [{ ...good, value: 1e13 }, 'value'],
      [{ ...good, at: undefined }, 'at'],
      [{ ...good, at: '2030-02-30' }, 'at'],
      [{ ...good, at: '15/01/2030' }, 'at'],
      [{ ...good, at: 20300115 }, 'at'],
      [{ ...good, metricId: 'm'.repeat(65) }, 'metricId'],
      [{ ...good, value: null }, 'value'],
      [{ ...good, value: true }, 'value'],
      [{ ...good, at: '1999-12-31' }, 'at'],
      [{ ...good, at: '2101-01-01' }, 'at'],
      [{ ...good, at: '2030-1-5' }, 'at'],
    ];
    for (const [body, field] of cases) {
      const res = await post(ws.id, body, { token: ws.tokens.participant });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = (await res.json()) as { error: string; field: string };
      expect(json.field).toBe(field);
      expect(json.error).toContain(field);
    }
    const malformed = await post(ws.id, null, { token: ws.tokens.participant, raw: '{"metricId": ' });
    expect(malformed.status).toBe(400);
    for (const raw of ['[]', '"a string"', 'null', '42']) {
      const res = await post(ws.id, null, { token: ws.tokens.participant, raw });
      expect(res.status, raw).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
    expect(readBoard(clients[0]!.doc).checkIns).toHaveLength(2);
  });

  it('accepts only application/json bodies (415)', async () => {
    const body = { metricId, value: 1, at: '2030-01-01' };
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', '']) {
      expect((await post(ws.id, body, { token: ws.tokens.participant, type })).status).toBe(415);
    }
  });

  it('refuses observers (403), bad tokens (401), unknown workshops and unknown metrics (404)', async () => {
    const body = { metricId, value: 1, at: '2030-01-01' };
    expect((await post(ws.id, body, { token: ws.tokens.observer })).status).toBe(403);
    expect((await post(ws.id, body)).status).toBe(401);
    expect((await post(ws.id, body, { token: 'not-a-token' })).status).toBe(401);
    expect((await post('noSuchWorkshop42', body, { token: ws.tokens.participant })).status).toBe(404);
    const unknownMetric = await post(ws.id, { ...body, metricId: 'no-such-metric' }, { token: ws.tokens.participant });
    expect(unknownMetric.status).toBe(404);
    expect(await unknownMetric.json()).toMatchObject({ field: 'metricId' });
    expect(readBoard(clients[0]!.doc).checkIns).toHaveLength(2);
  });

  it('is rate limited like the other write endpoints (429 with Retry-After)', async () => {
    const body = { metricId, value: 1, at: '2030-01-01' };
    let last: Response | null = null;
    for (let i = 0; i < 45 && last?.status !== 429; i++) last = await post(ws.id, { ...body, value: 'x' }, { token: ws.tokens.participant });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('a check-in posted with nobody connected', () => {
  it('is stored like any update: it survives kill -9 and is in the log after the restart', async () => {
    let s = await startTestServer();
    try {
      const w = await createWorkshop(s, { title: 'Stored check-ins' });
      const writer = connectClient(s.wsUrl, w.id, w.tokens.facilitator);
      await waitSynced(writer);
      const id = addMetric(writer.doc, { initiativeId: 'i1', name: 'Uptime', baseline: '99%', target: '99.9%', due: '2099-01-01' });
      const reader = connectClient(s.wsUrl, w.id, w.tokens.observer);
      await waitFor(() => readBoard(reader.doc).metrics.length === 1, 5_000, 'the metric stored');
      writer.destroy();
      reader.destroy();
      const res = await fetch(`${s.url}/api/workshops/${w.id}/check-ins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${w.tokens.participant}` },
        body: JSON.stringify({ metricId: id, value: 98.5, at: '2030-06-01' }),
      });
      expect(res.status).toBe(201);
      await s.kill9();
      s = await s.restart();
      const after = connectClient(s.wsUrl, w.id, w.tokens.observer);
      await waitSynced(after);
      expect(readBoard(after.doc).checkIns).toEqual([expect.objectContaining({ metricId: id, value: 98.5, at: '2030-06-01', by: 'api:participant' })]);
      after.destroy();
    } finally {
      await s.stop();
    }
  });
});

describe('a check-in whose commit fails', () => {
  it('answers 503 (never 201 for what storage does not hold), and the same check-in is taken on a retry', async () => {
    // The test fault: storing an update that contains this date fails once.
    const faulty = await startTestServer({ env: { SCALEBOARD_TEST_FAULTS: '1', SCALEBOARD_FAULT_APPEND: '2031-07-07', SCALEBOARD_FAULT_APPEND_TIMES: '1' } });
    try {
      const w = await createWorkshop(faulty, { title: 'Faulty storage' });
      const f = connectClient(faulty.wsUrl, w.id, w.tokens.facilitator);
      await waitSynced(f);
      const metric = addMetric(f.doc, { initiativeId: 'i1', name: 'p99 latency', baseline: '2.1 s', target: '0.8 s', due: '2099-12-31' });
      const probe = connectClient(faulty.wsUrl, w.id, w.tokens.observer);
      await waitSynced(probe);
      await waitFor(() => readBoard(probe.doc).metrics.length === 1, 5_000, 'the metric stored');
      f.destroy();
      probe.destroy();
      const send = () =>
        fetch(`${faulty.url}/api/workshops/${w.id}/check-ins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${w.tokens.participant}` },
          body: JSON.stringify({ metricId: metric, value: 2, at: '2031-07-07' }),
        });
      expect((await send()).status).toBe(503);
      expect((await send()).status).toBe(201);
      const fresh = connectClient(faulty.wsUrl, w.id, w.tokens.observer);
      await waitSynced(fresh);
      await waitFor(() => readBoard(fresh.doc).checkIns.length === 1, 5_000, 'exactly the retried check-in');
      fresh.destroy();
    } finally {
      await faulty.stop();
    }
  });
});
