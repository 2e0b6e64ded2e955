// Metric check-ins against the plan (SPEC 8). The plan of a metric runs linearly from its baseline,
// on the workshop's date, to its target, on its due date; before the workshop's date the plan is
// the baseline, after the due date the target. A check-in is Off plan when it is more than the
// workshop's tolerance (percent, default 15) away from the planned value at its date: exactly the
// tolerance is still on plan. A metric is Off plan when its latest check-in is.
// Baseline and target are free text, so the plan uses their leading number ('20%' → 20,
// '2.1 s' → 2.1); a metric whose numbers or due date cannot be read has no plan and no flag.

export const DEFAULT_OFF_PLAN_TOLERANCE = 15;
export const MIN_OFF_PLAN_TOLERANCE = 0;
export const MAX_OFF_PLAN_TOLERANCE = 100;
/** Check-in values are kept to a sane range (a typo of 1e300 would flatten every chart). */
export const MAX_CHECK_IN_MAGNITUDE = 1e12;

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or null if it is not a real calendar date. */
export function dayNumber(date: string): number | null {
  const m = ISO_DAY.exec(date.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY_MS;
}

/** A check-in date: a real `YYYY-MM-DD` between the years 2000 and 2100. */
export const isCheckInDate = (at: unknown): at is string =>
  typeof at === 'string' && dayNumber(at) !== null && at >= '2000-01-01' && at <= '2100-12-31';

export const isCheckInValue = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_CHECK_IN_MAGNITUDE;

export const isOffPlanTolerance = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= MIN_OFF_PLAN_TOLERANCE && v <= MAX_OFF_PLAN_TOLERANCE;

/** The leading number of a free-text amount: '20%' → 20, '2.1 s' → 2.1, '-5% conversion' → -5,
 * '1,200 users' → 1200; null when the text does not start with one. */
export function leadingNumber(text: string): number | null {
  const m = /^\s*([+-]?)\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)/.exec(text);
  if (!m) return null;
  const n = Number(m[2]!.replace(/,/g, ''));
  return Number.isFinite(n) ? (m[1] === '-' ? -n : n) : null;
}

export interface MetricPlan {
  /** Day numbers (see dayNumber) of the baseline (the workshop's date) and the target (due). */
  startDay: number;
  dueDay: number;
  baseline: number;
  target: number;
}

/** The plan of a metric, or null when its baseline, target or due date cannot be read. */
export function metricPlan(metric: { baseline: string; target: string; due: string }, workshopCreatedAt: number): MetricPlan | null {
  const baseline = leadingNumber(metric.baseline);
  const target = leadingNumber(metric.target);
  const dueDay = dayNumber(metric.due);
  if (baseline === null || target === null || dueDay === null || !Number.isFinite(workshopCreatedAt)) return null;
  return { startDay: Math.floor(workshopCreatedAt / DAY_MS), dueDay, baseline, target };
}

/** The planned value on a day: the baseline up to the workshop's date, the target from the due date on. */
export function plannedValue(plan: MetricPlan, day: number): number {
  if (day >= plan.dueDay) return plan.target;
  if (day <= plan.startDay) return plan.baseline;
  return plan.baseline + ((plan.target - plan.baseline) * (day - plan.startDay)) / (plan.dueDay - plan.startDay);
}

/**
 * More than `tolerance` percent away from the planned value. Relative to the planned value; where
 * that is 0 (a plan through zero), relative to the plan's scale, the larger of |baseline| and
 * |target|, so a plan from 10 to 0 does not flag every value near zero; with no scale at all
 * (baseline = target = 0), any other value is off.
 */
export function isOffPlan(value: number, planned: number, plan: Pick<MetricPlan, 'baseline' | 'target'>, tolerance: number): boolean {
  const scale = planned !== 0 ? Math.abs(planned) : Math.max(Math.abs(plan.baseline), Math.abs(plan.target));
  const deviation = Math.abs(value - planned);
  if (scale === 0) return deviation !== 0;
  // Compare in percent with a little slack for floating point: exactly the tolerance is on plan.
  return deviation * 100 - tolerance * scale > 1e-9 * scale;
}

export interface CheckInLike {
  id: string;
  value: number;
  at: string;
  createdAt: number;
}

export interface CheckInPoint {
  id: string;
  value: number;
  at: string;
  /** The planned value at its date, or null without a plan. */
  planned: number | null;
  offPlan: boolean;
}

export interface MetricProgress {
  plan: MetricPlan | null;
  /** Check-ins by date (then by when they were recorded). */
  points: CheckInPoint[];
  /** Its latest check-in is off plan. */
  offPlan: boolean;
}

export function metricProgress(
  metric: { baseline: string; target: string; due: string },
  checkIns: readonly CheckInLike[],
  workshopCreatedAt: number,
  tolerance: number = DEFAULT_OFF_PLAN_TOLERANCE,
): MetricProgress {
  const plan = metricPlan(metric, workshopCreatedAt);
  const points = checkIns
    .filter((c) => isCheckInValue(c.value) && dayNumber(c.at) !== null)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    .map((c): CheckInPoint => {
      const planned = plan ? plannedValue(plan, dayNumber(c.at)!) : null;
      return { id: c.id, value: c.value, at: c.at, planned, offPlan: plan !== null && planned !== null && isOffPlan(c.value, planned, plan, tolerance) };
    });
  return { plan, points, offPlan: points.at(-1)?.offPlan ?? false };
}

/** `YYYY-MM-DD` of a day number. */
export const dayToIso = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
