// Follow-ups against the real server (issue 15, SPEC 8): POST /api/workshops/:id/follow-up makes a
// new workshop with new links that starts with Review and holds the previous decisions; real
// clients review them and carry two over; the log says previousId and the review. The write gate
// drops an observer's review write and refuses a participant's write of the server-written
// previous decisions (hand-made updates); the workshop's tolerance decides the Off plan flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import * as Y from 'yjs';
import schema from '../../shared/log/decision-log.v1.schema.json';
import { connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop } from '../helpers/server.js';
import { useServerAndClients } from '../helpers/suites.js';
import { openDemoSession, seedWorkshopToDecisions, type DemoSession } from '../helpers/demoWorkshop.js';
import { updateFrame, updateOf } from '../helpers/updates.js';
import { readBoard, readSettings } from '../../shared/schema.js';
import { readEngineState, stagesOf } from '../../shared/stages.js';
import { carryOver, setReviewComment, setReviewStatus } from '../../shared/commands/review.js';
import { setOffPlanTolerance } from '../../shared/commands/control.js';
import { carriedInitiativeId, reviewOf } from '../../shared/followUp.js';
import type { DecisionLog } from '../../shared/log/types.js';

const env = useServerAndClients();
const { client } = env;
const ballots: TestClient[] = [];
const raws: RawPeer[] = [];
let demo: DemoSession;
let previous: CreatedWorkshop;

const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '');
const tokensOf = (links: FollowUpAnswer['links']) => ({ facilitator: tokenOf(links.facilitator), participant: tokenOf(links.participant), observer: tokenOf(links.observer) });
interface FollowUpAnswer {
  id: string;
  previousId: string;
  links: Record<'facilitator' | 'participant' | 'observer', string>;
}

const startFollowUp = (id: string, opts: { token?: string; body?: string; type?: string } = {}) =>
  fetch(`${env.server.url}/api/workshops/${id}/follow-up`, {
    method: 'POST',
    headers: {
      ...(opts.type === '' ? {} : { 'content-type': opts.type ?? 'application/json' }),
      ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
    },
    ...(opts.body === undefined ? {} : { body: opts.body }),
  });

const checkIn = (id: string, token: string, body: unknown) =>
  fetch(`${env.server.url}/api/workshops/${id}/check-ins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

const logOf = async (id: string, token: string, ext = 'json') => {
  const res = await fetch(`${env.server.url}/api/workshops/${id}/decision-log.${ext}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ext === 'json' ? ((await res.json()) as DecisionLog) : res.text();
};

/** A follow-up of the demo workshop, with its tokens. */
async function newFollowUp(): Promise<FollowUpAnswer & { tokens: Record<'facilitator' | 'participant' | 'observer', string> }> {
  const res = await startFollowUp(previous.id, { token: previous.tokens.facilitator });
  expect(res.status).toBe(201);
  const json = (await res.json()) as FollowUpAnswer;
  return { ...json, tokens: tokensOf(json.links) };
}

beforeAll(async () => {
  // A short workshop: bottlenecks, impacts, initiatives, revealed scores, three decisions with metrics.
  previous = await createWorkshop(env.server, { title: 'Scaling Q3', template: 'enterprise' });
  demo = await openDemoSession(env.server, previous);
  ballots.push(...(await seedWorkshopToDecisions(env.server, previous, demo)));
  setOffPlanTolerance(demo.control.doc, 20);
  const reader = client(env.server.wsUrl, previous.id, previous.tokens.observer);
  await waitFor(() => readBoard(reader.doc).metrics.length === 4 && readBoard(reader.doc).decisions['i-pipeline']?.dri === 'Linus', 10_000, 'decisions stored');
  // A check-in in the previous workshop: the follow-up keeps it.
  expect((await checkIn(previous.id, previous.tokens.participant, { metricId: 'm-0', value: 60, at: '2026-05-01' })).status).toBe(201);
});

afterAll(() => {
  raws.forEach((r) => r.ws.close());
  demo?.destroy();
  ballots.forEach((c) => c.destroy());
});

