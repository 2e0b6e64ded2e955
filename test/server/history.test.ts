// The history (SPEC 8) against the real server and stock y-websocket clients: every accepted change
// becomes a sentence attributed to the server-issued person who made it; an observer's write, a
// participant's forbidden or forged write and a reverted one never appear; scores stay blind; the
// history survives compaction and kill -9; restore and rollback work from it after compaction.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createPerson, createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { openRaw } from '../helpers/raw.js';
import { updateFrame, updateOf } from '../helpers/updates.js';
import { addNote, deleteNote, editNoteText, mergeNotes, moveNote } from '../../shared/commands/notes.js';
import { addImpact } from '../../shared/commands/impacts.js';
import { createInitiative, deleteInitiative, renameInitiative } from '../../shared/commands/initiatives.js';
import { setApproach, setDri, setPhase, setRationale } from '../../shared/commands/decisions.js';
import { addMetric, updateMetric } from '../../shared/commands/metrics.js';
import { nextStage, setAnonymous, setLocked } from '../../shared/commands/control.js';
import { revealScores } from '../../shared/commands/ranking.js';
import { scoreInitiative } from '../../shared/commands/scores.js';
import { boardMaps, readBoard } from '../../shared/schema.js';
import type { HistoryEntryView } from '../../shared/history.js';

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer({ env });
  cleanup.push(() => s.stop());
  return s;
}

/** A person of the workshop with a connected board client (and their name in the roster). */
async function join(s: TestServer, ws: CreatedWorkshop, role: 'facilitator' | 'participant' | 'observer', name: string, docName?: string) {
  const person = await createPerson(s, ws.id, ws.tokens[role]);
  const board = connectClient(s.wsUrl, ws.id, ws.tokens[role], { person: person.personToken });
  cleanup.push(() => board.destroy());
  await waitSynced(board);
  board.provider.awareness.setLocalStateField('user', { name });
  await waitFor(() => boardMaps(board.doc).roster.get(person.personId)?.name === name, 5000, `${name} in the roster`);
  const other = (doc: string): TestClient => {
    const c = connectClient(s.wsUrl, ws.id, ws.tokens[role], { person: person.personToken, docName: doc });
    cleanup.push(() => c.destroy());
    return c;
  };
  return { ...person, name, board, other, docName };
}

const get = (s: TestServer, ws: CreatedWorkshop, token: string, query = '') =>
  fetch(`${s.url}/api/workshops/${ws.id}/history${query}`, { headers: { authorization: `Bearer ${token}` } });

async function history(s: TestServer, ws: CreatedWorkshop, query = ''): Promise<HistoryEntryView[]> {
  const res = await get(s, ws, ws.tokens.facilitator, query);
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: HistoryEntryView[] }).entries;
}

