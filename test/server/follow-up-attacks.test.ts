// Follow-ups (SPEC 8) tried as an attacker would, against the real server: a follow-up's tokens open
// nothing of the workshop it follows (nor the other way round), and a participant's hand-made
// update cannot stuff the Review's fields past the content limits (shared/limits.ts): a review's
// comment and status, and the `carriedFrom` note of an initiative.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitClosed, waitSynced } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { createWorkshop, metricValue, waitFor, type CreatedWorkshop } from '../helpers/server.js';
import { useServerAndClients } from '../helpers/suites.js';
import { openDemoSession } from '../helpers/demoWorkshop.js';
import { updateFrame, updateOf } from '../helpers/updates.js';
import { boardMaps, readBoard } from '../../shared/schema.js';
import { MAX_CARRIED_FROM, MAX_CHECK_INS_PER_BOARD, MAX_REVIEW_COMMENT, MAX_REVIEW_STATUS } from '../../shared/limits.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { addCheckIn } from '../../shared/commands/checkIns.js';

const env = useServerAndClients();
const raws: RawPeer[] = [];
let previous: CreatedWorkshop;
let followUp: { id: string; tokens: Record<'facilitator' | 'participant' | 'observer', string> };

const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '');

beforeAll(async () => {
  previous = await createWorkshop(env.server, { title: 'Scaling Q3' });
  const session = await openDemoSession(env.server, previous);
  await session.goToStage(4);
  session.destroy();
  const res = await fetch(`${env.server.url}/api/workshops/${previous.id}/follow-up`, { method: 'POST', headers: { authorization: `Bearer ${previous.tokens.facilitator}` } });
  expect(res.status).toBe(201);
  const { id, links } = (await res.json()) as { id: string; links: Record<'facilitator' | 'participant' | 'observer', string> };
  followUp = { id, tokens: { facilitator: tokenOf(links.facilitator), participant: tokenOf(links.participant), observer: tokenOf(links.observer) } };
});

afterAll(() => raws.forEach((r) => r.ws.close()));

describe('a follow-up and the workshop it follows', () => {
  it('do not open each other: each one’s tokens answer 401 on the other’s API and are refused on its socket', async () => {
    const api = (id: string, token: string, path: string) => fetch(`${env.server.url}/api/workshops/${id}/${path}`, { headers: { authorization: `Bearer ${token}` } });
    for (const role of ['facilitator', 'participant', 'observer'] as const) {
      expect((await api(previous.id, followUp.tokens[role], 'decision-log.json')).status).toBe(401);
      expect((await api(followUp.id, previous.tokens[role], 'decision-log.json')).status).toBe(401);
    }
    expect((await api(previous.id, followUp.tokens.facilitator, 'history')).status).toBe(401);
    const intruder = env.client(env.server.wsUrl, previous.id, followUp.tokens.facilitator);
    expect((await waitClosed(intruder)).code).toBe(4401);
  });
});

describe('the Review’s content limits', () => {
  it('refuses a participant’s hand-made review status, comment and carriedFrom past their limits, and takes them at the limit', async () => {
    const view = env.client(env.server.wsUrl, followUp.id, followUp.tokens.participant);
    await waitSynced(view);
    const attacker = await openRaw(`${env.server.wsUrl}/${followUp.id}?token=${followUp.tokens.participant}`);
    raws.push(attacker);
    await waitFor(() => attacker.received.length > 0, 5000, 'attacker synced');
    const tooLong = () => metricValue(env.server, 'scaleboard_ws_rejected_total', { reason: 'text_too_long' });

    const review = (key: string, fields: Record<string, string>) =>
      updateOf(view.doc, (d) => {
        const r = new Y.Map<unknown>();
        for (const [f, v] of Object.entries(fields)) r.set(f, v);
        boardMaps(d).reviews.set(key, r);
      });
    const initiative = (id: string, carriedFrom: string) =>
      updateOf(view.doc, (d) => {
        const r = new Y.Map<unknown>();
        r.set('id', id);
        r.set('title', 'Forged carry');
        r.set('carriedFrom', carriedFrom);
        boardMaps(d).initiatives.set(id, r);
      });
    const refused: [string, Uint8Array][] = [
      ['status', review('r-status', { status: 'x'.repeat(MAX_REVIEW_STATUS + 1), comment: '' })],
      ['comment', review('r-comment', { status: '', comment: 'x'.repeat(MAX_REVIEW_COMMENT + 1) })],
      ['carriedFrom', initiative('carried-forged', 'x'.repeat(MAX_CARRIED_FROM + 1))],
    ];
    for (const [what, update] of refused) {
      const before = await tooLong();
      attacker.ws.send(updateFrame(update));
      await waitFor(async () => (await tooLong()) > before, 5000, `${what} refused`);
    }
    // At the limits, the same writes are taken (after the refusals, so they have been judged).
    view.doc.transact(() => {
      const r = new Y.Map<unknown>();
      r.set('status', 'at-risk');
      r.set('comment', 'y'.repeat(MAX_REVIEW_COMMENT));
      boardMaps(view.doc).reviews.set('r-ok', r);
      const i = new Y.Map<unknown>();
      i.set('id', 'carried-ok');
      i.set('title', 'Honest carry');
      i.set('carriedFrom', 'z'.repeat(MAX_CARRIED_FROM));
      boardMaps(view.doc).initiatives.set('carried-ok', i);
    });
    const reader = env.client(env.server.wsUrl, followUp.id, followUp.tokens.observer);
    await waitFor(() => readBoard(reader.doc).reviews['r-ok']?.comment.length === MAX_REVIEW_COMMENT, 5000, 'the honest write');
    const board = readBoard(reader.doc);
    expect(Object.keys(board.reviews).sort()).toEqual(['r-ok']);
    expect(board.initiatives.map((i) => [i.id, i.carriedFrom?.length])).toEqual([['carried-ok', MAX_CARRIED_FROM]]);
  });
});

