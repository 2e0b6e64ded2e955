// The 2×2 after the reveal: ROI across, urgency up. Each initiative sits at its mean, with
// whiskers from the lowest to the highest score on each axis (the spread); a dashed ring flags
// strong disagreement. The ranked list next to it carries the same facts as text.
import { SCORE_MAX, SCORE_MIN, type RankedInitiative } from '../../../shared/ranking';
import { urgencyMismatch } from '../../../shared/forecast';
import { displayTitle, formatMean } from './usePrioritization';

const SIZE = 300;
// The quadrant labels sit outside the plot, in margins wider than a dot and its disagreement ring
// (radius 16), so no dot ever covers them (a rank-1 initiative lands right where "Do first" was).
const LEFT = 48;
const TOP = 44;
const RIGHT = 40;
const BOTTOM = 66;
const pos = (v: number) => LEFT + ((v - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)) * SIZE;
const posY = (v: number) => TOP + SIZE - ((v - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)) * SIZE;
const MID = (SCORE_MIN + SCORE_MAX) / 2;

/**
 * `forecastUrgency` (SPEC 7): per initiative, the urgency its bottlenecks' forecasts suggest; where
 * the room's mean urgency is 2 or more away from it, the dot gets a diamond and the caption says so.
 */
export function Matrix({ ranking, forecastUrgency }: { ranking: RankedInitiative[]; forecastUrgency?: ReadonlyMap<string, number | null> }) {
  const plotted = ranking.filter((r) => r.stats.roi.mean !== null && r.stats.urgency.mean !== null);
  const mismatched = new Set(
    plotted.filter((r) => urgencyMismatch(r.stats.urgency.mean, forecastUrgency?.get(r.initiative.id) ?? null)).map((r) => r.initiative.id),
  );
  const unplotted = ranking.filter((r) => !plotted.includes(r));
  // Initiatives at the same mean would hide each other: nudge the later ones aside.
  const seen = new Map<string, number>();
  const points = plotted.map((r) => {
    const key = `${r.stats.roi.mean}/${r.stats.urgency.mean}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return { r, x: pos(r.stats.roi.mean!) + n * 14, y: posY(r.stats.urgency.mean!) - n * 6 };
  });
  const summary = plotted
    .map((r) => `${r.rank}. ${displayTitle(r.initiative.title)}: ROI ${formatMean(r.stats.roi.mean)}, urgency ${formatMean(r.stats.urgency.mean)}${r.stats.disagreement ? ', disagreement' : ''}`)
    .join('; ');
  const width = LEFT + SIZE + RIGHT;
  const height = TOP + SIZE + BOTTOM;
  const bottom = TOP + SIZE;
  return (
    <figure className="matrix" aria-label="ROI × urgency matrix">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary ? `ROI × urgency matrix. ${summary}` : 'ROI × urgency matrix, nothing scored yet'}>
        <rect x={LEFT} y={TOP} width={SIZE} height={SIZE} className="matrix-bg" />
        <rect x={pos(MID)} y={TOP} width={SIZE / 2} height={SIZE / 2} className="matrix-do" />
        <line x1={pos(MID)} y1={TOP} x2={pos(MID)} y2={bottom} className="matrix-axis" />
        <line x1={LEFT} y1={posY(MID)} x2={LEFT + SIZE} y2={posY(MID)} className="matrix-axis" />
        <text x={LEFT + SIZE} y={TOP - 26} textAnchor="end" className="matrix-quadrant matrix-quadrant-do">Do first ↗</text>
        <text x={LEFT} y={TOP - 26} className="matrix-quadrant">↖ Urgent, low return</text>
        <text x={LEFT + SIZE} y={bottom + 46} textAnchor="end" className="matrix-quadrant">Plan ↘</text>
        <text x={LEFT} y={bottom + 46} className="matrix-quadrant">↙ Park</text>
        {[1, 2, 3, 4, 5].map((v) => (
          <g key={v} className="matrix-tick">
            <text x={pos(v)} y={bottom + 29} textAnchor="middle">{v}</text>
            <text x={LEFT - 20} y={posY(v) + 4} textAnchor="end">{v}</text>
          </g>
        ))}
        <text x={LEFT + SIZE / 2} y={height - 4} textAnchor="middle" className="matrix-label">ROI →</text>
        <text x={12} y={TOP + SIZE / 2} textAnchor="middle" className="matrix-label" transform={`rotate(-90 12 ${TOP + SIZE / 2})`}>Urgency →</text>
        {points.map(({ r, x, y }) => (
          <g key={r.initiative.id} className={`matrix-point${r.top ? ' is-top' : ''}${r.stats.disagreement ? ' is-split' : ''}`}>
            <title>
              {`${displayTitle(r.initiative.title)}: ROI ${formatMean(r.stats.roi.mean)} (${r.stats.roi.min}–${r.stats.roi.max}), urgency ${formatMean(r.stats.urgency.mean)} (${r.stats.urgency.min}–${r.stats.urgency.max})${r.stats.disagreement ? ', strong disagreement' : ''}`}
            </title>
            <line x1={pos(r.stats.roi.min!)} x2={pos(r.stats.roi.max!)} y1={y} y2={y} className="matrix-spread" />
            <line x1={x} x2={x} y1={posY(r.stats.urgency.min!)} y2={posY(r.stats.urgency.max!)} className="matrix-spread" />
            {r.stats.disagreement && <circle cx={x} cy={y} r={16} className="matrix-split" />}
            <circle cx={x} cy={y} r={11} className="matrix-dot" />
            {mismatched.has(r.initiative.id) && <rect x={x + 9} y={y - 17} width={8} height={8} transform={`rotate(45 ${x + 13} ${y - 13})`} className="matrix-mismatch" />}
            <text x={x} y={y + 4} textAnchor="middle" className="matrix-rank">{r.rank}</text>
          </g>
        ))}
      </svg>
      <figcaption className="muted prio-small">
        Dots at the mean score, numbered by rank; lines show the lowest to highest score. A dashed ring marks strong disagreement.
        {unplotted.length > 0 && <> Not enough scores to place: {unplotted.map((r) => displayTitle(r.initiative.title)).join(', ')}.</>}
        {mismatched.size > 0 && (
          <>
            {' '}◆ The room and the growth forecast disagree on urgency:{' '}
            {plotted
              .filter((r) => mismatched.has(r.initiative.id))
              .map((r) => `${displayTitle(r.initiative.title)} (room urgency ${formatMean(r.stats.urgency.mean)}, forecast ${forecastUrgency!.get(r.initiative.id)})`)
              .join('; ')}
            .
          </>
        )}
      </figcaption>
    </figure>
  );
}
