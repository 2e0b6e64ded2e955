// The off-plan rule of metric check-ins (SPEC 8) at its boundaries, the reading of free-text
// baselines and targets, and the check-in command's validation.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { dayNumber, isOffPlan, leadingNumber, metricPlan, metricProgress, plannedValue } from '../../shared/checkins.js';
import { addCheckIn } from '../../shared/commands/checkIns.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { setOffPlanTolerance } from '../../shared/commands/control.js';
import { controlMaps, readBoard, readSettings } from '../../shared/schema.js';

const CREATED = Date.UTC(2025, 0, 1, 9, 30); // the workshop: 2025-01-01
// Baseline 100 on 2025-01-01, target 200 on 2025-01-11: +10 a day.
const METRIC = { baseline: '100 ms', target: '200 ms', due: '2025-01-11' };
const check = (value: number, at: string, tolerance = 15) =>
  metricProgress(METRIC, [{ id: 'c', value, at, createdAt: 0 }], CREATED, tolerance).points[0]!;

describe('the plan of a metric', () => {
  it('reads the leading number of free text', () => {
    expect(['20%', '2.1 s', '-5% conversion', '+10%', '1,200 users', ' .5', '4 h'].map(leadingNumber)).toEqual([20, 2.1, -5, 10, 1200, 0.5, 4]);
    expect(['', 'about 20', 'n/a', '—'].map(leadingNumber)).toEqual([null, null, null, null]);
  });

  it('runs linearly from the baseline at the workshop date to the target at the due date', () => {
    const plan = metricPlan(METRIC, CREATED)!;
    expect(plannedValue(plan, dayNumber('2025-01-01')!)).toBe(100);
    expect(plannedValue(plan, dayNumber('2025-01-06')!)).toBe(150);
    expect(plannedValue(plan, dayNumber('2025-01-11')!)).toBe(200);
  });

  it('is the baseline before the workshop date and the target after the due date', () => {
    const plan = metricPlan(METRIC, CREATED)!;
    expect(plannedValue(plan, dayNumber('2024-12-01')!)).toBe(100);
    expect(plannedValue(plan, dayNumber('2025-06-01')!)).toBe(200);
  });

  it('does not exist when the baseline, target or due date cannot be read: no plan, no flag', () => {
    for (const m of [{ ...METRIC, baseline: 'fast' }, { ...METRIC, target: '' }, { ...METRIC, due: 'Q3' }, { ...METRIC, due: '2025-02-30' }]) {
      expect(metricPlan(m, CREATED)).toBeNull();
      const progress = metricProgress(m, [{ id: 'c', value: 1e6, at: '2025-01-05', createdAt: 0 }], CREATED);
      expect(progress.points[0]).toMatchObject({ planned: null, offPlan: false });
      expect(progress.offPlan).toBe(false);
    }
  });
});

