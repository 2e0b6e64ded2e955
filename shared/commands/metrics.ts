// Stage 5 commands on the board document: success metrics of a decision (metric, baseline,
// target, due date), one or more per initiative, each optionally tagged observability.
import * as Y from 'yjs';
import { boardMaps } from '../schema.js';
import { newId } from './ids.js';
import { LOCAL_ORIGIN } from './control.js';
import { MAX_METRIC_FIELD_LENGTH } from '../limits.js';
import { clipUnits } from './text.js';

export const METRIC_TEXT_FIELDS = ['name', 'baseline', 'target', 'due'] as const;
export type MetricTextField = (typeof METRIC_TEXT_FIELDS)[number];
export { MAX_METRIC_FIELD_LENGTH };

export function addMetric(
  doc: Y.Doc,
  args: { initiativeId: string; id?: string } & Partial<Record<MetricTextField, string>> & { observability?: boolean },
  origin: unknown = LOCAL_ORIGIN,
): string {
  const id = args.id ?? newId();
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    m.set('id', id);
    m.set('initiativeId', args.initiativeId);
    for (const f of METRIC_TEXT_FIELDS) m.set(f, clipUnits(args[f] ?? '', MAX_METRIC_FIELD_LENGTH));
    m.set('observability', args.observability ?? false);
    boardMaps(doc).metrics.set(id, m);
  }, origin);
  return id;
}

/** Changes some fields of a metric; each field is its own register, so two people editing
 * different fields of one metric both keep their change. */
export function updateMetric(
  doc: Y.Doc,
  args: { id: string } & Partial<Record<MetricTextField, string>> & { observability?: boolean },
  origin: unknown = LOCAL_ORIGIN,
): void {
  doc.transact(() => {
    const m = boardMaps(doc).metrics.get(args.id);
    if (!m) return;
    for (const f of METRIC_TEXT_FIELDS) {
      const v = args[f];
      if (v !== undefined && m.get(f) !== v) m.set(f, clipUnits(v, MAX_METRIC_FIELD_LENGTH));
    }
    if (args.observability !== undefined && m.get('observability') !== args.observability) m.set('observability', args.observability);
  }, origin);
}

export function removeMetric(doc: Y.Doc, args: { id: string }, origin: unknown = LOCAL_ORIGIN): void {
  doc.transact(() => {
    boardMaps(doc).metrics.delete(args.id);
  }, origin);
}
