// The write gate, tried as a hostile participant would: hand-made updates sent on a raw socket.
// Each case is a hole the old guard had (it looked only at an item's encoded parent, fixed its undo
// scope before applying, and let Yjs integrate pending items inside someone else's transaction).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitClosed, waitSynced, type TestClient } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { createPerson, createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';
import { encodeStructs, updateFrame, updateOf } from '../helpers/updates.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { readOwnScores, scoreInitiative, setScoreProfile } from '../../shared/commands/scores.js';
import { revealScores, setNamedReveal } from '../../shared/commands/ranking.js';

let server: TestServer;
const clients: TestClient[] = [];
const raws: RawPeer[] = [];
const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};
const raw = async (ws: CreatedWorkshop, token: string, docName = '') => {
  const peer = await openRaw(`${server.wsUrl}/${ws.id}${docName ? `/${docName}` : ''}?token=${token}`);
  raws.push(peer);
  return peer;
};
const rejected = (reason: string) => metricValue(server, 'scaleboard_ws_rejected_total', { reason });
type Entry = { id: string; name: string; role: string };
const rosterOf = (d: Y.Doc) => d.getMap<Entry>('roster').toJSON() as Record<string, Entry>;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  raws.forEach((r) => r.ws.close());
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

/** A workshop whose facilitator is present (so the server has written a roster entry). */
async function workshopWithFacilitator() {
  const ws = await createWorkshop(server);
  const fran = await createPerson(server, ws.id, ws.tokens.facilitator);
  const fac = client(server.wsUrl, ws.id, ws.tokens.facilitator, { person: fran.personToken });
  await waitSynced(fac);
  fac.provider.awareness.setLocalStateField('user', { id: 'f', name: 'Fran', color: '#336699' });
  await waitFor(() => Object.values(rosterOf(fac.doc)).some((e) => e.name === 'Fran'), 5000, 'roster entry');
  const view = client(server.wsUrl, ws.id, ws.tokens.participant);
  await waitSynced(view);
  await waitFor(() => Object.keys(rosterOf(view.doc)).length === 1, 5000, 'roster synced');
  return { ws, fac, view };
}

/** A fresh client's copy of the board, once it holds the marker note written after the attack. */
async function freshBoardAfter(ws: CreatedWorkshop, writer: TestClient, marker: string): Promise<TestClient> {
  putRecord(writer.doc, marker, 'x');
  const fresh = client(server.wsUrl, ws.id, ws.tokens.observer);
  await waitSynced(fresh);
  await waitFor(() => fresh.doc.getMap('notes').has(marker), 5000, `marker ${marker}`);
  return fresh;
}