describe('the follow-up and check-in endpoints under fuzz', () => {
  it('answer hostile bodies with a 4xx (never a 500), and the server keeps answering', async () => {
    const hostile = [
      'null',
      '[]',
      '"x"',
      '42',
      'true',
      '{"title":null}',
      '{"title":["a"]}',
      '{"title":{"toString":1}}',
      '{"metricId":{},"value":"1","at":5}',
      '{"metricId":"m","value":1e400,"at":"2026-01-01"}',
      '{"metricId":"m","value":-0,"at":"2026-02-30"}',
      '{"__proto__":{"title":"x"}}',
      '[' .repeat(5000) + ']'.repeat(5000),
      '{"a":' + '"x",'.repeat(3) + '}',
      '\u0000',
      JSON.stringify({ title: 'x'.repeat(100_000) }),
    ];
    for (const path of [`${previous.id}/follow-up`, `${followUp.id}/check-ins`]) {
      for (const body of hostile) {
        const res = await fetch(`${env.server.url}/api/workshops/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${path.startsWith(previous.id) ? previous.tokens.facilitator : followUp.tokens.participant}` },
          body,
        });
        // An object without a title is a plain Start follow-up (unknown fields are ignored, as at creation); anything else is refused.
        const plainObject = /^\{"(metricId|__proto__|a)"/.test(body);
        if (!(path.endsWith('follow-up') && plainObject)) expect(res.status, `${path} ${body.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${body.slice(0, 40)}`).toBeLessThan(500);
      }
    }
    expect((await fetch(`${env.server.url}/healthz`)).status).toBe(200);
  });
});

describe('the check-in limit', () => {
  it('holds for the API (409) and for a hand-made update alike: a board takes at most its check-ins, so no one grows it for every joiner', async () => {
    const ws = await createWorkshop(env.server, { title: 'Check-ins' });
    const fac = env.client(env.server.wsUrl, ws.id, ws.tokens.facilitator);
    await waitSynced(fac);
    fac.doc.transact(() => {
      createInitiative(fac.doc, { id: 'i1', title: 'Pipeline', bottleneckIds: [], now: 1 });
      addMetric(fac.doc, { initiativeId: 'i1', id: 'm1', name: 'Deploys a day', baseline: '1', target: '10', due: '2027-06-01' });
      for (let i = 1; i < MAX_CHECK_INS_PER_BOARD; i++) addCheckIn(fac.doc, { metricId: 'm1', value: i, at: '2027-01-01', by: 'seed', now: i });
    });
    const reader = env.client(env.server.wsUrl, ws.id, ws.tokens.observer);
    await waitFor(() => readBoard(reader.doc).checkIns.length === MAX_CHECK_INS_PER_BOARD - 1, 10_000, 'the seeded check-ins');
    const checkIn = () =>
      fetch(`${env.server.url}/api/workshops/${ws.id}/check-ins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.tokens.participant}` },
        body: JSON.stringify({ metricId: 'm1', value: 5, at: '2027-02-01' }),
      });
    expect((await checkIn()).status).toBe(201); // the last place
    const full = await checkIn();
    expect(full.status).toBe(409);
    expect(((await full.json()) as { error: string }).error).toContain(`at most ${MAX_CHECK_INS_PER_BOARD} check-ins`);

    // A participant's hand-made update with one more is refused by the write gate.
    const before = await metricValue(env.server, 'scaleboard_ws_rejected_total', { reason: 'too_many_records' });
    const attacker = await openRaw(`${env.server.wsUrl}/${ws.id}?token=${ws.tokens.participant}`);
    raws.push(attacker);
    await waitFor(() => attacker.received.length > 0, 5000, 'attacker synced');
    await waitFor(() => readBoard(reader.doc).checkIns.length === MAX_CHECK_INS_PER_BOARD, 5000, 'the API check-in relayed');
    attacker.ws.send(updateFrame(updateOf(reader.doc, (d) => void addCheckIn(d, { metricId: 'm1', value: 6, at: '2027-02-02', by: 'x', now: 1 }))));
    await waitFor(async () => (await metricValue(env.server, 'scaleboard_ws_rejected_total', { reason: 'too_many_records' })) > before, 5000, 'refused');
    expect(readBoard(reader.doc).checkIns.length).toBe(MAX_CHECK_INS_PER_BOARD);
  });
});
