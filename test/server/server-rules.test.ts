// Rules the server owns, against the real server with stock y-websocket clients, which never run
// any repair or timer code of their own:
// - concurrent note merges that need repair (two notes merged into each other at once; a merge
//   into a note someone deleted meanwhile) are repaired by the server, live and at load, and
//   every client converges to the repaired board;
// - auto-advance moves the room on exactly once when the stage's time is up, with every
//   facilitator gone; never while it is off; and at load for a workshop that was not loaded then.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canonical, connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { addNote, deleteNote, mergeNotes, readMergeEntries, repairMerges } from '../../shared/commands/notes.js';
import { setAutoAdvance, nextStage } from '../../shared/commands/control.js';
import { controlMaps, readBoard, type Author } from '../../shared/schema.js';
import { initialEngineState, readEngineState, type EngineState } from '../../shared/stages.js';
import { DOC_NAMES } from '../../shared/constants.js';
import { Storage } from '../../server/storage.js';
import { docKey } from '../../server/workshop.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const track = (c: TestClient) => (cleanup.push(() => c.destroy()), c);
async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer({ env });
  cleanup.push(() => s.stop());
  return s;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ada: Author = { id: 'ada', name: 'Ada', color: '#b3261e' };
const bob: Author = { id: 'bob', name: 'Bob', color: '#006a6a' };

// ---------------------------------------------------------------------------------------------
// Merge repair

const notesOf = (d: Y.Doc) =>
  readBoard(d)
    .notes.map((n) => `${n.id}: ${n.text}`)
    .sort();
/** Repairs a copy of the board would still make: 0 once the server has repaired. */
function pendingRepairs(doc: Y.Doc): number {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return repairMerges(copy);
}

/** Two participants and an observer on one board holding notes x, y, z. */
async function boardWithNotes(s: TestServer) {
  const ws = await createWorkshop(s);
  const a = track(connectClient(s.wsUrl, ws.id, ws.tokens.participant));
  const b = track(connectClient(s.wsUrl, ws.id, ws.tokens.participant));
  const watcher = track(connectClient(s.wsUrl, ws.id, ws.tokens.observer));
  await Promise.all([a, b, watcher].map((c) => waitSynced(c)));
  addNote(a.doc, { id: 'x', lane: 'product', text: 'X text', author: ada, now: 1 });
  addNote(a.doc, { id: 'y', lane: 'product', text: 'Y text', author: bob, now: 2 });
  addNote(a.doc, { id: 'z', lane: 'org', text: 'Z text', author: bob, now: 3 });
  const all = [a, b, watcher];
  await waitConverged(all.map((c) => c.doc), notesOf);
  return { ws, a, b, watcher, all };
}

/** Everyone holds the same board, as `expected`, with nothing left to repair. */
async function expectConverged(clients: TestClient[], expected: string[]) {
  const docs = clients.map((c) => c.doc);
  await waitFor(() => docs.every((d) => canonical(notesOf(d)) === canonical(expected)), 10_000, `boards to read ${expected.join(' | ')}`);
  await waitConverged(docs, (d) => ({ board: readBoard(d), merges: readMergeEntries(d).map((e) => `${e.source}>${e.into}`).sort() }));
  for (const d of docs) {
    expect(notesOf(d)).toEqual(expected);
    expect(pendingRepairs(d)).toBe(0);
  }
}

