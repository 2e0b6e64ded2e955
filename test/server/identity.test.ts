// One identity per person, issued by the server (issue 11). Written as the attacker's client:
// raw awareness frames for someone else's client id, presence that claims another person's id,
// the facilitator role and a `url(…)` colour, made-up private document names, twenty ballots
// from one person. Every check reads what the *other* clients receive from the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { connectClient, waitClosed, waitSynced, type TestClient } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import {
  createPerson,
  createWorkshop,
  metricValue,
  startTestServer,
  waitFor,
  type CreatedPerson,
  type CreatedWorkshop,
  type TestServer,
} from '../helpers/server.js';
import { boardMaps, type RosterEntry } from '../../shared/schema.js';
import { PERSON_COLORS } from '../../shared/colors.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { readOwnScores, scoreInitiative, setScoreProfile } from '../../shared/commands/scores.js';
import { revealScores } from '../../shared/commands/ranking.js';
import { rankingOf } from '../../shared/ranking.js';

/** Small, so the cap is quick to reach; every other test uses its own workshop. */
const MAX_PEOPLE = 5;

let server: TestServer;
const clients: TestClient[] = [];
const raws: RawPeer[] = [];
const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer({ env: { MAX_PEOPLE_PER_WORKSHOP: String(MAX_PEOPLE) } });
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  raws.forEach((r) => r.ws.terminate());
  await server?.stop();
});

/** An awareness message (y-websocket type 1) written by hand, as an attacker's script would. */
function awarenessFrame(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(update, e.clientId);
    encoding.writeVarUint(update, e.clock);
    encoding.writeVarString(update, JSON.stringify(e.state));
  }
  const msg = encoding.createEncoder();
  encoding.writeVarUint(msg, 1);
  encoding.writeVarUint8Array(msg, encoding.toUint8Array(update));
  return encoding.toUint8Array(msg);
}

async function rawPeer(workshopId: string, token: string, person?: string, docName = ''): Promise<RawPeer> {
  const params = new URLSearchParams({ token, ...(person ? { person } : {}) });
  const raw = await openRaw(`${server.wsUrl}/${workshopId}${docName ? `/${docName}` : ''}?${params}`);
  raws.push(raw);
  return raw;
}

interface UserState {
  id?: unknown;
  name?: unknown;
  color?: unknown;
  role?: unknown;
}
const stateOf = (c: TestClient, clientId: number) => c.provider.awareness.getStates().get(clientId) as { user?: UserState; [k: string]: unknown } | undefined;
const rosterOf = (doc: Y.Doc) => boardMaps(doc).roster.toJSON() as Record<string, RosterEntry>;

