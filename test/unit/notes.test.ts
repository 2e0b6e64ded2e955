// Note commands on plain Y.Docs: add, edit, threshold, move, merge, delete, undo, and the repairs
// that keep concurrent merges from losing or duplicating a note.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  LOCAL_ORIGIN,
  addNote,
  deleteNote,
  editNoteText,
  laneNotes,
  mergeNotes,
  moveNote,
  readMergeEntries,
  repairMerges,
  setThreshold,
  watchMergeRepairs,
} from '../../shared/commands/notes.js';
import { addImpact } from '../../shared/commands/impacts.js';
import { boardMaps, noteMergeMap, readBoard, type Author } from '../../shared/schema.js';
import type { Lane } from '../../shared/constants.js';

const ada: Author = { id: 'ada', name: 'Ada', color: '#b3261e' };
const bob: Author = { id: 'bob', name: 'Bob', color: '#006a6a' };
const cy: Author = { id: 'cy', name: 'Cy', color: '#6750a4' };

const texts = (doc: Y.Doc, lane: Lane) => laneNotes(doc, lane).map((n) => n.text);
const note = (doc: Y.Doc, id: string) => readBoard(doc).notes.find((n) => n.id === id);
const undoManager = (doc: Y.Doc) => {
  const { notes, impacts } = boardMaps(doc);
  return new Y.UndoManager([notes, impacts, noteMergeMap(doc)], { trackedOrigins: new Set([LOCAL_ORIGIN]), captureTimeout: 0 });
};

/** Two replicas exchanging their full state both ways. */
function sync(...docs: Y.Doc[]): void {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
}
const replicas = (n: number): Y.Doc[] => Array.from({ length: n }, () => new Y.Doc());

describe('addNote', () => {
  it('appends to the end of its lane with author, threshold and time', () => {
    const doc = new Y.Doc();
    addNote(doc, { id: 'n1', lane: 'product', text: 'Checkout is slow', author: ada, now: 1000 });
    addNote(doc, { id: 'n2', lane: 'product', text: 'No SLOs', author: bob, now: 2000 });
    addNote(doc, {
      id: 'n3',
      lane: 'platform',
      text: 'DB at capacity',
      author: ada,
      now: 3000,
      threshold: { kind: 'traffic', value: 20000, unit: 'concurrent users', text: 'checkout p99 > 2 s' },
    });
    expect(texts(doc, 'product')).toEqual(['Checkout is slow', 'No SLOs']);
    expect(texts(doc, 'platform')).toEqual(['DB at capacity']);
    expect(note(doc, 'n3')).toMatchObject({
      lane: 'platform',
      author: ada,
      coAuthors: [],
      createdAt: 3000,
      threshold: { kind: 'traffic', value: 20000, unit: 'concurrent users', text: 'checkout p99 > 2 s' },
    });
    // Text is a Y.Text, so concurrent edits merge by character.
    expect(boardMaps(doc).notes.get('n1')!.get('text')).toBeInstanceOf(Y.Text);
  });

  it('adds a given id once (publishing a private note twice) and rejects bad input', () => {
    const doc = new Y.Doc();
    addNote(doc, { id: 'same', lane: 'org', text: 'first', author: ada, now: 1 });
    addNote(doc, { id: 'same', lane: 'org', text: 'again', author: ada, now: 2 });
    expect(readBoard(doc).notes.map((n) => n.text)).toEqual(['first']);
    expect(() => addNote(doc, { lane: 'nope' as Lane, text: 'x', author: ada, now: 1 })).toThrow(/lane/);
    expect(() => addNote(doc, { id: 'bad id!', lane: 'org', text: 'x', author: ada, now: 1 })).toThrow(/id/);
    expect(() =>
      addNote(doc, { lane: 'org', text: 'x', author: ada, now: 1, threshold: { kind: 'weather' as never, value: 1, unit: '', text: '' } }),
    ).toThrow(/threshold/);
  });
});

