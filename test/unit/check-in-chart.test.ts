// The plan line a metric's chart draws (client/features/checkins/CheckInChart.tsx) is the plan the
// off-plan rule reads: flat at the baseline up to the workshop's date, straight to the target at
// the due date, flat after; and a step at the due date when that came first.
import { describe, expect, it } from 'vitest';
import { planLine } from '../../client/features/checkins/CheckInChart.js';

describe('the plan line of a check-in chart', () => {
  it('runs through the workshop’s date and the due date, flat before and after', () => {
    const plan = { startDay: 100, dueDay: 110, baseline: 20, target: 100 };
    expect(planLine(plan, 90, 120)).toEqual([
      [90, 20],
      [100, 20],
      [110, 100],
      [120, 100],
    ]);
    // Only the days shown: check-ins all between the two dates.
    expect(planLine(plan, 102, 105)).toEqual([
      [102, 36],
      [105, 60],
    ]);
  });

  it('steps from baseline to target at a due date on or before the workshop’s date', () => {
    const plan = { startDay: 100, dueDay: 80, baseline: 20, target: 100 };
    expect(planLine(plan, 70, 120)).toEqual([
      [70, 20],
      [80, 20],
      [80, 100],
      [100, 100],
      [120, 100],
    ]);
    expect(planLine(plan, 85, 120)).toEqual([
      [85, 100],
      [100, 100],
      [120, 100],
    ]);
  });
});
