// Stage 3, part one: turn bottlenecks into initiatives (one initiative may address several), edit
// their titles (committed on blur or Enter), and score each one blind for ROI and urgency in the
// private document.
import type * as Y from 'yjs';
import { LANES } from '../../../shared/constants';
import { impactTitle, laneTitle } from '../../../shared/log/format';
import type { Initiative, Note } from '../../../shared/schema';
import { createInitiative, deleteInitiative, linkBottleneck, renameInitiative, unlinkBottleneck } from '../../../shared/commands/initiatives';
import { readOwnScores, scoreInitiative, type OwnScore } from '../../../shared/commands/scores';
import { SCORE_MAX, SCORE_MIN } from '../../../shared/ranking';
import { MAX_TITLE_LENGTH } from '../../../shared/limits';
import { useYSnapshot } from '../../sync/useYjs';
import { readForecasts } from '../plan/forecasts';
import { initiativeForecast, type Forecast } from '../../../shared/forecast';
import { serverClock } from '../../sync/clock';
import { countOf, shorten } from '../../text';
import { draftKeys, useDraftField } from '../../state/drafts';
import { firstFocusable, neighbourOf, refocus } from '../../focus';
import { useNewInitiativeDraft } from './draftStore';
import { displayTitle, type PrioritizationData } from './usePrioritization';

const SCORE_FIELDS = [
  { field: 'roi', label: 'ROI' },
  { field: 'urgency', label: 'Urgency' },
] as const;
const SCORE_VALUES = Array.from({ length: SCORE_MAX - SCORE_MIN + 1 }, (_, i) => SCORE_MIN + i);

