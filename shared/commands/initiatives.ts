// Stage 3 commands on the board document: initiatives made from one or more bottleneck notes.
// Each command is one transaction; `origin` tells observers (and undo) who made the change.
import * as Y from 'yjs';
import { boardMaps, type YRecord } from '../schema.js';
import { LOCAL_ORIGIN } from './control.js';
import { newId } from './ids.js';
import { clipUnits, replaceText } from './text.js';
import { MAX_TITLE_LENGTH } from '../limits.js';

const uniqueStrings = (ids: readonly string[]): string[] => [...new Set(ids.filter((x) => typeof x === 'string' && x))];

export { MAX_TITLE_LENGTH };

export function createInitiative(
  doc: Y.Doc,
  args: { title: string; bottleneckIds: readonly string[]; now: number; id?: string },
  origin: unknown = LOCAL_ORIGIN,
): string {
  const id = args.id ?? newId();
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    m.set('id', id);
    m.set('title', new Y.Text(clipUnits(args.title, MAX_TITLE_LENGTH)));
    m.set('bottleneckIds', uniqueStrings(args.bottleneckIds));
    m.set('createdAt', args.now);
    boardMaps(doc).initiatives.set(id, m);
    // The decision record and its rationale text exist from the start: if two people created them
    // concurrently on first edit, one record would replace the other and lose that person's field.
    const decision = new Y.Map<unknown>();
    decision.set('initiativeId', id);
    decision.set('rationale', new Y.Text());
    boardMaps(doc).decisions.set(id, decision);
  }, origin);
  return id;
}

export function renameInitiative(doc: Y.Doc, args: { id: string; title: string }, origin: unknown = LOCAL_ORIGIN): void {
  doc.transact(() => {
    const m = boardMaps(doc).initiatives.get(args.id);
    if (!m) return;
    let title = m.get('title');
    if (!(title instanceof Y.Text)) {
      title = new Y.Text(typeof title === 'string' ? title : '');
      m.set('title', title);
    }
    replaceText(title as Y.Text, clipUnits(args.title, MAX_TITLE_LENGTH));
  }, origin);
}

function setBottlenecks(m: YRecord, change: (ids: string[]) => string[]): void {
  const current = m.get('bottleneckIds');
  const ids = Array.isArray(current) ? current.filter((x): x is string => typeof x === 'string') : [];
  const next = uniqueStrings(change(ids));
  if (next.length !== ids.length || next.some((x, i) => x !== ids[i])) m.set('bottleneckIds', next);
}

/** Adds a bottleneck note to an initiative (one initiative may address several bottlenecks). */
export function linkBottleneck(doc: Y.Doc, args: { id: string; noteId: string }, origin: unknown = LOCAL_ORIGIN): void {
  doc.transact(() => {
    const m = boardMaps(doc).initiatives.get(args.id);
    if (m) setBottlenecks(m, (ids) => [...ids, args.noteId]);
  }, origin);
}

export function unlinkBottleneck(doc: Y.Doc, args: { id: string; noteId: string }, origin: unknown = LOCAL_ORIGIN): void {
  doc.transact(() => {
    const m = boardMaps(doc).initiatives.get(args.id);
    if (m) setBottlenecks(m, (ids) => ids.filter((x) => x !== args.noteId));
  }, origin);
}

/** Removes an initiative with its decision and metrics (scores for it are then ignored). */
export function deleteInitiative(doc: Y.Doc, args: { id: string }, origin: unknown = LOCAL_ORIGIN): void {
  doc.transact(() => {
    const { initiatives, decisions, metrics } = boardMaps(doc);
    initiatives.delete(args.id);
    decisions.delete(args.id);
    for (const [key, m] of [...metrics.entries()]) if (m.get('initiativeId') === args.id) metrics.delete(key);
  }, origin);
}