describe('POST /api/workshops/:id/follow-up', () => {
  it('makes a linked workshop with new links that starts with Review and holds the previous decisions; two are carried over', async () => {
    const res = await startFollowUp(previous.id, { token: previous.tokens.facilitator, body: JSON.stringify({ title: 'Scaling Q4 review' }) });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as FollowUpAnswer;
    expect(answer.previousId).toBe(previous.id);
    expect(answer.id).not.toBe(previous.id);
    const tokens = tokensOf(answer.links);
    for (const role of ['facilitator', 'participant', 'observer'] as const) {
      expect(answer.links[role]).toMatch(new RegExp(`^${env.server.url}/w/${answer.id}#token=`));
      expect(Object.values(previous.tokens)).not.toContain(tokens[role]);
    }
    // The previous workshop's tokens open nothing of the follow-up.
    const session = (token: string) => fetch(`${env.server.url}/api/workshops/${answer.id}/session`, { headers: { authorization: `Bearer ${token}` } });
    expect((await session(previous.tokens.facilitator)).status).toBe(401);
    expect(await (await session(tokens.facilitator)).json()).toMatchObject({ title: 'Scaling Q4 review', template: 'enterprise', role: 'facilitator' });

    const facBoard = client(env.server.wsUrl, answer.id, tokens.facilitator);
    const facControl = client(env.server.wsUrl, answer.id, tokens.facilitator, { docName: 'control' });
    const partBoard = client(env.server.wsUrl, answer.id, tokens.participant);
    await Promise.all([facBoard, facControl, partBoard].map((c) => waitSynced(c)));

    // Review (15 minutes) plus the usual five; the tolerance carried from the previous workshop.
    const engine = readEngineState(facControl.doc);
    expect(stagesOf(engine).map((s) => s.title)).toEqual(['Review', 'Bottleneck mapping', 'Impact mapping', 'Prioritization', 'Build / Buy / Partner', 'Metrics & owners']);
    expect(engine.current).toBe(0);
    expect(engine.stages[0]!.plannedMs).toBe(15 * 60_000);
    expect(readSettings(facControl.doc).offPlanTolerance).toBe(20);

    // The previous decisions, with DRI, phase and metrics (ids kept), and the previous check-in.
    const prev = readBoard(partBoard.doc).previous!;
    expect(prev).toMatchObject({ id: previous.id, title: 'Scaling Q3' });
    expect(prev.decisions.map((d) => [d.rank, d.initiative, d.dri, d.phase, d.metrics.map((m) => m.id)])).toEqual([
      [1, 'Observability: tracing and SLOs', 'Grace Hopper', 'now', ['m-0', 'm-1']],
      [2, 'Checkout performance program', 'Bartholomew Oppenheimer', 'now', ['m-2']],
      [3, 'Deploy pipeline and modular monolith', 'Linus', 'next', ['m-3']],
    ]);
    expect(prev.checkIns).toEqual([expect.objectContaining({ metricId: 'm-0', value: 60, at: '2026-05-01' })]);
    expect(readBoard(partBoard.doc).initiatives).toEqual([]);

    // A participant reviews and carries two decisions over; the facilitator marks the third Done.
    setReviewStatus(partBoard.doc, { decisionId: 'i-observability', status: 'at-risk' });
    setReviewComment(partBoard.doc, { decisionId: 'i-observability', comment: 'Tracing covers 60% of services' });
    setReviewStatus(partBoard.doc, { decisionId: 'i-checkout', status: 'off-track' });
    setReviewStatus(facBoard.doc, { decisionId: 'i-pipeline', status: 'done' });
    expect(carryOver(partBoard.doc, { decisionId: 'i-observability', now: Date.now() })).toBe(carriedInitiativeId('i-observability'));
    expect(carryOver(partBoard.doc, { decisionId: 'i-checkout', now: Date.now() })).toBe(carriedInitiativeId('i-checkout'));
    await waitFor(() => readBoard(partBoard.doc).reviews['i-pipeline']?.status === 'done', 5_000, 'the facilitator’s status at the participant');
    expect(carryOver(partBoard.doc, { decisionId: 'i-pipeline', now: Date.now() })).toBeNull(); // Done is not carried over

    const observer = client(env.server.wsUrl, answer.id, tokens.observer);
    await waitSynced(observer);
    const docs = [facBoard.doc, partBoard.doc, observer.doc];
    await waitFor(() => docs.every((d) => readBoard(d).initiatives.length === 2 && readBoard(d).reviews['i-observability']?.comment !== ''), 5_000, 'carried initiatives everywhere');
    await waitConverged(docs, (d) => {
      const b = readBoard(d);
      return { initiatives: b.initiatives, reviews: b.reviews };
    });
    const board = readBoard(observer.doc);
    expect(board.initiatives.map((i) => [i.title, i.carriedFrom]).sort((a, b) => a[1]!.localeCompare(b[1]!))).toEqual([
      ['Observability: tracing and SLOs', '#1 of Scaling Q3'],
      ['Checkout performance program', '#2 of Scaling Q3'],
    ]);
    expect(reviewOf(board, 20).map((r) => [r.status, r.carriedTo !== null])).toEqual([
      ['at-risk', true],
      ['off-track', true],
      ['done', false],
    ]);

    // A check-in on a previous metric, in the follow-up: 50 against a planned 100 is Off plan.
    expect((await checkIn(answer.id, tokens.participant, { metricId: 'm-0', value: 50, at: '2027-01-15' })).status).toBe(201);
    expect((await checkIn(answer.id, tokens.participant, { metricId: 'not-a-metric', value: 50, at: '2027-01-15' })).status).toBe(404);

    // The follow-up's log: previousId and the review, valid against the v1 schema, in every format.
    const log = (await logOf(answer.id, tokens.observer)) as DecisionLog;
    expect(new Ajv({ strict: true }).compile(schema)(log)).toBe(true);
    expect(log.workshop.previousId).toBe(previous.id);
    expect(log.stages).toHaveLength(5);
    expect(log.review).toMatchObject({ previousTitle: 'Scaling Q3', plannedMinutes: 15 });
    expect(log.review!.decisions.map((d) => [d.rank, d.status, d.comment, d.carriedOver, d.dri, d.phase])).toEqual([
      [1, 'at-risk', 'Tracing covers 60% of services', true, 'Grace Hopper', 'now'],
      [2, 'off-track', '', true, 'Bartholomew Oppenheimer', 'now'],
      [3, 'done', '', false, 'Linus', 'next'],
    ]);
    expect(log.review!.decisions[0]!.metrics[0]).toMatchObject({
      name: 'Services with tracing',
      checkIns: [
        { value: 60, at: '2026-05-01' },
        { value: 50, at: '2027-01-15', offPlan: true },
      ],
      offPlan: true,
    });
    const md = (await logOf(answer.id, tokens.participant, 'md')) as string;
    expect(md).toContain(`- **Follows up:** \`${previous.id}\``);
    expect(md).toContain('## Review of the previous workshop');
    expect(md).toMatch(/\| 1 \| Observability: tracing and SLOs \(carried over\) \| Now \| Grace Hopper \| At risk \| Tracing covers 60% of services \| Services with tracing: 20% → 100%, due 2026-06-30 \(observability\); checked in 50 on 2027-01-15, Off plan/);
    const csv = (await logOf(answer.id, tokens.participant, 'csv')) as string;
    expect(csv.split('\r\n')[0]).toMatch(/,Latest check-in,Off plan,Previous workshop,Status,Comment$/);
    expect(csv).toContain('1,Observability: tracing and SLOs,Buy,,Now,Grace Hopper,Services with tracing,20%,100%,2026-06-30,,,,,,,50 on 2027-01-15,Off plan,Scaling Q3,At risk,Tracing covers 60% of services');

    // No token of either workshop reaches the server's log, and the follow-up's creation is logged by id.
    const logs = env.server.logs.join('');
    expect(logs).toContain(answer.id);
    for (const token of [...Object.values(tokens), ...Object.values(previous.tokens)]) expect(logs).not.toContain(token);

    // The previous workshop is unchanged by all this, and its log has no review.
    const before = (await logOf(previous.id, previous.tokens.observer)) as DecisionLog;
    expect(before.workshop.previousId).toBeUndefined();
    expect(before.review).toBeUndefined();
  });

  it('answers 403 to participants and observers, 401 to bad tokens, 404 to unknown workshops, 400 naming the field, 415 to other bodies', async () => {
    expect((await startFollowUp(previous.id, { token: previous.tokens.participant })).status).toBe(403);
    expect((await startFollowUp(previous.id, { token: previous.tokens.observer })).status).toBe(403);
    expect((await startFollowUp(previous.id)).status).toBe(401);
    expect((await startFollowUp(previous.id, { token: 'not-a-token' })).status).toBe(401);
    expect((await startFollowUp('noSuchWorkshop42', { token: previous.tokens.facilitator })).status).toBe(404);
    for (const [body, field] of [[{ title: 5 }, 'title'], [{ title: '' }, 'title'], [{ title: 'x'.repeat(201) }, 'title']] as const) {
      const res = await startFollowUp(previous.id, { token: previous.tokens.facilitator, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ field });
    }
    expect((await startFollowUp(previous.id, { token: previous.tokens.facilitator, body: '{"title": ' })).status).toBe(400);
    expect((await startFollowUp(previous.id, { token: previous.tokens.facilitator, body: 'title=x', type: 'application/x-www-form-urlencoded' })).status).toBe(415);
  });

  it('refuses a workshop with nothing to follow up (409) until it has reached stage 5', async () => {
    const fresh = await createWorkshop(env.server, { title: 'Empty' });
    expect((await startFollowUp(fresh.id, { token: fresh.tokens.facilitator })).status).toBe(409);
    const session = await openDemoSession(env.server, fresh);
    try {
      await session.goToStage(4);
      const watcher = client(env.server.wsUrl, fresh.id, fresh.tokens.observer, { docName: 'control' });
      await waitFor(() => readEngineState(watcher.doc).current === 4, 5_000, 'stage 5 on the server');
      const res = await startFollowUp(fresh.id, { token: fresh.tokens.facilitator });
      expect(res.status).toBe(201);
      const { id, links } = (await res.json()) as FollowUpAnswer;
      const b = client(env.server.wsUrl, id, tokenOf(links.observer));
      await waitSynced(b);
      expect(readBoard(b.doc).previous).toMatchObject({ id: fresh.id, title: 'Empty', decisions: [] });
    } finally {
      session.destroy();
    }
  });
});

