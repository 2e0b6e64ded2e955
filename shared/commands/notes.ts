// Bottleneck notes on the board document: add, edit, threshold, move, merge, delete. Each command
// is one transaction with an origin, so undo tracks local edits only (client/features/board/undo)
// and the merge repairs below can be told apart from people's edits.
//
// Order within a lane is a fractional index (`fractional-indexing`), so a move writes one field of
// one note and concurrent moves never duplicate or lose a note. Note text is a Y.Text, edited by
// diff, so concurrent edits to one note merge character by character.
import type * as Y from 'yjs';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { LANE_KEYS, THRESHOLD_KINDS, type Lane } from '../constants.js';
import { boardMaps, compareNotes, noteMergeMap, readNote, type Author, type Note, type Threshold } from '../schema.js';
import { LOCAL_ORIGIN } from './control.js';
import { isValidId, newId } from './ids.js';
import { clipUnits, replaceText } from './text.js';
import {
  clipText,
  mergeKey,
  rangeOf,
  readEntry,
  absoluteRange,
  textOf,
  writeNoteRecord,
  type MergeEntry,
} from './noteMerges.js';

export { LOCAL_ORIGIN };
export {
  MAX_NOTE_TEXT,
  REPAIR_ORIGIN,
  readMergeEntries,
  repairMerges,
  watchMergeRepairs,
  type MergeEntry,
} from './noteMerges.js';

// ---------------------------------------------------------------------------------------------
// Helpers

function cleanAuthor(a: Author): Author {
  return { id: clipUnits(String(a.id), 64), name: clipUnits(String(a.name), 80), color: clipUnits(String(a.color), 32) };
}

export function cleanThreshold(t: Threshold | null | undefined): Threshold | null {
  if (!t) return null;
  if (!THRESHOLD_KINDS.some((k) => k.key === t.kind)) throw new Error(`unknown threshold kind: ${String(t.kind)}`);
  const value = typeof t.value === 'number' && Number.isFinite(t.value) ? t.value : null;
  return { kind: t.kind, value, unit: clipUnits(String(t.unit ?? ''), 40), text: clipUnits(String(t.text ?? ''), 300) };
}

/** Notes of one lane in display order, optionally without one note. */
export function laneNotes(doc: Y.Doc, lane: Lane, withoutId?: string): Note[] {
  const out: Note[] = [];
  for (const m of boardMaps(doc).notes.values()) {
    const n = readNote(m);
    if (n.lane === lane && n.id !== withoutId) out.push(n);
  }
  return out.sort(compareNotes);
}

/** A key after `prev` and before `next`, tolerating corrupt keys (treated as absent). */
function keyBetween(prev: string | null, next: string | null): string {
  const valid = (k: string | null) => {
    if (k === null) return null;
    try {
      generateKeyBetween(k, null);
      return k;
    } catch {
      return null;
    }
  };
  const a = valid(prev);
  const b = valid(next);
  if (a !== null && b !== null && a >= b) return generateKeyBetween(a, null);
  return generateKeyBetween(a, b);
}

// ---------------------------------------------------------------------------------------------
// Commands

export interface AddNoteArgs {
  /** Given when publishing a silently written note, so publishing twice adds it once. */
  id?: string;
  lane: Lane;
  text: string;
  author: Author;
  threshold?: Threshold | null;
  now: number;
  origin?: unknown;
}

/** Adds a note at the end of its lane; returns its id. Adding an id that exists does nothing. */
export function addNote(doc: Y.Doc, args: AddNoteArgs): string {
  const id = args.id ?? newId();
  if (!isValidId(id)) throw new Error('invalid note id');
  if (!LANE_KEYS.includes(args.lane)) throw new Error(`unknown lane: ${String(args.lane)}`);
  const threshold = cleanThreshold(args.threshold);
  doc.transact(() => {
    const { notes } = boardMaps(doc);
    if (notes.has(id)) return;
    const last = laneNotes(doc, args.lane).at(-1);
    writeNoteRecord(notes, {
      id,
      lane: args.lane,
      order: keyBetween(last?.order ?? null, null),
      text: args.text,
      author: cleanAuthor(args.author),
      coAuthors: [],
      threshold,
      createdAt: args.now,
    });
  }, args.origin ?? LOCAL_ORIGIN);
  return id;
}