describe('presence belongs to the connection that introduced it', () => {
  it("a participant cannot overwrite or remove the facilitator's presence, and the facilitator's later renewals still apply", async () => {
    const ws = await createWorkshop(server, { title: 'Hijack' });
    const grace = await createPerson(server, ws.id, ws.tokens.facilitator);
    const mallory = await createPerson(server, ws.id, ws.tokens.participant);
    const facilitator = client(server.wsUrl, ws.id, ws.tokens.facilitator, { person: grace.personToken });
    const watcher = client(server.wsUrl, ws.id, ws.tokens.observer);
    await Promise.all([waitSynced(facilitator), waitSynced(watcher)]);
    const fid = facilitator.provider.awareness.clientID;
    facilitator.provider.awareness.setLocalStateField('user', { name: 'Grace' });
    await waitFor(() => stateOf(watcher, fid)?.user?.name === 'Grace', 5000, "the facilitator's presence");
    const clockBefore = watcher.provider.awareness.meta.get(fid)!.clock;
    const foreignBefore = await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'awareness_foreign' });

    // Mallory's script: the facilitator's client id with a huge clock, then a removal of it.
    const attacker = await rawPeer(ws.id, ws.tokens.participant, mallory.personToken);
    const huge = 2 ** 40;
    attacker.ws.send(awarenessFrame([{ clientId: fid, clock: huge, state: { user: { id: grace.personId, name: 'Mallory', role: 'facilitator' } } }]));
    attacker.ws.send(awarenessFrame([{ clientId: fid, clock: huge + 1, state: null }]));
    // Then her own presence: once the watcher sees it, the frames before it were handled.
    const own = 1_234_567;
    attacker.ws.send(awarenessFrame([{ clientId: own, clock: 1, state: { user: { name: 'Mallory' } } }]));
    await waitFor(() => stateOf(watcher, own)?.user?.name === 'Mallory', 5000, "the attacker's own presence");

    expect(stateOf(watcher, fid)?.user).toEqual({ id: grace.personId, name: 'Grace', color: grace.color, role: 'facilitator' });
    expect(watcher.provider.awareness.meta.get(fid)!.clock).toBe(clockBefore);
    expect(await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'awareness_foreign' })).toBe(foreignBefore + 2);

    // The facilitator's next change (a small clock) still reaches everyone.
    facilitator.provider.awareness.setLocalStateField('user', { name: 'Grace Hopper' });
    await waitFor(() => stateOf(watcher, fid)?.user?.name === 'Grace Hopper', 5000, "the facilitator's renewal");
    expect(stateOf(facilitator, own)?.user).toMatchObject({ id: mallory.personId, role: 'participant' });
  });

  it('lets one connection introduce only a few client ids', async () => {
    const ws = await createWorkshop(server, { title: 'Many ids' });
    const watcher = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(watcher);
    const before = await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'awareness_too_many' });
    const attacker = await rawPeer(ws.id, ws.tokens.participant);
    const ids = Array.from({ length: 10 }, (_, i) => 9_000 + i);
    attacker.ws.send(awarenessFrame(ids.map((clientId) => ({ clientId, clock: 1, state: { user: { name: `Sock ${clientId}` } } }))));
    await waitFor(() => watcher.provider.awareness.getStates().has(ids[0]!), 5000, 'the first states');
    expect(ids.filter((id) => watcher.provider.awareness.getStates().has(id))).toHaveLength(4);
    expect(await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'awareness_too_many' })).toBe(before + 6);
  });
});