describe('Off plan: more than the tolerance away from the planned value', () => {
  it('exactly 15% off is on plan, above is off, below is on (both directions)', () => {
    // 2025-01-06: planned 150; 15% of 150 = 22.5.
    expect(check(172.5, '2025-01-06')).toMatchObject({ planned: 150, offPlan: false });
    expect(check(127.5, '2025-01-06').offPlan).toBe(false);
    expect(check(172.51, '2025-01-06').offPlan).toBe(true);
    expect(check(127.49, '2025-01-06').offPlan).toBe(true);
    expect(check(160, '2025-01-06').offPlan).toBe(false);
  });

  it('exactly 15% holds where floating point would round 0.15 × planned up or down', () => {
    const plan = { baseline: 20, target: 20 };
    expect(isOffPlan(23, 20, plan, 15)).toBe(false);
    expect(isOffPlan(0.115, 0.1, { baseline: 0.1, target: 0.1 }, 15)).toBe(false);
    expect(isOffPlan(1.15 * 3, 3, { baseline: 3, target: 3 }, 15)).toBe(false);
  });

  it('before the baseline date compares with the baseline, after the due date with the target', () => {
    expect(check(115, '2024-12-20')).toMatchObject({ planned: 100, offPlan: false });
    expect(check(116, '2024-12-20').offPlan).toBe(true);
    expect(check(230, '2025-03-01')).toMatchObject({ planned: 200, offPlan: false });
    expect(check(231, '2025-03-01').offPlan).toBe(true);
  });

  it('uses the workshop tolerance', () => {
    expect(check(180, '2025-01-06', 15).offPlan).toBe(true);
    expect(check(180, '2025-01-06', 25).offPlan).toBe(false);
  });

  it('on a planned value of 0 measures against the plan’s scale, and with no scale any other value is off', () => {
    // A plan from 10 down to 0: at the due date 0 is planned; 15% of 10 = 1.5 is the slack.
    expect(isOffPlan(1.5, 0, { baseline: 10, target: 0 }, 15)).toBe(false);
    expect(isOffPlan(1.6, 0, { baseline: 10, target: 0 }, 15)).toBe(true);
    expect(isOffPlan(0, 0, { baseline: 0, target: 0 }, 15)).toBe(false);
    expect(isOffPlan(0.01, 0, { baseline: 0, target: 0 }, 15)).toBe(true);
  });

  it('flags the metric by its latest check-in', () => {
    const points = [
      { id: 'a', value: 300, at: '2025-01-03', createdAt: 2 },
      { id: 'b', value: 150, at: '2025-01-06', createdAt: 1 },
    ];
    const recovered = metricProgress(METRIC, points, CREATED);
    expect(recovered.points.map((p) => [p.at, p.offPlan])).toEqual([['2025-01-03', true], ['2025-01-06', false]]);
    expect(recovered.offPlan).toBe(false);
    expect(metricProgress(METRIC, [...points, { id: 'c', value: 50, at: '2025-01-09', createdAt: 3 }], CREATED).offPlan).toBe(true);
  });
});

describe('the check-in command and the tolerance setting', () => {
  it('records a check-in as one record per check-in and refuses bad fields, naming them', () => {
    const board = new Y.Doc();
    const metricId = addMetric(board, { initiativeId: 'i1', name: 'Latency', ...METRIC });
    expect(addCheckIn(board, { metricId: 'nope', value: 1, at: '2025-01-02', by: 'p1', now: 5 })).toMatchObject({ ok: false, field: 'metricId' });
    for (const value of [NaN, Infinity, 1e13]) expect(addCheckIn(board, { metricId, value, at: '2025-01-02', by: 'p1', now: 5 })).toMatchObject({ ok: false, field: 'value' });
    for (const at of ['2025-1-2', '2025-02-30', 'yesterday', '1999-12-31']) expect(addCheckIn(board, { metricId, value: 1, at, by: 'p1', now: 5 })).toMatchObject({ ok: false, field: 'at' });
    const ok = addCheckIn(board, { metricId, value: 120, at: '2025-01-02', by: 'p1', now: 5 });
    expect(ok.ok).toBe(true);
    expect(readBoard(board).checkIns).toEqual([{ id: (ok as { id: string }).id, metricId, value: 120, at: '2025-01-02', by: 'p1', createdAt: 5 }]);
  });

  it('defaults the tolerance to 15 and lets the facilitator set 0–100', () => {
    const control = new Y.Doc();
    expect(readSettings(control).offPlanTolerance).toBe(15);
    setOffPlanTolerance(control, 25);
    expect(readSettings(control).offPlanTolerance).toBe(25);
    setOffPlanTolerance(control, 101);
    setOffPlanTolerance(control, -1);
    expect(readSettings(control).offPlanTolerance).toBe(25);
    controlMaps(control).settings.set('offPlanTolerance', 'lots');
    expect(readSettings(control).offPlanTolerance).toBe(15);
  });
});