describe('editNoteText', () => {
  it('replaces the text, and concurrent edits to different parts of one note both survive', () => {
    const [a, b] = replicas(2);
    addNote(a!, { id: 'n', lane: 'product', text: 'Checkout is slow', author: ada, now: 1 });
    sync(a!, b!);
    editNoteText(a!, { id: 'n', text: 'Mobile checkout is slow' });
    editNoteText(b!, { id: 'n', text: 'Checkout is slow at peak' });
    sync(a!, b!);
    expect(note(a!, 'n')!.text).toBe('Mobile checkout is slow at peak');
    expect(note(b!, 'n')!.text).toBe('Mobile checkout is slow at peak');
  });

  it('keeps emoji whole when the edit starts inside a surrogate pair', () => {
    const doc = new Y.Doc();
    addNote(doc, { id: 'n', lane: 'product', text: 'ship 😀', author: ada, now: 1 });
    editNoteText(doc, { id: 'n', text: 'ship 😃' });
    expect(note(doc, 'n')!.text).toBe('ship 😃');
    expect(editNoteText(doc, { id: 'missing', text: 'x' })).toBe(false);
  });
});

describe('setThreshold', () => {
  it('sets and removes the threshold shown on a note', () => {
    const doc = new Y.Doc();
    addNote(doc, { id: 'n', lane: 'platform', text: 'Queue backs up', author: ada, now: 1 });
    setThreshold(doc, { id: 'n', threshold: { kind: 'data-volume', value: 5, unit: 'TB/day', text: 'ingest lags > 1 h' } });
    expect(note(doc, 'n')!.threshold).toEqual({ kind: 'data-volume', value: 5, unit: 'TB/day', text: 'ingest lags > 1 h' });
    setThreshold(doc, { id: 'n', threshold: { kind: 'cost', value: Number.NaN, unit: '$', text: '' } });
    expect(note(doc, 'n')!.threshold).toEqual({ kind: 'cost', value: null, unit: '$', text: '' });
    setThreshold(doc, { id: 'n', threshold: null });
    expect(note(doc, 'n')!.threshold).toBeNull();
  });
});