describe('server-only maps', () => {
  it('refuses an overwrite of a roster entry sent as an item with only an origin and no delete set', async () => {
    const { ws, fac, view } = await workshopWithFacilitator();
    const [key, entry] = Object.entries(rosterOf(view.doc))[0]!;
    const overwrite = updateOf(view.doc, (d) => d.getMap<Entry>('roster').set(key, { ...entry, name: 'Mallory' }));
    const { structs } = Y.decodeUpdate(overwrite);
    // The shape the old guard missed: the new value points at the old one (origin), carries no parent.
    expect(structs).toHaveLength(1);
    expect((structs[0] as Y.Item).origin).not.toBeNull();
    expect((structs[0] as Y.Item).parent).toBeNull();
    const before = await rejected('server_only_map');
    const attacker = await raw(ws, ws.tokens.participant);
    attacker.ws.send(updateFrame(encodeStructs(structs)));
    await waitFor(async () => (await rejected('server_only_map')) > before, 5000, 'refusal counted');

    const fresh = await freshBoardAfter(ws, fac, 'after-overwrite');
    expect(rosterOf(fresh.doc)[key]?.name).toBe('Fran');
    expect(rosterOf(fac.doc)[key]?.name).toBe('Fran');
    // Reverted on the server, so what is stored is right too.
    await server.stop();
    server = await server.restart();
    const afterRestart = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(afterRestart);
    expect(rosterOf(afterRestart.doc)[key]?.name).toBe('Fran');
  });

  it('refuses origin-only overwrites and delete-set-only deletions of every entry of the roster, ballots, revealed and named scores', async () => {
    const ws = await createWorkshop(server);
    const grace = await createPerson(server, ws.id, ws.tokens.facilitator);
    const ada = await createPerson(server, ws.id, ws.tokens.participant);
    const fac = client(server.wsUrl, ws.id, ws.tokens.facilitator, { person: grace.personToken });
    const control = client(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control', person: grace.personToken });
    const view = client(server.wsUrl, ws.id, ws.tokens.participant, { person: ada.personToken });
    const scores = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private', person: ada.personToken });
    await Promise.all([fac, control, view, scores].map((c) => waitSynced(c)));
    fac.provider.awareness.setLocalStateField('user', { name: 'Grace' });
    view.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    createInitiative(fac.doc, { id: 'checkout', title: 'Checkout rewrite', bottleneckIds: [], now: 1 });
    setScoreProfile(scores.doc, { participantId: ada.personId, name: 'Ada' });
    scoreInitiative(scores.doc, { initiativeId: 'checkout', roi: 5, urgency: 4 });
    const stored = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private', person: ada.personToken });
    await waitFor(() => readOwnScores(stored.doc).checkout?.roi === 5, 5000, 'scores stored');
    setNamedReveal(control.doc, true);
    revealScores(control.doc);
    const maps = ['roster', 'ballots', 'revealedScores', 'namedScores'] as const;
    await waitFor(() => maps.every((m) => view.doc.getMap(m).size > 0), 10_000, 'every server-only map holds something');
    const before = Object.fromEntries(maps.map((m) => [m, JSON.stringify(view.doc.getMap(m).toJSON())]));

    const attacker = await raw(ws, ws.tokens.participant);
    // Each attack is made from the participant's copy as it is then: a revert restores an entry
    // as a new item, so the second kind of attack names what the first one's reverts left.
    const attacks: [string, (m: string, key: string) => Uint8Array][] = [
      // A deletion alone: no struct at all, only the delete set naming the entry.
      ['delete set only', (m, key) => updateOf(view.doc, (d) => d.getMap(m).delete(key))],
      // An overwrite whose new value names the old one only as its origin, with no delete set.
      ['origin only', (m, key) => encodeStructs(Y.decodeUpdate(updateOf(view.doc, (d) => d.getMap(m).set(key, { forged: true }))).structs)],
    ];
    for (const [name, attack] of attacks) {
      const refusedBefore = await rejected('server_only_map');
      let sent = 0;
      for (const m of maps) {
        for (const key of view.doc.getMap(m).keys()) {
          const update = attack(m, key);
          if (name === 'delete set only') expect(Y.decodeUpdate(update).structs).toHaveLength(0);
          attacker.ws.send(updateFrame(update));
          sent++;
        }
      }
      await waitFor(async () => (await rejected('server_only_map')) >= refusedBefore + sent, 5000, `every ${name} attack refused`);
      // The participant's copy has the reverts once it has a note written after them.
      await waitFor(async () => {
        putRecord(fac.doc, `after-${name}`, 'x');
        return view.doc.getMap('notes').has(`after-${name}`);
      }, 5000, 'reverts relayed');
    }
    const fresh = await freshBoardAfter(ws, fac, 'after-server-only-attacks');
    for (const m of maps) expect(JSON.stringify(fresh.doc.getMap(m).toJSON()), m).toBe(before[m]);
    await waitFor(() => maps.every((m) => JSON.stringify(view.doc.getMap(m).toJSON()) === before[m]), 5000, "everyone's copy unchanged");
  });

  it("never lets a participant's pending item be integrated as someone else's write", async () => {
    const { ws, fac, view } = await workshopWithFacilitator();
    const rosterItem = (view.doc.getMap('roster') as unknown as { _map: Map<string, Y.Item> })._map.values().next().value!;
    const serverClient = rosterItem.id.client;
    const nextServerClock = Y.getState(view.doc.store, serverClient);
    // A roster value whose origin is the item the server will write next (the next person's entry):
    // Yjs keeps it pending until that item exists, then integrates it with whatever update comes next.
    const { structs } = Y.decodeUpdate(
      updateOf(view.doc, (d) => d.getMap<Entry>('roster').set('whatever', { id: 'x', name: 'Mallory', role: 'facilitator' })),
    );
    const forged = structs[0] as Y.Item;
    forged.origin = Y.createID(serverClient, nextServerClock);
    forged.parent = null;
    forged.parentSub = null;
    const attacker = await raw(ws, ws.tokens.participant);
    attacker.ws.send(updateFrame(encodeStructs([forged])));

    // The next person joins (the server writes their roster entry), then the facilitator edits.
    const newcomer = client(server.wsUrl, ws.id, ws.tokens.participant, { person: (await createPerson(server, ws.id, ws.tokens.participant)).personToken });
    await waitSynced(newcomer);
    newcomer.provider.awareness.setLocalStateField('user', { id: 'n', name: 'Newcomer', color: '#993366' });
    await waitFor(() => Object.keys(rosterOf(fac.doc)).length === 2, 5000, 'newcomer in roster');
    const fresh = await freshBoardAfter(ws, fac, 'facilitator-edit');
    const names = Object.values(rosterOf(fresh.doc)).map((e) => e.name);
    expect(names.sort()).toEqual(['Fran', 'Newcomer']);
    expect(attacker.ws.readyState).toBe(attacker.ws.OPEN); // it was still there to be judged
  });
});

describe('new roots', () => {
  it('reverts a participant write that makes a new root, on an open board and a locked one', async () => {
    const ws = await createWorkshop(server);
    const p = client(server.wsUrl, ws.id, ws.tokens.participant);
    const fac = client(server.wsUrl, ws.id, ws.tokens.facilitator);
    const facControl = client(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
    await Promise.all([p, fac, facControl].map((c) => waitSynced(c)));
    const before = await rejected('unknown_root');
    p.doc.getMap('madeUp').set('junk', 'x'.repeat(1000));
    fac.doc.getArray('alsoMadeUp').push(['from the facilitator']);
    await waitFor(async () => (await rejected('unknown_root')) >= before + 2, 5000, 'both refused');
    let fresh = await freshBoardAfter(ws, fac, 'open-marker');
    expect(fresh.doc.getMap('madeUp').size).toBe(0);
    expect(fresh.doc.getArray('alsoMadeUp').length).toBe(0);
    await waitFor(() => p.doc.getMap('madeUp').size === 0 && fac.doc.getArray('alsoMadeUp').length === 0, 5000, 'writers reverted');

    facControl.doc.getMap('settings').set('locked', true);
    await waitFor(() => fresh.doc.getMap('notes').size > 0 && p.doc.getMap('notes').size > 0, 5000, 'board synced');
    const lockedBefore = await rejected('write_reverted_participant');
    await new Promise((r) => setTimeout(r, 300)); // the lock reaches the server before the write below
    p.doc.getMap('whileLocked').set('junk', 'y');
    await waitFor(async () => (await rejected('write_reverted_participant')) > lockedBefore, 5000, 'refused while locked');
    fresh = await freshBoardAfter(ws, fac, 'locked-marker');
    expect(fresh.doc.getMap('whileLocked').size).toBe(0);
    await waitFor(() => p.doc.getMap('whileLocked').size === 0, 5000, 'writer reverted');
  });

  it("reverts a participant's new root in the control document", async () => {
    const ws = await createWorkshop(server);
    const p = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'control' });
    const facControl = client(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
    await Promise.all([waitSynced(p), waitSynced(facControl)]);
    const before = await rejected('write_reverted_participant');
    p.doc.getMap('takeover').set('stage', 4);
    await waitFor(async () => (await rejected('write_reverted_participant')) > before, 5000, 'refused');
    facControl.doc.getMap('settings').set('title', 'marker');
    const fresh = client(server.wsUrl, ws.id, ws.tokens.observer, { docName: 'control' });
    await waitSynced(fresh);
    await waitFor(() => fresh.doc.getMap('settings').get('title') === 'marker', 5000, 'marker');
    expect(fresh.doc.getMap('takeover').size).toBe(0);
    await waitFor(() => p.doc.getMap('takeover').size === 0, 5000, 'writer reverted');
  });
});

describe('record roots', () => {
  it('reverts a value in a record root that is not a record, so every reader and export keeps working', async () => {
    const ws = await createWorkshop(server);
    const p = client(server.wsUrl, ws.id, ws.tokens.participant);
    await waitSynced(p);
    const before = await rejected('not_a_record');
    p.doc.getMap('notes').set('bare', 'a string where a note record belongs');
    p.doc.getMap('decisions').set('also-bare', 42);
    await waitFor(async () => (await rejected('not_a_record')) >= before + 2, 5000, 'both refused');
    const fresh = await freshBoardAfter(ws, p, 'record-marker');
    expect(fresh.doc.getMap('notes').has('bare')).toBe(false);
    expect(fresh.doc.getMap('decisions').has('also-bare')).toBe(false);
    const log = await fetch(`${server.url}/api/workshops/${ws.id}/decision-log.json`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } });
    expect(log.status).toBe(200);
  });
});

