// What the room screen shows under the stage and timer: the room's work so far, read-only and
// large. Stage 1 and 2: the revealed notes by lane (stage 2 with their impacts); stage 3: who has
// scored (never what) until the reveal, then the 2×2 and the ranking; stage 4: the top initiatives
// by approach; stage 5: each decision's DRI and metrics.
import { APPROACHES, LANES, type StageKey } from '../../../shared/constants';
import { impactsByNote, notesByLane, readNotesAndImpacts } from '../../../shared/board';
import { readSettings } from '../../../shared/schema';
import { ballotCountText, countBallots } from '../../../shared/ballots';
import { approachTitle, impactTitle, phaseTitle, thresholdLine } from '../../../shared/log/format';
import { useSession } from '../../sync/SessionContext';
import { useYSnapshot } from '../../sync/useYjs';
import { usePrivateNoteCount } from '../board/presence';
import { Matrix } from '../prioritization/Matrix';
import { displayTitle, formatMean, usePrioritization, type PrioritizationData } from '../prioritization/usePrioritization';
import '../prioritization/prioritization.css';

export function RoomBoard({ stage }: { stage: StageKey }) {
  if (stage === 'bottlenecks' || stage === 'impact') return <Lanes withImpacts={stage === 'impact'} />;
  return <Decisions stage={stage} />;
}

function Lanes({ withImpacts }: { withImpacts: boolean }) {
  const session = useSession();
  const { notes, impacts } = useYSnapshot(session.board, readNotesAndImpacts);
  const { silentWriting } = useYSnapshot(session.control, readSettings);
  const waiting = usePrivateNoteCount(session.awareness);
  const byLane = notesByLane(notes);
  const byNote = impactsByNote(impacts);
  return (
    <>
      {silentWriting && (
        <p className="room-note">
          Silent writing: {waiting} {waiting === 1 ? 'note' : 'notes'} waiting for the reveal.
        </p>
      )}
      <div className="room-lanes">
        {LANES.map(({ key, title }) => (
          <div key={key} className="room-lane">
            <h2>
              {title} <span className="room-count">({byLane[key].length})</span>
            </h2>
            <ul>
              {byLane[key].map((n) => {
                const list = byNote.get(n.id) ?? [];
                return (
                  <li key={n.id} className="room-card">
                    <span dir="auto">{n.text}</span>
                    {n.threshold && <span className="room-threshold">{thresholdLine(n.threshold)}</span>}
                    {withImpacts &&
                      (list.length ? (
                        <span className="room-impacts">
                          {list.map((i) => `${impactTitle(i.category)} ${i.magnitude}/5`).join(' · ')}
                        </span>
                      ) : (
                        <span className="room-flag">No impact yet</span>
                      ))}
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </div>
    </>
  );
}

function Decisions({ stage }: { stage: StageKey }) {
  const data = usePrioritization();
  if (stage === 'prioritization') return data.control.scoresRevealed ? <Ranking data={data} /> : <Scoring data={data} />;
  if (!data.top.length) return <p className="room-note">No top initiatives yet.</p>;
  return stage === 'build-buy-partner' ? <Approaches data={data} /> : <Owners data={data} />;
}

function Scoring({ data }: { data: PrioritizationData }) {
  const total = data.board.initiatives.length;
  const ballots = [...data.board.ballots].filter((b) => !b.discarded).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="room-scoring">
      <h2>Scoring in progress: scores stay blind until the reveal</h2>
      <p className="room-note">
        {total} {total === 1 ? 'initiative' : 'initiatives'} · {ballotCountText(countBallots(ballots))}
      </p>
      <ul className="room-ballots">
        {ballots.map((b) => {
          const done = total > 0 && b.scored >= total;
          return (
            <li key={b.personId} className={done ? 'is-done' : undefined}>
              <span aria-hidden="true">{done ? '✓' : '…'}</span> {b.name || 'Unnamed'}
              <span className="visually-hidden">{done ? ': finished' : ': still scoring'}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Ranking({ data }: { data: PrioritizationData }) {
  return (
    <div className="room-ranking">
      <Matrix ranking={data.ranking} />
      <div>
        <h2>Ranking</h2>
        <ol className="room-rank-list">
          {data.ranking.map((r) => (
            <li key={r.initiative.id} className={r.top ? 'is-top' : undefined}>
              <span className="room-rank">{r.rank}</span>
              <span className="room-rank-title" dir="auto">
                {displayTitle(r.initiative.title)}
              </span>
              <span className="room-rank-stats">
                ROI {formatMean(r.stats.roi.mean)} · urgency {formatMean(r.stats.urgency.mean)}
                {r.stats.disagreement ? ' · disagreement' : ''}
              </span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}

function Approaches({ data }: { data: PrioritizationData }) {
  const columns = [...APPROACHES.map((a) => ({ key: a.key as string, title: a.title, criterion: a.criterion as string })), { key: '', title: 'Undecided', criterion: '' }];
  return (
    <div className="room-columns">
      {columns.map((c) => {
        const items = data.top.filter((t) => (data.board.decisions[t.initiative.id]?.approach ?? '') === c.key);
        if (!c.key && !items.length) return null;
        return (
          <div key={c.title} className="room-column">
            <h2>{c.title}</h2>
            {c.criterion && <p className="room-criterion">{c.criterion}</p>}
            <ul>
              {items.map((t) => {
                const d = data.board.decisions[t.initiative.id];
                return (
                  <li key={t.initiative.id} className="room-card">
                    <span className="room-rank">{t.rank}</span> <span dir="auto">{displayTitle(t.initiative.title)}</span>
                    <span className="room-meta">{phaseTitle(d?.phase ?? null) || 'Phase not set'}</span>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

function Owners({ data }: { data: PrioritizationData }) {
  return (
    <ol className="room-owners">
      {data.top.map((t) => {
        const d = data.board.decisions[t.initiative.id];
        const metrics = data.board.metrics.filter((m) => m.initiativeId === t.initiative.id && m.name.trim());
        return (
          <li key={t.initiative.id} className="room-card">
            <h2>
              <span className="room-rank">{t.rank}</span> <span dir="auto">{displayTitle(t.initiative.title)}</span>
            </h2>
            <p className="room-meta">
              {approachTitle(d?.approach ?? null) || 'Approach not decided'} · {phaseTitle(d?.phase ?? null) || 'phase not set'} · DRI:{' '}
              {d?.dri ? <span dir="auto">{d.dri}</span> : <span className="room-flag">none yet</span>}
            </p>
            {metrics.length ? (
              <ul>
                {metrics.map((m) => (
                  <li key={m.id} dir="auto">
                    {m.name}: {m.baseline || '?'} → {m.target || '?'}
                    {m.due ? ` by ${m.due}` : ''}
                    {m.observability ? ' (observability)' : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="room-flag">No metric yet</p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