/**
 * Replaces a note's text by applying only the difference (common prefix and suffix kept), so a
 * concurrent edit elsewhere in the same note survives.
 */
export function editNoteText(doc: Y.Doc, args: { id: string; text: string; origin?: unknown }): boolean {
  let changed = false;
  doc.transact(() => {
    const rec = boardMaps(doc).notes.get(args.id);
    if (!rec) return;
    const text = textOf(rec);
    if (!replaceText(text, clipText(args.text))) return;
    changed = true;
  }, args.origin ?? LOCAL_ORIGIN);
  return changed;
}

/** Sets (or with `null` removes) the threshold of a note: what breaks, and at what level. */
export function setThreshold(doc: Y.Doc, args: { id: string; threshold: Threshold | null; origin?: unknown }): boolean {
  const threshold = cleanThreshold(args.threshold);
  let changed = false;
  doc.transact(() => {
    const rec = boardMaps(doc).notes.get(args.id);
    if (!rec) return;
    rec.set('threshold', threshold);
    changed = true;
  }, args.origin ?? LOCAL_ORIGIN);
  return changed;
}

/**
 * Moves a note to `lane` at `index`, counted among the lane's other notes (0 = first). Writes the
 * note's lane and order only. Where concurrent inserts left equal keys at the drop point, the tied
 * neighbours get fresh keys in the same transaction so the note lands exactly where it was dropped.
 */
export function moveNote(doc: Y.Doc, args: { id: string; lane: Lane; index: number; origin?: unknown }): boolean {
  if (!LANE_KEYS.includes(args.lane)) throw new Error(`unknown lane: ${String(args.lane)}`);
  let moved = false;
  doc.transact(() => {
    const { notes } = boardMaps(doc);
    const rec = notes.get(args.id);
    if (!rec) return;
    const note = readNote(rec);
    const others = laneNotes(doc, args.lane, args.id);
    const i = Math.max(0, Math.min(others.length, Math.floor(args.index)));
    const prev = others[i - 1] ?? null;
    const next = others[i] ?? null;
    const alreadyThere =
      note.lane === args.lane && (!prev || compareNotes(prev, note) < 0) && (!next || compareNotes(note, next) < 0);
    if (alreadyThere) return;
    let order: string;
    if (prev && next && prev.order === next.order) {
      let end = i;
      while (end < others.length && others[end]!.order === prev.order) end++;
      const keys = generateNKeysBetween(prev.order, others[end]?.order ?? null, end - i + 1);
      order = keys[0]!;
      for (let j = i; j < end; j++) notes.get(others[j]!.id)!.set('order', keys[j - i + 1]!);
    } else {
      order = keyBetween(prev?.order ?? null, next?.order ?? null);
    }
    // Both fields always: concurrent moves of one note then resolve to one mover's placement.
    rec.set('lane', args.lane);
    rec.set('order', order);
    moved = true;
  }, args.origin ?? LOCAL_ORIGIN);
  return moved;
}

// ---------------------------------------------------------------------------------------------
// Merging (concurrent merges are repaired by noteMerges.ts)

function dedupeAuthors(authors: Author[]): Author[] {
  const seen = new Set<string>();
  return authors.filter((a) => a.id && !seen.has(a.id) && (seen.add(a.id), true));
}

/**
 * Drops note `sourceId` onto note `targetId`: the source's text is appended to the target's, its
 * authors are credited as co-authors, its impacts follow it, and the source is removed. Undoable.
 * The merge is recorded (noteMerges.ts) so concurrent merges can be repaired.
 */
