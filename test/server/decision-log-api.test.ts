// The decision-log HTTP API against the real server: any role's token downloads each format
// with the right type and file name; bad or missing tokens get 401, unknown workshops 404; and
// exporting a workshop nobody is connected to does not keep it in memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createPerson, createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { controlMaps } from '../../shared/schema.js';
import schema from '../../shared/log/decision-log.v1.schema.json';
import type { DecisionLog } from '../../shared/log/types.js';
import { HOSTILE, seedBoardContent } from '../unit/decision-log.fixture.js';

const ROOM_IDLE_MS = 1500;
let server: TestServer;
let ws: CreatedWorkshop;
const clients: TestClient[] = [];
const today = new Date().toISOString().slice(0, 10);

const get = (id: string, ext: string, token?: string) =>
  fetch(`${server.url}/api/workshops/${id}/decision-log.${ext}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  server = await startTestServer({ env: { ROOM_IDLE_MS: String(ROOM_IDLE_MS) } });
  ws = await createWorkshop(server, { title: 'Q3 Platform Scaling: Zürich', template: 'enterprise' });
  // A short session: the facilitator joins, writes the board and reorders the ranking.
  // Grace and Linus join as people (the roster names only people the server issued).
  const grace = await createPerson(server, ws.id, ws.tokens.facilitator);
  const linus = await createPerson(server, ws.id, ws.tokens.participant);
  const board = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { person: grace.personToken });
  const control = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control', person: grace.personToken });
  const participant = connectClient(server.wsUrl, ws.id, ws.tokens.participant, { person: linus.personToken });
  clients.push(board, control, participant);
  await Promise.all(clients.map((c) => waitSynced(c)));
  board.provider.awareness.setLocalStateField('user', { id: 'u-grace', name: 'Grace', color: '#1a5fb4' });
  participant.provider.awareness.setLocalStateField('user', { id: 'u-linus', name: 'Linus', color: '#b3261e' });
  seedBoardContent(board.doc);
  control.doc.transact(() => controlMaps(control.doc).ranking.set('order', ['i2', 'i1']));
  // Everything the clients wrote has reached the server once the export shows it.
  await waitFor(async () => {
    const log = (await (await get(ws.id, 'json', ws.tokens.observer)).json()) as DecisionLog;
    return log.decisions[0]?.initiative === 'Observability: tracing & SLOs' && log.workshop.participants.length === 2;
  }, 10_000, 'the session to reach the export');
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

describe('GET /api/workshops/:id/decision-log.*', () => {
  for (const role of ['facilitator', 'participant', 'observer'] as const) {
    it(`serves all three formats to a ${role}, as downloads named after the title and date`, async () => {
      const json = await get(ws.id, 'json', ws.tokens[role]);
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(json.headers.get('content-disposition')).toBe(
        `attachment; filename="q3-platform-scaling-zurich-${today}.json"; filename*=UTF-8''q3-platform-scaling-z%C3%BCrich-${today}.json`,
      );
      const log = (await json.json()) as DecisionLog;
      const validate = new Ajv({ strict: true }).compile(schema);
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
      expect(log.workshop).toMatchObject({ id: ws.id, title: 'Q3 Platform Scaling: Zürich', template: 'enterprise' });
      expect(log.workshop.participants).toEqual([
        { name: 'Grace', role: 'facilitator' },
        { name: 'Linus', role: 'participant' },
      ]);
      expect(log.decisions.map((d) => d.initiative)).toEqual([
        'Observability: tracing & SLOs',
        'Checkout performance program',
        '=HYPERLINK("http://evil.example") platform team',
      ]);

      const md = await get(ws.id, 'md', ws.tokens[role]);
      expect(md.status).toBe(200);
      expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(md.headers.get('content-disposition')).toContain(`filename="q3-platform-scaling-zurich-${today}.md"`);
      const mdText = await md.text();
      expect(mdText.startsWith('# Decision log: Q3 Platform Scaling: Zürich\n')).toBe(true);
      expect(mdText).toContain('### 1. Observability: tracing & SLOs');
      expect(mdText).not.toContain('<script>');

      const csv = await get(ws.id, 'csv', ws.tokens[role]);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect(csv.headers.get('content-disposition')).toContain(`filename="q3-platform-scaling-zurich-${today}.csv"`);
      const bytes = new Uint8Array(await csv.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
      const csvText = new TextDecoder().decode(bytes.slice(3));
      expect(csvText.startsWith('Rank,Initiative,Approach,Rationale,Phase,DRI,Metric,Baseline,Target,Due,Bottlenecks,Dimensions')).toBe(true);
      expect(csvText).toContain(`"'=HYPERLINK(""http://evil.example"") platform team"`);
    });
  }

  it('serves the Jira CSV (SPEC 8) to every role: Epics and Tasks, as a .jira.csv download', async () => {
    for (const role of ['facilitator', 'participant', 'observer'] as const) {
      const res = await get(ws.id, 'jira.csv', ws.tokens[role]);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="q3-platform-scaling-zurich-${today}.jira.csv"; filename*=UTF-8''q3-platform-scaling-z%C3%BCrich-${today}.jira.csv`,
      );
      const text = (await res.text()).replace(/^\uFEFF/, '');
      expect(text.startsWith('Issue ID,Issue Type,Summary,Description,Assignee,Due date,Labels,Priority,Parent\r\n')).toBe(true);
      expect(text).toMatch(/^1,Epic,Observability: tracing & SLOs,/m);
      expect(text).toMatch(/^2,Task,Services with tracing,.*,1$/m);
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"") platform team"`);
    }
  });

  it('reflects the live board: an edit shows in the next export', async () => {
    const [board] = clients;
    board!.doc.transact(() => (board!.doc.getMap('notes').get('n-p3') as import('yjs').Map<unknown>).set('lane', 'org'));
    await waitFor(async () => {
      const log = (await (await get(ws.id, 'json', ws.tokens.participant)).json()) as DecisionLog;
      return log.bottlenecks.find((b) => b.text === HOSTILE.pipes)?.dimension === 'org';
    }, 5_000, 'the edit in the export');
  });

  it('answers 401 without a token, with a bad token and with another workshop’s token', async () => {
    const other = await createWorkshop(server, { title: 'Other' });
    for (const res of [
      await get(ws.id, 'json'),
      await get(ws.id, 'md', 'not-a-token'),
      await get(ws.id, 'csv', other.tokens.facilitator),
      await get(ws.id, 'jira.csv'),
      await get(ws.id, 'jira.csv', other.tokens.observer),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(await res.json()).toEqual({ error: 'missing or invalid bearer token' });
    }
    const malformed = await fetch(`${server.url}/api/workshops/${ws.id}/decision-log.json`, { headers: { authorization: `Basic ${ws.tokens.facilitator}` } });
    expect(malformed.status).toBe(401);
  });

  it('answers 404 for an unknown workshop and an unknown format', async () => {
    for (const ext of ['json', 'md', 'csv', 'jira.csv']) expect((await get('noSuchWorkshop42', ext, ws.tokens.facilitator)).status).toBe(404);
    expect((await get(ws.id, 'xml', ws.tokens.facilitator)).status).toBe(404);
  });

  it('does not keep a workshop in memory after exporting it with nobody connected', async () => {
    const idle = await createWorkshop(server, { title: 'Idle workshop' });
    const before = await metricValue(server, 'scaleboard_rooms');
    const res = await get(idle.id, 'md', idle.tokens.observer);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# Decision log: Idle workshop');
    // Loaded for the export, then unloaded after the idle grace period like any workshop.
    await waitFor(async () => (await metricValue(server, 'scaleboard_rooms')) === before, ROOM_IDLE_MS * 5, 'the workshop to unload');
    expect(server.logs.join('')).toContain(`"workshop":"${idle.id}","msg":"workshop unloaded"`);
  });
});
