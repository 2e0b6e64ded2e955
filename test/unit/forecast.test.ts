// When each bottleneck breaks under the growth scenarios (SPEC 7): the formula, breaking now,
// zero and negative growth, beyond 36 months, unit mismatch, several bottlenecks per initiative,
// and properties that hold for any numbers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  breakMonth,
  describeForecast,
  forecastThreshold,
  initiativeForecast,
  monthsToBreak,
  monthsToMultiple,
  urgencyMismatch,
  urgencyOfMonths,
  type Forecast,
  type GrowthModel,
} from '../../shared/forecast.js';
import type { ThresholdKind } from '../../shared/constants.js';
import type { Threshold } from '../../shared/schema.js';

const model = (kind: ThresholdKind, current: number | null, unit: string, c: number | null, r: number | null, o: number | null): GrowthModel => ({
  kind,
  current,
  unit,
  growth: { conservative: c, realistic: r, optimistic: o },
});
const models = (...ms: GrowthModel[]) => new Map(ms.map((m) => [m.kind, m]));
const threshold = (kind: ThresholdKind, value: number | null, unit: string): Threshold => ({ kind, value, unit, text: '' });

describe('monthsToBreak', () => {
  it('compounds monthly growth: ln(threshold / current) / ln(1 + g/100)', () => {
    // 10% a month doubles in ln 2 / ln 1.1 = 7.27 months.
    expect(monthsToBreak(10_000, 20_000, 10)).toBeCloseTo(Math.log(2) / Math.log(1.1), 10);
    expect(monthsToBreak(1, 8, 100)).toBeCloseTo(3, 10);
  });

  it('says 0 (breaking now) when today is already at or past the threshold, whatever the growth', () => {
    expect(monthsToBreak(20_000, 20_000, 5)).toBe(0);
    expect(monthsToBreak(25_000, 20_000, -3)).toBe(0);
    expect(monthsToBreak(25_000, 20_000, null)).toBe(0);
  });

  it('has no break with zero, negative or missing growth', () => {
    expect(monthsToBreak(100, 200, 0)).toBeNull();
    expect(monthsToBreak(100, 200, -5)).toBeNull();
    expect(monthsToBreak(100, 200, null)).toBeNull();
  });

  it('has no break beyond 36 months, and one at 36 exactly', () => {
    const g = 2;
    const at36 = 100 * 1.02 ** 36;
    expect(monthsToBreak(100, at36, g)).toBeCloseTo(36, 6);
    expect(monthsToBreak(100, at36 * 1.001, g)).toBeNull();
  });

  it('months fall (or stay) as growth rises, and a break within the horizon stays one', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 1.0001, max: 1e4, noNaN: true }),
        fc.double({ min: 0.01, max: 200, noNaN: true }),
        fc.double({ min: 0.01, max: 200, noNaN: true }),
        (current, factor, g1, g2) => {
          const [slow, fast] = g1 <= g2 ? [g1, g2] : [g2, g1];
          const mSlow = monthsToBreak(current, current * factor, slow);
          const mFast = monthsToBreak(current, current * factor, fast);
          if (mSlow !== null) {
            expect(mFast).not.toBeNull();
            expect(mFast!).toBeLessThanOrEqual(mSlow + 1e-9);
          }
        },
      ),
    );
  });

  it('is never negative and never past the horizon', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e9, noNaN: true }), fc.double({ min: 0.001, max: 1e9, noNaN: true }), fc.double({ min: -100, max: 500, noNaN: true }), (c, t, g) => {
        const m = monthsToBreak(c, t, g);
        if (m !== null) {
          expect(m).toBeGreaterThanOrEqual(0);
          expect(m).toBeLessThanOrEqual(36);
        }
      }),
    );
  });
});

