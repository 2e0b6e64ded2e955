// Impact commands and the stage-2 selectors on plain Y.Docs, including undo.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addImpact, removeImpact, updateImpact } from '../../shared/commands/impacts.js';
import { LOCAL_ORIGIN, addNote, deleteNote } from '../../shared/commands/notes.js';
import { revealNotes } from '../../shared/commands/reveal.js';
import { bottlenecksWithoutImpact, groupByImpactCategory, notesByLane, readNotesAndImpacts } from '../../shared/board.js';
import { boardMaps, readReveals, type Author } from '../../shared/schema.js';
import type { ImpactCategory } from '../../shared/constants.js';

const ada: Author = { id: 'ada', name: 'Ada', color: '#b3261e' };

function board() {
  const doc = new Y.Doc();
  addNote(doc, { id: 'slow', lane: 'platform', text: 'Deploys take hours', author: ada, now: 1 });
  addNote(doc, { id: 'churn', lane: 'product', text: 'Onboarding drop-off', author: ada, now: 2 });
  addNote(doc, { id: 'hire', lane: 'org', text: 'Hiring pipeline', author: ada, now: 3 });
  return doc;
}
const impacts = (doc: Y.Doc) => readNotesAndImpacts(doc).impacts.map(({ id, noteId, category, magnitude, evidence }) => ({ id, noteId, category, magnitude, evidence }));

describe('impact commands', () => {
  it('adds impacts to a bottleneck with category, magnitude and evidence', () => {
    const doc = board();
    expect(addImpact(doc, { id: 'i1', noteId: 'slow', category: 'velocity', magnitude: 4, evidence: 'lead time 9 days', now: 10 })).toBe('i1');
    expect(addImpact(doc, { id: 'i2', noteId: 'slow', category: 'trust', magnitude: 2, now: 11 })).toBe('i2');
    expect(impacts(doc)).toEqual([
      { id: 'i1', noteId: 'slow', category: 'velocity', magnitude: 4, evidence: 'lead time 9 days' },
      { id: 'i2', noteId: 'slow', category: 'trust', magnitude: 2, evidence: '' },
    ]);
  });

  it('keeps magnitudes whole numbers from 1 to 5 and refuses unknown categories and notes', () => {
    const doc = board();
    addImpact(doc, { id: 'hi', noteId: 'slow', category: 'revenue', magnitude: 9, now: 1 });
    addImpact(doc, { id: 'lo', noteId: 'slow', category: 'revenue', magnitude: -3, now: 2 });
    addImpact(doc, { id: 'mid', noteId: 'slow', category: 'revenue', magnitude: 2.6, now: 3 });
    expect(impacts(doc).map((i) => i.magnitude)).toEqual([5, 1, 3]);
    expect(() => addImpact(doc, { noteId: 'slow', category: 'vibes' as ImpactCategory, magnitude: 1, now: 4 })).toThrow(/category/);
    expect(addImpact(doc, { noteId: 'ghost', category: 'revenue', magnitude: 1, now: 5 })).toBeNull();
  });

  it('updates only the fields given, and removes', () => {
    const doc = board();
    addImpact(doc, { id: 'i', noteId: 'churn', category: 'retention', magnitude: 3, evidence: 'x', now: 1 });
    expect(updateImpact(doc, { id: 'i', magnitude: 5 })).toBe(true);
    expect(updateImpact(doc, { id: 'i', evidence: '12% of trials drop at step 3' })).toBe(true);
    expect(updateImpact(doc, { id: 'i', category: 'retention' })).toBe(false); // unchanged
    expect(impacts(doc)).toEqual([{ id: 'i', noteId: 'churn', category: 'retention', magnitude: 5, evidence: '12% of trials drop at step 3' }]);
    expect(() => updateImpact(doc, { id: 'i', category: 'bad' as ImpactCategory })).toThrow();
    expect(removeImpact(doc, { id: 'i' })).toBe(true);
    expect(removeImpact(doc, { id: 'i' })).toBe(false);
    expect(impacts(doc)).toEqual([]);
  });

  it('undoes add, update and remove step by step (local edits only)', () => {
    const doc = board();
    const { impacts: map } = boardMaps(doc);
    const um = new Y.UndoManager([map], { trackedOrigins: new Set([LOCAL_ORIGIN]), captureTimeout: 0 });
    addImpact(doc, { id: 'i', noteId: 'hire', category: 'velocity', magnitude: 2, now: 1 });
    updateImpact(doc, { id: 'i', magnitude: 4 });
    removeImpact(doc, { id: 'i' });
    // A remote change is not undone.
    addImpact(doc, { id: 'remote', noteId: 'hire', category: 'margin', magnitude: 1, now: 2, origin: 'remote' });
    um.undo();
    expect(impacts(doc).find((i) => i.id === 'i')?.magnitude).toBe(4);
    um.undo();
    expect(impacts(doc).find((i) => i.id === 'i')?.magnitude).toBe(2);
    um.undo();
    expect(impacts(doc).map((i) => i.id)).toEqual(['remote']);
  });

  it('deleting a bottleneck removes its impacts', () => {
    const doc = board();
    addImpact(doc, { id: 'i', noteId: 'hire', category: 'velocity', magnitude: 2, now: 1 });
    deleteNote(doc, { id: 'hire' });
    expect(impacts(doc)).toEqual([]);
  });
});

describe('stage 2 selectors', () => {
  it('flags bottlenecks without impact and groups the others by impact category, strongest first', () => {
    const doc = board();
    addImpact(doc, { id: 'a', noteId: 'slow', category: 'velocity', magnitude: 2, now: 1 });
    addImpact(doc, { id: 'b', noteId: 'churn', category: 'velocity', magnitude: 5, now: 2 });
    addImpact(doc, { id: 'c', noteId: 'churn', category: 'revenue', magnitude: 3, now: 3 });
    const { notes, impacts: all } = readNotesAndImpacts(doc);
    expect(bottlenecksWithoutImpact(notes, all).map((n) => n.id)).toEqual(['hire']);
    const groups = groupByImpactCategory(notes, all);
    expect(groups.map((g) => g.category)).toEqual(['revenue', 'retention', 'margin', 'trust', 'velocity', 'compliance']);
    const byCat = Object.fromEntries(groups.map((g) => [g.category, g.items.map((i) => `${i.note.id}:${i.impact.magnitude}`)]));
    expect(byCat).toEqual({ revenue: ['churn:3'], retention: [], margin: [], trust: [], velocity: ['churn:5', 'slow:2'], compliance: [] });
    expect(Object.fromEntries(Object.entries(notesByLane(notes)).map(([k, v]) => [k, v.map((n) => n.id)]))).toEqual({
      product: ['churn'],
      platform: ['slow'],
      org: ['hire'],
    });
  });

  it('reads unchanged notes as the same objects, so unchanged views skip rendering', () => {
    const doc = board();
    const first = readNotesAndImpacts(doc);
    addImpact(doc, { id: 'x', noteId: 'slow', category: 'margin', magnitude: 1, now: 1 });
    const second = readNotesAndImpacts(doc);
    expect(second.notes).not.toBe(first.notes);
    second.notes.forEach((n, i) => expect(n).toBe(first.notes[i]));
  });
});

describe('revealNotes', () => {
  it('bumps the reveal counter each time', () => {
    const control = new Y.Doc();
    expect(readReveals(control).notesRevealSeq).toBe(0);
    expect(revealNotes(control)).toBe(1);
    expect(revealNotes(control)).toBe(2);
    expect(readReveals(control).notesRevealSeq).toBe(2);
  });
});
