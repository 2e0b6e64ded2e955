// The record of note merges, and the repair that keeps concurrent merges from losing or
// duplicating a note.
//
// Merging drops the dropped note's record from the board (see mergeNotes in notes.ts). Done by
// two people at once that can go wrong: two notes merged into each other both disappear; a note
// merged into one that someone else deleted meanwhile disappears; one note dropped onto two
// targets is copied twice. Each merge therefore leaves an entry (schema.noteMergeMap): the dropped
// note's snapshot, and where its text sits in the target (Yjs relative positions). From those,
// the server computes the repairs (server/serverRules.ts), deterministically and idempotently:
// - text that is on no note any more comes back: as the note it was (same id, so two clients
//   restoring it make one note), or inside a restored note that carried it;
// - text that is on more than one note stays on one (the note itself if alive, else the first
//   target by id), and texts merged into it before it moved stay where they are.
import * as Y from 'yjs';
import { boardMaps, noteMergeMap, type Note, type YRecord } from '../schema.js';
import { newId } from './ids.js';
import { MAX_NOTE_TEXT } from '../limits.js';
import { clipUnits } from './text.js';

/** Default origin of repairMerges (the server passes its own); never tracked by undo. */
export const REPAIR_ORIGIN = 'repair';

export { MAX_NOTE_TEXT };
/** A note's text clipped to its limit, emoji-safe. */
export const clipText = (text: string): string => clipUnits(text, MAX_NOTE_TEXT);

type RelPosJSON = Record<string, unknown>;
export type NoteSnapshot = Omit<Note, 'text'> & { text: string };

/** One merge: what the dropped note was, and where its text went. */
export interface MergeEntry {
  /** The merge's id, kept when the entry is re-pointed; identifies which snapshot this is. */
  id: string;
  source: string;
  into: string;
  /** The dropped note as it was when it was merged. */
  note: NoteSnapshot;
  /** Impacts that moved from the source to the target. */
  impactIds: string[];
  /** Where the source's text sits in the target's text (relative positions), or null if empty. */
  range: { start: RelPosJSON; end: RelPosJSON } | null;
  /**
   * How the text reached its target inside intermediate notes merged later, innermost first:
   * at each level, [start, end) is where it sat in `in`'s text, which `in`'s merge `mergeId`
   * snapshotted. If `in` comes back from that snapshot, this text comes back inside it.
   */
  nested: Nesting[];
  /**
   * The text was taken out of its target because another copy is kept. The entry stays only for
   * its nesting: if a note that carried the text comes back from its snapshot, so does the text.
   */
  stripped?: boolean;
}

export interface Nesting {
  in: string;
  mergeId: string;
  start: number;
  end: number;
}

/** Entry keys carry a nonce: two people dropping the same note on the same target at once make two entries. */
export const mergeKey = (source: string, into: string): string => `${source}>${into}>${newId().slice(0, 8)}`;

export function readEntry(v: unknown, key = ''): MergeEntry | null {
  const e = v as Partial<MergeEntry> | null;
  if (!e || typeof e !== 'object' || typeof e.source !== 'string' || typeof e.into !== 'string' || !e.note) return null;
  const nested = Array.isArray(e.nested)
    ? e.nested.filter(
        (n): n is Nesting =>
          !!n && typeof n.in === 'string' && typeof n.mergeId === 'string' && Number.isInteger(n.start) && Number.isInteger(n.end),
      )
    : [];
  return {
    id: typeof e.id === 'string' ? e.id : key,
    source: e.source,
    into: e.into,
    note: e.note,
    impactIds: Array.isArray(e.impactIds) ? e.impactIds.filter((x): x is string => typeof x === 'string') : [],
    range: e.range && typeof e.range === 'object' ? e.range : null,
    nested,
    stripped: e.stripped === true,
  };
}