export function NewInitiativeForm({ data }: { data: PrioritizationData }) {
  const { board, session, canEdit } = data;
  const { noteIds, title, toggleNote, setTitle, reset } = useNewInitiativeDraft();
  const existing = new Set(board.notes.map((n) => n.id));
  const chosen = noteIds.filter((id) => existing.has(id));
  const used = new Set(board.initiatives.flatMap((i) => i.bottleneckIds));

  function create() {
    if (!chosen.length) return;
    const first = board.notes.find((n) => n.id === chosen[0]);
    const name = title.trim() || shorten(first?.text.trim() ?? '', 80) || 'Untitled initiative';
    createInitiative(session.board, { title: name, bottleneckIds: chosen, now: serverClock.now() });
    reset();
  }

  if (!board.notes.length) return <p className="muted">No bottlenecks on the board yet: add them in stage 1.</p>;
  return (
    <form
      className="new-initiative card"
      aria-label="New initiative"
      onSubmit={(e) => {
        e.preventDefault();
        create();
      }}
    >
      <fieldset className="prio-group" disabled={!canEdit}>
        <legend>Bottlenecks this initiative addresses</legend>
        <div className="bottleneck-picker">
          {LANES.map((lane) => {
            const notes = board.notes.filter((n) => n.lane === lane.key);
            return (
              <div key={lane.key} className="bottleneck-lane">
                <h3>{lane.title}</h3>
                {notes.length === 0 && <p className="muted prio-small">None</p>}
                {notes.map((n) => (
                  <label key={n.id} className="prio-check">
                    <input type="checkbox" checked={chosen.includes(n.id)} onChange={() => toggleNote(n.id)} />
                    <span>
                      {shorten(n.text, 80) || '(empty note)'}
                      {used.has(n.id) && <span className="muted prio-small"> · in an initiative</span>}
                    </span>
                  </label>
                ))}
              </div>
            );
          })}
        </div>
        <div className="new-initiative-row">
          <label>
            Initiative title
            <input value={title} maxLength={MAX_TITLE_LENGTH} placeholder="Defaults to the first bottleneck" onChange={(e) => setTitle(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={!chosen.length}>
            Create initiative
          </button>
        </div>
      </fieldset>
    </form>
  );
}

export function InitiativeCard({
  initiative,
  data,
  privateDoc,
  ownScore,
}: {
  initiative: Initiative;
  data: PrioritizationData;
  privateDoc: Y.Doc | null;
  ownScore: OwnScore | undefined;
}) {
  const { board, session, canEdit } = data;
  const notesById = new Map(board.notes.map((n) => [n.id, n]));
  const linked = initiative.bottleneckIds.map((id) => notesById.get(id)).filter((n): n is Note => !!n);
  const linkable = board.notes.filter((n) => !initiative.bottleneckIds.includes(n.id));
  // Stage 2's impacts, as context for scoring ROI: "Revenue 4 · Customer trust / reliability 3".
  const impactsOf = (noteId: string) =>
    board.impacts
      .filter((i) => i.noteId === noteId)
      .map((i) => `${impactTitle(i.category)} ${i.magnitude}`)
      .join(' · ');
  const name = displayTitle(initiative.title);
  const title = useDraftField(draftKeys.initiativeTitle(initiative.id), initiative.title, (text) =>
    renameInitiative(session.board, { id: initiative.id, title: text }),
  );
  function remove(button: HTMLElement) {
    // Focus goes to the next initiative's title (or the one before), else to the new initiative's.
    const item = button.closest('li');
    const next = neighbourOf(item, 'li')?.querySelector('input') ?? document.querySelector<HTMLElement>('.new-initiative-row input');
    deleteInitiative(session.board, { id: initiative.id });
    refocus(() => firstFocusable(next?.isConnected ? next : null));
  }
  // The forecast's hint beside blind scoring (SPEC 7), never in place of it.
  const forecasts = useYSnapshot(session.board, readForecasts);
  const hint = initiativeForecast(initiative.bottleneckIds.map((id) => forecasts.get(id)).filter((f): f is Forecast => !!f));
  const score = (field: 'roi' | 'urgency', value: string) =>
    privateDoc && scoreInitiative(privateDoc, { initiativeId: initiative.id, [field]: value === '' ? null : Number(value) });

  return (
    <article className="initiative card" aria-label={name}>
      <div className="initiative-head">
        <label className="prio-grow">
          Title
          <input {...title} maxLength={MAX_TITLE_LENGTH} disabled={!canEdit} />
        </label>
        {canEdit && (
          <button type="button" className="prio-subtle" aria-label={`Delete initiative ${name}`} onClick={(e) => remove(e.currentTarget)}>
            Delete
          </button>
        )}
      </div>
      {/* Scores right under the title: they are what the stage asks of everyone (a phone shows them first). */}
      {privateDoc && (
        <fieldset className="prio-group scores" disabled={!canEdit}>
          <legend>{data.control.scoresRevealed ? 'Your scores' : 'Your scores (private until revealed)'}</legend>
          {SCORE_FIELDS.map(({ field, label }) => (
            <label key={field} className="prio-inline">
              {label}
              <select value={ownScore?.[field] ?? ''} onChange={(e) => score(field, e.target.value)}>
                <option value="">–</option>
                {SCORE_VALUES.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </fieldset>
      )}
      {hint.forecastUrgency !== null && (
        <p className="prio-small forecast-urgency">
          Forecast urgency {hint.forecastUrgency}/5:{' '}
          {hint.earliestBreakMonths === null
            ? 'nothing breaks within 3 years'
            : hint.earliestBreakMonths === 0
              ? 'a bottleneck is breaking now'
              : `first bottleneck breaks in ~${Math.max(1, Math.round(hint.earliestBreakMonths))} months`}{' '}
          (realistic growth). A hint; your own urgency score is what counts.
        </p>
      )}
      {initiative.carriedFrom && <p className="muted prio-small">Carried over from the previous workshop: {initiative.carriedFrom}</p>}
      <div className="initiative-bottlenecks">
        <h3>Bottlenecks</h3>
        {linked.length === 0 && <p className="prio-flag">No bottleneck linked</p>}
        <ul>
          {linked.map((n) => (
            <li key={n.id}>
              <span className={`lane-tag lane-${n.lane}`}>{laneTitle(n.lane)}</span> {shorten(n.text, 120)}
              {impactsOf(n.id) && <span className="muted prio-small"> (impact: {impactsOf(n.id)})</span>}
              {canEdit && (
                <button type="button" className="prio-link" aria-label={`Unlink ${shorten(n.text, 40)}`} onClick={() => unlinkBottleneck(session.board, { id: initiative.id, noteId: n.id })}>
                  Unlink
                </button>
              )}
            </li>
          ))}
        </ul>
        {canEdit && linkable.length > 0 && (
          <label className="prio-inline add-bottleneck">
            Add bottleneck
            <select value="" onChange={(e) => e.target.value && linkBottleneck(session.board, { id: initiative.id, noteId: e.target.value })}>
              <option value="">Choose…</option>
              {linkable.map((n) => (
                <option key={n.id} value={n.id}>
                  {laneTitle(n.lane)}: {shorten(n.text, 60)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
    </article>
  );
}

/** The initiatives with this person's own scores (read from their private doc). */
export function InitiativeList({ data, privateDoc }: { data: PrioritizationData; privateDoc: Y.Doc | null }) {
  if (!data.board.initiatives.length) return <p className="muted">No initiatives yet.</p>;
  return privateDoc ? <ScoredList data={data} privateDoc={privateDoc} /> : <Cards data={data} privateDoc={null} own={{}} />;
}

function ScoredList({ data, privateDoc }: { data: PrioritizationData; privateDoc: Y.Doc }) {
  const own = useYSnapshot(privateDoc, readOwnScores);
  const scored = data.board.initiatives.filter((i) => own[i.id]?.roi && own[i.id]?.urgency).length;
  return (
    <>
      <p className="muted" role="status">
        You have scored {scored} of {countOf(data.board.initiatives.length, 'initiative', 'initiatives')}.
      </p>
      <Cards data={data} privateDoc={privateDoc} own={own} />
    </>
  );
}

function Cards({ data, privateDoc, own }: { data: PrioritizationData; privateDoc: Y.Doc | null; own: Record<string, OwnScore> }) {
  return (
    <ul className="initiatives" aria-label="Initiatives">
      {data.board.initiatives.map((i) => (
        <li key={i.id}>
          <InitiativeCard initiative={i} data={data} privateDoc={privateDoc} ownScore={own[i.id]} />
        </li>
      ))}
    </ul>
  );
}
