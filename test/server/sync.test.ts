// Real server, real stock y-websocket clients: sync, authentication and write enforcement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitClosed, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { putRecord, recordValue } from '../helpers/records.js';

let server: TestServer;
let ws: CreatedWorkshop;
const clients: TestClient[] = [];
const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};
const notesOf = (d: Y.Doc) => d.getMap('notes').toJSON();

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkshop(server, { title: 'Sync', template: 'scaleup' });
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

describe('board sync', () => {
  it('relays one edit to every other peer, and counts what it sends', async () => {
    const [a, b, c] = [0, 1, 2].map(() => client(server.wsUrl, ws.id, ws.tokens.participant));
    await Promise.all([a, b, c].map((x) => waitSynced(x!)));
    const sentBefore = await metricValue(server, 'scaleboard_ws_messages_sent_total');
    const bytesBefore = await metricValue(server, 'scaleboard_ws_bytes_sent_total');
    putRecord(a!.doc, 'counted', 'one edit', 'impacts');
    await waitFor(() => [b, c].every((x) => recordValue(x!.doc, 'counted', 'impacts') === 'one edit'), 5000, 'relay');
    // At least the update to b and to c (presence may add more, never fewer).
    expect(await metricValue(server, 'scaleboard_ws_messages_sent_total')).toBeGreaterThanOrEqual(sentBefore + 2);
    expect(await metricValue(server, 'scaleboard_ws_bytes_sent_total')).toBeGreaterThan(bytesBefore + 2 * 'one edit'.length);
    [a, b, c].forEach((x) => x!.destroy());
  });

  it('two participants converge on concurrent edits', async () => {
    const a = client(server.wsUrl, ws.id, ws.tokens.participant);
    const b = client(server.wsUrl, ws.id, ws.tokens.participant);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    putRecord(a.doc, 'n1', 'from a');
    putRecord(b.doc, 'n2', 'from b');
    putRecord(a.doc, 'shared', 'a');
    putRecord(b.doc, 'shared', 'b');
    await waitConverged([a.doc, b.doc], notesOf);
    expect(notesOf(a.doc)).toEqual(notesOf(b.doc));
    expect(Object.keys(notesOf(a.doc)).sort()).toEqual(['n1', 'n2', 'shared']);
    // A late joiner receives the same state from the server.
    const c = client(server.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(c);
    await waitConverged([a.doc, b.doc, c.doc], notesOf);
  });

  it('sends presence of other peers', async () => {
    const a = client(server.wsUrl, ws.id, ws.tokens.participant);
    const b = client(server.wsUrl, ws.id, ws.tokens.facilitator);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    a.provider.awareness.setLocalStateField('user', { id: 'ua', name: 'Ada', color: '#336699' });
    await waitFor(() => [...b.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Ada'), 5000, 'presence');
    // Presence carries an id the server issued (this stock client has no person token: one made
    // for the connection) with the role it authenticated, not what the client claims.
    const ada = [...b.provider.awareness.getStates().values()].find((s) => s.user?.name === 'Ada')!;
    expect(ada.user).toMatchObject({ role: 'participant' });
    expect(ada.user.id).toMatch(/^anon-/);
  });
});

describe('access', () => {
  it('refuses a bad token, no token and an unknown workshop, and creates nothing', async () => {
    const bad = client(server.wsUrl, ws.id, 'not-a-real-token');
    const none = client(server.wsUrl, ws.id, null);
    const unknown = client(server.wsUrl, 'doesNotExist123', ws.tokens.facilitator);
    const otherWorkshopToken = await createWorkshop(server, { title: 'Other' });
    const crossed = client(server.wsUrl, ws.id, otherWorkshopToken.tokens.facilitator);
    expect((await waitClosed(bad)).code).toBe(4401);
    expect((await waitClosed(none)).code).toBe(4401);
    expect((await waitClosed(unknown)).code).toBe(4404);
    expect((await waitClosed(crossed)).code).toBe(4401);
    for (const c of [bad, none, unknown, crossed]) expect(c.provider.synced).toBe(false);
    // Connecting to an unknown workshop did not create it.
    const res = await fetch(`${server.url}/api/workshops/doesNotExist123/session`, {
      headers: { authorization: `Bearer ${ws.tokens.facilitator}` },
    });
    expect(res.status).toBe(404);
  });

  it("drops an observer's writes: nobody receives them and they are not stored", async () => {
    const before = await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'write_forbidden_observer' });
    const observer = client(server.wsUrl, ws.id, ws.tokens.observer);
    const participant = client(server.wsUrl, ws.id, ws.tokens.participant);
    await Promise.all([waitSynced(observer), waitSynced(participant)]);
    putRecord(observer.doc, 'observer-note', 'should not land');
    await waitFor(async () => (await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'write_forbidden_observer' })) > before, 5000, 'rejection counted');
    // A marker written after the observer's write arrives, so the observer's write would have too.
    putRecord(participant.doc, 'marker', 'after');
    const fresh = client(server.wsUrl, ws.id, ws.tokens.facilitator);
    await waitSynced(fresh);
    await waitFor(() => fresh.doc.getMap('notes').has('marker'), 5000, 'marker');
    expect(participant.doc.getMap('notes').has('observer-note')).toBe(false);
    expect(fresh.doc.getMap('notes').has('observer-note')).toBe(false);
  });

  it('lets participants read but not write the facilitator-only control document', async () => {
    const facilitator = client(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
    const participant = client(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'control' });
    await Promise.all([waitSynced(facilitator), waitSynced(participant)]);
    // The participant reads the settings the server initialised at creation.
    expect(participant.doc.getMap('settings').get('title')).toBe('Sync');
    participant.doc.getMap('settings').set('locked', true);
    participant.doc.getMap('settings').set('title', 'Hijacked');
    facilitator.doc.getMap('settings').set('topN', 5);
    await waitFor(() => participant.doc.getMap('settings').get('topN') === 5, 5000, 'facilitator write');
    const fresh = client(server.wsUrl, ws.id, ws.tokens.observer, { docName: 'control' });
    await waitSynced(fresh);
    await waitFor(() => fresh.doc.getMap('settings').get('topN') === 5, 5000, 'fresh sync');
    expect(fresh.doc.getMap('settings').get('title')).toBe('Sync');
    expect(fresh.doc.getMap('settings').get('locked')).toBe(false);
    expect(facilitator.doc.getMap('settings').get('title')).toBe('Sync');
    // The writer's own copy is reverted as well, so it does not drift from everyone else's.
    await waitFor(() => participant.doc.getMap('settings').get('title') === 'Sync', 5000, 'participant reverted');
    expect(participant.doc.getMap('settings').toJSON()).toEqual(fresh.doc.getMap('settings').toJSON());
  });

  it('refuses client writes to the server-only roster', async () => {
    const p = client(server.wsUrl, ws.id, ws.tokens.participant);
    await waitSynced(p);
    p.doc.getMap('roster').set('fake', { id: 'fake', name: 'Mallory', role: 'facilitator', color: '#000000', firstSeen: 0 });
    putRecord(p.doc, 'after-roster', 'x');
    const fresh = client(server.wsUrl, ws.id, ws.tokens.facilitator);
    await waitSynced(fresh);
    await waitFor(() => fresh.doc.getMap('notes').has('after-roster'), 5000, 'marker');
    expect(fresh.doc.getMap('roster').has('fake')).toBe(false);
  });

  it('makes the board read-only for participants while the facilitator locks it', async () => {
    const f = client(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
    const p = client(server.wsUrl, ws.id, ws.tokens.participant);
    const fBoard = client(server.wsUrl, ws.id, ws.tokens.facilitator);
    await Promise.all([waitSynced(f), waitSynced(p), waitSynced(fBoard)]);
    // The server has applied a lock change once a fresh client reads it back.
    const serverSeesLock = (locked: boolean) =>
      waitFor(async () => {
        const probe = connectClient(server.wsUrl, ws.id, ws.tokens.observer, { docName: 'control' });
        try {
          await waitSynced(probe);
          return probe.doc.getMap('settings').get('locked') === locked;
        } finally {
          probe.destroy();
        }
      }, 5000, `lock=${locked} stored`);
    f.doc.getMap('settings').set('locked', true);
    await serverSeesLock(true);
    putRecord(p.doc, 'while-locked', 'x');
    putRecord(fBoard.doc, 'facilitator-while-locked', 'y');
    await waitFor(() => p.doc.getMap('notes').has('facilitator-while-locked'), 5000, 'facilitator write');
    // The server reverts the participant's write, on its own screen too.
    await waitFor(() => !p.doc.getMap('notes').has('while-locked'), 5000, 'revert reaches the writer');
    expect(fBoard.doc.getMap('notes').has('while-locked')).toBe(false);

    // After unlocking, the same participant writes again normally: its history was not broken.
    f.doc.getMap('settings').set('locked', false);
    await serverSeesLock(false);
    putRecord(p.doc, 'after-unlock', 'z');
    await waitFor(() => recordValue(fBoard.doc, 'after-unlock') === 'z', 5000, 'write after unlock');
    await waitConverged([p.doc, fBoard.doc], notesOf);
  });
});