/** Every recorded merge (for tests and diagnostics). */
export function readMergeEntries(doc: Y.Doc): MergeEntry[] {
  const out: MergeEntry[] = [];
  for (const [key, v] of noteMergeMap(doc).entries()) {
    const e = readEntry(v, key);
    if (e) out.push(e);
  }
  return out;
}

export const relPos = (text: Y.Text, index: number, assoc: number): RelPosJSON =>
  Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index, assoc)) as RelPosJSON;

/** A range covering text[start, end): the start sticks to the first character, the end to the last. */
export const rangeOf = (text: Y.Text, start: number, end: number): MergeEntry['range'] =>
  end > start ? { start: relPos(text, start, 0), end: relPos(text, end, -1) } : null;

/** The absolute [start, end) of a recorded range in `text`, or null if it does not resolve there. */
export function absoluteRange(doc: Y.Doc, text: Y.Text, range: MergeEntry['range']): [number, number] | null {
  if (!range) return null;
  const start = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(range.start), doc);
  const end = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(range.end), doc);
  if (!start || !end || start.type !== text || end.type !== text || end.index < start.index) return null;
  return [start.index, end.index];
}

/** The note's text as a Y.Text, upgrading a plain string in place. */
export function textOf(rec: YRecord): Y.Text {
  const t = rec.get('text');
  if (t instanceof Y.Text) return t;
  const text = new Y.Text(typeof t === 'string' ? t : '');
  rec.set('text', text);
  return text;
}

/** Writes a whole note record (a new Y.Map, text as Y.Text). */
export function writeNoteRecord(notes: Y.Map<YRecord>, n: NoteSnapshot): void {
  const m = new Y.Map<unknown>();
  m.set('id', n.id);
  m.set('lane', n.lane);
  m.set('order', n.order);
  m.set('text', new Y.Text(clipText(n.text)));
  m.set('author', n.author);
  m.set('coAuthors', n.coAuthors ?? []);
  m.set('threshold', n.threshold ?? null);
  m.set('createdAt', n.createdAt);
  notes.set(n.id, m);
}

// ---------------------------------------------------------------------------------------------
// Repair

type Keyed = { key: string; entry: MergeEntry };
/** Where a text comes back: in `host`'s restored text at [start, end). */
type Placement = { host: string; start: number; end: number };

interface RepairPlan {
  /** Notes brought back from a snapshot. */
  restore: MergeEntry[];
  /** Entries whose text comes back inside a restored note: they now point there. */
  revive: (Keyed & { at: Placement })[];
  /** Entries whose text leaves their target: another copy is kept. */
  strip: Keyed[];
  deleteKeys: string[];
}

const isEmptyPlan = (p: RepairPlan) => !p.restore.length && !p.revive.length && !p.strip.length && !p.deleteKeys.length;
const planSize = (p: RepairPlan) => p.restore.length + p.revive.length + p.strip.length + p.deleteKeys.length;

