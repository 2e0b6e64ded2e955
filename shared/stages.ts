// The stage machine: pure functions of (state, now). The state is stored whole in the control
// document (see schema.ts, map `engine` key `state`), replaced whole on each change, and holds
// absolute server times only, never a ticking countdown. The timer of each stage is in timer.ts.
//
// Each stage keeps its own run: planned minutes, minutes added, time run so far and when it first
// started and last ended. Moving between stages never touches the board, so going back loses
// nothing; the timer keeps running across a move if it was running.
//
// A follow-up workshop (SPEC 8) has one more stage, `Review`, before the usual five. The sequence
// is read from the state itself (a run keyed `review` first), so every function here works on
// `state.stages` and a workshop without Review is exactly what it always was.
import type * as Y from 'yjs';
import { STAGES, type StageKey } from './constants.js';
import { controlMaps } from './schema.js';
import { MINUTE_MS, runElapsedMs, runView, startRun, stopRun } from './timer.js';

/** The stage a follow-up starts with: the previous workshop's decisions, reviewed (SPEC 8). */
export const REVIEW_STAGE = { key: 'review', title: 'Review', plannedMinutes: 15 } as const;
export type ReviewStageKey = typeof REVIEW_STAGE.key;
/** A stage of any workshop: one of the usual five, or Review in a follow-up. */
export type SequenceStageKey = StageKey | ReviewStageKey;
export interface StageDef {
  key: SequenceStageKey;
  title: string;
  plannedMinutes: number;
}
export const REVIEW_PROMPT =
  'Review the previous decisions: give each a status and a comment, and carry the open ones over as initiatives.';

/** The stages of a workshop in order: the usual five, after Review in a follow-up. */
export const stageSequence = (followUp: boolean): readonly StageDef[] => (followUp ? [REVIEW_STAGE, ...STAGES] : STAGES);

export interface StageRun {
  key: SequenceStageKey;
  /** The plan: from the template, editable until the workshop starts. */
  plannedMs: number;
  /** Minutes added (negative: removed) to this stage's timer while the workshop runs. */
  extraMs: number;
  /** Time the timer ran in this stage in earlier, closed stretches. */
  elapsedMs: number;
  /** Server time the current stretch started; null when the timer is not running. */
  runningSince: number | null;
  /** Server time this stage's timer first ran; null until then. */
  startedAt: number | null;
  /** Server time the room last left this stage after it had started; null while current. */
  endedAt: number | null;
}

export interface EngineState {
  version: 1;
  /** Index of the current stage in `stages` (0–4; 0–5 in a follow-up). schema.ts readCurrentStage reads it. */
  current: number;
  stages: StageRun[];
}

/** The usual five stages (a follow-up has one more: see stagesOf). */
export const STAGE_COUNT = STAGES.length;
export const MIN_PLANNED_MINUTES = 1;
export const MAX_PLANNED_MINUTES = 180;

const emptyRun = (key: SequenceStageKey, plannedMs: number): StageRun => ({
  key,
  plannedMs,
  extraMs: 0,
  elapsedMs: 0,
  runningSince: null,
  startedAt: null,
  endedAt: null,
});

/** A new workshop's state; `plannedMinutes` are the usual five's. A follow-up starts with Review. */
export function initialEngineState(
  plannedMinutes: readonly number[] = STAGES.map((s) => s.plannedMinutes),
  { followUp = false }: { followUp?: boolean } = {},
): EngineState {
  const usual = STAGES.map((s, i) => emptyRun(s.key, clampMinutes(plannedMinutes[i] ?? s.plannedMinutes) * MINUTE_MS));
  return {
    version: 1,
    current: 0,
    stages: followUp ? [emptyRun(REVIEW_STAGE.key, REVIEW_STAGE.plannedMinutes * MINUTE_MS), ...usual] : usual,
  };
}

/** Whether this is a follow-up's state (Review first). */
export const isFollowUpState = (state: EngineState): boolean => state.stages[0]?.key === REVIEW_STAGE.key;

/** This workshop's stages in order. */
export const stagesOf = (state: EngineState): readonly StageDef[] => stageSequence(isFollowUpState(state));

/** The current stage's definition. */
export const currentStageOf = (state: EngineState): StageDef => stagesOf(state)[state.current]!;

/** Position of the current stage among the usual five (0–4), or -1 during Review. */
export const usualStageIndex = (state: EngineState): number => STAGES.findIndex((s) => s.key === currentStageOf(state).key);

/** Index of the last stage of this workshop. */
export const lastStageIndex = (state: EngineState): number => state.stages.length - 1;

const clampMinutes = (m: number): number =>
  Math.min(MAX_PLANNED_MINUTES, Math.max(MIN_PLANNED_MINUTES, Math.round(Number.isFinite(m) ? m : MIN_PLANNED_MINUTES)));

// ---------------------------------------------------------------------------------------------
// Reading the stored state defensively: the control document is written by facilitator clients,
// so an old or malformed value must still read as a usable state.

