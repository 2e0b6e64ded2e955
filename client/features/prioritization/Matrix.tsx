// The 2×2 after the reveal: ROI across, urgency up. Each initiative sits at its mean, with
// whiskers from the lowest to the highest score on each axis (the spread); a dashed ring flags
// strong disagreement. The ranked list next to it carries the same facts as text.
import { SCORE_MAX, SCORE_MIN, type RankedInitiative } from '../../../shared/ranking';
import { displayTitle, formatMean } from './usePrioritization';

const SIZE = 300;
const PAD = 36;
const pos = (v: number) => PAD + ((v - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)) * SIZE;
const posY = (v: number) => PAD + SIZE - ((v - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)) * SIZE;
const MID = (SCORE_MIN + SCORE_MAX) / 2;

export function Matrix({ ranking }: { ranking: RankedInitiative[] }) {
  const plotted = ranking.filter((r) => r.stats.roi.mean !== null && r.stats.urgency.mean !== null);
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
  const full = SIZE + PAD * 2;
  return (
    <figure className="matrix" aria-label="ROI × urgency matrix">
      <svg viewBox={`0 0 ${full} ${full}`} role="img" aria-label={summary ? `ROI × urgency matrix. ${summary}` : 'ROI × urgency matrix, nothing scored yet'}>
        <rect x={PAD} y={PAD} width={SIZE} height={SIZE} className="matrix-bg" />
        <rect x={pos(MID)} y={PAD} width={SIZE / 2} height={SIZE / 2} className="matrix-do" />
        <line x1={pos(MID)} y1={PAD} x2={pos(MID)} y2={PAD + SIZE} className="matrix-axis" />
        <line x1={PAD} y1={posY(MID)} x2={PAD + SIZE} y2={posY(MID)} className="matrix-axis" />
        <text x={PAD + SIZE - 6} y={PAD + 16} textAnchor="end" className="matrix-quadrant">Do first</text>
        <text x={PAD + 6} y={PAD + 16} className="matrix-quadrant">Urgent, low return</text>
        <text x={PAD + SIZE - 6} y={PAD + SIZE - 8} textAnchor="end" className="matrix-quadrant">Plan</text>
        <text x={PAD + 6} y={PAD + SIZE - 8} className="matrix-quadrant">Park</text>
        {[1, 2, 3, 4, 5].map((v) => (
          <g key={v} className="matrix-tick">
            <text x={pos(v)} y={PAD + SIZE + 14} textAnchor="middle">{v}</text>
            <text x={PAD - 8} y={posY(v) + 4} textAnchor="end">{v}</text>
          </g>
        ))}
        <text x={PAD + SIZE / 2} y={full - 4} textAnchor="middle" className="matrix-label">ROI →</text>
        <text x={12} y={PAD + SIZE / 2} textAnchor="middle" className="matrix-label" transform={`rotate(-90 12 ${PAD + SIZE / 2})`}>Urgency →</text>
        {points.map(({ r, x, y }) => (
          <g key={r.initiative.id} className={`matrix-point${r.top ? ' is-top' : ''}${r.stats.disagreement ? ' is-split' : ''}`}>
            <title>
              {`${displayTitle(r.initiative.title)}: ROI ${formatMean(r.stats.roi.mean)} (${r.stats.roi.min}–${r.stats.roi.max}), urgency ${formatMean(r.stats.urgency.mean)} (${r.stats.urgency.min}–${r.stats.urgency.max})${r.stats.disagreement ? ', strong disagreement' : ''}`}
            </title>
            <line x1={pos(r.stats.roi.min!)} x2={pos(r.stats.roi.max!)} y1={y} y2={y} className="matrix-spread" />
            <line x1={x} x2={x} y1={posY(r.stats.urgency.min!)} y2={posY(r.stats.urgency.max!)} className="matrix-spread" />
            {r.stats.disagreement && <circle cx={x} cy={y} r={16} className="matrix-split" />}
            <circle cx={x} cy={y} r={11} className="matrix-dot" />
            <text x={x} y={y + 4} textAnchor="middle" className="matrix-rank">{r.rank}</text>
          </g>
        ))}
      </svg>
      <figcaption className="muted prio-small">
        Dots at the mean score, numbered by rank; lines show the lowest to highest score. A dashed ring marks strong disagreement.
        {unplotted.length > 0 && <> Not enough scores to place: {unplotted.map((r) => displayTitle(r.initiative.title)).join(', ')}.</>}
      </figcaption>
    </figure>
  );
}