describe('moveNote', () => {
  const seed = () => {
    const doc = new Y.Doc();
    for (const [i, t] of ['A', 'B', 'C', 'D'].entries()) addNote(doc, { id: t, lane: 'product', text: t, author: ada, now: i });
    return doc;
  };

  it('reorders within a lane and moves between lanes by index among the other notes', () => {
    const doc = seed();
    expect(moveNote(doc, { id: 'D', lane: 'product', index: 0 })).toBe(true);
    expect(texts(doc, 'product')).toEqual(['D', 'A', 'B', 'C']);
    moveNote(doc, { id: 'D', lane: 'product', index: 2 });
    expect(texts(doc, 'product')).toEqual(['A', 'B', 'D', 'C']);
    moveNote(doc, { id: 'B', lane: 'platform', index: 0 });
    moveNote(doc, { id: 'A', lane: 'platform', index: 99 });
    expect(texts(doc, 'product')).toEqual(['D', 'C']);
    expect(texts(doc, 'platform')).toEqual(['B', 'A']);
    // Dropping a note where it already is writes nothing.
    const before = Y.encodeStateVector(doc);
    expect(moveNote(doc, { id: 'D', lane: 'product', index: 0 })).toBe(false);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('lands exactly between two notes that concurrent inserts gave the same order key', () => {
    const [a, b, c] = replicas(3);
    addNote(a!, { id: 'x', lane: 'org', text: 'x', author: ada, now: 1 });
    sync(a!, b!, c!);
    addNote(a!, { id: 'p', lane: 'org', text: 'p', author: ada, now: 2 });
    addNote(b!, { id: 'q', lane: 'org', text: 'q', author: bob, now: 2 });
    addNote(c!, { id: 'r', lane: 'org', text: 'r', author: cy, now: 2 });
    sync(a!, b!, c!);
    const orders = laneNotes(a!, 'org').map((n) => n.order);
    expect(new Set(orders.slice(1)).size).toBe(1); // p, q, r tie
    moveNote(a!, { id: 'x', lane: 'org', index: 1 }); // between p and q
    expect(texts(a!, 'org')).toEqual(['p', 'x', 'q', 'r']);
  });

  it('never duplicates or loses a note when several people move the same notes at once', () => {
    const docs = replicas(3);
    for (const t of ['A', 'B', 'C']) addNote(docs[0]!, { id: t, lane: 'product', text: t, author: ada, now: 0 });
    sync(...docs);
    moveNote(docs[0]!, { id: 'A', lane: 'platform', index: 0 });
    moveNote(docs[1]!, { id: 'A', lane: 'org', index: 0 });
    moveNote(docs[2]!, { id: 'A', lane: 'product', index: 3 });
    moveNote(docs[1]!, { id: 'C', lane: 'product', index: 0 });
    sync(...docs);
    const boards = docs.map((d) => readBoard(d).notes);
    expect(boards[1]).toEqual(boards[0]);
    expect(boards[2]).toEqual(boards[0]);
    expect(boards[0]!.map((n) => n.id).sort()).toEqual(['A', 'B', 'C']);
  });
});

describe('mergeNotes', () => {
  it('keeps both texts, credits both authors, moves impacts and removes the dropped note; undo restores all', () => {
    const doc = new Y.Doc();
    addNote(doc, { id: 'keep', lane: 'platform', text: 'Deploys take hours', author: ada, now: 1 });
    addNote(doc, { id: 'drop', lane: 'product', text: 'Slow releases', author: bob, now: 2 });
    addImpact(doc, { id: 'i1', noteId: 'drop', category: 'velocity', magnitude: 4, now: 3 });
    setThreshold(doc, { id: 'drop', threshold: { kind: 'team-size', value: 40, unit: 'engineers', text: '' } });
    const um = undoManager(doc);
    const before = readBoard(doc);

    expect(mergeNotes(doc, { sourceId: 'drop', targetId: 'keep' })).toBe(true);
    const merged = readBoard(doc);
    expect(merged.notes.map((n) => n.id)).toEqual(['keep']);
    expect(merged.notes[0]).toMatchObject({
      text: 'Deploys take hours\nSlow releases',
      author: ada,
      coAuthors: [bob],
      lane: 'platform',
      threshold: { kind: 'team-size', value: 40, unit: 'engineers', text: '' },
    });
    expect(merged.impacts).toEqual([expect.objectContaining({ id: 'i1', noteId: 'keep' })]);

    um.undo();
    expect(readBoard(doc)).toEqual(before);
    um.redo();
    expect(readBoard(doc).notes.map((n) => n.text)).toEqual(['Deploys take hours\nSlow releases']);
  });

  it('credits every author once through a chain of merges and keeps all texts', () => {
    const doc = new Y.Doc();
    addNote(doc, { id: 'a', lane: 'org', text: 'Hiring slow', author: ada, now: 1 });
    addNote(doc, { id: 'b', lane: 'org', text: 'Onboarding slow', author: bob, now: 2 });
    addNote(doc, { id: 'c', lane: 'org', text: 'Too few seniors', author: cy, now: 3 });
    addNote(doc, { id: 'd', lane: 'org', text: 'Interview load', author: bob, now: 4 });
    mergeNotes(doc, { sourceId: 'b', targetId: 'c' });
    mergeNotes(doc, { sourceId: 'c', targetId: 'a' });
    mergeNotes(doc, { sourceId: 'd', targetId: 'a' });
    const [only, ...rest] = readBoard(doc).notes;
    expect(rest).toEqual([]);
    expect(only!.text).toBe('Hiring slow\nToo few seniors\nOnboarding slow\nInterview load');
    expect(only!.coAuthors.map((a) => a.id)).toEqual(['cy', 'bob']);
    // Nothing to repair after sequential merges.
    expect(repairMerges(doc)).toBe(0);
    expect(readMergeEntries(doc).map((e) => `${e.source}>${e.into}`).sort()).toEqual(['b>a', 'c>a', 'd>a']);
  });

  it('refuses to merge a note with itself or with a missing note', () => {
    const doc = new Y.Doc();
    addNote(doc, { id: 'a', lane: 'org', text: 'a', author: ada, now: 1 });
    expect(mergeNotes(doc, { sourceId: 'a', targetId: 'a' })).toBe(false);
    expect(mergeNotes(doc, { sourceId: 'a', targetId: 'ghost' })).toBe(false);
    expect(readBoard(doc).notes.map((n) => n.id)).toEqual(['a']);
  });
});

describe('concurrent merges are repaired: no note lost or duplicated', () => {
  const seedTwo = () => {
    const [a, b] = replicas(2);
    addNote(a!, { id: 'x', lane: 'product', text: 'X text', author: ada, now: 1 });
    addNote(a!, { id: 'y', lane: 'product', text: 'Y text', author: bob, now: 2 });
    addNote(a!, { id: 'z', lane: 'org', text: 'Z text', author: cy, now: 3 });
    addImpact(a!, { id: 'ix', noteId: 'x', category: 'revenue', magnitude: 3, now: 4 });
    addImpact(a!, { id: 'iy', noteId: 'y', category: 'trust', magnitude: 5, now: 5 });
    sync(a!, b!);
    return [a!, b!] as const;
  };
  const allTexts = (d: Y.Doc) => readBoard(d).notes.map((n) => n.text).sort();

  it('two notes merged into each other at the same time both come back as they were', () => {
    const [a, b] = seedTwo();
    const before = readBoard(a);
    mergeNotes(a, { sourceId: 'x', targetId: 'y' });
    mergeNotes(b, { sourceId: 'y', targetId: 'x' });
    sync(a, b);
    expect(readBoard(a).notes.map((n) => n.id)).toEqual(['z']); // both were removed: the loss to repair
    repairMerges(a);
    repairMerges(b); // both clients repair: the restores are idempotent
    sync(a, b);
    expect(readBoard(a)).toEqual(readBoard(b));
    expect(readBoard(a).notes).toEqual(before.notes);
    expect(readBoard(a).impacts.map((i) => [i.id, i.noteId]).sort()).toEqual([['ix', 'x'], ['iy', 'y']]);
    expect(noteMergeMap(a).size).toBe(0);
  });

  it('a note merged into two targets at once keeps its text in one of them only', () => {
    const [a, b] = seedTwo();
    mergeNotes(a, { sourceId: 'x', targetId: 'y' });
    mergeNotes(b, { sourceId: 'x', targetId: 'z' });
    sync(a, b);
    expect(allTexts(a)).toEqual(['Y text\nX text', 'Z text\nX text']); // duplicated
    repairMerges(a);
    repairMerges(b);
    sync(a, b);
    expect(allTexts(a)).toEqual(['Y text\nX text', 'Z text']);
    expect(readBoard(a)).toEqual(readBoard(b));
  });

  it('two people dropping the same note onto the same target at once leave one copy of its text', () => {
    const [a, b] = seedTwo();
    mergeNotes(a, { sourceId: 'x', targetId: 'y' });
    mergeNotes(b, { sourceId: 'x', targetId: 'y' });
    sync(a, b);
    expect(allTexts(a)).toEqual(['Y text\nX text\nX text', 'Z text']);
    repairMerges(a);
    repairMerges(b);
    sync(a, b);
    expect(allTexts(a)).toEqual(['Y text\nX text', 'Z text']);
    expect(readBoard(a)).toEqual(readBoard(b));
  });

  it('a merge into a note deleted meanwhile brings the dropped note back', () => {
    const [a, b] = seedTwo();
    mergeNotes(a, { sourceId: 'x', targetId: 'y' });
    deleteNote(b, { id: 'y' });
    sync(a, b);
    repairMerges(b);
    sync(a, b);
    expect(allTexts(a)).toEqual(['X text', 'Z text']);
    expect(readBoard(a)).toEqual(readBoard(b));
  });

  it('a chain merged concurrently (x into y, y into z) keeps every text exactly once', () => {
    const [a, b] = seedTwo();
    mergeNotes(a, { sourceId: 'x', targetId: 'y' });
    mergeNotes(b, { sourceId: 'y', targetId: 'z' });
    sync(a, b);
    repairMerges(a);
    sync(a, b);
    expect(allTexts(a)).toEqual(['X text', 'Z text\nY text']);
    expect(readBoard(a)).toEqual(readBoard(b));
  });

  it('undoing a merge after someone else merged the same note keeps one copy', () => {
    const [a, b] = seedTwo();
    const um = undoManager(a);
    mergeNotes(a, { sourceId: 'x', targetId: 'y' });
    mergeNotes(b, { sourceId: 'x', targetId: 'z' });
    sync(a, b);
    um.undo(); // brings x back on a, while b's merge put its text into z
    repairMerges(a);
    sync(a, b);
    expect(allTexts(a)).toEqual(['X text', 'Y text', 'Z text']);
    expect(readBoard(a)).toEqual(readBoard(b));
  });

  it('watchMergeRepairs (run by the server) repairs once remote changes arrive, with its origin, and not on its own writes', async () => {
    const [server, client] = seedTwo();
    const origins: unknown[] = [];
    server.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    const watch = watchMergeRepairs(server, { origin: 'server' });
    mergeNotes(server, { sourceId: 'x', targetId: 'y' });
    mergeNotes(client, { sourceId: 'y', targetId: 'x' });
    sync(server, client);
    await Promise.resolve();
    expect(allTexts(server)).toEqual(['X text', 'Y text', 'Z text']);
    expect(allTexts(client)).toEqual(['Z text']); // clients never repair; they receive the server's
    sync(server, client);
    expect(allTexts(client)).toEqual(['X text', 'Y text', 'Z text']);
    await Promise.resolve();
    await Promise.resolve();
    // One repair, written as the server; it did not set off another run.
    expect(origins.filter((o) => o === 'server')).toHaveLength(1);
    expect(origins.at(-1)).toBe('remote');
    watch.stop();
  });

  it('watchMergeRepairs.poke repairs a state loaded without the watcher (a stored state at load)', async () => {
    const [a, b] = seedTwo();
    mergeNotes(a, { sourceId: 'x', targetId: 'y' });
    mergeNotes(b, { sourceId: 'y', targetId: 'x' });
    sync(a, b);
    const watch = watchMergeRepairs(a, { origin: 'server' });
    await Promise.resolve();
    expect(allTexts(a)).toEqual(['Z text']); // nothing changed since it started
    watch.poke();
    await Promise.resolve();
    expect(allTexts(a)).toEqual(['X text', 'Y text', 'Z text']);
    watch.stop();
  });
});

describe('deleteNote and undo', () => {
  it('deletes a note with its impacts; undo brings both back', () => {
    const doc = new Y.Doc();
    addNote(doc, { id: 'n', lane: 'org', text: 'No owner for infra', author: ada, now: 1 });
    addImpact(doc, { id: 'i', noteId: 'n', category: 'trust', magnitude: 2, evidence: '3 outages', now: 2 });
    const um = undoManager(doc);
    const before = readBoard(doc);
    expect(deleteNote(doc, { id: 'n' })).toBe(true);
    expect(readBoard(doc).notes).toEqual([]);
    expect(readBoard(doc).impacts).toEqual([]);
    um.undo();
    expect(readBoard(doc)).toEqual(before);
    expect(deleteNote(doc, { id: 'missing' })).toBe(false);
  });

  it('undo reverts only local edits, never a remote participant’s', () => {
    const [a, b] = replicas(2);
    const um = undoManager(a!);
    addNote(a!, { id: 'mine', lane: 'product', text: 'mine', author: ada, now: 1 });
    addNote(b!, { id: 'theirs', lane: 'product', text: 'theirs', author: bob, now: 2 });
    sync(a!, b!);
    editNoteText(b!, { id: 'mine', text: 'mine, edited by Bob' });
    moveNote(a!, { id: 'mine', lane: 'org', index: 0 });
    sync(a!, b!);
    um.undo(); // the move
    expect(note(a!, 'mine')).toMatchObject({ lane: 'product', text: 'mine, edited by Bob' });
    um.undo(); // the add
    expect(readBoard(a!).notes.map((n) => n.id)).toEqual(['theirs']);
    expect(um.canUndo()).toBe(false);
  });
});
