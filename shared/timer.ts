// The stage timer: pure functions of (engine state, now). Each stage has its own timer whose
// budget is its planned duration plus the minutes added; the state keeps absolute server times
// (when the current stretch started) and the time already run, never a ticking countdown, so
// every client computes the same remaining time from the same state and its own server-clock
// estimate. `now` is always server time (see shared/clock.ts).
import type { EngineState, StageRun } from './stages.js';

export const MINUTE_MS = 60_000;
/** The last minute is announced to screen readers. */
export const LAST_MINUTE_MS = MINUTE_MS;

export const TIMER_STATUSES = ['idle', 'running', 'paused'] as const;
/** idle: never run in this stage; running; paused: has run, not running now. */
export type TimerStatus = (typeof TIMER_STATUSES)[number];

/** normal, the last minute, or overtime (time is up). */
export type TimerPhase = 'normal' | 'last-minute' | 'overtime';

export interface TimerView {
  status: TimerStatus;
  /** Planned plus added minutes. */
  budgetMs: number;
  elapsedMs: number;
  /** Time left, never negative. */
  remainingMs: number;
  /** Time past the budget, 0 until the time is up. */
  overtimeMs: number;
  /** Server time the budget runs out while running; null when not running. */
  endsAt: number | null;
  phase: TimerPhase;
}

export function runStatus(run: StageRun): TimerStatus {
  if (run.runningSince !== null) return 'running';
  return run.startedAt === null && run.elapsedMs === 0 ? 'idle' : 'paused';
}

/** Time the timer has run in this stage, up to `now`. A `now` before the start counts as 0. */
export function runElapsedMs(run: StageRun, now: number): number {
  return run.elapsedMs + (run.runningSince === null ? 0 : Math.max(0, now - run.runningSince));
}

export const runBudgetMs = (run: StageRun): number => Math.max(0, run.plannedMs + run.extraMs);

/** The run with its timer running from `now` (unchanged if already running). */
export function startRun(run: StageRun, now: number): StageRun {
  if (run.runningSince !== null) return run;
  return { ...run, runningSince: now, startedAt: run.startedAt ?? now, endedAt: null };
}

/** The run with its current stretch folded into `elapsedMs` (unchanged if not running). */
export function stopRun(run: StageRun, now: number): StageRun {
  if (run.runningSince === null) return run;
  return { ...run, elapsedMs: runElapsedMs(run, now), runningSince: null };
}

function withCurrentRun(state: EngineState, update: (run: StageRun) => StageRun): EngineState {
  const run = state.stages[state.current]!;
  const next = update(run);
  if (next === run) return state;
  const stages = state.stages.slice();
  stages[state.current] = next;
  return { ...state, stages };
}

/** Starts the current stage's timer (or resumes it if paused). No-op while running. */
export const startTimer = (state: EngineState, now: number): EngineState => withCurrentRun(state, (r) => startRun(r, now));

/** Resumes a paused timer; the same as start, named for the gesture. */
export const resumeTimer = startTimer;

/** Pauses the current stage's timer; the time run so far is kept. No-op unless running. */
export const pauseTimer = (state: EngineState, now: number): EngineState => withCurrentRun(state, (r) => stopRun(r, now));

/**
 * Adds (or with a negative number removes) whole minutes to the current stage's budget. The budget
 * never goes below zero; removing more than is left puts the timer into overtime.
 */
export function addMinutes(state: EngineState, minutes: number): EngineState {
  if (!Number.isFinite(minutes) || minutes === 0) return state;
  return withCurrentRun(state, (run) => {
    const extraMs = Math.max(-run.plannedMs, run.extraMs + Math.round(minutes) * MINUTE_MS);
    return extraMs === run.extraMs ? run : { ...run, extraMs };
  });
}

export function runView(run: StageRun, now: number): TimerView {
  const status = runStatus(run);
  const budgetMs = runBudgetMs(run);
  const elapsedMs = runElapsedMs(run, now);
  const left = budgetMs - elapsedMs;
  const remainingMs = Math.max(0, left);
  const overtimeMs = Math.max(0, -left);
  const started = status !== 'idle';
  return {
    status,
    budgetMs,
    elapsedMs,
    remainingMs,
    overtimeMs,
    endsAt: run.runningSince === null ? null : run.runningSince + (budgetMs - run.elapsedMs),
    phase: started && left <= 0 ? 'overtime' : started && left <= LAST_MINUTE_MS ? 'last-minute' : 'normal',
  };
}

/** What the current stage's timer shows at `now`. */
export const timerView = (state: EngineState, now: number): TimerView => runView(state.stages[state.current]!, now);
