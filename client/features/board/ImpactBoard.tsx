// Stage 2: impact mapping. Every bottleneck, lane by lane, with its impacts; those without an
// impact are flagged and counted. A compact view groups the bottlenecks by impact category.
import { useMemo, useRef, useState } from 'react';
import { LANES } from '../../../shared/constants';
import { bottlenecksWithoutImpact, groupByImpactCategory, impactsByNote, notesByLane } from '../../../shared/board';
import type { Impact, Note } from '../../../shared/schema';
import { NoteCard } from './NoteCard';
import type { Peer } from './presence';
import { countOf } from '../../text';
import { useBoardEnv } from './boardContext';
import { useYSnapshot } from '../../sync/useYjs';
import { readForecasts, soonestBreak } from '../plan/forecasts';

const NO_IMPACTS: Impact[] = [];

export function ImpactBoard({ notes, impacts, editors }: { notes: Note[]; impacts: Impact[]; editors: Map<string, Peer[]> }) {
  const [grouped, setGrouped] = useState(false);
  const [soonestFirst, setSoonestFirst] = useState(false);
  const env = useBoardEnv();
  const forecasts = useYSnapshot(env.session.board, readForecasts);
  const byNote = useStableImpactsByNote(impacts);
  const flagged = useMemo(() => bottlenecksWithoutImpact(notes, impacts), [notes, impacts]);
  const byLane = useMemo(() => {
    const lanes = notesByLane(notes);
    if (!soonestFirst) return lanes;
    // Soonest realistic break first; notes that do not break (or have no forecast) keep their order after.
    for (const list of Object.values(lanes)) list.sort((a, b) => soonestBreak(forecasts.get(a.id)) - soonestBreak(forecasts.get(b.id)));
    return lanes;
  }, [notes, soonestFirst, forecasts]);
  return (
    <div className="impact-board">
      <div className="impact-summary">
        <p role="status" className={flagged.length ? 'impact-flag' : 'impact-ok'}>
          {impactSummary(notes.length, flagged.length)}
        </p>
        <button type="button" aria-pressed={grouped} onClick={() => setGrouped(!grouped)}>
          Group by impact
        </button>
        <button type="button" aria-pressed={soonestFirst} onClick={() => setSoonestFirst(!soonestFirst)}>
          Soonest break first
        </button>
      </div>
      {grouped ? (
        <GroupedByImpact notes={notes} impacts={impacts} flagged={flagged} />
      ) : (
        <div className="lanes">
          {LANES.map(({ key, title }) => (
            <section key={key} aria-label={title} className="lane" data-lane={key}>
              <h3 className="lane-title">
                {title} <span className="lane-count">({byLane[key].length})</span>
              </h3>
              <ol className="lane-notes" aria-label={`${title} notes`}>
                {byLane[key].map((n) => {
                  const list = byNote.get(n.id) ?? NO_IMPACTS;
                  return <NoteCard key={n.id} note={n} editors={editors.get(n.id)} compact flagged={list.length === 0} impacts={list} />;
                })}
              </ol>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

/**
 * Impacts by note, each note's list the very same array as before while its impacts are the same
 * (impacts themselves are structurally shared, see shared/board.ts): memoised notes then re-render
 * only when their own impacts change.
 */
function useStableImpactsByNote(impacts: Impact[]): Map<string, Impact[]> {
  const previous = useRef(new Map<string, Impact[]>());
  return useMemo(() => {
    const next = impactsByNote(impacts);
    for (const [noteId, list] of next) {
      const old = previous.current.get(noteId);
      if (old && old.length === list.length && old.every((impact, i) => impact === list[i])) next.set(noteId, old);
    }
    previous.current = next;
    return next;
  }, [impacts]);
}

function impactSummary(total: number, flagged: number): string {
  if (total === 0) return 'No bottlenecks yet: add them in stage 1.';
  if (flagged === 0) return total === 1 ? 'The bottleneck has an impact.' : `All ${total} bottlenecks have an impact.`;
  return `${flagged} of ${countOf(total, 'bottleneck', 'bottlenecks')} ${flagged === 1 ? 'has' : 'have'} no impact yet.`;
}

function GroupedByImpact({ notes, impacts, flagged }: { notes: Note[]; impacts: Impact[]; flagged: Note[] }) {
  const groups = useMemo(() => groupByImpactCategory(notes, impacts), [notes, impacts]);
  return (
    <div className="impact-groups">
      {groups.map((g) => (
        <section key={g.category} aria-label={g.title} className="impact-group">
          <h3>
            {g.title} <span className="lane-count">({g.items.length})</span>
          </h3>
          {g.items.length === 0 ? (
            <p className="muted">None</p>
          ) : (
            <ul>
              {g.items.map(({ note, impact }) => (
                <li key={impact.id}>
                  <span className="magnitude" aria-label={`magnitude ${impact.magnitude} of 5`}>
                    {impact.magnitude}
                  </span>{' '}
                  {note.text}
                  {impact.evidence && <span className="muted"> ({impact.evidence})</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <section aria-label="No impact yet" className="impact-group flagged">
        <h3>
          No impact yet <span className="lane-count">({flagged.length})</span>
        </h3>
        {flagged.length === 0 ? (
          <p className="muted">None</p>
        ) : (
          <ul>
            {flagged.map((n) => (
              <li key={n.id}>{n.text}</li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