export function mergeNotes(doc: Y.Doc, args: { sourceId: string; targetId: string; origin?: unknown }): boolean {
  if (args.sourceId === args.targetId) return false;
  let merged = false;
  doc.transact(() => {
    const { notes, impacts, initiatives } = boardMaps(doc);
    const merges = noteMergeMap(doc);
    const src = notes.get(args.sourceId);
    const dst = notes.get(args.targetId);
    if (!src || !dst) return;
    const s = readNote(src);
    const t = readNote(dst);
    const text = textOf(dst);
    const sep = text.length > 0 && s.text.length > 0 ? '\n' : '';
    const offset = text.length + sep.length;
    text.insert(text.length, sep + s.text);

    dst.set('coAuthors', dedupeAuthors([...t.coAuthors, s.author, ...s.coAuthors]).filter((a) => a.id !== t.author.id));
    if (!t.threshold && s.threshold) dst.set('threshold', s.threshold);

    const impactIds: string[] = [];
    for (const [id, imp] of impacts) {
      if (imp.get('noteId') === s.id) {
        imp.set('noteId', t.id);
        impactIds.push(id);
      }
    }
    // Initiatives built on the source now build on the merged note.
    for (const ini of initiatives.values()) {
      const ids = ini.get('bottleneckIds');
      if (Array.isArray(ids) && ids.includes(s.id)) ini.set('bottleneckIds', [...new Set(ids.map((x) => (x === s.id ? t.id : x)))]);
    }
    const mergeId = newId();
    // Texts merged into the source earlier moved along with it: their entries now point at the
    // target, remembering where they sat inside the source's snapshot.
    const srcText = textOf(src);
    for (const [key, v] of [...merges.entries()]) {
      const e = readEntry(v, key);
      if (!e || e.into !== s.id || e.stripped) continue;
      const abs = absoluteRange(doc, srcText, e.range);
      // An entry whose text is not in the source (void after a concurrent restore) stays behind.
      if (!abs && e.range) continue;
      merges.delete(key);
      merges.set(mergeKey(e.source, t.id), {
        ...e,
        into: t.id,
        range: abs ? rangeOf(text, offset + abs[0], offset + abs[1]) : null,
        nested: abs ? [...e.nested, { in: s.id, mergeId, start: abs[0], end: abs[1] }] : e.nested,
      } satisfies MergeEntry);
    }
    merges.set(mergeKey(s.id, t.id), {
      id: mergeId,
      source: s.id,
      into: t.id,
      note: s,
      impactIds,
      range: rangeOf(text, offset, text.length),
      nested: [],
    } satisfies MergeEntry);
    notes.delete(s.id);
    merged = true;
  }, args.origin ?? LOCAL_ORIGIN);
  return merged;
}

/** Deletes a note with its impacts (undoable). Texts merged into it go with it, on purpose. */
export function deleteNote(doc: Y.Doc, args: { id: string; origin?: unknown }): boolean {
  let deleted = false;
  doc.transact(() => {
    const { notes, impacts } = boardMaps(doc);
    const rec = notes.get(args.id);
    if (!rec) return;
    // Texts merged into this note go with it, but only those really in its text: an entry that
    // does not resolve there (its text sits in a copy of the note that a concurrent repair
    // replaced) was never seen by whoever deletes, and the repair must still bring it back.
    const text = textOf(rec);
    const merges = noteMergeMap(doc);
    for (const [key, v] of [...merges.entries()]) {
      const e = readEntry(v, key);
      if (!e) continue;
      const inThisText = e.into === args.id && !e.stripped && (e.range === null || absoluteRange(doc, text, e.range) !== null);
      if (e.source === args.id || inThisText) merges.delete(key);
    }
    notes.delete(args.id);
    for (const [id, imp] of [...impacts.entries()]) if (imp.get('noteId') === args.id) impacts.delete(id);
    deleted = true;
  }, args.origin ?? LOCAL_ORIGIN);
  return deleted;
}

