// Metric check-ins (SPEC 8): a participant or facilitator records a value at a date for a metric.
// The same command runs in the browser (`Check in`) and on the server (POST …/check-ins), so both
// validate alike; one record per check-in, so concurrent check-ins never overwrite each other.
import * as Y from 'yjs';
import { boardMaps } from '../schema.js';
import { isCheckInDate, isCheckInValue } from '../checkins.js';
import { isPreviousMetric } from '../followUp.js';
import { newId } from './ids.js';
import { LOCAL_ORIGIN } from './control.js';

export type CheckInField = 'metricId' | 'value' | 'at';
export type AddCheckInResult = { ok: true; id: string } | { ok: false; field: CheckInField; error: string };

export function addCheckIn(
  doc: Y.Doc,
  args: { metricId: string; value: number; at: string; by: string; now: number; id?: string },
  origin: unknown = LOCAL_ORIGIN,
): AddCheckInResult {
  // A follow-up also takes check-ins on its previous workshop's metrics (SPEC 8, shared/followUp.ts).
  if (!(boardMaps(doc).metrics.get(args.metricId) instanceof Y.Map) && !isPreviousMetric(doc, args.metricId)) {
    return { ok: false, field: 'metricId', error: 'no such metric' };
  }
  if (!isCheckInValue(args.value)) return { ok: false, field: 'value', error: 'a finite number is required' };
  if (!isCheckInDate(args.at)) return { ok: false, field: 'at', error: 'a date YYYY-MM-DD is required' };
  const id = args.id ?? newId();
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    for (const [k, v] of Object.entries({ id, metricId: args.metricId, value: args.value, at: args.at, by: args.by, createdAt: args.now })) m.set(k, v);
    boardMaps(doc).checkIns.set(id, m);
  }, origin);
  return { ok: true, id };
}
