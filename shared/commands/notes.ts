// Bottleneck notes on the board document: add, edit, threshold, move, merge, delete. Each command
// is one transaction with an origin, so undo tracks local edits only (client/features/board/undo)
// and the merge repairs below can be told apart from people's edits.
//
// Order within a lane is a fractional index (`fractional-indexing`), so a move writes one field of
// one note and concurrent moves never duplicate or lose a note. Note text is a Y.Text, edited by
// diff, so concurrent edits to one note merge character by character.
import * as Y from 'yjs';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { LANE_KEYS, THRESHOLD_KINDS, type Lane } from '../constants.js';
import {
  boardMaps,
  compareNotes,
  noteMergeMap,
  readNote,
  type Author,
  type Note,
  type Threshold,
  type YRecord,
} from '../schema.js';
import { LOCAL_ORIGIN } from './control.js';

export { LOCAL_ORIGIN };
/** Origin of the automatic merge repairs; never tracked by undo. */
export const REPAIR_ORIGIN = 'repair';

export const MAX_NOTE_TEXT = 2000;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A random 16-character id (96 bits); works in browsers without a secure context too. */
export function newId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let id = '';
  for (const b of bytes) id += ID_ALPHABET[b & 63];
  return id;
}

export const isValidId = (id: string): boolean => ID_PATTERN.test(id);

// ---------------------------------------------------------------------------------------------
// Helpers

const clip = (text: string): string => text.slice(0, MAX_NOTE_TEXT);

function cleanAuthor(a: Author): Author {
  return { id: String(a.id).slice(0, 64), name: String(a.name).slice(0, 80), color: String(a.color).slice(0, 32) };
}

export function cleanThreshold(t: Threshold | null | undefined): Threshold | null {
  if (!t) return null;
  if (!THRESHOLD_KINDS.some((k) => k.key === t.kind)) throw new Error(`unknown threshold kind: ${String(t.kind)}`);
  const value = typeof t.value === 'number' && Number.isFinite(t.value) ? t.value : null;
  return { kind: t.kind, value, unit: String(t.unit ?? '').slice(0, 40), text: String(t.text ?? '').slice(0, 300) };
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

/** The note's text as a Y.Text, upgrading a plain string in place. */
function textOf(rec: YRecord): Y.Text {
  const t = rec.get('text');
  if (t instanceof Y.Text) return t;
  const text = new Y.Text(typeof t === 'string' ? t : '');
  rec.set('text', text);
  return text;
}

function writeNote(
  notes: Y.Map<YRecord>,
  n: Omit<Note, 'text'> & { text: string },
): void {
  const m = new Y.Map<unknown>();
  m.set('id', n.id);
  m.set('lane', n.lane);
  m.set('order', n.order);
  m.set('text', new Y.Text(clip(n.text)));
  m.set('author', n.author);
  m.set('coAuthors', n.coAuthors);
  m.set('threshold', n.threshold);
  m.set('createdAt', n.createdAt);
  notes.set(n.id, m);
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
    writeNote(notes, {
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

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

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
    const cur = text.toString();
    const next = clip(args.text);
    if (cur === next) return;
    let p = 0;
    while (p < cur.length && p < next.length && cur[p] === next[p]) p++;
    if (p > 0 && isHighSurrogate(cur.charCodeAt(p - 1))) p--;
    let s = 0;
    while (s < cur.length - p && s < next.length - p && cur[cur.length - 1 - s] === next[next.length - 1 - s]) s++;
    if (s > 0 && isLowSurrogate(cur.charCodeAt(cur.length - s))) s--;
    if (cur.length - p - s > 0) text.delete(p, cur.length - p - s);
    if (next.length - p - s > 0) text.insert(p, next.slice(p, next.length - s));
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
// Merging

type RelPosJSON = Record<string, unknown>;

/** What a merge entry records (see schema.noteMergeMap). */
export interface MergeEntry {
  source: string;
  into: string;
  /** The dropped note as it was, to restore it if its text was lost to a concurrent change. */
  note: Omit<Note, 'text'> & { text: string };
  /** Impacts that moved from the source to the target. */
  impactIds: string[];
  /** Where the source's text sits in the target's text (relative positions), or null if empty. */
  range: { start: RelPosJSON; end: RelPosJSON } | null;
}

const mergeKey = (source: string, into: string) => `${source}>${into}`;

function readEntry(v: unknown): MergeEntry | null {
  const e = v as Partial<MergeEntry> | null;
  if (!e || typeof e !== 'object' || typeof e.source !== 'string' || typeof e.into !== 'string' || !e.note) return null;
  return {
    source: e.source,
    into: e.into,
    note: e.note,
    impactIds: Array.isArray(e.impactIds) ? e.impactIds.filter((x): x is string => typeof x === 'string') : [],
    range: e.range && typeof e.range === 'object' ? e.range : null,
  };
}

/** Every recorded merge (for tests and diagnostics). */
export function readMergeEntries(doc: Y.Doc): MergeEntry[] {
  const out: MergeEntry[] = [];
  for (const v of noteMergeMap(doc).values()) {
    const e = readEntry(v);
    if (e) out.push(e);
  }
  return out;
}

const relPos = (text: Y.Text, index: number, assoc: number): RelPosJSON =>
  Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index, assoc)) as RelPosJSON;

/** The absolute [start, end) of a recorded range in `text`, or null if it no longer resolves there. */
function absoluteRange(doc: Y.Doc, text: Y.Text, range: MergeEntry['range']): [number, number] | null {
  if (!range) return null;
  const start = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(range.start), doc);
  const end = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(range.end), doc);
  if (!start || !end || start.type !== text || end.type !== text || end.index < start.index) return null;
  return [start.index, end.index];
}