describe('presence and the roster carry the identity the server issued', () => {
  it("replaces a claimed role, another person's id and a url() colour by the server's; the roster holds only server ids, roles and colours", async () => {
    const ws = await createWorkshop(server, { title: 'Claims' });
    const grace = await createPerson(server, ws.id, ws.tokens.facilitator);
    const mallory = await createPerson(server, ws.id, ws.tokens.participant);
    const facilitator = client(server.wsUrl, ws.id, ws.tokens.facilitator, { person: grace.personToken });
    const attacker = client(server.wsUrl, ws.id, ws.tokens.participant, { person: mallory.personToken });
    const anonymous = client(server.wsUrl, ws.id, ws.tokens.participant); // the stock client: no person token
    const watcher = client(server.wsUrl, ws.id, ws.tokens.observer);
    await Promise.all([facilitator, attacker, anonymous, watcher].map((c) => waitSynced(c)));
    facilitator.provider.awareness.setLocalStateField('user', { id: grace.personId, name: 'Grace', color: grace.color, role: 'facilitator' });
    const claim = { id: grace.personId, name: '  Mallory\u0007\u202e the facilitator ', color: 'url(http://evil/)', role: 'facilitator' };
    attacker.provider.awareness.setLocalState({ user: claim, cursor: { x: 0.5, y: 10 }, editing: null, junk: 'x'.repeat(5000) });
    anonymous.provider.awareness.setLocalState({ user: { ...claim, name: 'Anon' } });

    const aid = attacker.provider.awareness.clientID;
    const nid = anonymous.provider.awareness.clientID;
    await waitFor(() => !!stateOf(watcher, aid) && !!stateOf(watcher, nid), 5000, 'presence');
    for (const viewer of [watcher, facilitator]) {
      expect(stateOf(viewer, aid)).toEqual({
        user: { id: mallory.personId, name: 'Mallory the facilitator', color: mallory.color, role: 'participant' },
        cursor: { x: 0.5, y: 10 },
        editing: null,
      });
      const anon = stateOf(viewer, nid)!.user!;
      expect(anon.id).toMatch(/^anon-/);
      expect(anon).toMatchObject({ name: 'Anon', role: 'participant' });
      expect(PERSON_COLORS).toContain(anon.color);
    }
    expect(mallory.color).toMatch(/^#[0-9a-f]{6}$/);

    await waitFor(() => Object.keys(rosterOf(watcher.doc)).length === 2, 5000, 'roster');
    const roster = rosterOf(watcher.doc);
    expect(roster[grace.personId]).toMatchObject({ id: grace.personId, name: 'Grace', role: 'facilitator', color: grace.color });
    expect(roster[mallory.personId]).toMatchObject({ id: mallory.personId, name: 'Mallory the facilitator', role: 'participant', color: mallory.color });
    // The connection without a person is in the room (its presence above) but no one the log names.
    expect(Object.values(roster).map((r) => r.name)).not.toContain('Anon');
    // Everyone's copy holds the same roster.
    expect(rosterOf(facilitator.doc)).toEqual(roster);
    expect(rosterOf(attacker.doc)).toEqual(roster);
  });
});

describe('the roster', () => {
  it('takes no entry from connections without a person, however many (it would outgrow the limit of people)', async () => {
    const ws = await createWorkshop(server, { title: 'Stuffing' });
    const grace = await createPerson(server, ws.id, ws.tokens.facilitator);
    const facilitator = client(server.wsUrl, ws.id, ws.tokens.facilitator, { person: grace.personToken });
    await waitSynced(facilitator);
    facilitator.provider.awareness.setLocalStateField('user', { name: 'Grace' });
    const fakes = Array.from({ length: MAX_PEOPLE + 3 }, () => client(server.wsUrl, ws.id, ws.tokens.participant));
    await Promise.all(fakes.map((c) => waitSynced(c)));
    fakes.forEach((c, i) => c.provider.awareness.setLocalStateField('user', { name: `Fake ${i}` }));
    // Every fake is present in the room: the roster had its chance to record them.
    await waitFor(() => fakes.every((c) => String(stateOf(facilitator, c.provider.awareness.clientID)?.user?.name ?? '').startsWith('Fake')), 5000, 'fakes present');
    await waitFor(() => rosterOf(facilitator.doc)[grace.personId]?.name === 'Grace', 5000, 'Grace in the roster');
    expect(Object.values(rosterOf(facilitator.doc)).map((r) => r.name)).toEqual(['Grace']);
  });
});

describe('POST /api/workshops/:id/people', () => {
  const post = (workshopId: string, token: string | null, body?: string) =>
    fetch(`${server.url}/api/workshops/${workshopId}/people`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body }),
    });

  let ws: CreatedWorkshop;
  let other: CreatedWorkshop;
  let ada: CreatedPerson;
  beforeAll(async () => {
    ws = await createWorkshop(server, { title: 'People' });
    other = await createWorkshop(server, { title: 'Other people' });
  });

  it('issues a new person (201) with the first free palette colour, and the same person again (200) for its token', async () => {
    const res = await post(ws.id, ws.tokens.participant);
    expect(res.status).toBe(201);
    ada = (await res.json()) as CreatedPerson;
    expect(ada).toMatchObject({ role: 'participant', color: PERSON_COLORS[0] });
    expect(ada.personId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(ada.personToken.length).toBeGreaterThanOrEqual(40);

    const again = await post(ws.id, ws.tokens.participant, JSON.stringify({ personToken: ada.personToken }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(ada);

    const bob = await post(ws.id, ws.tokens.participant, '{}');
    expect(bob.status).toBe(201);
    expect(await bob.json()).toMatchObject({ role: 'participant', color: PERSON_COLORS[1] });
  });

  it("answers another workshop's person token, or another role's, with a new person; the socket refuses them with 4401", async () => {
    const elsewhere = await post(other.id, other.tokens.participant, JSON.stringify({ personToken: ada.personToken }));
    expect(elsewhere.status).toBe(201);
    expect(((await elsewhere.json()) as CreatedPerson).personId).not.toBe(ada.personId);

    const asFacilitator = await post(ws.id, ws.tokens.facilitator, JSON.stringify({ personToken: ada.personToken }));
    expect(asFacilitator.status).toBe(201);
    const grace = (await asFacilitator.json()) as CreatedPerson;
    expect(grace).toMatchObject({ role: 'facilitator' });
    expect(grace.personId).not.toBe(ada.personId);

    const otherWorkshop = client(server.wsUrl, other.id, other.tokens.participant, { person: ada.personToken });
    const otherRole = client(server.wsUrl, ws.id, ws.tokens.facilitator, { person: ada.personToken });
    const madeUp = client(server.wsUrl, ws.id, ws.tokens.participant, { person: 'not-a-person-token' });
    for (const c of [otherWorkshop, otherRole, madeUp]) {
      expect(await waitClosed(c)).toMatchObject({ code: 4401, reason: 'invalid person token' });
      c.provider.disconnect(); // the stock client would keep retrying
    }
    const fine = client(server.wsUrl, ws.id, ws.tokens.participant, { person: ada.personToken });
    await waitSynced(fine);
  });

  it('answers a bad body with 400 naming the field, and a bad token or workshop like the other endpoints', async () => {
    const wrongType = await post(ws.id, ws.tokens.participant, JSON.stringify({ personToken: 42 }));
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ field: 'personToken', error: expect.stringContaining('personToken') });
    const tooLong = await post(ws.id, ws.tokens.participant, JSON.stringify({ personToken: 'x'.repeat(300) }));
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { field: string }).field).toBe('personToken');
    expect((await post(ws.id, ws.tokens.participant, '{not json')).status).toBe(400);
    expect((await post(ws.id, ws.tokens.participant, 'null')).status).toBe(400);
    expect((await post(ws.id, null)).status).toBe(401);
    expect((await post(ws.id, 'not-a-token')).status).toBe(401);
    expect((await post('noSuchWorkshop1', ws.tokens.participant)).status).toBe(404);
  });

  it(`stops at ${MAX_PEOPLE} people per workshop with 429, while known people still come back`, async () => {
    const full = await createWorkshop(server, { title: 'Full' });
    const people: CreatedPerson[] = [];
    for (let i = 0; i < MAX_PEOPLE; i++) people.push(await createPerson(server, full.id, full.tokens.participant));
    expect(people.map((p) => p.color)).toEqual(PERSON_COLORS.slice(0, MAX_PEOPLE));
    const refused = await post(full.id, full.tokens.participant);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: string }).error).toMatch(/maximum of 5 people/);
    const back = await post(full.id, full.tokens.participant, JSON.stringify({ personToken: people[2]!.personToken }));
    expect(back.status).toBe(200);
  });
});

