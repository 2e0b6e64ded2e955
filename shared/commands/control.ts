// Facilitator commands on the control document: the stage engine, the timer and the workshop
// settings. Each is one transaction. Only facilitators' writes to this document reach the server
// (participants' and observers' are dropped there), so these are safe to call from any client:
// they only take effect for a facilitator. `now` is server time (see client/sync/clock.ts).
import type * as Y from 'yjs';
import { controlMaps } from '../schema.js';
import * as engine from '../stages.js';
import * as timer from '../timer.js';
import { isOffPlanTolerance } from '../checkins.js';

/** Default transaction origin of local commands. */
export const LOCAL_ORIGIN = 'local';

/** Reads the engine state, applies `change` and stores the result whole, if anything changed. */
function updateEngine(doc: Y.Doc, change: (state: engine.EngineState) => engine.EngineState, origin: unknown): void {
  doc.transact(() => {
    const before = engine.readEngineState(doc);
    const after = change(before);
    if (after !== before) controlMaps(doc).engine.set('state', after);
  }, origin);
}

export const startTimer = (doc: Y.Doc, now: number, origin: unknown = LOCAL_ORIGIN): void =>
  updateEngine(doc, (s) => timer.startTimer(s, now), origin);

export const pauseTimer = (doc: Y.Doc, now: number, origin: unknown = LOCAL_ORIGIN): void =>
  updateEngine(doc, (s) => timer.pauseTimer(s, now), origin);

export const resumeTimer = (doc: Y.Doc, now: number, origin: unknown = LOCAL_ORIGIN): void =>
  updateEngine(doc, (s) => timer.resumeTimer(s, now), origin);

/** Adds minutes to the current stage's timer; negative minutes remove time. */
export const addMinutes = (doc: Y.Doc, minutes: number, origin: unknown = LOCAL_ORIGIN): void =>
  updateEngine(doc, (s) => timer.addMinutes(s, minutes), origin);

/**
 * Moves to the next stage. With `from`, only if the current stage is still `from`: a double click,
 * or two facilitators clicking at once, moves the room one stage, not two.
 */
export function nextStage(doc: Y.Doc, now: number, opts: { from?: number; origin?: unknown } = {}): void {
  updateEngine(doc, (s) => (opts.from === undefined || s.current === opts.from ? engine.nextStage(s, now) : s), opts.origin ?? LOCAL_ORIGIN);
}

/** Moves to the previous stage (guarded by `from` like nextStage). Nothing on the board is lost. */
export function previousStage(doc: Y.Doc, now: number, opts: { from?: number; origin?: unknown } = {}): void {
  updateEngine(doc, (s) => (opts.from === undefined || s.current === opts.from ? engine.previousStage(s, now) : s), opts.origin ?? LOCAL_ORIGIN);
}

/**
 * Auto-advance, run by the server when the timer runs out (server/serverRules.ts): moves on from
 * stage `from` only if it is still current and its time is up, so it is idempotent across retries
 * and a facilitator advancing at the same moment.
 */
export function autoAdvance(doc: Y.Doc, from: number, now: number, origin: unknown = LOCAL_ORIGIN): void {
  updateEngine(doc, (s) => (s.current === from && engine.autoAdvanceDue(s, now) ? engine.nextStage(s, now) : s), origin);
}

/** Changes a stage's planned minutes; ignored once the workshop has started. */
export const setPlannedMinutes = (doc: Y.Doc, index: number, minutes: number, origin: unknown = LOCAL_ORIGIN): void =>
  updateEngine(doc, (s) => engine.setPlannedMinutes(s, index, minutes), origin);

// ---------------------------------------------------------------------------------------------
// Settings

type BooleanSetting = 'locked' | 'autoAdvance' | 'silentWriting' | 'anonymous' | 'endSound';

function setFlag(doc: Y.Doc, key: BooleanSetting, value: boolean, origin: unknown): void {
  doc.transact(() => {
    const settings = controlMaps(doc).settings;
    if (settings.get(key) !== value) settings.set(key, value);
  }, origin);
}

/** Locks the board (read-only for participants; the server enforces it) or unlocks it. */
export const setLocked = (doc: Y.Doc, locked: boolean, origin: unknown = LOCAL_ORIGIN): void => setFlag(doc, 'locked', locked, origin);

/** Whether the server moves the room on by itself when the timer runs out (off by default). */
export const setAutoAdvance = (doc: Y.Doc, on: boolean, origin: unknown = LOCAL_ORIGIN): void => setFlag(doc, 'autoAdvance', on, origin);

/** Silent writing: participants' new notes stay private until the facilitator reveals them. */
export const setSilentWriting = (doc: Y.Doc, on: boolean, origin: unknown = LOCAL_ORIGIN): void => setFlag(doc, 'silentWriting', on, origin);

/** Anonymous: authors are hidden on the board and in the log. */
export const setAnonymous = (doc: Y.Doc, on: boolean, origin: unknown = LOCAL_ORIGIN): void => setFlag(doc, 'anonymous', on, origin);

/** A short sound on the room screen (the Present view) when the stage's time runs out. */
export const setEndSound = (doc: Y.Doc, on: boolean, origin: unknown = LOCAL_ORIGIN): void => setFlag(doc, 'endSound', on, origin);

/** How far (percent of the planned value) a metric check-in may be off before it is Off plan (SPEC 8). */
export function setOffPlanTolerance(doc: Y.Doc, percent: number, origin: unknown = LOCAL_ORIGIN): void {
  if (!isOffPlanTolerance(percent)) return;
  doc.transact(() => {
    const settings = controlMaps(doc).settings;
    if (settings.get('offPlanTolerance') !== percent) settings.set('offPlanTolerance', percent);
  }, origin);
}