describe('merge repair by the server', () => {
  it('two notes merged into each other at once: both texts survive, on every client', async () => {
    const s = await server();
    const { a, b, all } = await boardWithNotes(s);
    b.provider.disconnect();
    mergeNotes(a.doc, { sourceId: 'x', targetId: 'y' });
    expect(mergeNotes(b.doc, { sourceId: 'y', targetId: 'x' })).toBe(true); // offline: b still sees x
    await waitFor(() => notesOf(all[2]!.doc).length === 2, 5_000, 'the watcher to see the first merge');
    b.provider.connect();
    await waitSynced(b);
    // Without a repair both notes would be gone: only z would be left.
    await expectConverged(all, ['x: X text', 'y: Y text', 'z: Z text']);
  });

  it('a merge into a note deleted meanwhile: the merged text comes back, on every client', async () => {
    const s = await server();
    const { a, b, all } = await boardWithNotes(s);
    b.provider.disconnect();
    deleteNote(b.doc, { id: 'y' }); // offline
    mergeNotes(a.doc, { sourceId: 'x', targetId: 'y' });
    await waitFor(() => notesOf(all[2]!.doc).length === 2, 5_000, 'the watcher to see the merge');
    b.provider.connect();
    await waitSynced(b);
    await expectConverged(all, ['x: X text', 'z: Z text']);
  });

  it('repairs a stored board that needs it when the workshop loads, with no writer online', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const a = track(connectClient(s.wsUrl, ws.id, ws.tokens.participant));
    await waitSynced(a);
    addNote(a.doc, { id: 'x', lane: 'product', text: 'X text', author: ada, now: 1 });
    addNote(a.doc, { id: 'y', lane: 'product', text: 'Y text', author: bob, now: 2 });
    // Once another client has them, they are stored (the server stores before it relays).
    const probe = track(connectClient(s.wsUrl, ws.id, ws.tokens.observer));
    await waitSynced(probe);
    await waitConverged([a.doc, probe.doc], notesOf);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, Y.encodeStateAsUpdate(probe.doc));
    a.destroy();
    probe.destroy();
    await s.stop();

    // Append, behind the server's back, two merges made at once into each other (the broken state).
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(stored));
    const before = Y.encodeStateVector(stored);
    mergeNotes(stored, { sourceId: 'x', targetId: 'y' });
    mergeNotes(other, { sourceId: 'y', targetId: 'x' });
    Y.applyUpdate(stored, Y.encodeStateAsUpdate(other));
    expect(notesOf(stored)).toEqual([]);
    const storage = new Storage(s.dataDir);
    const key = docKey(ws.id, DOC_NAMES.board);
    storage.appendUpdate(key, storage.loadDoc(key).lastSeq + 1, Y.encodeStateAsUpdate(stored, before));
    storage.close();

    const restarted = await s.restart();
    cleanup.push(() => restarted.stop());
    const watcher = track(connectClient(restarted.wsUrl, ws.id, ws.tokens.observer));
    await waitSynced(watcher);
    await expectConverged([watcher], ['x: X text', 'y: Y text']);
  });
});

// ---------------------------------------------------------------------------------------------
// Auto-advance

/** The engine state with stage 1's timer running since `since` on a budget of `budgetMs`. */
function shortStage(budgetMs: number, since: number): EngineState {
  const state = initialEngineState();
  const stages = state.stages.slice();
  stages[0] = { ...stages[0]!, plannedMs: budgetMs, runningSince: since, startedAt: since };
  return { ...state, stages };
}

/** A facilitator sets stage 1 to run out `budgetMs` from now, auto-advance `on`, then leaves. */
async function facilitatorSetsShortStage(s: TestServer, ws: CreatedWorkshop, budgetMs: number, on: boolean) {
  const facilitator = track(connectClient(s.wsUrl, ws.id, ws.tokens.facilitator, { docName: DOC_NAMES.control }));
  const participant = track(connectClient(s.wsUrl, ws.id, ws.tokens.participant, { docName: DOC_NAMES.control }));
  await Promise.all([waitSynced(facilitator), waitSynced(participant)]);
  const dueAt = Date.now() + budgetMs;
  facilitator.doc.transact(() => {
    setAutoAdvance(facilitator.doc, on);
    controlMaps(facilitator.doc).engine.set('state', shortStage(budgetMs, dueAt - budgetMs));
  });
  await waitFor(() => readEngineState(participant.doc).stages[0]!.plannedMs === budgetMs, 5_000, 'the participant to see the short stage');
  facilitator.destroy(); // the facilitator's laptop sleeps
  return { participant, dueAt };
}