function dedupeAuthors(authors: Author[]): Author[] {
  const seen = new Set<string>();
  return authors.filter((a) => a.id && !seen.has(a.id) && (seen.add(a.id), true));
}

/**
 * Drops note `sourceId` onto note `targetId`: the source's text is appended to the target's, its
 * authors are credited as co-authors, its impacts follow it, and the source is removed. Undoable.
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
    const at = text.length;
    text.insert(at, sep + s.text);
    const offset = at + sep.length;
    const range = s.text.length > 0 ? { start: relPos(text, at, 0), end: relPos(text, text.length, -1) } : null;

    dst.set('coAuthors', dedupeAuthors([...t.coAuthors, s.author, ...s.coAuthors]).filter((a) => a.id !== t.author.id));
    if (!t.threshold && s.threshold) dst.set('threshold', s.threshold);

    const impactIds: string[] = [];
    for (const [id, imp] of impacts) {
      if (imp.get('noteId') === s.id) {
        imp.set('noteId', t.id);
        impactIds.push(id);
      }
    }
    // Initiatives built from the source now build on the merged note.
    for (const ini of initiatives.values()) {
      const ids = ini.get('bottleneckIds');
      if (Array.isArray(ids) && ids.includes(s.id)) {
        ini.set('bottleneckIds', [...new Set(ids.map((x) => (x === s.id ? t.id : x)))]);
      }
    }
    // Texts earlier merged into the source moved along with it: their entries now point at the target.
    const srcText = textOf(src);
    for (const [key, v] of [...merges.entries()]) {
      const e = readEntry(v);
      if (!e || e.into !== s.id) continue;
      const abs = absoluteRange(doc, srcText, e.range);
      merges.delete(key);
      merges.set(mergeKey(e.source, t.id), {
        ...e,
        into: t.id,
        range: abs ? { start: relPos(text, offset + abs[0], 0), end: relPos(text, offset + abs[1], -1) } : null,
      } satisfies MergeEntry);
    }
    const { text: sourceText, ...rest } = s;
    merges.set(mergeKey(s.id, t.id), { source: s.id, into: t.id, note: { ...rest, text: sourceText }, impactIds, range } satisfies MergeEntry);
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
    if (!notes.has(args.id)) return;
    notes.delete(args.id);
    for (const [id, imp] of [...impacts.entries()]) if (imp.get('noteId') === args.id) impacts.delete(id);
    const merges = noteMergeMap(doc);
    for (const [key, v] of [...merges.entries()]) {
      const e = readEntry(v);
      if (e && (e.source === args.id || e.into === args.id)) merges.delete(key);
    }
    deleted = true;
  }, args.origin ?? LOCAL_ORIGIN);
  return deleted;
}

// ---------------------------------------------------------------------------------------------
// Repairs after concurrent merges

interface RepairPlan {
  deleteKeys: string[];
  restore: MergeEntry[];
  /** Entries whose text must leave their target (another copy of the source is kept). */
  strip: { key: string; entry: MergeEntry }[];
}

