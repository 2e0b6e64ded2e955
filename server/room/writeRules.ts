// What a client's write may change, judged on one transaction (pure: no room state). The write
// gate (writeGate.ts) applies a client's update in a transaction of its own and judges it here on
// what Yjs says that transaction changed (every changed type, walked up to its root), never on how
// the update was encoded: an item that carries only an origin (no parent), a stripped delete set, a
// brand-new root, all show up there. A refused write is undone at once by the server, and the undo
// reaches the writer too.
import * as Y from 'yjs';
import { hasControlCharacters } from '../../shared/commands/text.js';

export interface GateRules {
  /** Roots clients may write in this document. */
  readonly clientRoots: ReadonlySet<string>;
  /** Roots only the server writes. */
  readonly serverRoots: ReadonlySet<string>;
  /** Roots whose values must all be records (Y.Map): a note that is a bare string breaks every reader. */
  readonly recordRoots: ReadonlySet<string>;
  /** How much the document may hold (shared/limits.ts). */
  readonly limits: ContentLimits;
}

export interface ContentLimits {
  /** The longest string or text each field of each record root may hold, by root and field. */
  readonly fields: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The longest string any other field of a record may hold. */
  readonly otherField: number;
  /** Most records in a root (notes per board). */
  readonly records: Readonly<Record<string, number>>;
  /**
   * Fields set directly on a plain root map that hold one line a person reads, by root and field:
   * a string of at most this many units with no control characters (the control document's
   * settings.title, which POST /api/workshops validates the same way and a follow-up copies).
   */
  readonly lines: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Largest encoded document, bytes (the write gate measures it: see WriteGate.sizeRefusal). */
  readonly docBytes: number;
}

/** Why a write was refused (a label of `scaleboard_ws_rejected_total`). */
export type GateRefusal =
  | 'server_only_map'
  | 'unknown_root'
  | 'not_a_record'
  | 'text_too_long'
  | 'too_many_records'
  | 'not_a_string'
  | 'control_characters';

/** The names of the root types a transaction changed (inserted into, deleted from, or created). */
export function changedRoots(tr: Y.Transaction): Set<string> {
  const roots = new Set<Y.AbstractType<unknown>>();
  for (const type of tr.changed.keys()) {
    let t = type as Y.AbstractType<unknown>;
    while (t._item) t = t._item.parent as Y.AbstractType<unknown>;
    roots.add(t);
  }
  const names = new Set<string>();
  for (const root of roots) names.add(Y.findRootTypeKey(root));
  return names;
}

/** Whether a transaction changed anything at all (an empty sync step 2 changes nothing). */
export const changedAnything = (tr: Y.Transaction): boolean => tr.changed.size > 0 || tr.deleteSet.clients.size > 0;

export function judge(tr: Y.Transaction, rules: GateRules): GateRefusal | null {
  for (const root of changedRoots(tr)) {
    if (rules.serverRoots.has(root)) return 'server_only_map';
    if (!rules.clientRoots.has(root)) return 'unknown_root';
  }
  // What a record root holds under each key it changed must be a record (or nothing: a delete).
  for (const [type, keys] of tr.changed) {
    if (type._item !== null || !(type instanceof Y.Map)) continue;
    if (!rules.recordRoots.has(Y.findRootTypeKey(type))) continue;
    for (const key of keys) {
      const value = key === null ? undefined : type.get(key);
      if (value !== undefined && !(value instanceof Y.Map)) return 'not_a_record';
    }
  }
  return judgeLimits(tr, rules) ?? judgeLines(tr, rules);
}

/**
 * The content limits, on what the transaction changed only (so a write costs what it touched, not
 * the size of the board): the records it added or replaced, field by field; the fields it set in
 * existing records; the texts it inserted into; and the record count of a root it grew. A limit
 * binds new content only: a text already longer (stored before limits existed) may still shrink.
 */
