// Display helpers shared by the Markdown and CSV renderings and the print page: titles of
// enum values, numbers and dates, always the same way.
import { APPROACHES, IMPACT_CATEGORIES, LANES, PHASES, THRESHOLD_KINDS } from '../constants.js';
import { TEMPLATES } from '../templates.js';
import { REVIEW_STATUSES } from '../followUp.js';
import type { LogBottleneck, LogMetric, LogThreshold } from './types.js';

const titleIn = (list: readonly { key: string; title: string }[], key: string | null | undefined): string =>
  list.find((x) => x.key === key)?.title ?? (key ?? '');

export const laneTitle = (key: string) => titleIn(LANES, key);
export const approachTitle = (key: string | null) => (key ? titleIn(APPROACHES, key) : '');
export const approachCriterion = (key: string | null) => APPROACHES.find((a) => a.key === key)?.criterion ?? '';
export const phaseTitle = (key: string | null) => (key ? titleIn(PHASES, key) : '');
export const impactTitle = (key: string) => titleIn(IMPACT_CATEGORIES, key);
export const thresholdKindTitle = (key: string) => titleIn(THRESHOLD_KINDS, key);
export const templateTitle = (key: string) => TEMPLATES[key as keyof typeof TEMPLATES]?.title ?? key;
/** `At risk`; '' when unset (SPEC 8). */
export const reviewStatusText = (key: string | null) => (key ? titleIn(REVIEW_STATUSES, key) : '');

/** 4.33, 20, 22.5; '' for null. */
export const formatNumber = (x: number | null): string => (x === null ? '' : String(x));

/** `2025-03-14` from an ISO timestamp (UTC). */
export const isoDate = (iso: string): string => iso.slice(0, 10);

/** `2025-03-14 10:45 UTC` from an ISO timestamp. */
export const isoDateTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** `Traffic: 20000 concurrent users (checkout p99 > 2 s)`. */
export function thresholdLine(t: LogThreshold): string {
  const amount = [t.value === null ? '' : String(t.value), t.unit].filter((s) => s.trim()).join(' ');
  const head = amount ? `${thresholdKindTitle(t.kind)}: ${amount}` : thresholdKindTitle(t.kind);
  return t.text.trim() ? `${head} (${t.text})` : head;
}

/** `p99 latency: 2.1 s → 0.8 s, due 2025-06-30` (and `(observability)` when tagged so), then its
 * latest check-in and `Off plan` when that is (SPEC 8). */
export function metricLine(m: LogMetric): string {
  const dash = (s: string) => (s.trim() ? s : '—');
  const base = `${dash(m.name)}: ${dash(m.baseline)} → ${dash(m.target)}, due ${dash(m.due)}${m.observability ? ' (observability)' : ''}`;
  return base + checkInText(m);
}

/** `; checked in 30 on 2025-04-15, Off plan`, or '' without check-ins. */
export function checkInText(m: LogMetric): string {
  const latest = m.checkIns?.at(-1);
  if (!latest) return '';
  return `; checked in ${formatNumber(latest.value)} on ${latest.at}${m.offPlan ? ', Off plan' : ''}`;
}

/** `20`, or `20 + 5` when minutes were added in the session (`20 − 5` when taken away). */
export function plannedText(s: { plannedMinutes: number; addedMinutes?: number }): string {
  const added = s.addedMinutes ?? 0;
  if (!added) return formatNumber(s.plannedMinutes);
  return `${formatNumber(s.plannedMinutes)} ${added > 0 ? '+' : '−'} ${formatNumber(Math.abs(added))}`;
}

/** The Total row's planned minutes, said the way each stage's are: `90`, or `90 + 5` (sums to one decimal). */
export function totalPlannedText(stages: readonly { plannedMinutes: number; addedMinutes?: number }[]): string {
  let planned = 0;
  let added = 0;
  for (const s of stages) {
    planned += s.plannedMinutes;
    added += s.addedMinutes ?? 0;
  }
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return plannedText({ plannedMinutes: round1(planned), addedMinutes: round1(added) });
}

/** Distinct dimensions (lane titles, in lane order) of these bottlenecks. */
export function dimensionsOf(bottlenecks: LogBottleneck[]): string[] {
  return LANES.filter((l) => bottlenecks.some((b) => b.dimension === l.key)).map((l) => l.title);
}

/** The bottlenecks a decision addresses, in its own order. */
export function bottlenecksById(all: LogBottleneck[], ids: string[]): LogBottleneck[] {
  const byId = new Map(all.map((b) => [b.id, b]));
  return ids.map((id) => byId.get(id)).filter((b): b is LogBottleneck => !!b);
}

/** Bottlenecks no decision addresses: the parking lot. */
export function parkingLot(all: LogBottleneck[], decisions: { bottleneckIds: string[] }[]): LogBottleneck[] {
  const used = new Set(decisions.flatMap((d) => d.bottleneckIds));
  return all.filter((b) => !used.has(b.id));
}