describe('the rate limit', () => {
  it('counts a follow-up as a workshop created: past the budget, 429 with Retry-After', async () => {
    const limited = await startTestServer({ env: { HTTP_CREATE_LIMIT: '3' } });
    try {
      const w = await createWorkshop(limited, { title: 'Limited' });
      const session = await openDemoSession(limited, w);
      await session.goToStage(4);
      // The server has stage 5 before the first request (else it answers 409, and that spends a point too).
      const watcher = connectClient(limited.wsUrl, w.id, w.tokens.observer, { docName: 'control' });
      await waitFor(() => readEngineState(watcher.doc).current === 4, 5_000, 'stage 5 on the server');
      watcher.destroy();
      session.destroy();
      const post = () => fetch(`${limited.url}/api/workshops/${w.id}/follow-up`, { method: 'POST', headers: { authorization: `Bearer ${w.tokens.facilitator}` } });
      expect((await post()).status).toBe(201);
      expect((await post()).status).toBe(201);
      const over = await post();
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  });
});

describe('the write gate in a follow-up', () => {
  it('drops an observer’s hand-made review write', async () => {
    const f = await newFollowUp();
    const view = client(env.server.wsUrl, f.id, f.tokens.observer);
    await waitSynced(view);
    const write = updateOf(view.doc, (d) => (d.getMap('reviews').get('i-observability') as Y.Map<unknown>).set('status', 'dropped'));
    const before = await metricValue(env.server, 'scaleboard_ws_rejected_total', { reason: 'write_forbidden_observer' });
    const attacker = await openRaw(`${env.server.wsUrl}/${f.id}?token=${f.tokens.observer}`);
    raws.push(attacker);
    attacker.ws.send(updateFrame(write));
    await waitFor(async () => (await metricValue(env.server, 'scaleboard_ws_rejected_total', { reason: 'write_forbidden_observer' })) > before, 5_000, 'refusal counted');
    // A participant's own review after the attempt: once it is in, the observer's write would be too.
    const participant = client(env.server.wsUrl, f.id, f.tokens.participant);
    await waitSynced(participant);
    setReviewStatus(participant.doc, { decisionId: 'i-checkout', status: 'at-risk' });
    const fresh = client(env.server.wsUrl, f.id, f.tokens.facilitator);
    await waitFor(() => readBoard(fresh.doc).reviews['i-checkout']?.status === 'at-risk', 5_000, 'the participant’s review');
    expect(readBoard(fresh.doc).reviews['i-observability']?.status).toBe('');
  });

  it('refuses a participant’s hand-made write of the server-written previous decisions', async () => {
    const f = await newFollowUp();
    const view = client(env.server.wsUrl, f.id, f.tokens.participant);
    await waitSynced(view);
    const original = readBoard(view.doc).previous!;
    const forged = { ...original, decisions: original.decisions.map((d) => ({ ...d, dri: 'Mallory' })) };
    const write = updateOf(view.doc, (d) => d.getMap('previous').set('workshop', forged));
    const before = await metricValue(env.server, 'scaleboard_ws_rejected_total', { reason: 'server_only_map' });
    const attacker = await openRaw(`${env.server.wsUrl}/${f.id}?token=${f.tokens.participant}`);
    raws.push(attacker);
    attacker.ws.send(updateFrame(write));
    await waitFor(async () => (await metricValue(env.server, 'scaleboard_ws_rejected_total', { reason: 'server_only_map' })) > before, 5_000, 'refusal counted');
    setReviewComment(view.doc, { decisionId: 'i-checkout', comment: 'after the attack' });
    const fresh = client(env.server.wsUrl, f.id, f.tokens.observer);
    await waitFor(() => readBoard(fresh.doc).reviews['i-checkout']?.comment === 'after the attack', 5_000, 'the marker');
    expect(readBoard(fresh.doc).previous!.decisions.map((d) => d.dri)).toEqual(['Grace Hopper', 'Bartholomew Oppenheimer', 'Linus']);
    expect((await logOf(f.id, f.tokens.observer) as DecisionLog).review!.decisions.map((d) => d.dri)).not.toContain('Mallory');
  });
});

describe('the workshop’s tolerance', () => {
  it('decides the Off plan flag in the review and the log: 20% off is flagged at 15%, not at 25%', async () => {
    const f = await newFollowUp();
    const control = client(env.server.wsUrl, f.id, f.tokens.facilitator, { docName: 'control' });
    await waitSynced(control);
    setOffPlanTolerance(control.doc, 15);
    await waitFor(async () => ((await logOf(f.id, f.tokens.observer)) as DecisionLog).review !== undefined, 5_000, 'log');
    // m-0 is planned at its target, 100, after its due date: 80 is 20% off.
    expect((await checkIn(f.id, f.tokens.facilitator, { metricId: 'm-0', value: 80, at: '2027-02-01' })).status).toBe(201);
    const flag = async () => ((await logOf(f.id, f.tokens.observer)) as DecisionLog).review!.decisions[0]!.metrics[0]!.offPlan;
    await waitFor(async () => (await flag()) === true, 5_000, 'Off plan at 15%');
    setOffPlanTolerance(control.doc, 25);
    await waitFor(async () => (await flag()) === false, 5_000, 'on plan at 25%');
    const md = (await logOf(f.id, f.tokens.observer, 'md')) as string;
    expect(md).toContain('Services with tracing: 20% → 100%, due 2026-06-30 (observability); checked in 80 on 2027-02-01<br>');
  });
});
