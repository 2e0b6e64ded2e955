// The `Review` region, a follow-up's first stage (SPEC 8): the previous workshop's decisions with
// DRI, phase and metrics (their check-ins, chart and Off plan), each with a `Status` and a
// `Comment`, and `Carry over` for the open ones, which makes the decision an initiative of this
// workshop. Facilitators and participants write (not participants while the board is locked);
// observers read. Metric check-ins go on here, against the plan from the previous workshop's date.
import { useId, useMemo, useRef, useState } from 'react';
import { readSettings, type CheckIn, type Metric } from '../../../shared/schema';
import { MAX_REVIEW_COMMENT, REVIEW_STATUSES, isOpenStatus, reviewOf, type ReviewStatus, type ReviewedDecision } from '../../../shared/followUp';
import { carryOver, setReviewComment, setReviewStatus } from '../../../shared/commands/review';
import { approachTitle, phaseTitle } from '../../../shared/log/format';
import { useSession } from '../../sync/SessionContext';
import { useYSelect } from '../../sync/useYjs';
import { serverClock } from '../../sync/clock';
import { useRanking } from '../prioritization/usePrioritization';
import { MetricCheckIns } from '../checkins/MetricCheckIns';
import { ToleranceInput } from '../checkins/ToleranceInput';
import { FollowUpLinks } from './FollowUpLinks';
import { refocus } from '../../focus';
import './review.css';

export function ReviewPanel() {
  const session = useSession();
  const { board, control } = useRanking(session);
  const tolerance = useYSelect(session.control, readSettings, (s) => s.offPlanTolerance);
  const rows = useMemo(() => reviewOf(board, tolerance), [board, tolerance]);
  const canEdit = session.role === 'facilitator' || (session.role === 'participant' && !control.locked);
  const previous = board.previous;
  const checkIns = useMemo(() => [...(previous?.checkIns ?? []), ...board.checkIns], [previous, board.checkIns]);
  return (
    <section aria-label="Review" className="review">
      {session.role === 'facilitator' && <FollowUpLinks workshopId={session.workshopId} />}
      <h2>Review{previous?.title ? `: ${previous.title}` : ''}</h2>
      {!previous ? (
        <p className="muted">This workshop does not follow up another one.</p>
      ) : rows.length === 0 ? (
        <p className="muted">The previous workshop had no decisions to review.</p>
      ) : (
        <>
          <p className="muted">
            Give each decision a status and a comment. Carry the open ones over as initiatives of this workshop; check in their metrics against the plan
            (Off plan beyond {tolerance}%).
          </p>
          <ToleranceInput />
          <ol className="review-list">
            {rows.map((r) => (
              <li key={r.decision.id}>
                <ReviewCard row={r} canEdit={canEdit} createdAt={previous.createdAt} tolerance={tolerance} checkIns={checkIns} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function ReviewCard(props: { row: ReviewedDecision; canEdit: boolean; createdAt: number; tolerance: number; checkIns: CheckIn[] }) {
  const { row, canEdit } = props;
  const { decision } = row;
  const session = useSession();
  const ids = { status: useId(), comment: useId() };
  const name = decision.initiative.trim() || 'Untitled initiative';
  const [draft, setDraft] = useState<string | null>(null);
  const carried = useRef<HTMLParagraphElement>(null);
  const commitComment = () => {
    if (draft !== null && draft !== row.comment) setReviewComment(session.board, { decisionId: decision.id, comment: draft });
    setDraft(null);
  };
  const offPlan = row.metrics.filter((m) => m.progress.offPlan).length;
  const open = isOpenStatus(row.status);
  return (
    <article className="review-card card" aria-label={`#${decision.rank} ${name}`}>
      <h3>
        #{decision.rank} {name}
        {offPlan > 0 && <span className="checkin-off-plan"> Off plan</span>}
      </h3>
      <dl className="review-facts">
        <dt>DRI</dt>
        <dd>{decision.dri ?? '—'}</dd>
        <dt>Phase</dt>
        <dd>{phaseTitle(decision.phase) || '—'}</dd>
        <dt>Approach</dt>
        <dd>{approachTitle(decision.approach) || '—'}</dd>
      </dl>
      <div className="review-fields">
        <label htmlFor={ids.status}>Status</label>
        <select
          id={ids.status}
          value={row.status ?? ''}
          disabled={!canEdit}
          onChange={(e) => setReviewStatus(session.board, { decisionId: decision.id, status: (e.target.value || null) as ReviewStatus | null })}
        >
          <option value="">Not reviewed</option>
          {REVIEW_STATUSES.map((s) => (
            <option key={s.key} value={s.key}>
              {s.title}
            </option>
          ))}
        </select>
        <label htmlFor={ids.comment}>Comment</label>
        <textarea
          id={ids.comment}
          rows={2}
          maxLength={MAX_REVIEW_COMMENT}
          disabled={!canEdit}
          value={draft ?? row.comment}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitComment}
        />
      </div>
      <div className="review-carry">
        {row.carriedTo ? (
          // Focusable from script: the Carry over button it replaces had the keyboard.
          <p ref={carried} className="prio-ok" tabIndex={-1}>
            Carried over as an initiative of this workshop.
          </p>
        ) : canEdit ? (
          <button
            type="button"
            disabled={!open}
            title={open ? undefined : 'Done and dropped decisions are not carried over'}
            aria-label={`Carry over ${name}`}
            onClick={() => {
              carryOver(session.board, { decisionId: decision.id, now: serverClock.now() });
              refocus(() => carried.current);
            }}
          >
            Carry over
          </button>
        ) : null}
      </div>
      {row.metrics.length === 0 ? (
        <p className="muted">No metrics.</p>
      ) : (
        row.metrics.map((m) => {
          const metric: Metric = { id: m.id, initiativeId: decision.id, name: m.name, baseline: m.baseline, target: m.target, due: m.due, observability: m.observability };
          return (
            <div key={m.id} className="review-metric">
              <p>
                <strong>{m.name.trim() || 'Metric'}</strong>: {m.baseline || '—'} → {m.target || '—'}, due {m.due || '—'}
              </p>
              <MetricCheckIns metric={metric} checkIns={props.checkIns} createdAt={props.createdAt} tolerance={props.tolerance} session={session} />
            </div>
          );
        })
      )}
    </article>
  );
}