function judgeLimits(tr: Y.Transaction, rules: GateRules): GateRefusal | null {
  const { limits } = rules;
  const fieldLimit = (root: string, field: string): number => limits.fields[root]?.[field] ?? limits.otherField;
  for (const [type, keys] of tr.changed) {
    const place = recordPlace(type as Y.AbstractType<unknown>, rules);
    if (!place) continue;
    if (place.kind === 'root') {
      let grew = 0;
      for (const key of keys) {
        if (key === null) continue;
        const record = place.map.get(key);
        if (record instanceof Y.Map && record._item && createdIn(tr, record._item)) {
          for (const [field, value] of record.entries()) if (tooLong(value, fieldLimit(place.root, field))) return 'text_too_long';
        }
        grew += (record === undefined ? 0 : 1) - (liveBefore(tr, place.map, key) ? 1 : 0);
      }
      const most = limits.records[place.root];
      if (most !== undefined && grew > 0 && place.map.size > most) return 'too_many_records';
    } else if (place.kind === 'record') {
      for (const key of keys) if (key !== null && tooLong(place.map.get(key), fieldLimit(place.root, key))) return 'text_too_long';
    } else if (place.text.length > fieldLimit(place.root, place.field) && insertedInto(tr, place.text)) {
      return 'text_too_long';
    }
  }
  return null;
}

/** The one-line fields of plain root maps (the workshop title), on the keys the transaction set. */
function judgeLines(tr: Y.Transaction, rules: GateRules): GateRefusal | null {
  for (const [type, keys] of tr.changed) {
    if (type._item !== null || !(type instanceof Y.Map)) continue;
    const lines = rules.limits.lines[Y.findRootTypeKey(type)];
    if (!lines) continue;
    for (const key of keys) {
      const most = key === null ? undefined : lines[key];
      if (most === undefined) continue;
      const value: unknown = type.get(key!);
      if (value === undefined) continue; // deleted: nothing to judge (a follow-up falls back to the title stored at creation)
      if (typeof value !== 'string') return 'not_a_string';
      if (value.length > most) return 'text_too_long';
      if (hasControlCharacters(value)) return 'control_characters';
    }
  }
  return null;
}

type RecordPlace =
  | { kind: 'root'; root: string; map: Y.Map<unknown> }
  | { kind: 'record'; root: string; map: Y.Map<unknown> }
  | { kind: 'text'; root: string; field: string; text: Y.Text };

/** Where a changed type sits in a record root: the root map, a record, or a text field of a record. */
function recordPlace(type: Y.AbstractType<unknown>, rules: GateRules): RecordPlace | null {
  const rootOf = (t: unknown): string | null =>
    t instanceof Y.Map && t._item === null && rules.recordRoots.has(Y.findRootTypeKey(t)) ? Y.findRootTypeKey(t) : null;
  if (type._item === null) {
    const root = rootOf(type);
    return root === null || !(type instanceof Y.Map) ? null : { kind: 'root', root, map: type };
  }
  const parent = type._item.parent;
  if (type instanceof Y.Map) {
    const root = rootOf(parent);
    return root === null ? null : { kind: 'record', root, map: type };
  }
  const field = type._item.parentSub;
  if (type instanceof Y.Text && parent instanceof Y.Map && parent._item && field !== null) {
    const root = rootOf(parent._item.parent);
    return root === null ? null : { kind: 'text', root, field, text: type };
  }
  return null;
}

const tooLong = (value: unknown, limit: number): boolean =>
  (typeof value === 'string' || value instanceof Y.Text) && value.length > limit;

/** Whether an item was integrated by this transaction. */
const createdIn = (tr: Y.Transaction, item: Y.Item): boolean => item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);

/** Whether a map held a value under `key` before this transaction. */
function liveBefore(tr: Y.Transaction, map: Y.Map<unknown>, key: string): boolean {
  let item: Y.Item | null = map._map.get(key) ?? null;
  while (item && createdIn(tr, item)) item = item.left;
  return item !== null && (!item.deleted || Y.isDeleted(tr.deleteSet, item.id));
}

/** Whether this transaction inserted any (still present) characters into a text. */
function insertedInto(tr: Y.Transaction, text: Y.Text): boolean {
  for (let item = text._start; item; item = item.right) if (!item.deleted && createdIn(tr, item)) return true;
  return false;
}