const post = (s: TestServer, ws: CreatedWorkshop, what: 'restore' | 'rollback', body: unknown, token = ws.tokens.facilitator, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/api/workshops/${ws.id}/history/${what}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Waits until the history holds an entry whose text contains `text`, and returns it. */
async function entry(s: TestServer, ws: CreatedWorkshop, text: string): Promise<HistoryEntryView> {
  let found: HistoryEntryView | undefined;
  await waitFor(async () => !!(found = (await history(s, ws)).find((e) => e.text.includes(text))), 5000, `history entry "${text}"`).catch(async (err: Error) => {
    throw new Error(`${err.message}; the history says:\n${(await history(s, ws)).map((e) => e.text).join('\n')}`);
  });
  return found!;
}

const author = (p: { personId: string; name: string }) => ({ id: p.personId, name: p.name, color: '#336699' });

describe('history sentences', () => {
  it('says each kind of change in words, attributed to the person the server knows', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const fran = await join(s, ws, 'facilitator', 'Fran');
    const alice = await join(s, ws, 'participant', 'Alice');
    const bob = await join(s, ws, 'participant', 'Bob');
    const carol = await join(s, ws, 'participant', 'Carol');
    const control = fran.other('control');
    await waitSynced(control);

    addNote(alice.board.doc, { id: 'n1', lane: 'platform', text: 'Deploys take hours', author: author(alice), now: 1 });
    expect((await entry(s, ws, 'Alice added a Platform note: “Deploys take hours”')).person).toMatchObject({ id: alice.personId, name: 'Alice', role: 'participant' });
    await waitFor(() => readBoard(bob.board.doc).notes.length === 1, 5000, 'Bob sees the note');
    moveNote(bob.board.doc, { id: 'n1', lane: 'org', index: 0 });
    expect((await entry(s, ws, 'Bob moved a note to Org: “Deploys take hours”')).person.id).toBe(bob.personId);
    editNoteText(alice.board.doc, { id: 'n1', text: 'Deploys take a day' });
    await entry(s, ws, 'Alice edited an Org note: “Deploys take a day”');
    addNote(alice.board.doc, { id: 'n2', lane: 'product', text: 'Checkout is slow', author: author(alice), now: 2 });
    await entry(s, ws, 'Alice added a Product note');
    addImpact(bob.board.doc, { noteId: 'n1', category: 'revenue', magnitude: 4, now: 3 });
    await entry(s, ws, 'Bob added a Revenue impact (4) on “Deploys take a day”');
    await waitFor(() => readBoard(bob.board.doc).notes.length === 2, 5000, 'both notes');
    mergeNotes(bob.board.doc, { sourceId: 'n2', targetId: 'n1' });
    expect((await entry(s, ws, 'Bob merged the note “Checkout is slow” into “Deploys take a day Checkout is slow”')).text).not.toContain('deleted');

    nextStage(control.doc, Date.now());
    const moved = await entry(s, ws, 'Fran moved the workshop to stage 2: Impact mapping');
    expect(moved.person).toMatchObject({ id: fran.personId, role: 'facilitator' });

    createInitiative(alice.board.doc, { id: 'i1', title: 'Deploy pipeline', bottleneckIds: ['n1'], now: 10 });
    await entry(s, ws, 'Alice created initiative #1 “Deploy pipeline”');
    await waitFor(() => readBoard(bob.board.doc).initiatives.length === 1, 5000, 'Bob sees the initiative');
    setDri(bob.board.doc, { initiativeId: 'i1', dri: carol.personId });
    expect((await entry(s, ws, 'Bob set the DRI of #1 “Deploy pipeline” to Carol')).person.id).toBe(bob.personId);
    setApproach(bob.board.doc, { initiativeId: 'i1', approach: 'buy' });
    await entry(s, ws, 'Bob set the approach of #1 “Deploy pipeline” to Buy');
    setRationale(carol.board.doc, { initiativeId: 'i1', rationale: 'Speed over uniqueness' });
    await entry(s, ws, 'Carol edited the rationale of #1 “Deploy pipeline”: “Speed over uniqueness”');
    setPhase(carol.board.doc, { initiativeId: 'i1', phase: 'now' });
    await entry(s, ws, 'Carol set the phase of #1 “Deploy pipeline” to Now');
    renameInitiative(alice.board.doc, { id: 'i1', title: 'CI/CD' });
    await entry(s, ws, 'Alice renamed initiative “Deploy pipeline” to “CI/CD”');
    addMetric(carol.board.doc, { id: 'm1', initiativeId: 'i1', name: 'Lead time', baseline: '10', target: '2', due: '2030-01-01' });
    await entry(s, ws, 'Carol added a metric to #1 “CI/CD”: “Lead time”');
    updateMetric(carol.board.doc, { id: 'm1', target: '1' });
    await entry(s, ws, 'Carol changed the metric “Lead time” of #1 “CI/CD”: target “1”');

    // A check-in through the API, made by the server on Alice's behalf.
    const res = await fetch(`${s.url}/api/workshops/${ws.id}/check-ins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.tokens.participant}`, 'x-person-token': alice.personToken },
      body: JSON.stringify({ metricId: 'm1', value: 8, at: '2029-01-01' }),
    });
    expect(res.status).toBe(201);
    expect((await entry(s, ws, 'Alice checked in 8 on 2029-01-01 for the metric “Lead time”')).person.id).toBe(alice.personId);

    // Scores: before the reveal only that someone scored; never a value, in any entry.
    const ballot = alice.other('private');
    await waitSynced(ballot);
    scoreInitiative(ballot.doc, { initiativeId: 'i1', roi: 5, urgency: 2 });
    const scored = await entry(s, ws, 'Alice scored');
    expect(scored.text).toBe('Alice scored');
    expect(scored.doc).toBe('private');
    revealScores(control.doc);
    await entry(s, ws, 'Fran revealed scores');
    setLocked(control.doc, true);
    await entry(s, ws, 'Fran locked the board');
    setLocked(control.doc, false);
    await entry(s, ws, 'Fran unlocked the board');

    deleteNote(alice.board.doc, { id: 'n1' });
    const deleted = await entry(s, ws, 'Alice deleted an Org note: “Deploys take a day Checkout is slow”; deleted a Revenue impact on “Deploys take a day Checkout is slow”');
    expect(deleted.restorable).toBe(true);

    const all = await history(s, ws);
    // Stages recorded as they were: the first notes in stage 1, the initiative after the move.
    expect(all.find((e) => e.text.startsWith('Alice added a Platform note'))!.stage).toBe('bottlenecks');
    expect(all.find((e) => e.text.startsWith('Alice created initiative'))!.stage).toBe('impact');
    // The filters: by person, by stage.
    const bobs = await history(s, ws, `?person=${bob.personId}`);
    expect(bobs.length).toBeGreaterThanOrEqual(4);
    expect(bobs.every((e) => e.person.id === bob.personId)).toBe(true);
    const stage1 = await history(s, ws, '?stage=bottlenecks');
    expect(stage1.length).toBeGreaterThan(0);
    expect(stage1.every((e) => e.stage === 'bottlenecks')).toBe(true);
    // Newest first, numbered in order.
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    // Blind scores: no entry says a value of Alice's ballot.
    expect(all.filter((e) => e.doc === 'private').map((e) => e.text)).toEqual(['Alice scored']);
    expect(JSON.stringify(all)).not.toMatch(/roi|urgency/i);

    // In the decision log: `history` oldest first in the JSON, and an appendix in the Markdown.
    const logOf = (ext: string) => fetch(`${s.url}/api/workshops/${ws.id}/decision-log.${ext}`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } });
    const log = (await (await logOf('json')).json()) as { history: { id: number; person: string; role: string; text: string }[] };
    expect(log.history).toHaveLength(all.length);
    expect(log.history[0]).toMatchObject({ id: 1, person: 'Alice', role: 'participant', text: 'Alice added a Platform note: “Deploys take hours”' });
    expect(log.history.map((h) => h.text)).toContain('Fran revealed scores');
    const md = await (await logOf('md')).text();
    expect(md).toContain('## Appendix: History');
    expect(md).toMatch(/- #1 \d{4}-\d\d-\d\d \d\d:\d\d · Bottleneck mapping · Alice added a Platform note: “Deploys take hours”/);
  });

  it("leaves out an observer's write, a participant's write to the control document, a forged write and a write to a locked board", async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const fran = await join(s, ws, 'facilitator', 'Fran');
    const olga = await join(s, ws, 'observer', 'Olga');
    const mallory = await join(s, ws, 'participant', 'Mallory');
    const control = fran.other('control');
    await waitSynced(control);

    addNote(olga.board.doc, { id: 'o1', lane: 'product', text: 'Observer note', author: author(olga), now: 1 });
    // Mallory's stock client tries the control document (reverted by the server).
    const malloryControl = mallory.other('control');
    await waitSynced(malloryControl);
    setLocked(malloryControl.doc, true);
    // A hand-made update on a raw socket: a roster entry (server-only) and a note, in one update.
    const raw = await openRaw(`${s.wsUrl}/${ws.id}?token=${ws.tokens.participant}&person=${mallory.personToken}`);
    cleanup.push(() => raw.ws.close());
    await waitFor(() => raw.received.length > 0, 5000, 'raw peer synced');
    raw.ws.send(
      updateFrame(
        updateOf(mallory.board.doc, (d) => {
          boardMaps(d).roster.set('x', { id: 'x', name: 'Forged', role: 'facilitator', color: '#000000', firstSeen: 0 });
          const note = new Y.Map<unknown>();
          note.set('id', 'forged');
          note.set('text', 'Forged note');
          boardMaps(d).notes.set('forged', note);
        }),
      ),
    );
    // A locked board: Mallory's write is reverted.
    setLocked(control.doc, true);
    await entry(s, ws, 'Fran locked the board');
    await waitFor(() => readBoard(mallory.board.doc).notes.length === 0, 5000, 'board still empty');
    const reverted = () => metricValue(s, 'scaleboard_ws_rejected_total', { reason: 'write_reverted_participant' });
    const revertedBefore = await reverted();
    addNote(mallory.board.doc, { id: 'late', lane: 'org', text: 'Written on a locked board', author: author(mallory), now: 2 });
    await waitFor(async () => (await reverted()) > revertedBefore, 5000, 'the locked write reverted');
    // An accepted write after all of them, so everything before it has been judged.
    setLocked(control.doc, false);
    await entry(s, ws, 'Fran unlocked the board');

    const all = await history(s, ws);
    expect(all.map((e) => e.text)).toEqual(['Fran unlocked the board', 'Fran locked the board']);
    const text = JSON.stringify(all);
    for (const absent of ['Olga', 'Mallory', 'Forged', 'Observer note', 'locked board']) expect(text).not.toContain(absent);
    expect(readBoard(fran.board.doc).notes).toEqual([]);
  });
});