describe('client ids', () => {
  it("refuses a write under another person's client id, so their next edit is not skipped", async () => {
    const ws = await createWorkshop(server);
    const fac = client(server.wsUrl, ws.id, ws.tokens.facilitator);
    await waitSynced(fac);
    putRecord(fac.doc, 'first', 'mine');
    const view = client(server.wsUrl, ws.id, ws.tokens.participant);
    await waitSynced(view);
    await waitFor(() => view.doc.getMap('notes').has('first'), 5000, 'first edit');
    // The facilitator's next clock, taken first by the attacker.
    const squat = updateOf(view.doc, (d) => putRecord(d, 'squat', 'not yours'), fac.doc.clientID);
    const before = await rejected('foreign_client_id');
    const attacker = await raw(ws, ws.tokens.participant);
    attacker.ws.send(updateFrame(squat));
    expect((await attacker.closed).code).toBe(4400);
    expect(await rejected('foreign_client_id')).toBe(before + 1);

    putRecord(fac.doc, 'second', 'also mine');
    const fresh = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(fresh);
    await waitFor(() => recordValue(fresh.doc, 'second') === 'also mine', 5000, "the facilitator's next edit");
    expect(fresh.doc.getMap('notes').has('squat')).toBe(false);
  });

  it('refuses a write under the client id of someone who has only announced their presence so far', async () => {
    const ws = await createWorkshop(server);
    const fac = client(server.wsUrl, ws.id, ws.tokens.facilitator);
    const view = client(server.wsUrl, ws.id, ws.tokens.participant);
    await Promise.all([waitSynced(fac), waitSynced(view)]);
    fac.provider.awareness.setLocalStateField('user', { name: 'Fran' });
    await waitFor(() => view.provider.awareness.getStates().has(fac.doc.clientID), 5000, 'presence seen');
    const squat = updateOf(view.doc, (d) => putRecord(d, 'squat', 'first under her id'), fac.doc.clientID);
    const attacker = await raw(ws, ws.tokens.participant);
    attacker.ws.send(updateFrame(squat));
    expect((await attacker.closed).code).toBe(4400);
    putRecord(fac.doc, 'hers', 'her first edit');
    const fresh = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(fresh);
    await waitFor(() => recordValue(fresh.doc, 'hers') === 'her first edit', 5000, "the facilitator's first edit");
    expect(fresh.doc.getMap('notes').has('squat')).toBe(false);
  });

  it("lets a client without a person identity reconnect and keep writing under its own client id", async () => {
    const ws = await createWorkshop(server);
    const doc = new Y.Doc();
    const first = client(server.wsUrl, ws.id, ws.tokens.participant, { doc });
    await waitSynced(first);
    putRecord(doc, 'before', 1);
    first.provider.disconnect();
    await waitFor(() => !first.provider.wsconnected, 5000, 'disconnected');
    await new Promise((r) => setTimeout(r, 200)); // the server has seen the close
    putRecord(doc, 'offline', 2);
    first.provider.connect();
    const fresh = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(fresh);
    await waitFor(() => recordValue(fresh.doc, 'offline') === 2, 5000, 'offline edit after reconnect');
    expect(first.closeEvents.filter((e) => e.code === 4400)).toEqual([]);
  });
});

