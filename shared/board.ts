// Pure selectors over the board's notes and impacts, for views and tests.
import type * as Y from 'yjs';
import { IMPACT_CATEGORIES, LANES, type ImpactCategory, type Lane } from './constants.js';
import { boardMaps, compareNotes, readImpact, readNote, recordsOf, type Impact, type Note, type YRecord } from './schema.js';

export interface NotesAndImpacts {
  /** In display order (lane order key, then id). */
  notes: Note[];
  /** Oldest first, then by id. */
  impacts: Impact[];
}

const sameAuthors = (a: Note['coAuthors'], b: Note['coAuthors']) =>
  a.length === b.length && a.every((x, i) => x.id === b[i]!.id && x.name === b[i]!.name && x.color === b[i]!.color);

const sameNote = (a: Note, b: Note): boolean =>
  a.id === b.id &&
  a.lane === b.lane &&
  a.order === b.order &&
  a.text === b.text &&
  a.createdAt === b.createdAt &&
  a.threshold === b.threshold &&
  a.author.id === b.author.id &&
  a.author.name === b.author.name &&
  a.author.color === b.author.color &&
  sameAuthors(a.coAuthors, b.coAuthors);

const sameImpact = (a: Impact, b: Impact): boolean =>
  a.id === b.id && a.noteId === b.noteId && a.category === b.category && a.magnitude === b.magnitude && a.evidence === b.evidence;

// Structural sharing: an unchanged record reads as the very same object, so memoised views of
// the notes that did not change skip rendering (300 notes, one edit: one note re-renders).
const noteCache = new WeakMap<YRecord, Note>();
const impactCache = new WeakMap<YRecord, Impact & { createdAt: number }>();

function cachedNote(m: YRecord): Note {
  const fresh = readNote(m);
  const prev = noteCache.get(m);
  if (prev && sameNote(prev, fresh)) return prev;
  noteCache.set(m, fresh);
  return fresh;
}

function cachedImpact(m: YRecord): Impact & { createdAt: number } {
  const createdAt = typeof m.get('createdAt') === 'number' ? (m.get('createdAt') as number) : 0;
  const fresh = { ...readImpact(m), createdAt };
  const prev = impactCache.get(m);
  if (prev && prev.createdAt === createdAt && sameImpact(prev, fresh)) return prev;
  impactCache.set(m, fresh);
  return fresh;
}

/** Notes and impacts of the board document. A stable function: usable as a snapshot reader. */
export function readNotesAndImpacts(doc: Y.Doc): NotesAndImpacts {
  const maps = boardMaps(doc);
  const notes = recordsOf(maps.notes).map(cachedNote).sort(compareNotes);
  const impacts = recordsOf(maps.impacts)
    .map(cachedImpact)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { notes, impacts };
}

/** Notes grouped by lane, each lane in display order. */
export function notesByLane(notes: readonly Note[]): Record<Lane, Note[]> {
  const out = Object.fromEntries(LANES.map((l) => [l.key, [] as Note[]])) as Record<Lane, Note[]>;
  for (const n of notes) (out[n.lane] ?? out.product).push(n);
  for (const l of LANES) out[l.key].sort(compareNotes);
  return out;
}

/** Impacts by note id (impacts of notes that no longer exist are left out by callers' lookups). */
export function impactsByNote(impacts: readonly Impact[]): Map<string, Impact[]> {
  const out = new Map<string, Impact[]>();
  for (const i of impacts) {
    const list = out.get(i.noteId);
    if (list) list.push(i);
    else out.set(i.noteId, [i]);
  }
  return out;
}

/** Bottlenecks that have no impact yet (flagged in stage 2). */
export function bottlenecksWithoutImpact(notes: readonly Note[], impacts: readonly Impact[]): Note[] {
  const withImpact = new Set(impacts.map((i) => i.noteId));
  return notes.filter((n) => !withImpact.has(n.id));
}

export interface ImpactGroup {
  category: ImpactCategory;
  title: string;
  /** Bottlenecks with an impact in this category, strongest first. */
  items: { note: Note; impact: Impact }[];
}

/** The compact view of stage 2: bottlenecks grouped by impact category, in the spec's order. */
export function groupByImpactCategory(notes: readonly Note[], impacts: readonly Impact[]): ImpactGroup[] {
  const byId = new Map(notes.map((n) => [n.id, n]));
  return IMPACT_CATEGORIES.map((c) => ({
    category: c.key,
    title: c.title,
    items: impacts
      .filter((i) => i.category === c.key && byId.has(i.noteId))
      .map((impact) => ({ note: byId.get(impact.noteId)!, impact }))
      .sort((a, b) => b.impact.magnitude - a.impact.magnitude || compareNotes(a.note, b.note)),
  }));
}