/** Every stage the participant's copy has shown, in order (repeats collapsed). */
function stagesSeen(c: TestClient): number[] {
  const seen = [readEngineState(c.doc).current];
  controlMaps(c.doc).engine.observe(() => {
    const current = readEngineState(c.doc).current;
    if (current !== seen.at(-1)) seen.push(current);
  });
  return seen;
}

describe('auto-advance by the server', () => {
  it('moves on exactly once when the time is up, with no facilitator connected', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const { participant, dueAt } = await facilitatorSetsShortStage(s, ws, 1_500, true);
    const seen = stagesSeen(participant);
    expect(readEngineState(participant.doc).current).toBe(0);
    await waitFor(() => readEngineState(participant.doc).current === 1, 10_000, 'the stage to advance');
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt);
    await sleep(1_000);
    expect(seen).toEqual([0, 1]);
    const state = readEngineState(participant.doc);
    // Stage 1 ended when it was due (server time), stage 2 runs on from there.
    expect(state.stages[0]!.endedAt).toBeGreaterThanOrEqual(dueAt);
    expect(state.stages[0]!.runningSince).toBeNull();
    expect(state.stages[1]!.runningSince).toBe(state.stages[0]!.endedAt);
    expect(state.stages[2]!.startedAt).toBeNull();
    // Stored, not just relayed: a fresh connection reads the same.
    const late = track(connectClient(s.wsUrl, ws.id, ws.tokens.observer, { docName: DOC_NAMES.control }));
    await waitSynced(late);
    expect(readEngineState(late.doc)).toEqual(state);
  });

  it('does not move on while auto-advance is off, and does once it is turned on', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const { participant, dueAt } = await facilitatorSetsShortStage(s, ws, 500, false);
    const seen = stagesSeen(participant);
    await sleep(dueAt - Date.now() + 1_000);
    expect(readEngineState(participant.doc).current).toBe(0);
    expect(seen).toEqual([0]);

    const facilitator = track(connectClient(s.wsUrl, ws.id, ws.tokens.facilitator, { docName: DOC_NAMES.control }));
    await waitSynced(facilitator);
    setAutoAdvance(facilitator.doc, true);
    await waitFor(() => readEngineState(participant.doc).current === 1, 10_000, 'the stage to advance');
    await sleep(500);
    expect(seen).toEqual([0, 1]);
  });

  it('is idempotent with a facilitator who moved on before the time was up', async () => {
    const s = await server();
    const ws = await createWorkshop(s);
    const facilitator = track(connectClient(s.wsUrl, ws.id, ws.tokens.facilitator, { docName: DOC_NAMES.control }));
    const { participant, dueAt } = await facilitatorSetsShortStage(s, ws, 1_000, true);
    await waitFor(() => readEngineState(facilitator.doc).stages[0]!.plannedMs === 1_000, 5_000, 'the facilitator to see the short stage');
    const seen = stagesSeen(participant);
    nextStage(facilitator.doc, Date.now(), { from: 0 });
    await sleep(dueAt - Date.now() + 1_000);
    expect(seen).toEqual([0, 1]); // stage 2's own 20 minutes are far from up
  });

  it('a workshop loaded after its stage ran out moves on at load, once', async () => {
    const s = await server({ ROOM_IDLE_MS: '100' });
    const ws = await createWorkshop(s);
    const { participant, dueAt } = await facilitatorSetsShortStage(s, ws, 2_500, true);
    participant.destroy();
    await waitFor(() => s.logs.join('').includes('workshop unloaded'), 5_000, 'the workshop to unload');
    expect(Date.now()).toBeLessThan(dueAt);
    await sleep(dueAt - Date.now() + 500);

    const late = track(connectClient(s.wsUrl, ws.id, ws.tokens.observer, { docName: DOC_NAMES.control }));
    await waitSynced(late);
    await waitFor(() => readEngineState(late.doc).current === 1, 5_000, 'the stage to advance at load');
    await sleep(500);
    const state = readEngineState(late.doc);
    expect(state.current).toBe(1);
    expect(state.stages[0]!.endedAt).toBeGreaterThan(dueAt); // at load, not while unloaded
    expect(state.stages[2]!.startedAt).toBeNull();
  });
});
