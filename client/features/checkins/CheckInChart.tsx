// A small chart per metric: the plan line from baseline to target against the check-ins, plain SVG
// (see the README on charting libraries and the bundle budget). The SVG is decorative for screen
// readers: its text alternative is the sentence in its label and the list of check-ins beside it.
import { dayNumber, dayToIso, type MetricProgress } from '../../../shared/checkins';

const W = 240;
const H = 80;
const PAD = 6;

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
        <>
          <line x1={x(d0)} y1={y(plan.baseline)} x2={x(plan.startDay)} y2={y(plan.baseline)} className="checkin-plan" />
          <line x1={x(plan.startDay)} y1={y(plan.baseline)} x2={x(plan.dueDay)} y2={y(plan.target)} className="checkin-plan" />
          <line x1={x(plan.dueDay)} y1={y(plan.target)} x2={x(d1)} y2={y(plan.target)} className="checkin-plan" />
        </>
      )}
      {points.map((p) => (
        <circle key={p.id} cx={x(dayNumber(p.at)!)} cy={y(p.value)} r={p.offPlan ? 4 : 3} className={p.offPlan ? 'checkin-point off' : 'checkin-point'} />
      ))}
    </svg>
  );
}