function planRepairs(doc: Y.Doc): RepairPlan {
  const notes = boardMaps(doc).notes;
  const bySource = new Map<string, { key: string; entry: MergeEntry }[]>();
  for (const [key, v] of noteMergeMap(doc).entries()) {
    const entry = readEntry(v);
    if (!entry) continue;
    const list = bySource.get(entry.source) ?? [];
    list.push({ key, entry });
    bySource.set(entry.source, list);
  }
  const plan: RepairPlan = { deleteKeys: [], restore: [], strip: [] };
  for (const [source, list] of bySource) {
    list.sort((a, b) => (a.entry.into < b.entry.into ? -1 : a.entry.into > b.entry.into ? 1 : 0));
    const alive = list.filter((x) => notes.has(x.entry.into));
    const dead = list.filter((x) => !notes.has(x.entry.into));
    const sourceAlive = notes.has(source);
    if (!sourceAlive && alive.length === 0) {
      // Its text went into notes that are gone (merged away or deleted concurrently): bring it back.
      plan.restore.push(dead[0]!.entry);
      plan.deleteKeys.push(...dead.map((x) => x.key));
      continue;
    }
    // Copies beyond one (the source itself if alive, else the first target) leave their targets.
    const extra = sourceAlive ? alive : alive.slice(1);
    plan.strip.push(...extra);
    if (extra.length || dead.length) plan.deleteKeys.push(...extra.map((x) => x.key), ...dead.map((x) => x.key));
  }
  return plan;
}

/**
 * Makes sure every merged note's text lives in exactly one note. Deterministic and idempotent, so
 * every writing client may run it after remote changes and they all converge:
 * - two notes merged into each other at once, or a merge into a note deleted meanwhile: the
 *   dropped note comes back as it was (same id, so two clients restoring it make one note);
 * - one note merged into two targets at once, or a merge undone after another merge of the same
 *   note: its text stays in one place (the note itself, else the target with the smallest id).
 * Returns the number of repairs made.
 */
export function repairMerges(doc: Y.Doc, origin: unknown = REPAIR_ORIGIN): number {
  if (noteMergeMap(doc).size === 0) return 0;
  const plan = planRepairs(doc);
  const count = plan.restore.length + plan.strip.length + plan.deleteKeys.length;
  if (count === 0) return 0;
  doc.transact(() => {
    const { notes, impacts } = boardMaps(doc);
    const merges = noteMergeMap(doc);
    for (const { entry } of plan.strip) {
      const target = notes.get(entry.into);
      if (!target) continue;
      const text = textOf(target);
      const abs = absoluteRange(doc, text, entry.range);
      if (abs && abs[1] > abs[0]) text.delete(abs[0], abs[1] - abs[0]);
    }
    for (const entry of plan.restore) {
      if (notes.has(entry.source)) continue;
      writeNote(notes, { ...entry.note, id: entry.source, coAuthors: entry.note.coAuthors ?? [] });
      for (const id of entry.impactIds) {
        const imp = impacts.get(id);
        if (imp && imp.get('noteId') === entry.into) imp.set('noteId', entry.source);
      }
    }
    for (const key of plan.deleteKeys) merges.delete(key);
  }, origin);
  return count;
}

/**
 * Runs repairMerges after any transaction that added or removed notes or merge entries (batched
 * to one run per tick). `canWrite` keeps read-only clients from writing. Returns a stop function.
 */
export function watchMergeRepairs(doc: Y.Doc, opts: { canWrite?: () => boolean } = {}): () => void {
  const { notes } = boardMaps(doc);
  const merges = noteMergeMap(doc);
  let scheduled = false;
  const onTransaction = (tr: Y.Transaction) => {
    if (scheduled || tr.origin === REPAIR_ORIGIN) return;
    if (!tr.changed.has(notes as Y.AbstractType<any>) && !tr.changed.has(merges as Y.AbstractType<any>)) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (!doc.isDestroyed && (opts.canWrite?.() ?? true)) repairMerges(doc);
    });
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}
