// Ballots before and after the reveal. Everyone sees who has scored (a tick when a person has
// scored every initiative), never what, one compact line each so a room's worth fits on screen; the facilitator sees how many ballots from how many people,
// can set a ballot aside (a shared invite link cannot stop one person from joining twice), and
// chooses whether the reveal names who gave which score. After a named reveal, the table of names.
import { ballotCountText, countBallots } from '../../../shared/ballots';
import { setBallotDiscarded, setNamedReveal } from '../../../shared/commands/ranking';
import { displayTitle, type PrioritizationData } from './usePrioritization';

export function Ballots({ data }: { data: PrioritizationData }) {
  const { board, control, isFacilitator, session } = data;
  const total = board.initiatives.length;
  const ballots = [...board.ballots].sort((a, b) => a.name.localeCompare(b.name));
  const count = countBallots(ballots);
  return (
    <div className="prio-ballots">
      <h3 id="ballots-title">Ballots</h3>
      <p>
        {ballotCountText(count)}
        {count.sharedNames.length > 0 && <span className="prio-flag"> More than one ballot under {count.sharedNames.join(', ')}.</span>}
      </p>
      {ballots.length > 0 && (
        <ul aria-labelledby="ballots-title" className="prio-ballot-list">
          {ballots.map((b) => {
            const done = total > 0 && b.scored >= total;
            return (
              <li key={b.personId} className={`${done ? 'is-done' : 'is-scoring'}${b.discarded ? ' is-discarded' : ''}`}>
                <span>
                  <span className="prio-ballot-mark" aria-hidden="true">
                    {done ? '✓' : '…'}
                  </span>{' '}
                  <span className="prio-ballot-name">{b.name || 'Unnamed'}</span>{' '}
                  <span className="muted">
                    {done ? 'has scored every initiative' : `has scored ${b.scored} of ${total}`}
                    {b.discarded ? ', set aside' : ''}
                  </span>
                </span>
                {isFacilitator && (
                  // Short on screen, the whole of it for screen readers (the name starts with what is shown).
                  <button
                    type="button"
                    className="prio-link"
                    aria-label={`${b.discarded ? 'Count' : 'Discard'} ballot of ${b.name || 'Unnamed'}`}
                    onClick={() => setBallotDiscarded(session.control, b.personId, !b.discarded)}
                  >
                    {b.discarded ? 'Count' : 'Discard'}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {isFacilitator && !control.scoresRevealed && (
        <label className="prio-check">
          <input type="checkbox" checked={control.namedReveal} onChange={(e) => setNamedReveal(session.control, e.target.checked)} />
          Named reveal: show who gave which score (off: only how many gave each value)
        </label>
      )}
      {control.scoresRevealed && board.namedScores.length > 0 && <NamedScores data={data} />}
    </div>
  );
}

function NamedScores({ data }: { data: PrioritizationData }) {
  const titles = new Map(data.board.initiatives.map((i) => [i.id, displayTitle(i.title)]));
  const rows = [...data.board.namedScores]
    .filter((s) => titles.has(s.initiativeId))
    .sort((a, b) => titles.get(a.initiativeId)!.localeCompare(titles.get(b.initiativeId)!) || a.name.localeCompare(b.name));
  return (
    <table className="prio-named">
      <caption>Who gave which score</caption>
      <thead>
        <tr>
          <th scope="col">Initiative</th>
          <th scope="col">Person</th>
          <th scope="col">ROI</th>
          <th scope="col">Urgency</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={`${s.initiativeId}/${s.participantId}`}>
            <td>{titles.get(s.initiativeId)}</td>
            <td>{s.name}</td>
            <td>{s.roi ?? '–'}</td>
            <td>{s.urgency ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