function planRepairs(doc: Y.Doc): RepairPlan {
  const notes = boardMaps(doc).notes;
  const bySource = new Map<string, Keyed[]>();
  for (const [key, v] of noteMergeMap(doc).entries()) {
    const entry = readEntry(v, key);
    if (!entry) continue;
    const list = bySource.get(entry.source) ?? [];
    list.push({ key, entry });
    bySource.set(entry.source, list);
  }
  const rank = (x: Keyed) => `${x.entry.into}\u0000${x.key}`;
  for (const list of bySource.values()) list.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));

  // An entry counts only if its text really sits in its target: when two clients restored the
  // same note at once, one restored copy survives, and entries into the other are void.
  const valid = new Set<string>();
  for (const list of bySource.values()) {
    for (const { key, entry } of list) {
      if (entry.stripped) continue;
      const text = notes.get(entry.into)?.get('text');
      const resolves = entry.range === null ? entry.note.text === '' : text instanceof Y.Text && !!absoluteRange(doc, text, entry.range);
      if (notes.has(entry.into) && resolves) valid.add(key);
    }
  }
  const alive = (list: Keyed[]) => list.filter((x) => valid.has(x.key));
  const dead = (list: Keyed[]) => list.filter((x) => !x.entry.stripped && !valid.has(x.key));
  const stripped = (list: Keyed[]) => list.filter((x) => x.entry.stripped);
  const lost = new Set(
    [...bySource].filter(([s, list]) => !notes.has(s) && alive(list).length === 0 && dead(list).length > 0).map(([s]) => s),
  );

  // Where each lost note's text comes back. Nesting positions are exact only in the snapshot they
  // were taken from, so a text comes back inside a lost note only if that note is itself restored
  // from that very snapshot (the latest such level wins); otherwise it is restored as itself, from
  // its first entry's snapshot.
  const snapshotOf = new Map<string, string | null | 'pending'>();
  const levelFor = (x: Keyed): Nesting | null => {
    for (let i = x.entry.nested.length - 1; i >= 0; i--) {
      const n = x.entry.nested[i]!;
      if (n.in !== x.entry.source && lost.has(n.in) && restoredFrom(n.in) === n.mergeId) return n;
    }
    return null;
  };
  /** The merge id whose snapshot a lost note is restored from, or null if it comes back inside another. */
  const restoredFrom = (source: string): string | null => {
    const known = snapshotOf.get(source);
    if (known === 'pending') return null; // containers are always merged later; never loop
    if (known !== undefined) return known;
    snapshotOf.set(source, 'pending');
    const gone = dead(bySource.get(source)!);
    const result = gone.some((x) => levelFor(x)) ? null : gone[0]!.entry.id;
    snapshotOf.set(source, result);
    return result;
  };
  const carried = (x: Keyed): Placement | null => {
    const n = levelFor(x);
    return n ? { host: n.in, start: n.start, end: n.end } : null;
  };

  const plan: RepairPlan = { restore: [], revive: [], strip: [], deleteKeys: [] };
  for (const [source, list] of bySource) {
    // Entries of one text carried to the same spot are one copy: revive it once.
    const spots = new Set<string>();
    const revive = (x: Keyed, at: Placement) => {
      const spot = `${at.host}:${at.start}:${at.end}`;
      if (spots.has(spot)) return false;
      spots.add(spot);
      plan.revive.push({ ...x, at });
      return true;
    };
    for (const x of dead(list)) {
      const at = carried(x);
      if (!at || !revive(x, at)) plan.deleteKeys.push(x.key);
    }
    for (const x of stripped(list)) {
      const at = carried(x);
      if (at) revive(x, at);
    }
    if (lost.has(source)) {
      if (restoredFrom(source) !== null) plan.restore.push(dead(list)[0]!.entry);
      continue;
    }
    const live = alive(list);
    const extra = notes.has(source) ? live : live.slice(1);
    plan.strip.push(...extra);
  }
  return plan;
}

/** Removes an entry's text from its target, keeping texts merged into it earlier (no other copy). */
function strip(doc: Y.Doc, { key, entry }: Keyed): void {
  const target = boardMaps(doc).notes.get(entry.into);
  if (!target) return;
  const text = textOf(target);
  const abs = absoluteRange(doc, text, entry.range);
  if (!abs) return;
  const keep: [number, number][] = [];
  for (const [k, v] of noteMergeMap(doc).entries()) {
    const other = readEntry(v, k);
    if (k === key || !other || other.stripped || other.into !== entry.into) continue;
    const r = absoluteRange(doc, text, other.range);
    if (!r) continue;
    // Another entry of the same text over the same characters: that copy is the one kept.
    if (other.source === entry.source && r[0] < abs[1] && abs[0] < r[1]) return;
    if (other.source !== entry.source && r[0] >= abs[0] && r[1] <= abs[1]) keep.push(r);
  }
  keep.sort((a, b) => a[0] - b[0]);
  const union: [number, number][] = [];
  for (const r of keep) {
    const last = union.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else union.push([r[0], r[1]]);
  }
  // The separator the merge put before the text goes too, unless a kept text starts right there.
  const separator = abs[0] > 0 && text.toString()[abs[0] - 1] === '\n' && !(union[0] && union[0][0] === abs[0]);
  const str = text.toString();
  let end = abs[1];
  for (const [ks, ke] of union.reverse()) {
    if (ke < end) text.delete(ke, end - ke);
    // Keep the separator that stood before a kept text.
    end = Math.min(end, ks > abs[0] && str[ks - 1] === '\n' ? ks - 1 : ks);
  }
  if (end > abs[0]) text.delete(abs[0], end - abs[0]);
  if (separator) text.delete(abs[0] - 1, 1);
}

