// The stage machine: moves, planned vs actual minutes, duration edits, auto-advance, and the
// defensive reading of a stored state. Plain numbers for `now`.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { STAGES } from '../../shared/constants.js';
import { controlMaps, initControl, readCurrentStage } from '../../shared/schema.js';
import {
  autoAdvanceDue,
  goToStage,
  hasStarted,
  initialEngineState,
  nextStage,
  normalizeEngineState,
  previousStage,
  readEngineState,
  setPlannedMinutes,
  stageTimings,
} from '../../shared/stages.js';
import { MINUTE_MS, addMinutes, pauseTimer, startTimer, timerView } from '../../shared/timer.js';
import * as control from '../../shared/commands/control.js';

const T0 = 1_700_000_000_000;
const min = (n: number) => n * MINUTE_MS;

describe('stage machine', () => {
  it('starts at the first of the five stages with the planned durations', () => {
    const state = initialEngineState([20, 15, 20, 25, 10]);
    expect(state.current).toBe(0);
    expect(state.stages.map((r) => r.key)).toEqual(STAGES.map((s) => s.key));
    expect(state.stages.map((r) => r.plannedMs / MINUTE_MS)).toEqual([20, 15, 20, 25, 10]);
    expect(initialEngineState().stages.map((r) => r.plannedMs / MINUTE_MS)).toEqual([20, 20, 20, 20, 10]);
  });

  it('moves forward and back within the five stages, and no further', () => {
    let state = initialEngineState();
    expect(previousStage(state, T0)).toBe(state);
    for (let i = 1; i <= 4; i++) {
      state = nextStage(state, T0 + i);
      expect(state.current).toBe(i);
    }
    expect(nextStage(state, T0 + 10)).toBe(state);
    state = previousStage(state, T0 + 11);
    expect(state.current).toBe(3);
    expect(goToStage(state, 7, T0)).toBe(state);
    expect(goToStage(state, 1, T0).current).toBe(1);
  });

  it('records when each stage started and ended, and its actual minutes, pauses excluded', () => {
    let state = startTimer(initialEngineState(), T0);
    state = nextStage(state, T0 + min(22)); // stage 1 ran 22 minutes
    expect(state.stages[0]).toMatchObject({ startedAt: T0, endedAt: T0 + min(22), runningSince: null, elapsedMs: min(22) });
    expect(state.stages[1]).toMatchObject({ startedAt: T0 + min(22), endedAt: null, runningSince: T0 + min(22) });
    state = pauseTimer(state, T0 + min(30)); // 8 minutes in stage 2, then a 10-minute break
    state = startTimer(state, T0 + min(40));
    state = addMinutes(state, 5); // an extension is not part of the plan
    state = nextStage(state, T0 + min(52)); // 12 more minutes: 20 in stage 2
    const timings = stageTimings(state, T0 + min(55));
    expect(timings).toEqual([
      { key: 'bottlenecks', title: 'Bottleneck mapping', plannedMinutes: 20, actualMinutes: 22, addedMinutes: 0 },
      { key: 'impact', title: 'Impact mapping', plannedMinutes: 20, actualMinutes: 20, addedMinutes: 5 }, // the extension, said apart
      { key: 'prioritization', title: 'Prioritization', plannedMinutes: 20, actualMinutes: 3, addedMinutes: 0 },
      { key: 'build-buy-partner', title: 'Build / Buy / Partner', plannedMinutes: 20, actualMinutes: 0, addedMinutes: 0 },
      { key: 'metrics-owners', title: 'Metrics & owners', plannedMinutes: 10, actualMinutes: 0, addedMinutes: 0 },
    ]);
    // Actual minutes are rounded to a tenth.
    expect(stageTimings(state, T0 + min(52) + 93_000)[2]!.actualMinutes).toBe(1.6);
  });

  it('going back resumes the earlier stage and adds to its actual time; going forward again keeps both', () => {
    let state = startTimer(initialEngineState(), T0);
    state = nextStage(state, T0 + min(10));
    state = previousStage(state, T0 + min(15)); // 5 minutes in stage 2
    expect(state.stages[1]).toMatchObject({ endedAt: T0 + min(15), elapsedMs: min(5) });
    expect(state.stages[0]).toMatchObject({ startedAt: T0, endedAt: null, runningSince: T0 + min(15) });
    expect(timerView(state, T0 + min(15)).remainingMs).toBe(min(10));
    state = nextStage(state, T0 + min(18));
    const t = stageTimings(state, T0 + min(20));
    expect(t[0]!.actualMinutes).toBe(13);
    expect(t[1]!.actualMinutes).toBe(7);
    expect(state.stages[1]!.startedAt).toBe(T0 + min(10)); // first start kept
  });

  it('moving while paused does not start the next stage', () => {
    let state = pauseTimer(startTimer(initialEngineState(), T0), T0 + min(1));
    state = nextStage(state, T0 + min(2));
    expect(timerView(state, T0 + min(3)).status).toBe('idle');
    expect(state.stages[0]!.endedAt).toBe(T0 + min(2));
  });

  it('a stage that never ran records no end when the room passes through it', () => {
    const state = nextStage(initialEngineState(), T0);
    expect(state.stages[0]).toMatchObject({ startedAt: null, endedAt: null });
  });

  it('lets durations be edited before the workshop starts, not after', () => {
    let state = setPlannedMinutes(initialEngineState(), 4, 15);
    expect(state.stages[4]!.plannedMs).toBe(min(15));
    expect(setPlannedMinutes(state, 0, 0).stages[0]!.plannedMs).toBe(min(1)); // at least a minute
    expect(setPlannedMinutes(state, 9, 10)).toBe(state);
    expect(hasStarted(state)).toBe(false);
    state = startTimer(state, T0);
    expect(hasStarted(state)).toBe(true);
    expect(setPlannedMinutes(state, 4, 30)).toBe(state);
  });

  it('auto-advance is due only while running in overtime with a stage to go to', () => {
    let state = startTimer(initialEngineState(), T0);
    expect(autoAdvanceDue(state, T0 + min(19))).toBe(false);
    expect(autoAdvanceDue(state, T0 + min(20))).toBe(true);
    expect(autoAdvanceDue(pauseTimer(state, T0 + min(21)), T0 + min(22))).toBe(false);
    state = goToStage(state, 4, T0 + min(1));
    expect(autoAdvanceDue(state, T0 + min(40))).toBe(false); // the last stage
  });

  it('reads a missing or malformed stored state as a usable one', () => {
    expect(normalizeEngineState(undefined)).toEqual(initialEngineState());
    expect(normalizeEngineState({ current: 99, stages: 'nope' }).current).toBe(4);
    const partial = normalizeEngineState({ current: 1, stages: [{ key: 'impact', plannedMs: min(7), runningSince: 'x' }] });
    expect(partial.stages[1]).toMatchObject({ key: 'impact', plannedMs: min(7), runningSince: null, elapsedMs: 0 });
    expect(partial.stages[0]!.plannedMs).toBe(min(20));
  });
});