const finite = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const timeOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function normalizeEngineState(raw: unknown): EngineState {
  if (!raw || typeof raw !== 'object') return initialEngineState();
  const r = raw as { current?: unknown; stages?: unknown };
  const stored = Array.isArray(r.stages) ? (r.stages as unknown[]) : [];
  const keyOf = (x: unknown) => (x as { key?: unknown } | null)?.key;
  const followUp = stored.some((x) => keyOf(x) === REVIEW_STAGE.key);
  const fallback = initialEngineState(undefined, { followUp });
  const sequence = stageSequence(followUp);
  const stages = sequence.map((s, i): StageRun => {
    const v = stored.find((x) => keyOf(x) === s.key) ?? (keyOf(stored[i]) === undefined ? stored[i] : undefined);
    if (!v || typeof v !== 'object') return fallback.stages[i]!;
    const o = v as Record<string, unknown>;
    return {
      key: s.key,
      plannedMs: Math.max(0, finite(o.plannedMs, fallback.stages[i]!.plannedMs)),
      extraMs: finite(o.extraMs, 0),
      elapsedMs: Math.max(0, finite(o.elapsedMs, 0)),
      runningSince: timeOrNull(o.runningSince),
      startedAt: timeOrNull(o.startedAt),
      endedAt: timeOrNull(o.endedAt),
    };
  });
  const current = Math.min(sequence.length - 1, Math.max(0, Math.floor(finite(r.current, 0))));
  return { version: 1, current, stages };
}

/** The engine state of a control document. */
export const readEngineState = (doc: Y.Doc): EngineState => normalizeEngineState(controlMaps(doc).engine.get('state'));

/** The key of a control document's current stage (`review` during a follow-up's Review). */
export const readCurrentStageKey = (doc: Y.Doc): SequenceStageKey => currentStageOf(readEngineState(doc)).key;

// ---------------------------------------------------------------------------------------------
// Moving between stages

/**
 * Moves to stage `index`. The stage left stops its timer and records when it ended; if the timer
 * was running, the stage entered starts (or continues) its own at once. Same state if no move.
 */
export function goToStage(state: EngineState, index: number, now: number): EngineState {
  if (!Number.isInteger(index) || index < 0 || index >= state.stages.length || index === state.current) return state;
  const leaving = state.stages[state.current]!;
  const wasRunning = leaving.runningSince !== null;
  const stages = state.stages.slice();
  const left = stopRun(leaving, now);
  stages[state.current] = left.startedAt !== null ? { ...left, endedAt: now } : left;
  const entering = { ...stages[index]!, endedAt: null };
  stages[index] = wasRunning ? startRun(entering, now) : entering;
  return { ...state, current: index, stages };
}

export const nextStage = (state: EngineState, now: number): EngineState => goToStage(state, state.current + 1, now);
export const previousStage = (state: EngineState, now: number): EngineState => goToStage(state, state.current - 1, now);

/** Whether the room is at stage `key` or past it, or has ever run its timer. */
export function hasReachedStage(state: EngineState, key: SequenceStageKey): boolean {
  const index = state.stages.findIndex((r) => r.key === key);
  return index >= 0 && (state.current >= index || state.stages[index]!.startedAt !== null);
}

/** Whether the workshop has started: some stage's timer has run. */
export const hasStarted = (state: EngineState): boolean => state.stages.some((s) => s.startedAt !== null);

/** Sets a stage's planned minutes. Only before the workshop starts; the plan is then fixed. */
export function setPlannedMinutes(state: EngineState, index: number, minutes: number): EngineState {
  const run = state.stages[index];
  if (!run || hasStarted(state) || !Number.isFinite(minutes)) return state;
  const plannedMs = clampMinutes(minutes) * MINUTE_MS;
  if (plannedMs === run.plannedMs) return state;
  const stages = state.stages.slice();
  stages[index] = { ...run, plannedMs };
  return { ...state, stages };
}

/**
 * Auto-advance is due when the current stage's timer is running and its time is up, and there is a
 * next stage. The server checks it (server/serverRules.ts) and moves the room on when it is.
 */
export function autoAdvanceDue(state: EngineState, now: number): boolean {
  if (state.current >= lastStageIndex(state)) return false;
  const view = runView(state.stages[state.current]!, now);
  return view.status === 'running' && view.phase === 'overtime';
}

// ---------------------------------------------------------------------------------------------
// Planned vs actual, for the Stages panel and the decision log

export interface StageTiming {
  key: SequenceStageKey;
  title: string;
  /** The plan (template or pre-start edit), without minutes added during the session. */
  plannedMinutes: number;
  /** Time the stage's timer actually ran (pauses excluded), in minutes to one decimal. */
  actualMinutes: number;
  /** Minutes the facilitator added (or took away) during the session. */
  addedMinutes: number;
}

const toMinutes = (ms: number): number => Math.round(ms / 6_000) / 10;

export function stageTimings(state: EngineState, now: number): StageTiming[] {
  const sequence = stagesOf(state);
  return state.stages.map((run, i) => ({
    key: run.key,
    title: sequence[i]!.title,
    plannedMinutes: toMinutes(run.plannedMs),
    actualMinutes: toMinutes(runElapsedMs(run, now)),
    addedMinutes: toMinutes(run.extraMs),
  }));
}
