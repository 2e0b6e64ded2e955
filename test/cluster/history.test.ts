// The history API on any node of the cluster (SPEC 8, 9): read from PostgreSQL on a node that does
// not own the workshop, attributed to the people who made each change on whichever node; a restore
// and a rollback asked of a non-owner are made by the owner and answered once committed, with one
// node's status codes.
import { describe, expect, it } from 'vitest';
import { waitSynced } from '../helpers/clients.js';
import { createPerson, createWorkshop, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { useCluster } from '../helpers/suites.js';
import { addNote, deleteNote } from '../../shared/commands/notes.js';
import { setAnonymous } from '../../shared/commands/control.js';
import { boardMaps, readBoard } from '../../shared/schema.js';
import type { HistoryAnswer, HistoryEntryView } from '../../shared/history.js';

const env = useCluster({ nodes: 3 });
const { client } = env;


/** A person of the workshop connected to `node`, named in the roster. */
async function join(node: TestServer, ws: CreatedWorkshop, role: 'facilitator' | 'participant', name: string) {
  const person = await createPerson(node, ws.id, ws.tokens[role]);
  const board = client(node.wsUrl, ws.id, ws.tokens[role], { person: person.personToken });
  await waitSynced(board);
  board.provider.awareness.setLocalStateField('user', { name });
  await waitFor(() => boardMaps(board.doc).roster.get(person.personId)?.name === name, 5_000, `${name} in the roster`);
  return { ...person, name, board };
}

const author = (p: { personId: string; name: string }) => ({ id: p.personId, name: p.name, color: '#336699' });

const get = (node: TestServer, ws: CreatedWorkshop, token: string, query = '') =>
  fetch(`${node.url}/api/workshops/${ws.id}/history${query}`, { headers: { authorization: `Bearer ${token}` } });

async function history(node: TestServer, ws: CreatedWorkshop, query = ''): Promise<HistoryAnswer> {
  const res = await get(node, ws, ws.tokens.facilitator, query);
  expect(res.status).toBe(200);
  return (await res.json()) as HistoryAnswer;
}

/** Waits until the history read on `node` holds an entry whose text contains `text`, and returns it. */
async function entry(node: TestServer, ws: CreatedWorkshop, text: string): Promise<HistoryEntryView> {
  let found: HistoryEntryView | undefined;
  await waitFor(async () => !!(found = (await history(node, ws)).entries.find((e) => e.text.includes(text))), 5_000, `history entry "${text}"`);
  return found!;
}

const post = (node: TestServer, ws: CreatedWorkshop, what: 'restore' | 'rollback', body: unknown, token = ws.tokens.facilitator, headers: Record<string, string> = {}) =>
  fetch(`${node.url}/api/workshops/${ws.id}/history/${what}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('the history on any node', () => {
  it('reads, restores and rolls back through nodes that do not own the workshop', async () => {
    const [n0, n1, n2] = env.cluster.nodes as [TestServer, TestServer, TestServer];
    const ws = await createWorkshop(n1);
    const fran = await join(n0, ws, 'facilitator', 'Fran');
    expect(await env.cluster.ownerIndex(ws.id)).toBe(0);
    const alice = await join(n1, ws, 'participant', 'Alice');
    const bob = await join(n2, ws, 'participant', 'Bob');
    const watcher = client(n2.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(watcher);

    // Edits from clients on two non-owner nodes, read on a third node's neighbour: n2 does not own it.
    addNote(alice.board.doc, { id: 'a1', lane: 'product', text: 'Checkout is slow', author: author(alice), now: 1 });
    const point = await entry(n2, ws, 'Alice added a Product note');
    addNote(bob.board.doc, { id: 'b1', lane: 'platform', text: 'Deploys take hours', author: author(bob), now: 2 });
    await entry(n2, ws, 'Bob added a Platform note');
    deleteNote(alice.board.doc, { id: 'a1' });
    const gone = await entry(n2, ws, 'Alice deleted a Product note');

    const all = await history(n2, ws);
    expect(all.entries.find((e) => e.id === point.id)!.person).toMatchObject({ id: alice.personId, name: 'Alice', role: 'participant' });
    expect(all.entries.find((e) => e.text.startsWith('Bob added'))!.person).toMatchObject({ id: bob.personId, name: 'Bob' });
    expect(gone).toMatchObject({ person: { id: alice.personId }, restorable: true });
    expect(all.people.map((p) => p.id)).toEqual(expect.arrayContaining([alice.personId, bob.personId]));
    expect(all.latest).toBe(Math.max(...all.entries.map((e) => e.id)));
    // The same answer from every node (the owner reads PostgreSQL too), and the person filter.
    for (const node of [n0, n1]) expect(await history(node, ws)).toEqual(all);
    const bobs = await history(n1, ws, `?person=${bob.personId}`);
    expect(bobs.entries.length).toBeGreaterThan(0);
    expect(bobs.entries.every((e) => e.person.id === bob.personId)).toBe(true);
    expect((await history(n1, ws, '?stage=no-such-stage')).entries).toEqual([]);
    // Observers read it; participants do not; bad input is named.
    expect((await get(n1, ws, ws.tokens.observer)).status).toBe(200);
    const refused = await get(n2, ws, ws.tokens.participant);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).not.toContain('Checkout');
    expect((await get(n1, ws, ws.tokens.facilitator, '?person=a%20b')).status).toBe(400);

    // A restore asked of a non-owner node: made by the owner, committed before the 201.
    expect((await post(n1, ws, 'restore', { entryId: gone.id }, ws.tokens.participant)).status).toBe(403);
    expect((await post(n1, ws, 'restore', { entryId: 'one' })).status).toBe(400);
    expect((await post(n1, ws, 'restore', { entryId: 99_999 })).status).toBe(404);
    const restored = await post(n1, ws, 'restore', { entryId: gone.id }, ws.tokens.facilitator, { 'x-person-token': fran.personToken });
    expect(restored.status).toBe(201);
    const restore = ((await restored.json()) as { entry: HistoryEntryView }).entry;
    expect(restore).toMatchObject({ kind: 'restore', person: { id: fran.personId, name: 'Fran' } });
    expect(readBoard(await env.cluster.storedDoc(ws.id)).notes.map((n) => n.id)).toContain('a1');
    expect(await env.cluster.pg.query('SELECT kind, person_id FROM history WHERE workshop_id = $1 AND seq = $2', [ws.id, restore.id])).toEqual([
      { kind: 'restore', person_id: fran.personId },
    ]);
    for (const c of [fran.board, alice.board, bob.board, watcher]) {
      await waitFor(() => readBoard(c.doc).notes.some((n) => n.id === 'a1' && n.text === 'Checkout is slow'), 5_000, 'the note back on every client');
    }
    expect(await env.cluster.ownerIndex(ws.id)).toBe(0);
    // Restoring it again: nothing left to restore (409), from another non-owner.
    expect((await post(n2, ws, 'restore', { entryId: gone.id })).status).toBe(409);
    expect((await history(n2, ws)).entries.find((e) => e.id === gone.id)!.restorable).toBe(false);

    // A rollback through a non-owner: the board as it was right after Alice's first note.
    const rolled = await post(n2, ws, 'rollback', { entryId: point.id }, ws.tokens.facilitator, { 'x-person-token': fran.personToken });
    expect(rolled.status).toBe(201);
    const rollback = ((await rolled.json()) as { entry: HistoryEntryView }).entry;
    expect(rollback).toMatchObject({ kind: 'rollback', person: { id: fran.personId } });
    expect(rollback.text).toBe(`Fran rolled the board back to how it was after #${point.id} (1 record changed)`);
    for (const c of [fran.board, alice.board, bob.board, watcher]) {
      await waitFor(() => readBoard(c.doc).notes.map((n) => n.id).join() === 'a1', 5_000, 'the board rolled back on every client');
    }
    expect((await post(n1, ws, 'rollback', { entryId: point.id })).status).toBe(409);
    expect((await history(n0, ws)).entries[0]).toEqual(rollback);
  });

  it('hides note authors on a non-owner node as one node does, and a restore through it brings a note back without its forgotten author', async () => {
    const [n0, n1, n2] = env.cluster.nodes as [TestServer, TestServer, TestServer];
    const ws = await createWorkshop(n2);
    const fran = await join(n1, ws, 'facilitator', 'Fran');
    expect(await env.cluster.ownerIndex(ws.id)).toBe(1);
    const alice = await join(n0, ws, 'participant', 'Alice');
    addNote(alice.board.doc, { id: 'a1', lane: 'product', text: 'Written before anonymity', author: author(alice), now: 1 });
    await entry(n2, ws, 'Alice added a Product note');
    deleteNote(alice.board.doc, { id: 'a1' });
    const gone = await entry(n2, ws, 'Alice deleted a Product note');

    const control = client(n1.wsUrl, ws.id, ws.tokens.facilitator, { person: fran.personToken, docName: 'control' });
    await waitSynced(control);
    setAnonymous(control.doc, true);
    await entry(n2, ws, 'Fran turned anonymous mode on');
    // Turned off again: the authors from before it was on stay forgotten (lastTurnedAnonymous).
    setAnonymous(control.doc, false);
    await entry(n2, ws, 'Fran turned anonymous mode off');
    const read = await history(n2, ws);
    expect(JSON.stringify(read)).not.toContain('Alice');
    expect(read.entries.find((e) => e.id === gone.id)!.person).toEqual({ id: '', name: 'Someone', role: 'participant' });
    expect(await history(n0, ws)).toEqual(read);

    const restored = await post(n0, ws, 'restore', { entryId: gone.id });
    expect(restored.status).toBe(201);
    expect(((await restored.json()) as { entry: HistoryEntryView }).entry).toMatchObject({ kind: 'restore', person: { id: 'api:facilitator' } });
    await waitFor(() => readBoard(alice.board.doc).notes.some((n) => n.id === 'a1'), 5_000, 'the note back');
    const back = JSON.stringify(readBoard(alice.board.doc).notes.find((n) => n.id === 'a1'));
    expect(back).toContain('Written before anonymity');
    expect(back).not.toContain(alice.personId);
    expect(back).not.toContain('Alice');
  });
});