describe('private documents', () => {
  it("opens the person's own document whatever follows private/, and refuses a connection without a person", async () => {
    const ws = await createWorkshop(server, { title: 'Private' });
    const ada = await createPerson(server, ws.id, ws.tokens.participant);
    const bob = await createPerson(server, ws.id, ws.tokens.participant);
    const first = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private/aaaaaaaaaaaaaaaaaaaaaaaa', person: ada.personToken });
    await waitSynced(first);
    scoreInitiative(first.doc, { initiativeId: 'i1', roi: 4, urgency: 2 });
    const second = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private/bbbbbbbbbbbbbbbbbbbbbbbbbbbb', person: ada.personToken });
    const bare = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private', person: ada.personToken });
    await waitFor(() => readOwnScores(second.doc).i1?.roi === 4 && readOwnScores(bare.doc).i1?.roi === 4, 5000, 'the same document');
    // Bob naming Ada's document (by her person id) gets his own, empty one.
    const bobs = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: `private/${ada.personId}`, person: bob.personToken });
    await waitSynced(bobs);
    expect(readOwnScores(bobs.doc)).toEqual({});

    const noPerson = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private/aaaaaaaaaaaaaaaaaaaaaaaa' });
    const close = await waitClosed(noPerson);
    expect(close.code).toBe(4403);
    expect(close.reason).toMatch(/person/);
    expect(noPerson.doc.share.size).toBe(0);
    noPerson.provider.disconnect();
    const observer = await createPerson(server, ws.id, ws.tokens.observer);
    const watching = client(server.wsUrl, ws.id, ws.tokens.observer, { docName: 'private', person: observer.personToken });
    expect((await waitClosed(watching)).code).toBe(4403);
    watching.provider.disconnect();
  });

  it('counts one ballot for a person who opens 20 private documents with 20 made-up profiles', async () => {
    const ws = await createWorkshop(server, { title: 'Ballots' });
    const grace = await createPerson(server, ws.id, ws.tokens.facilitator);
    const mallory = await createPerson(server, ws.id, ws.tokens.participant);
    const ada = await createPerson(server, ws.id, ws.tokens.participant);
    const board = client(server.wsUrl, ws.id, ws.tokens.facilitator, { person: grace.personToken });
    const control = client(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control', person: grace.personToken });
    // Both participants are in the room under their names, as in a real workshop.
    const present = [mallory, ada].map((p) => client(server.wsUrl, ws.id, ws.tokens.participant, { person: p.personToken }));
    await Promise.all([board, control, ...present].map((c) => waitSynced(c)));
    present.forEach((c, i) => c.provider.awareness.setLocalStateField('user', { id: [mallory, ada][i]!.personId, name: ['Mallory', 'Ada'][i] }));
    await waitFor(() => Object.keys(rosterOf(board.doc)).length === 2, 5000, 'roster');
    createInitiative(board.doc, { id: 'checkout', title: 'Checkout rewrite', bottleneckIds: [], now: 1 });

    const stuffed = Array.from({ length: 20 }, (_, i) =>
      client(server.wsUrl, ws.id, ws.tokens.participant, { docName: `private/ballot-${i}-${'x'.repeat(16)}`, person: mallory.personToken }),
    );
    await Promise.all(stuffed.map((c) => waitSynced(c)));
    stuffed.forEach((c, i) => {
      setScoreProfile(c.doc, { participantId: `fake-${i}`, name: `Voter ${i}` });
      scoreInitiative(c.doc, { initiativeId: 'checkout', roi: 5, urgency: 5 });
    });
    const honest = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private', person: ada.personToken });
    await waitSynced(honest);
    setScoreProfile(honest.doc, { participantId: mallory.personId, name: 'Ada' }); // a claim of someone else's id changes nothing
    scoreInitiative(honest.doc, { initiativeId: 'checkout', roi: 1, urgency: 1 });
    // The server has every write once a fresh connection to Mallory's document holds it.
    const check = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private', person: mallory.personToken });
    await waitFor(() => readOwnScores(check.doc).checkout?.roi === 5, 5000, "Mallory's scores stored");

    revealScores(control.doc);
    // The server writes the whole reveal at once, so the first revealed ranking is the answer:
    // two ballots (Mallory's 5 and Ada's 1), not twenty-one.
    const checkout = () => rankingOf(board.doc, control.doc).find((r) => r.initiative.id === 'checkout')!;
    await waitFor(() => checkout().stats.roi.count > 0, 10_000, 'the reveal');
    expect(checkout().stats.roi).toMatchObject({ count: 2, mean: 3, min: 1, max: 5 });
    expect(checkout().stats.urgency).toMatchObject({ count: 2, mean: 3 });
    expect(JSON.stringify(boardMaps(board.doc).revealedScores.toJSON())).not.toMatch(/fake-/);
  });
});