describe('who the history names', () => {
  it('names nobody for note changes while the workshop is anonymous, and is deleted with the workshop', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const fran = await join(s, ws, 'facilitator', 'Fran');
    const alice = await join(s, ws, 'participant', 'Alice');
    const control = fran.other('control');
    await waitSynced(control);
    setAnonymous(control.doc, true);
    await entry(s, ws, 'Fran turned anonymous mode on');
    addNote(alice.board.doc, { id: 'a1', lane: 'product', text: 'Nobody knows who wrote this', author: author(alice), now: 1 });
    const added = await entry(s, ws, 'Someone added a Product note: “Nobody knows who wrote this”');
    expect(added.person).toEqual({ id: '', name: 'Someone', role: 'participant' });
    expect(JSON.stringify(await history(s, ws))).not.toContain('Alice');

    const db = new Database(path.join(s.dataDir, 'scaleboard.db'), { readonly: true });
    cleanup.push(() => db.close());
    const rows = () => (db.prepare('SELECT COUNT(*) AS n FROM history WHERE workshop_id = ?').get(ws.id) as { n: number }).n;
    expect(rows()).toBe(2);
    const deleted = await fetch(`${s.url}/api/workshops/${ws.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ws.tokens.facilitator}` } });
    expect(deleted.status).toBe(204);
    expect(rows()).toBe(0);
  });
});

