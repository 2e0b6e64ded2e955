// The `Growth and thresholds` chart (SPEC 7): per threshold kind with a growth model, the three
// scenario curves over 36 months on a log scale, each bottleneck's threshold as a line and where
// each scenario's curve crosses it. Plain SVG from this one module (a charting library would cost
// more of the 200 KB budget than the whole board); the data table next to it is its text alternative.
import { THRESHOLD_KINDS, type ThresholdKind } from '../../../shared/constants';
import { useId } from 'react';
import './plan.css';
import { HORIZON_MONTHS, SCENARIOS, hasModel, type Forecast, type GrowthModel, type ScenarioKey } from '../../../shared/forecast';
import type { Note } from '../../../shared/schema';
import { shorten } from '../../text';

const W = 320;
const H = 180;
const PAD = { left: 48, right: 8, top: 10, bottom: 24 };
const TABLE_MONTHS = [0, 6, 12, 18, 24, 30, 36];
const DASH: Record<ScenarioKey, string> = { conservative: '6 4', realistic: '', optimistic: '2 3' };

const kindTitle = (kind: string) => THRESHOLD_KINDS.find((k) => k.key === kind)?.title ?? kind;
const valueAt = (current: number, growth: number | null, month: number) => current * (1 + (growth ?? 0) / 100) ** month;
const fmt = (v: number) => (v >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : v >= 1e4 ? `${Math.round(v / 1e3)}k` : v >= 100 ? String(Math.round(v)) : String(+v.toFixed(1)));

export interface ChartThreshold {
  note: Pick<Note, 'id' | 'text'>;
  kind: ThresholdKind;
  value: number;
  forecast: Forecast;
}

export function GrowthChart({ models, thresholds }: { models: GrowthModel[]; thresholds: ChartThreshold[] }) {
  const titleId = useId();
  const charted = models.filter(hasModel).filter((m) => m.current > 0);
  if (!charted.length) return <p className="muted">Add a current value and growth for a kind to see its curves.</p>;
  return (
    <figure className="growth-chart" aria-labelledby={titleId}>
      <figcaption id={titleId}>Growth and thresholds</figcaption>
      <div className="growth-chart-plots">
        {charted.map((m) => (
          <KindPlot key={m.kind} model={m} thresholds={thresholds.filter((t) => t.kind === m.kind)} />
        ))}
      </div>
      <GrowthTable models={charted} thresholds={thresholds} />
    </figure>
  );
}

function KindPlot({ model, thresholds }: { model: GrowthModel & { current: number }; thresholds: ChartThreshold[] }) {
  const values = [model.current, ...thresholds.map((t) => t.value)];
  for (const s of SCENARIOS) values.push(valueAt(model.current, model.growth[s.key], HORIZON_MONTHS));
  const lo = Math.log10(Math.max(1e-9, Math.min(...values) * 0.8));
  const hi = Math.log10(Math.max(...values) * 1.25);
  const x = (month: number) => PAD.left + (month / HORIZON_MONTHS) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (Math.log10(Math.max(v, 1e-9)) - lo) / (hi - lo || 1)) * (H - PAD.top - PAD.bottom);
  const path = (g: number | null) =>
    Array.from({ length: HORIZON_MONTHS + 1 }, (_, m) => `${m ? 'L' : 'M'}${x(m).toFixed(1)},${y(valueAt(model.current, g, m)).toFixed(1)}`).join('');
  return (
    <div className="growth-plot">
      <p className="growth-plot-title">
        {kindTitle(model.kind)} <span className="muted">({model.unit || 'no unit'})</span>
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" aria-hidden="true" focusable="false">
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} className="axis" />
        {[0, 12, 24, 36].map((m) => (
          <text key={m} x={x(m)} y={H - 8} textAnchor="middle" className="tick">
            {m}
          </text>
        ))}
        <text x={PAD.left - 4} y={y(model.current) + 4} textAnchor="end" className="tick">
          {fmt(model.current)}
        </text>
        {thresholds.map((t) => (
          <g key={t.note.id} className="threshold" data-threshold={t.note.id}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t.value)} y2={y(t.value)} />
            <text x={W - PAD.right} y={y(t.value) - 3} textAnchor="end" className="tick">
              {shorten(t.note.text, 28)} ({fmt(t.value)})
            </text>
            {SCENARIOS.map(({ key }) => {
              const month = t.forecast.ok ? t.forecast.months[key] : null;
              return month === null ? null : <circle key={key} cx={x(month)} cy={y(t.value)} r={key === 'realistic' ? 4 : 3} className={`break break-${key}`} />;
            })}
          </g>
        ))}
        {SCENARIOS.map((s) =>
          model.growth[s.key] === null ? null : (
            <path key={s.key} d={path(model.growth[s.key])} className={`curve curve-${s.key}`} strokeDasharray={DASH[s.key] || undefined} />
          ),
        )}
      </svg>
      <p className="growth-legend muted">
        <span className="legend-realistic">— realistic</span> · <span>- - conservative</span> · <span>··· optimistic</span> · break points: ● realistic, ○ conservative, • optimistic
      </p>
    </div>
  );
}

function GrowthTable({ models, thresholds }: { models: (GrowthModel & { current: number })[]; thresholds: ChartThreshold[] }) {
  return (
    <details className="growth-table">
      <summary>Chart data as a table</summary>
      {models.map((m) => (
        <table key={m.kind}>
          <caption>
            {kindTitle(m.kind)} ({m.unit || 'no unit'}), months from today
          </caption>
          <thead>
            <tr>
              <th scope="col">Scenario</th>
              {TABLE_MONTHS.map((mo) => (
                <th key={mo} scope="col">
                  {mo}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {SCENARIOS.filter((s) => m.growth[s.key] !== null).map((s) => (
              <tr key={s.key}>
                <th scope="row">
                  {s.title} ({m.growth[s.key]}%/month)
                </th>
                {TABLE_MONTHS.map((mo) => (
                  <td key={mo}>{fmt(valueAt(m.current, m.growth[s.key], mo))}</td>
                ))}
              </tr>
            ))}
            {thresholds
              .filter((t) => t.kind === m.kind)
              .map((t) => (
                <tr key={t.note.id}>
                  <th scope="row">Threshold: {shorten(t.note.text, 40)}</th>
                  <td colSpan={TABLE_MONTHS.length}>
                    {fmt(t.value)}: {t.forecast.ok ? breakCells(t.forecast.months) : t.forecast.text}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      ))}
    </details>
  );
}

const breakCells = (months: Record<ScenarioKey, number | null>): string =>
  SCENARIOS.map((s) => `${s.title.toLowerCase()} ${months[s.key] === null ? 'not within 3 years' : months[s.key] === 0 ? 'now' : `${months[s.key]!.toFixed(1)} months`}`).join(', ');
