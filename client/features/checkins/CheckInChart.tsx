// A small chart per metric: the plan line from baseline to target against the check-ins, plain SVG
// (see the README on charting libraries and the bundle budget). The SVG is decorative for screen
// readers: its text alternative is the sentence in its label and the list of check-ins beside it.
import { dayNumber, dayToIso, plannedValue, type MetricPlan, type MetricProgress } from '../../../shared/checkins';

const W = 240;
const H = 80;
const PAD = 6;

/**
 * The plan as the off-plan rule reads it (plannedValue), from the first day shown to the last: a
 * line through its corners, the workshop's date and the due date, and a step where it jumps (a
 * due date before the workshop's date: the target from the due date on).
 */
export function planLine(plan: MetricPlan, d0: number, d1: number): [number, number][] {
  const days = [...new Set([d0, plan.startDay, plan.dueDay, d1])].filter((d) => d >= d0 && d <= d1).sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const d of days) {
    // The one jump: a due date on or before the workshop's date goes from baseline to target there.
    if (d === plan.dueDay && plan.dueDay <= plan.startDay && d > d0) out.push([d, plan.baseline]);
    out.push([d, plannedValue(plan, d)]);
  }
  return out;
}

export function CheckInChart({ progress, name }: { progress: MetricProgress; name: string }) {
  const { plan, points } = progress;
  const days = points.map((p) => dayNumber(p.at)!);
  const values = points.map((p) => p.value);
  if (plan) {
    days.push(plan.startDay, plan.dueDay);
    values.push(plan.baseline, plan.target);
  }
  if (!days.length) return null;
  const [d0, d1] = [Math.min(...days), Math.max(...days)];
  const [v0, v1] = [Math.min(...values), Math.max(...values)];
  const x = (d: number) => PAD + ((d - d0) / (d1 - d0 || 1)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - ((v - v0) / (v1 - v0 || 1)) * (H - 2 * PAD);
  const offPlan = points.filter((p) => p.offPlan).length;
  const label = plan
    ? `${name}: plan from ${plan.baseline} on ${dayToIso(plan.startDay)} to ${plan.target} on ${dayToIso(plan.dueDay)}; ${points.length} check-ins, ${offPlan} off plan`
    : `${name}: no plan (baseline, target or due date is not a number or date); ${points.length} check-ins`;
  return (
    <svg className="checkin-chart" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
      <rect x="0" y="0" width={W} height={H} className="checkin-chart-bg" />
      {plan && (
        <polyline points={planLine(plan, d0, d1).map(([d, v]) => `${x(d).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} className="checkin-plan" />
      )}
      {points.map((p) => (
        <circle key={p.id} cx={x(dayNumber(p.at)!)} cy={y(p.value)} r={p.offPlan ? 4 : 3} className={p.offPlan ? 'checkin-point off' : 'checkin-point'} />
      ))}
    </svg>
  );
}
