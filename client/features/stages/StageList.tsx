// The stages (the usual five; Review first in a follow-up): done, current or upcoming, planned vs
// elapsed. Before the workshop starts, a facilitator can edit each stage's planned minutes here.
import { useId, useState, type FormEvent } from 'react';
import { MAX_PLANNED_MINUTES, MIN_PLANNED_MINUTES, hasStarted, stagesOf, type EngineState, type StageRun } from '../../../shared/stages';
import { runElapsedMs, runStatus } from '../../../shared/timer';
import * as control from '../../../shared/commands/control';
import { useSession } from '../../sync/SessionContext';
import { formatClock, formatMinutes } from './format';

export function StageList({ state, now, editable }: { state: EngineState; now: number; editable: boolean }) {
  const canEditPlan = editable && !hasStarted(state);
  const stages = stagesOf(state);
  return (
    <ol className="stage-list" aria-label={stages.length === 5 ? 'The five stages' : `The ${stages.length} stages`}>
      {state.stages.map((run, i) => {
        const status = i < state.current ? 'done' : i === state.current ? 'current' : 'upcoming';
        return (
          <li key={run.key} className={`stage stage-${status}`} aria-current={status === 'current' ? 'step' : undefined} data-stage={run.key}>
            <span className="stage-title">
              {i + 1}. {stages[i]!.title}
            </span>
            <span className="visually-hidden"> ({status})</span>
            <span className="stage-times">
              {canEditPlan ? <PlannedMinutesInput index={i} run={run} title={stages[i]!.title} /> : <Planned run={run} />}
              <Elapsed run={run} now={now} />
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function Planned({ run }: { run: StageRun }) {
  const extra = Math.round(run.extraMs / 60_000);
  return (
    <span className="stage-planned">
      {formatMinutes(run.plannedMs)} planned
      {extra !== 0 && ` (${extra > 0 ? '+' : '−'}${Math.abs(extra)})`}
    </span>
  );
}

function Elapsed({ run, now }: { run: StageRun; now: number }) {
  if (runStatus(run) === 'idle') return <span className="stage-elapsed muted">not started</span>;
  return <span className="stage-elapsed">{formatClock(runElapsedMs(run, now), 'floor')} elapsed</span>;
}

/** Edited locally, written on Enter or when leaving the field, so typing "15" never writes "1". */
function PlannedMinutesInput({ index, run, title }: { index: number; run: StageRun; title: string }) {
  const session = useSession();
  const stored = Math.round(run.plannedMs / 60_000);
  const [value, setValue] = useState<string | null>(null);
  const id = useId();
  const commit = (e?: FormEvent) => {
    e?.preventDefault();
    const minutes = Number(value);
    if (value !== null && value.trim() !== '' && Number.isFinite(minutes)) control.setPlannedMinutes(session.control, index, minutes);
    setValue(null);
  };
  return (
    <form className="stage-plan" onSubmit={commit}>
      <label htmlFor={id}>planned minutes</label>
      {/* The full name says which stage; it contains the visible label (WCAG label in name). */}
      <input
        id={id}
        aria-label={`${title}: planned minutes`}
        type="number"
        inputMode="numeric"
        min={MIN_PLANNED_MINUTES}
        max={MAX_PLANNED_MINUTES}
        value={value ?? String(stored)}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => commit()}
      />
    </form>
  );
}
