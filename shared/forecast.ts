// The scaling plan's arithmetic (SPEC section 7): when each bottleneck breaks under the growth
// scenarios, the forecast urgency of an initiative, and the growth milestones. Pure functions of
// plain values, shared by the board, the roadmap and the decision log.
//
// The rules, in one place:
// - A threshold kind (traffic, data volume, team size, cost) has a growth model: a current value, a
//   unit, and monthly growth in percent for three scenarios.
// - Months until a threshold breaks: m = ln(threshold / current) / ln(1 + g/100). Breaking now (0)
//   when current ≥ threshold; none ("not within 3 years") when growth ≤ 0 or m > 36.
// - No forecast when the bottleneck has no threshold, its kind has no model (blank current or no
//   growth at all), or the units differ (compared case- and space-insensitively): the reason says why.
// - Forecast urgency of an initiative, from its earliest-breaking bottleneck under the realistic
//   scenario: 5 if under 3 months or breaking now, 4 under 6, 3 under 12, 2 under 24, else 1;
//   null when none of its bottlenecks has a forecast.
import type { ThresholdKind } from './constants.js';
import type { Threshold } from './schema.js';

export const SCENARIOS = [
  { key: 'conservative', title: 'Conservative' },
  { key: 'realistic', title: 'Realistic' },
  { key: 'optimistic', title: 'Optimistic' },
] as const;
export type ScenarioKey = (typeof SCENARIOS)[number]['key'];

/** The forecast horizon: further than this is "not within 3 years". */
export const HORIZON_MONTHS = 36;

export interface GrowthModel {
  kind: ThresholdKind;
  /** Today's value, or null when the room has not said. */
  current: number | null;
  unit: string;
  /** Monthly growth in percent per scenario (null: not given). */
  growth: Record<ScenarioKey, number | null>;
}

/** Months per scenario: 0 = breaking now, null = not within the horizon. */
export type ScenarioMonths = Record<ScenarioKey, number | null>;

export type Forecast =
  | { ok: true; months: ScenarioMonths }
  | { ok: false; reason: 'no-threshold' | 'no-model' | 'unit-mismatch'; text: string };

/** Months until `current` grows past `threshold` at `growthPct` a month; see the rules above. */
export function monthsToBreak(current: number, threshold: number, growthPct: number | null): number | null {
  if (!Number.isFinite(current) || !Number.isFinite(threshold)) return null;
  if (current >= threshold) return 0;
  if (growthPct === null || !Number.isFinite(growthPct) || growthPct <= 0 || current <= 0) return null;
  const m = Math.log(threshold / current) / Math.log(1 + growthPct / 100);
  return m > HORIZON_MONTHS ? null : m;
}

/** Months until a value grows to `multiple` times today's at `growthPct` a month (no horizon), or null. */
export function monthsToMultiple(multiple: number, growthPct: number | null): number | null {
  if (growthPct === null || !Number.isFinite(growthPct) || growthPct <= 0 || multiple <= 1) return multiple <= 1 ? 0 : null;
  return Math.log(multiple) / Math.log(1 + growthPct / 100);
}

const normUnit = (u: string): string => u.trim().replace(/\s+/g, ' ').toLocaleLowerCase();

export function hasModel(model: GrowthModel | undefined): model is GrowthModel & { current: number } {
  return !!model && model.current !== null && Number.isFinite(model.current) && SCENARIOS.some((s) => model.growth[s.key] !== null);
}

/** The forecast of one bottleneck's threshold under the model for its kind. */
export function forecastThreshold(threshold: Threshold | null, models: ReadonlyMap<ThresholdKind, GrowthModel>): Forecast {
  if (!threshold || threshold.value === null || !Number.isFinite(threshold.value)) {
    return { ok: false, reason: 'no-threshold', text: 'No threshold value to forecast.' };
  }
  const model = models.get(threshold.kind);
  if (!hasModel(model)) return { ok: false, reason: 'no-model', text: 'No growth model for this kind yet: add its current value and growth.' };
  if (normUnit(model.unit) !== normUnit(threshold.unit)) {
    return {
      ok: false,
      reason: 'unit-mismatch',
      text: `The threshold is in "${threshold.unit || 'no unit'}" but the growth model is in "${model.unit || 'no unit'}": use the same unit to get a forecast.`,
    };
  }
  const months = Object.fromEntries(
    SCENARIOS.map((s) => [s.key, monthsToBreak(model.current, threshold.value as number, model.growth[s.key])]),
  ) as ScenarioMonths;
  return { ok: true, months };
}

/** 5 under 3 months (or now), 4 under 6, 3 under 12, 2 under 24, else 1. */
export function urgencyOfMonths(months: number | null): number {
  if (months === null) return 1;
  if (months < 3) return 5;
  if (months < 6) return 4;
  if (months < 12) return 3;
  if (months < 24) return 2;
  return 1;
}

/**
 * An initiative's earliest realistic break among its bottlenecks' forecasts, and the forecast
 * urgency that follows. Both null when none of them has a forecast. A bottleneck with a forecast
 * that does not break within the horizon counts (urgency 1) but has no break month.
 */
export function initiativeForecast(forecasts: readonly Forecast[]): { earliestBreakMonths: number | null; forecastUrgency: number | null } {
  const usable = forecasts.filter((f): f is Extract<Forecast, { ok: true }> => f.ok);
  if (!usable.length) return { earliestBreakMonths: null, forecastUrgency: null };
  const breaks = usable.map((f) => f.months.realistic).filter((m): m is number => m !== null);
  const earliest = breaks.length ? Math.min(...breaks) : null;
  return { earliestBreakMonths: earliest, forecastUrgency: urgencyOfMonths(earliest) };
}

/** Room and forecast disagree when their urgencies are 2 or more apart (after the reveal). */
export const URGENCY_MISMATCH = 2;
export const urgencyMismatch = (roomUrgency: number | null, forecastUrgency: number | null): boolean =>
  roomUrgency !== null && forecastUrgency !== null && Math.abs(roomUrgency - forecastUrgency) >= URGENCY_MISMATCH;

/** "breaks in ~5 months; 3–9 across scenarios", "breaking now", "not within 3 years". */
export function describeForecast(f: Forecast): string {
  if (!f.ok) return f.text;
  const values = SCENARIOS.map((s) => f.months[s.key]);
  const real = f.months.realistic;
  if (real === 0) return 'breaking now';
  const known = values.filter((v): v is number => v !== null);
  if (!known.length) return 'not within 3 years';
  const lo = Math.round(Math.min(...known));
  const hi = Math.round(Math.max(...known));
  const range = known.length === values.length ? `${lo}–${hi}` : `${lo} months to over 3 years`;
  const head = real === null ? 'not within 3 years in the realistic case' : `breaks in ~${Math.max(1, Math.round(real))} months`;
  return lo === hi && known.length === values.length ? head : `${head}; ${range} across scenarios`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * The calendar month a forecast points at, from `now` (e.g. "Apr 2027"). Three letters whatever
 * the runtime's locale data (en-GB's "short" month is "Sept" in some ICU versions, "Sep" in others).
 */
export function breakMonth(months: number, now: number): string {
  const d = new Date(now);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + Math.floor(months));
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
