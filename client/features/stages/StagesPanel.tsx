// The stage engine on screen: the `Stages` region (where we are, what is next, the template's
// prompt, the five stages with planned vs elapsed in a list that opens on demand, the
// facilitator's stage controls and facilitation notes) and one live region that announces stage
// changes, the last minute and overtime. The `Timer` region is StageTimer (TimerPanel.tsx), which
// the layout puts in its sticky header. All times are server time (client/sync/clock.ts); all
// writes are commands on the control doc.
import { useEffect, useRef, useState } from 'react';
import { readSettings } from '../../../shared/schema';
import { REVIEW_PROMPT, hasStarted, readEngineState, stagesOf, usualStageIndex, type StageDef } from '../../../shared/stages';
import { timerView } from '../../../shared/timer';
import * as control from '../../../shared/commands/control';
import { stagePrompt } from '../../../shared/templates';
import { useSession } from '../../sync/SessionContext';
import { useYSnapshot } from '../../sync/useYjs';
import { serverClock, useServerNow, type ServerClock } from '../../sync/clock';
import { announcementFor, type AnnounceState } from './announcements';
import { FacilitationNotes } from './FacilitationNotes';
import { StageList } from './StageList';
import './stages.css';

export function StagesPanel({ clock = serverClock }: { clock?: ServerClock }) {
  const session = useSession();
  const state = useYSnapshot(session.control, readEngineState);
  const settings = useYSnapshot(session.control, readSettings);
  const now = useServerNow(clock);
  const isFacilitator = session.role === 'facilitator';
  const current = state.current;
  // The usual five; a follow-up starts with Review (shared/stages.ts).
  const stages = stagesOf(state);
  const usual = usualStageIndex(state);
  const view = timerView(state, now);
  const announcement = useAnnouncement({ stage: current, phase: view.phase }, stages);

  // The five stages fold away once the workshop runs, so the work comes first on small screens;
  // before the start the facilitator sees them open, to adjust the planned minutes.
  const [listOpen, setListOpen] = useState<boolean | null>(null);
  const open = listOpen ?? (isFacilitator && !hasStarted(state));

  const next = stages[current + 1];
  return (
    <>
      <section aria-label="Stages" className="panel stages">
        <div className="stages-head">
          <h2>
            Stage {current + 1} of {stages.length}: {stages[current]!.title}
          </h2>
          <p className="stages-next">{next ? `Next: ${next.title}` : 'Last stage'}</p>
          {settings.locked && (
            <p className="stages-locked" role="status">
              Board locked: read-only for participants
            </p>
          )}
        </div>
        <p className="stages-prompt">{usual < 0 ? REVIEW_PROMPT : stagePrompt(settings.template, usual)}</p>
        {/* A toggle event also follows `open` set from here: only a person's own toggle is kept. */}
        <details className="stages-all" open={open} onToggle={(e) => e.currentTarget.open !== open && setListOpen(e.currentTarget.open)}>
          <summary>{stages.length === 5 ? 'All five stages' : `All ${stages.length} stages`}</summary>
          <StageList state={state} now={now} editable={isFacilitator} />
        </details>
        {isFacilitator && (
          <div className="stages-controls" role="group" aria-label="Stage controls">
            <button type="button" disabled={current === 0} onClick={() => control.previousStage(session.control, clock.now(), { from: current })}>
              Previous stage
            </button>
            <button
              type="button"
              className="primary"
              disabled={current === stages.length - 1}
              onClick={() => control.nextStage(session.control, clock.now(), { from: current })}
            >
              Next stage
            </button>
            <button type="button" onClick={() => control.setLocked(session.control, !settings.locked)}>
              {settings.locked ? 'Unlock board' : 'Lock board'}
            </button>
            {/* Auto-advance (off by default) is done by the server (server/serverRules.ts); this only sets it. */}
            <label className="stages-check">
              <input type="checkbox" checked={settings.autoAdvance} onChange={(e) => control.setAutoAdvance(session.control, e.target.checked)} />
              Auto-advance when time is up
            </label>
            <label className="stages-check">
              <input type="checkbox" checked={settings.endSound} onChange={(e) => control.setEndSound(session.control, e.target.checked)} />
              Sound on the room screen when time is up
            </label>
          </div>
        )}
        {/* Keyed by stage: each stage's notes start folded, so they never push its work out of view. */}
        {isFacilitator && usual >= 0 && <FacilitationNotes key={current} template={settings.template} stage={usual} plannedMs={state.stages[current]!.plannedMs} />}
      </section>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="stage-announcer">
        {announcement}
      </div>
    </>
  );
}

/** The latest announcement; it changes only on a transition (see announcements.ts). */
function useAnnouncement(next: AnnounceState, stages: readonly StageDef[]): string {
  const prev = useRef<AnnounceState | null>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    const text = announcementFor(prev.current, next, stages);
    prev.current = next;
    if (text) setMessage(text);
  }, [next.stage, next.phase]); // eslint-disable-line react-hooks/exhaustive-deps
  return message;
}