describe('control commands', () => {
  const newControl = (durations = [20, 20, 20, 20, 10]) => {
    const doc = new Y.Doc();
    initControl(doc, { title: 'T', template: 'scaleup', createdAt: T0 }, initialEngineState(durations));
    return doc;
  };

  it('store the whole engine state in one transaction each, readable by schema.readCurrentStage', () => {
    const doc = newControl();
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    control.startTimer(doc, T0);
    control.nextStage(doc, T0 + min(1));
    expect(transactions).toBe(2);
    expect(readCurrentStage(doc)).toBe(1);
    expect(controlMaps(doc).engine.get('state')).toEqual(readEngineState(doc));
    expect(timerView(readEngineState(doc), T0 + min(2)).elapsedMs).toBe(min(1));
  });

  it('write nothing when nothing changes', () => {
    const doc = newControl();
    let updates = 0;
    doc.on('update', () => updates++);
    control.pauseTimer(doc, T0); // not running
    control.previousStage(doc, T0); // already first
    control.setLocked(doc, false); // already unlocked
    expect(updates).toBe(0);
  });

  it('a guarded next stage moves one stage even when two facilitators click at once', () => {
    const a = newControl();
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    control.nextStage(a, T0, { from: 0 });
    control.nextStage(b, T0 + 5, { from: 0 });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(readCurrentStage(a)).toBe(1);
    expect(readEngineState(a)).toEqual(readEngineState(b));
    // A stale click (the room already moved on) is ignored.
    control.nextStage(a, T0 + 10, { from: 0 });
    expect(readCurrentStage(a)).toBe(1);
  });

  it('auto-advance moves on once, only when the time is up', () => {
    const doc = newControl([1, 20, 20, 20, 10]);
    control.startTimer(doc, T0);
    control.autoAdvance(doc, 0, T0 + 30_000);
    expect(readCurrentStage(doc)).toBe(0);
    control.autoAdvance(doc, 0, T0 + 60_000);
    control.autoAdvance(doc, 0, T0 + 60_500); // a second facilitator, or the next tick
    expect(readCurrentStage(doc)).toBe(1);
    expect(timerView(readEngineState(doc), T0 + 61_000)).toMatchObject({ status: 'running', elapsedMs: 1_000 });
  });

  it('set the lock, auto-advance, silent writing and anonymous settings', () => {
    const doc = newControl();
    control.setLocked(doc, true);
    control.setAutoAdvance(doc, true);
    control.setSilentWriting(doc, true);
    control.setAnonymous(doc, true);
    expect(controlMaps(doc).settings.toJSON()).toMatchObject({ locked: true, autoAdvance: true, silentWriting: true, anonymous: true });
  });

  it('edit durations before the start only', () => {
    const doc = newControl();
    control.setPlannedMinutes(doc, 1, 25);
    control.startTimer(doc, T0);
    control.setPlannedMinutes(doc, 2, 5);
    expect(readEngineState(doc).stages.map((r) => r.plannedMs / MINUTE_MS)).toEqual([20, 25, 20, 20, 10]);
  });
});