describe('normal writes', () => {
  it('keeps ordinary nested edits (text typed into a note) and garbage-collects what they delete', async () => {
    const ws = await createWorkshop(server);
    const a = client(server.wsUrl, ws.id, ws.tokens.participant);
    await waitSynced(a);
    const note = new Y.Map<unknown>();
    const text = new Y.Text('hello');
    note.set('text', text);
    a.doc.getMap<Y.Map<unknown>>('notes').set('n', note);
    text.insert(5, ' world'); // items with an origin and no encoded parent: allowed here
    text.delete(0, 6);
    const fresh = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(fresh);
    const read = () => (fresh.doc.getMap<Y.Map<unknown>>('notes').get('n')?.get('text') as Y.Text | undefined)?.toString();
    await waitFor(() => read() === 'world', 5000, 'typed text');
    // The deleted characters were collected on the server, as without the gate: a late joiner gets no trace of them.
    const late = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(late);
    await waitFor(() => late.doc.getMap('notes').has('n'), 5000, 'late joiner');
    expect(Buffer.from(Y.encodeStateAsUpdate(late.doc)).includes(Buffer.from('hello'))).toBe(false);
    expect(await waitClosedOrOpen(a)).toBe('open');
  });
});

async function waitClosedOrOpen(c: TestClient): Promise<'open' | 'closed'> {
  try {
    await waitClosed(c, 200);
    return 'closed';
  } catch {
    return 'open';
  }
}
