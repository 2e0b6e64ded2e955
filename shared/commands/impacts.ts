// Impact mapping (stage 2): each bottleneck note gets impacts, each a category, a magnitude 1–5
// and an optional line of evidence. One transaction per command, like the note commands.
import * as Y from 'yjs';
import { IMPACT_CATEGORIES, type ImpactCategory } from '../constants.js';
import { boardMaps } from '../schema.js';
import { LOCAL_ORIGIN } from './control.js';
import { isValidId, newId } from './ids.js';
import { MAX_EVIDENCE } from '../limits.js';
import { clipUnits } from './text.js';

export { MAX_EVIDENCE };

function checkCategory(category: string): ImpactCategory {
  if (!IMPACT_CATEGORIES.some((c) => c.key === category)) throw new Error(`unknown impact category: ${category}`);
  return category as ImpactCategory;
}

/** Magnitudes are whole numbers from 1 to 5; anything else is brought into range. */
export function clampMagnitude(m: number): number {
  return Number.isFinite(m) ? Math.min(5, Math.max(1, Math.round(m))) : 1;
}

export interface AddImpactArgs {
  id?: string;
  noteId: string;
  category: ImpactCategory;
  magnitude: number;
  evidence?: string;
  now: number;
  origin?: unknown;
}

/** Adds an impact to a note; returns its id, or null if the note does not exist. */
export function addImpact(doc: Y.Doc, args: AddImpactArgs): string | null {
  const id = args.id ?? newId();
  if (!isValidId(id)) throw new Error('invalid impact id');
  const category = checkCategory(args.category);
  let added: string | null = null;
  doc.transact(() => {
    const { notes, impacts } = boardMaps(doc);
    if (!notes.has(args.noteId) || impacts.has(id)) return;
    const m = new Y.Map<unknown>();
    m.set('id', id);
    m.set('noteId', args.noteId);
    m.set('category', category);
    m.set('magnitude', clampMagnitude(args.magnitude));
    m.set('evidence', clipUnits(args.evidence ?? '', MAX_EVIDENCE));
    m.set('createdAt', args.now);
    impacts.set(id, m);
    added = id;
  }, args.origin ?? LOCAL_ORIGIN);
  return added;
}

export interface UpdateImpactArgs {
  id: string;
  category?: ImpactCategory;
  magnitude?: number;
  evidence?: string;
  origin?: unknown;
}

/** Changes the given fields of an impact (only those that differ are written). */
export function updateImpact(doc: Y.Doc, args: UpdateImpactArgs): boolean {
  const category = args.category === undefined ? undefined : checkCategory(args.category);
  let changed = false;
  doc.transact(() => {
    const m = boardMaps(doc).impacts.get(args.id);
    if (!m) return;
    const set = (key: string, value: unknown) => {
      if (m.get(key) !== value) {
        m.set(key, value);
        changed = true;
      }
    };
    if (category !== undefined) set('category', category);
    if (args.magnitude !== undefined) set('magnitude', clampMagnitude(args.magnitude));
    if (args.evidence !== undefined) set('evidence', clipUnits(args.evidence, MAX_EVIDENCE));
  }, args.origin ?? LOCAL_ORIGIN);
  return changed;
}

export function removeImpact(doc: Y.Doc, args: { id: string; origin?: unknown }): boolean {
  let removed = false;
  doc.transact(() => {
    const { impacts } = boardMaps(doc);
    if (!impacts.has(args.id)) return;
    impacts.delete(args.id);
    removed = true;
  }, args.origin ?? LOCAL_ORIGIN);
  return removed;
}