function applyRepairs(doc: Y.Doc, plan: RepairPlan): void {
  const { notes, impacts } = boardMaps(doc);
  const merges = noteMergeMap(doc);
  for (const x of plan.strip) {
    strip(doc, x);
    merges.set(x.key, { ...x.entry, range: null, stripped: true } satisfies MergeEntry);
  }
  for (const entry of plan.restore) {
    if (notes.has(entry.source)) continue;
    writeNoteRecord(notes, { ...entry.note, id: entry.source });
    for (const id of entry.impactIds) {
      const imp = impacts.get(id);
      if (imp && imp.get('noteId') === entry.into) imp.set('noteId', entry.source);
    }
  }
  for (const key of plan.deleteKeys) merges.delete(key);
  for (const { key, entry, at } of plan.revive) {
    merges.delete(key);
    const host = notes.get(at.host);
    if (!host) continue;
    const text = textOf(host);
    const start = Math.min(at.start, text.length);
    const end = Math.min(Math.max(at.end, start), text.length);
    merges.set(mergeKey(entry.source, at.host), {
      ...entry,
      into: at.host,
      range: rangeOf(text, start, end),
      nested: [],
      stripped: false,
    } satisfies MergeEntry);
  }
}

/** Repairs what concurrent merges broke (see the top of this file). Returns the number of repairs. */
export function repairMerges(doc: Y.Doc, origin: unknown = REPAIR_ORIGIN): number {
  if (noteMergeMap(doc).size === 0) return 0;
  let plan = planRepairs(doc);
  if (isEmptyPlan(plan)) return 0;
  let count = 0;
  doc.transact(() => {
    // A restore can reveal a duplicate that the next round strips; a few rounds always settle.
    for (let round = 0; round < 4 && !isEmptyPlan(plan); round++) {
      count += planSize(plan);
      applyRepairs(doc, plan);
      plan = planRepairs(doc);
    }
  }, origin);
  return count;
}

/**
 * Runs repairMerges after any transaction that added or removed notes or merge entries, batched
 * to one run per tick, with `origin` as the repairs' transaction origin. The server runs it on
 * every loaded board (server/serverRules.ts), so exactly one party repairs, whoever is online.
 * Its own repairs do not trigger it again. `poke` checks now, e.g. once the board is loaded.
 */
export function watchMergeRepairs(doc: Y.Doc, opts: { origin?: unknown } = {}): { stop(): void; poke(): void } {
  const notes = boardMaps(doc).notes as Y.AbstractType<any>;
  const merges = noteMergeMap(doc) as Y.AbstractType<any>;
  let scheduled = false;
  let repairing = false;
  const repair = () => {
    repairing = true;
    try {
      repairMerges(doc, opts.origin ?? REPAIR_ORIGIN);
    } finally {
      repairing = false;
    }
  };
  const poke = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (!doc.isDestroyed) repair();
    });
  };
  const onTransaction = (tr: Y.Transaction) => {
    if (repairing) return;
    if (tr.changed.has(notes) || tr.changed.has(merges)) poke();
  };
  doc.on('afterTransaction', onTransaction);
  return { stop: () => doc.off('afterTransaction', onTransaction), poke };
}