describe('forecastThreshold', () => {
  const traffic = model('traffic', 5_000, 'concurrent users', 3, 8, 15);

  it('forecasts each scenario for a threshold of a kind with a model in the same unit', () => {
    const f = forecastThreshold(threshold('traffic', 20_000, 'Concurrent  Users'), models(traffic));
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.months.conservative).toBeNull(); // 3%: ln 4 / ln 1.03 = 46.9 months
    expect(f.months.realistic).toBeCloseTo(Math.log(4) / Math.log(1.08), 10); // 18.0
    expect(f.months.optimistic).toBeCloseTo(Math.log(4) / Math.log(1.15), 10); // 9.9
    expect(describeForecast(f)).toBe('breaks in ~18 months; 10 months to over 3 years across scenarios');
  });

  it('explains a unit mismatch instead of forecasting', () => {
    const f = forecastThreshold(threshold('traffic', 20_000, 'requests/s'), models(traffic));
    expect(f).toMatchObject({ ok: false, reason: 'unit-mismatch' });
    expect(describeForecast(f)).toContain('"requests/s"');
    expect(describeForecast(f)).toContain('"concurrent users"');
  });

  it('has no forecast without a threshold value or without a model for the kind', () => {
    expect(forecastThreshold(null, models(traffic))).toMatchObject({ ok: false, reason: 'no-threshold' });
    expect(forecastThreshold(threshold('traffic', null, 'concurrent users'), models(traffic))).toMatchObject({ ok: false, reason: 'no-threshold' });
    expect(forecastThreshold(threshold('cost', 1, 'k$'), models(traffic))).toMatchObject({ ok: false, reason: 'no-model' });
    expect(forecastThreshold(threshold('cost', 1, 'k$'), models(model('cost', null, 'k$', 1, 2, 3)))).toMatchObject({ ok: false, reason: 'no-model' });
  });

  it('says breaking now, and not within 3 years', () => {
    const now = forecastThreshold(threshold('traffic', 4_000, 'concurrent users'), models(traffic));
    expect(describeForecast(now)).toBe('breaking now');
    const never = forecastThreshold(threshold('traffic', 5e9, 'concurrent users'), models(traffic));
    expect(describeForecast(never)).toBe('not within 3 years');
  });
});

describe('forecast urgency', () => {
  it('maps months to 5, 4, 3, 2, 1 at 3, 6, 12 and 24 months', () => {
    expect([0, 2.99, 3, 5.99, 6, 11.99, 12, 23.99, 24, 36].map(urgencyOfMonths)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(urgencyOfMonths(null)).toBe(1);
  });

  it('takes the earliest realistic break among an initiative’s bottlenecks', () => {
    const ok = (realistic: number | null): Forecast => ({ ok: true, months: { conservative: null, realistic, optimistic: null } });
    const none: Forecast = { ok: false, reason: 'no-model', text: '' };
    expect(initiativeForecast([ok(20), ok(4.5), none, ok(null)])).toEqual({ earliestBreakMonths: 4.5, forecastUrgency: 4 });
    expect(initiativeForecast([ok(null)])).toEqual({ earliestBreakMonths: null, forecastUrgency: 1 });
    expect(initiativeForecast([none])).toEqual({ earliestBreakMonths: null, forecastUrgency: null });
    expect(initiativeForecast([])).toEqual({ earliestBreakMonths: null, forecastUrgency: null });
  });

  it('marks a room urgency 2 or more away from the forecast urgency', () => {
    expect(urgencyMismatch(2.5, 5)).toBe(true);
    expect(urgencyMismatch(3.5, 5)).toBe(false);
    expect(urgencyMismatch(null, 5)).toBe(false);
    expect(urgencyMismatch(3, null)).toBe(false);
  });
});

describe('milestones and dates', () => {
  it('counts months to 10× and 100× at a monthly growth, none without growth', () => {
    expect(monthsToMultiple(10, 10)).toBeCloseTo(Math.log(10) / Math.log(1.1), 10);
    expect(monthsToMultiple(100, 10)).toBeCloseTo(2 * (Math.log(10) / Math.log(1.1)), 10);
    expect(monthsToMultiple(10, 0)).toBeNull();
  });

  it('names the calendar month a forecast points at', () => {
    expect(breakMonth(5.4, Date.UTC(2026, 10, 30))).toBe('Apr 2027');
    expect(breakMonth(0, Date.UTC(2026, 0, 31))).toBe('Jan 2026');
    expect(breakMonth(10.2, Date.UTC(2026, 10, 30))).toBe('Sep 2027'); // three letters, as SPEC 7 writes them (ICU's en-GB says "Sept")
  });
});