describe('the history API', () => {
  it('lets the facilitator and observers read, refuses participants, and checks every input', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    expect((await get(s, ws, ws.tokens.facilitator)).status).toBe(200);
    expect((await get(s, ws, ws.tokens.observer)).status).toBe(200);
    expect((await get(s, ws, ws.tokens.participant)).status).toBe(403);
    expect((await get(s, ws, 'not-a-token')).status).toBe(401);
    expect((await fetch(`${s.url}/api/workshops/nope/history`, { headers: { authorization: `Bearer ${ws.tokens.facilitator}` } })).status).toBe(404);
    const badStage = await get(s, ws, ws.tokens.facilitator, '?stage=%3Cscript%3E');
    expect(badStage.status).toBe(400);
    expect(await badStage.json()).toMatchObject({ field: 'stage' });

    for (const what of ['restore', 'rollback'] as const) {
      expect((await post(s, ws, what, { entryId: 1 }, ws.tokens.participant)).status).toBe(403);
      expect((await post(s, ws, what, { entryId: 1 }, ws.tokens.observer)).status).toBe(403);
      for (const body of [{}, { entryId: 'one' }, { entryId: 1.5 }, { entryId: 0 }]) {
        const res = await post(s, ws, what, body);
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ field: 'entryId' });
      }
      expect((await post(s, ws, what, '{nope')).status).toBe(400);
      const unknown = await post(s, ws, what, { entryId: 999 });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ field: 'entryId' });
    }
    // The server still answers.
    expect((await get(s, ws, ws.tokens.facilitator)).status).toBe(200);
  });
});

