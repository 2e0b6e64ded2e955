// The `Timer` region: remaining time, then overtime counting up, and the facilitator's timer
// controls. role="timer" is not live (no announcement every second); the Stages panel's live
// region announces the last minute and overtime once. StageTimer is the region as the workshop
// page shows it, in the sticky header beside the stage's name, so both stay in view.
import type { ReactNode } from 'react';
import type * as Y from 'yjs';
import { currentStageOf, readEngineState } from '../../../shared/stages';
import { timerView, type TimerView } from '../../../shared/timer';
import * as control from '../../../shared/commands/control';
import { useSession } from '../../sync/SessionContext';
import { useYSnapshot } from '../../sync/useYjs';
import { serverClock, useServerNow, type ServerClock } from '../../sync/clock';
import { formatClock } from './format';

/** The current stage's name and its timer, read from the session's control document. */
export function StageTimer({ clock = serverClock }: { clock?: ServerClock }) {
  const session = useSession();
  const state = useYSnapshot(session.control, readEngineState);
  const now = useServerNow(clock);
  const title = currentStageOf(state).title;
  const count = state.stages.length;
  return (
    <TimerPanel view={timerView(state, now)} stageTitle={title} isFacilitator={session.role === 'facilitator'} doc={session.control} clock={clock}>
      <p className="now-stage">
        <span className="now-step" aria-hidden="true">
          {state.current + 1}/{count}
        </span>
        <span className="visually-hidden">
          Stage {state.current + 1} of {count}:
        </span>{' '}
        {title}
      </p>
    </TimerPanel>
  );
}

const STATUS_TEXT = { idle: 'Not started', running: 'Running', paused: 'Paused' } as const;

/** `children` come first in the region (StageTimer: the stage's name). */
export function TimerPanel(props: { view: TimerView; stageTitle: string; isFacilitator: boolean; doc: Y.Doc; clock: ServerClock; children?: ReactNode }) {
  const { view, stageTitle, isFacilitator, doc, clock, children } = props;
  const overtime = view.phase === 'overtime';
  return (
    <section aria-label="Timer" className={`panel timer timer-${view.phase} timer-${view.status}`}>
      <h2 className="visually-hidden">Timer for {stageTitle}</h2>
      {children}
      <p className="timer-clock" role="timer" data-ends-at={view.endsAt ?? ''} data-status={view.status} data-phase={view.phase}>
        {overtime ? (
          <>
            <span className="timer-label">Overtime</span> <span className="timer-digits">+{formatClock(view.overtimeMs, 'floor')}</span>
          </>
        ) : (
          <>
            <span className="timer-label">Time left</span> <span className="timer-digits">{formatClock(view.remainingMs, 'ceil')}</span>
          </>
        )}
      </p>
      <p className="timer-status">
        {STATUS_TEXT[view.status]} · {formatClock(view.budgetMs)} for this stage
      </p>
      {isFacilitator && (
        <div className="timer-controls" role="group" aria-label="Timer controls">
          {view.status === 'idle' && (
            <button type="button" className="primary" onClick={() => control.startTimer(doc, clock.now())}>
              Start timer
            </button>
          )}
          {view.status === 'running' && (
            <button type="button" onClick={() => control.pauseTimer(doc, clock.now())}>
              Pause timer
            </button>
          )}
          {view.status === 'paused' && (
            <button type="button" className="primary" onClick={() => control.resumeTimer(doc, clock.now())}>
              Resume timer
            </button>
          )}
          <button type="button" onClick={() => control.addMinutes(doc, 5)}>
            Add 5 minutes
          </button>
          <button type="button" disabled={view.budgetMs === 0} onClick={() => control.addMinutes(doc, -5)}>
            Remove 5 minutes
          </button>
        </div>
      )}
    </section>
  );
}
