// The `Roadmap` region (SPEC 7), from stage 4 on: the top initiatives by their decision's phase
// (Now, Next, Later), each with its DRI, metric and due date; what the team deferred with its
// scores; when traffic reaches 10× and 100× today; and a warning wherever a bottleneck breaks
// before the phase that addresses it.
import { PHASES } from '../../../shared/constants';
import { readBoard } from '../../../shared/schema';
import type { RoadmapCard } from '../../../shared/roadmap';
import { useSession } from '../../sync/SessionContext';
import { useYSnapshot } from '../../sync/useYjs';
import { shorten } from '../../text';
import { usePlan } from './usePlan';
import './plan.css';

const mean = (v: number | null) => (v === null ? '–' : v.toFixed(1));
const months = (m: number | null) => (m === null ? 'not with this growth' : `in ${m < 10 ? m.toFixed(1) : Math.round(m)} months`);

export function RoadmapPanel() {
  const session = useSession();
  const board = useYSnapshot(session.board, readBoard);
  const { plan } = usePlan(session);
  const { roadmap } = plan;
  const noteText = new Map(board.notes.map((n) => [n.id, n.text]));
  const title = (t: string) => t.trim() || 'Untitled initiative';
  return (
    <section aria-label="Roadmap" className="panel roadmap">
      <h2>Roadmap</h2>
      {roadmap.warnings.length > 0 && (
        <ul className="roadmap-warnings" aria-label="Roadmap warnings">
          {roadmap.warnings.map((w) => (
            <li key={`${w.bottleneckId}/${w.rank}`} className="prio-flag">
              {shorten(noteText.get(w.bottleneckId) ?? w.bottleneckId, 60)} (#{w.rank}): {w.text}
            </li>
          ))}
        </ul>
      )}
      <div className="roadmap-columns">
        {PHASES.map((p) => (
          <div key={p.key} className="roadmap-column" role="group" aria-labelledby={`roadmap-${p.key}`}>
            <h3 id={`roadmap-${p.key}`}>{p.title}</h3>
            {roadmap[p.key].length ? (
              <ul aria-labelledby={`roadmap-${p.key}`}>
                {roadmap[p.key].map((c) => (
                  <Card key={c.initiativeId} card={c} title={title(c.initiative)} />
                ))}
              </ul>
            ) : (
              <p className="muted">Nothing yet.</p>
            )}
          </div>
        ))}
        <div className="roadmap-column" role="group" aria-labelledby="roadmap-deferred">
          <h3 id="roadmap-deferred">Deferred</h3>
          {roadmap.deferred.length ? (
            <ul aria-labelledby="roadmap-deferred">
              {roadmap.deferred.map((d) => (
                <li key={d.initiativeId} className="roadmap-card">
                  <strong>{title(d.initiative)}</strong>
                  <span className="muted">
                    ROI {mean(d.roi)} · urgency {mean(d.urgency)}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Nothing deferred.</p>
          )}
        </div>
      </div>
      {roadmap.unphased.length > 0 && (
        <p className="muted">
          No phase yet: {roadmap.unphased.map((c) => `#${c.rank} ${title(c.initiative)}`).join(', ')}.
        </p>
      )}
      {roadmap.milestones.length > 0 && (
        <div className="roadmap-milestones">
          <h3>Growth milestones (traffic)</h3>
          <ul>
            {roadmap.milestones.map((m) => (
              <li key={`${m.multiple}/${m.scenario}`}>
                {m.multiple}× today, {m.scenario}: {months(m.months)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function Card({ card, title }: { card: RoadmapCard; title: string }) {
  return (
    <li className="roadmap-card">
      <strong>
        #{card.rank} {title}
      </strong>
      <span>DRI: {card.dri ?? 'not assigned'}</span>
      <span>{card.metric ? `${card.metric.name}: ${card.metric.target || '–'}${card.metric.due ? ` by ${card.metric.due}` : ''}` : 'No metric yet'}</span>
      {card.forecastUrgency !== null && (
        <span className="muted">
          Forecast urgency {card.forecastUrgency}/5
          {card.earliestBreakMonths !== null && ` (breaks ${card.earliestBreakMonths === 0 ? 'now' : `in ${card.earliestBreakMonths} months`})`}
        </span>
      )}
    </li>
  );
}