describe('durability, restore and rollback', () => {
  it('keeps the history through compaction and kill -9, and restores a deleted note and initiative and rolls back after compaction', async () => {
    const first = await server({ COMPACT_AFTER_UPDATES: '5' });
    const ws = await createWorkshop(first);
    const fran = await join(first, ws, 'facilitator', 'Fran');
    const alice = await join(first, ws, 'participant', 'Alice');
    addNote(alice.board.doc, { id: 'keep', lane: 'product', text: 'Checkout is slow', author: author(alice), now: 1 });
    addNote(alice.board.doc, { id: 'n1', lane: 'platform', text: 'Deploys take hours', author: author(alice), now: 2 });
    addImpact(alice.board.doc, { id: 'imp1', noteId: 'n1', category: 'margin', magnitude: 3, now: 3 });
    createInitiative(alice.board.doc, { id: 'i1', title: 'Deploy pipeline', bottleneckIds: ['n1'], now: 4 });
    setApproach(alice.board.doc, { initiativeId: 'i1', approach: 'build' });
    const point = await entry(first, ws, 'Alice set the approach');
    for (let i = 0; i < 12; i++) addNote(alice.board.doc, { id: `x${i}`, lane: 'org', text: `Extra ${i}`, author: author(alice), now: 10 + i });
    deleteNote(alice.board.doc, { id: 'n1' });
    deleteInitiative(alice.board.doc, { id: 'i1' });
    await entry(first, ws, 'Alice deleted initiative “Deploy pipeline”');
    const before = await history(first, ws);

    // Compacted (the log is folded into a snapshot), then killed.
    await waitFor(async () => (await fetch(`${first.url}/metrics`).then((r) => r.text())).match(/scaleboard_compactions_total (\d+)/)?.[1] !== '0', 10_000, 'a compaction');
    await first.kill9();
    alice.board.destroy();
    fran.board.destroy();
    const s = await first.restart();
    cleanup.push(() => s.stop());
    expect(await history(s, ws)).toEqual(before);

    const watcher = connectClient(s.wsUrl, ws.id, ws.tokens.observer);
    cleanup.push(() => watcher.destroy());
    await waitSynced(watcher);
    await waitFor(() => readBoard(watcher.doc).notes.length === 13, 5000, 'the board after restart');

    // Restore the deleted note (with its impact) and the deleted initiative (with its decision).
    const noteGone = before.find((e) => e.text.startsWith('Alice deleted a Platform note'))!;
    const initiativeGone = before.find((e) => e.text.startsWith('Alice deleted initiative'))!;
    const restored = await post(s, ws, 'restore', { entryId: noteGone.id }, ws.tokens.facilitator, { 'x-person-token': fran.personToken });
    expect(restored.status).toBe(201);
    expect(((await restored.json()) as { entry: HistoryEntryView }).entry).toMatchObject({ kind: 'restore', person: { id: fran.personId } });
    expect((await post(s, ws, 'restore', { entryId: initiativeGone.id })).status).toBe(201);
    await waitFor(() => readBoard(watcher.doc).notes.some((n) => n.id === 'n1'), 5000, 'note back');
    await waitFor(() => readBoard(watcher.doc).initiatives.length === 1, 5000, 'initiative back');
    const board = readBoard(watcher.doc);
    expect(board.notes.find((n) => n.id === 'n1')).toMatchObject({ text: 'Deploys take hours', lane: 'platform' });
    expect(board.impacts).toEqual([expect.objectContaining({ id: 'imp1', noteId: 'n1', magnitude: 3 })]);
    expect(board.initiatives[0]).toMatchObject({ id: 'i1', title: 'Deploy pipeline', bottleneckIds: ['n1'] });
    expect(board.decisions.i1!.approach).toBe('build');
    // Restoring twice brings nothing more.
    expect((await post(s, ws, 'restore', { entryId: noteGone.id })).status).toBe(409);
    const texts = (await history(s, ws)).map((e) => e.text);
    expect(texts).toContain(`Fran restored a Platform note: “Deploys take hours”; restored a Margin / cost impact (3) on “Deploys take hours” (deleted in #${noteGone.id})`);

    // Roll back to right after the approach was set: the extra notes go, as a new change.
    const rolled = await post(s, ws, 'rollback', { entryId: point.id }, ws.tokens.facilitator, { 'x-person-token': fran.personToken });
    expect(rolled.status).toBe(201);
    const rollback = ((await rolled.json()) as { entry: HistoryEntryView }).entry;
    expect(rollback.text).toBe(`Fran rolled the board back to how it was after #${point.id} (12 records changed)`);
    await waitFor(() => readBoard(watcher.doc).notes.length === 2, 5000, 'rolled back');
    expect(readBoard(watcher.doc).notes.map((n) => n.id).sort()).toEqual(['keep', 'n1']);
    // The rollback undone: roll forward to the entry just before it.
    expect((await post(s, ws, 'rollback', { entryId: rollback.id - 1 })).status).toBe(201);
    await waitFor(() => readBoard(watcher.doc).notes.length === 14, 5000, 'rolled forward');
    expect((await post(s, ws, 'rollback', { entryId: rollback.id + 1 })).status).toBe(409);
  });
});
