// Stage 3: initiatives from bottlenecks, blind scoring, the facilitator's reveal, then the 2×2 and
// the ranking, and how many go on (top N).
import { useId } from 'react';
import { hideScores, revealScores, setTopN, MAX_TOP_N } from '../../../shared/commands/ranking';
import { usePrivateScores } from './privateScores';
import { InitiativeList, NewInitiativeForm } from './Initiatives';
import { Matrix } from './Matrix';
import { useForecastUrgency } from '../plan/forecasts';
import { Ballots } from './Ballots';
import { RankedList } from './RankedList';
import type { PrioritizationData } from './usePrioritization';

export function Prioritization({ data }: { data: PrioritizationData }) {
  const privateDoc = usePrivateScores(data.session);
  const forecastUrgency = useForecastUrgency(data.session.board, data.board.initiatives);
  const { control, isFacilitator, session } = data;
  const initiatives = (
    <section key="initiatives" className="prio-section" aria-labelledby="initiatives-title">
      <h2 id="initiatives-title">Initiatives</h2>
      <p className="muted">Turn bottlenecks into initiatives: one initiative may address several bottlenecks.</p>
      {/* The cards, with each person's scores, before the New initiative form: scoring is the
          stage's work for everyone, and the form (a checkbox per bottleneck) would push the
          first score below the fold of a phone. */}
      <InitiativeList data={data} privateDoc={privateDoc} />
      <NewInitiativeForm data={data} />
    </section>
  );
  const scores = (
    <section key="scores" className="prio-section" aria-labelledby="scores-title">
      <h2 id="scores-title">Scores</h2>
      {control.scoresRevealed ? (
        <p role="status">Scores are revealed. Changes to anyone&apos;s scores now show for everyone.</p>
      ) : (
        <p role="status">Scores are blind: nobody sees anyone else&apos;s scores or the averages until the facilitator reveals them.</p>
      )}
      {isFacilitator && (
        <div className="prio-controls">
          {control.scoresRevealed ? (
            <button type="button" onClick={() => hideScores(session.control)}>
              Hide scores
            </button>
          ) : (
            <button type="button" className="primary" onClick={() => revealScores(session.control)}>
              Reveal
            </button>
          )}
        </div>
      )}
      <Ballots data={data} />
      <TopN data={data} />
      {control.scoresRevealed && data.ranking.length > 0 && (
        <div className="prio-results">
          <Matrix ranking={data.ranking} forecastUrgency={forecastUrgency} />
          <RankedList data={data} />
        </div>
      )}
    </section>
  );
  // Once revealed, the results lead: they are what the room discusses next. Before, the
  // facilitator, who runs the round, sees who has scored and `Reveal` first. Keyed, so React moves
  // the sections rather than rebuilding them; DOM order follows, so focus order matches the eye.
  const scoresFirst = control.scoresRevealed || isFacilitator;
  return <div className="prioritization">{scoresFirst ? [scores, initiatives] : [initiatives, scores]}</div>;
}

function TopN({ data }: { data: PrioritizationData }) {
  const id = useId();
  const { control, isFacilitator, session } = data;
  if (!isFacilitator) {
    const goOn = control.topN === 1 ? 'top initiative goes' : `top ${control.topN} go`;
    return <p className="muted">The {goOn} on to Build / Buy / Partner.</p>;
  }
  return (
    <p className="top-n">
      <label htmlFor={id} className="prio-inline">
        Top N
      </label>{' '}
      <select id={id} value={control.topN} onChange={(e) => setTopN(session.control, Number(e.target.value))}>
        {Array.from({ length: MAX_TOP_N }, (_, i) => i + 1).map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>{' '}
      <span className="muted">go on to Build / Buy / Partner.</span>
    </p>
  );
}
