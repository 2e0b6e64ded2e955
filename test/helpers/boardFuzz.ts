// The board-convergence fuzz (test/server/board-convergence.test.ts, test/cluster/): seeded random
// board editing by several real y-websocket clients, with random disconnects (offline edits that
// sync on reconnect). Every client ends with the same board, and no note is lost or duplicated: each
// note's unique tag is on the board exactly once, unless someone deleted the note that held it. The
// clients never repair concurrent merges: the server does (server/serverRules.ts).
import { expect } from 'vitest';
import * as Y from 'yjs';
import { connectClient, canonical, waitSynced, type TestClient } from './clients.js';
import { waitFor, type CreatedWorkshop } from './server.js';
import {
  addNote,
  deleteNote,
  editNoteText,
  mergeNotes,
  moveNote,
  readMergeEntries,
  repairMerges,
} from '../../shared/commands/notes.js';
import { readBoard, type Author } from '../../shared/schema.js';
import { LANE_KEYS } from '../../shared/constants.js';
import { seededRandom } from './random.js';

const WORDS = ['slow', 'deploys', 'p99', 'churn', 'on-call', 'billing', 'quota', 'hiring', 'SLO', 'cache'];
const tagOf = (id: string) => `[${id}]`;
const TAG = /\[[A-Za-z0-9_-]+\]/g;

/** Repairs a copy of the board would make: 0 once repairs are done. */
function pendingRepairs(doc: Y.Doc): number {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return repairMerges(copy);
}

/** What the test compares across clients: notes, impacts and the merge records. */
const boardState = (d: Y.Doc) => {
  const { notes, impacts } = readBoard(d);
  const merges = readMergeEntries(d)
    .map((e) => `${e.source}>${e.into}`)
    .sort();
  return { notes, impacts, merges };
};

export async function runBoardFuzz(
  seed: number,
  opts: { clients: number; steps: number; create: (title: string) => Promise<CreatedWorkshop>; wsUrls: string[]; track: (c: TestClient) => void },
) {
  const rnd = seededRandom(seed);
  const ws = await opts.create(`Convergence ${seed}`);
  const people: { client: TestClient; author: Author }[] = [];
  for (let i = 0; i < opts.clients; i++) {
    // Spread over the servers given (one node, or every node of a cluster).
    const client = connectClient(opts.wsUrls[i % opts.wsUrls.length]!, ws.id, ws.tokens.participant);
    opts.track(client);
    const author = { id: `p${i}`, name: `Person ${i}`, color: '#1a5fb4' };
    const { awareness } = client.provider;
    awareness.setLocalStateField('user', { ...author, role: 'participant' });
    people.push({ client, author });
  }
  await Promise.all(people.map((p) => waitSynced(p.client)));

  const added = new Set<string>();
  const deletedTags = new Set<string>();
  let counter = 0;
  const log: string[] = [];

  for (let step = 0; step < opts.steps; step++) {
    const me = rnd.pick(people);
    const doc = me.client.doc;
    const provider = me.client.provider;
    if (rnd.chance(0.08)) {
      if (provider.wsconnected || provider.wsconnecting) provider.disconnect();
      else provider.connect();
      log.push(`${me.author.id} ${provider.shouldConnect ? 'connect' : 'disconnect'}`);
      continue;
    }
    const notes = readBoard(doc).notes;
    const roll = rnd.next();
    if (roll < 0.3 || notes.length < 3) {
      const id = `s${seed}n${counter++}`;
      addNote(doc, { id, lane: rnd.pick(LANE_KEYS), text: `${tagOf(id)} ${rnd.pick(WORDS)}`, author: me.author, now: step });
      added.add(id);
      log.push(`${me.author.id} add ${id}`);
    } else if (roll < 0.55) {
      // Insert a word right after a tag or at the end, so tags stay whole under concurrent edits.
      const n = rnd.pick(notes);
      const cuts = [...n.text.matchAll(TAG)].map((m) => m.index! + m[0].length).concat(n.text.length);
      const at = rnd.pick(cuts);
      editNoteText(doc, { id: n.id, text: `${n.text.slice(0, at)} ${rnd.pick(WORDS)}${n.text.slice(at)}` });
      log.push(`${me.author.id} edit ${n.id}`);
    } else if (roll < 0.8) {
      const n = rnd.pick(notes);
      const lane = rnd.pick(LANE_KEYS);
      moveNote(doc, { id: n.id, lane, index: rnd.int(notes.length) });
      log.push(`${me.author.id} move ${n.id} ${lane}`);
    } else if (roll < 0.94) {
      const source = rnd.pick(notes);
      const target = rnd.pick(notes.filter((n) => n.id !== source.id));
      mergeNotes(doc, { sourceId: source.id, targetId: target.id });
      log.push(`${me.author.id} merge ${source.id} into ${target.id}`);
    } else {
      const n = rnd.pick(notes);
      for (const t of n.text.match(TAG) ?? []) deletedTags.add(t);
      deleteNote(doc, { id: n.id });
      log.push(`${me.author.id} delete ${n.id}`);
    }
    // Pace the steps so messages cross on the wire and some edits are truly concurrent.
    if (rnd.chance(0.5)) await new Promise((r) => setTimeout(r, rnd.int(15)));
  }

  for (const p of people) if (!p.client.provider.shouldConnect) p.client.provider.connect();
  await Promise.all(people.map((p) => waitSynced(p.client, 20_000)));
  const docs = people.map((p) => p.client.doc);
  try {
    // Converged: every client holds the same board and the server has nothing left to repair.
    await waitFor(
      () => docs.every((d) => canonical(boardState(d)) === canonical(boardState(docs[0]!))) && pendingRepairs(docs[0]!) === 0,
      20_000,
      'boards to converge',
    );
  } catch (err) {
    throw new Error(`seed ${seed}: ${(err as Error).message}\n${log.slice(-40).join('\n')}`);
  }

  const states = docs.map(boardState);
  for (const s of states) expect(s).toEqual(states[0]);
  const board = readBoard(docs[0]!);
  // No phantom notes, no note twice.
  const ids = board.notes.map((n) => n.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(added.has(id)).toBe(true);
  // Every note's text is on the board exactly once, unless the note holding it was deleted.
  const tagCounts = new Map<string, number>();
  for (const n of board.notes) for (const t of n.text.match(TAG) ?? []) tagCounts.set(t, (tagCounts.get(t) ?? 0) + 1);
  const problems: string[] = [];
  for (const id of added) {
    const tag = tagOf(id);
    const count = tagCounts.get(tag) ?? 0;
    if (deletedTags.has(tag) ? count > 1 : count !== 1) problems.push(`${tag} on the board ${count} times${deletedTags.has(tag) ? ' (deleted)' : ''}`);
  }
  expect(problems, `seed ${seed}\n${log.join('\n')}`).toEqual([]);
  return { notes: board.notes.length, added: added.size, merges: log.filter((l) => l.includes(' merge ')).length };
}
