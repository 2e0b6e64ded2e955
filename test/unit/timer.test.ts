// The stage timer as pure functions of (state, now): plain numbers for `now`, no fake clocks.
import { describe, expect, it } from 'vitest';
import { initialEngineState, nextStage, previousStage } from '../../shared/stages.js';
import { MINUTE_MS, addMinutes, pauseTimer, resumeTimer, startTimer, timerView } from '../../shared/timer.js';

const T0 = 1_700_000_000_000;
const s = (n: number) => n * 1000;
const fresh = () => initialEngineState([20, 20, 20, 20, 10]);

describe('timer', () => {
  it('is idle with the full planned time before it starts', () => {
    const v = timerView(fresh(), T0);
    expect(v).toMatchObject({ status: 'idle', budgetMs: 20 * MINUTE_MS, elapsedMs: 0, remainingMs: 20 * MINUTE_MS, overtimeMs: 0, endsAt: null, phase: 'normal' });
  });

  it('counts down from an absolute start, the same for any `now` computed the same way', () => {
    const state = startTimer(fresh(), T0);
    expect(state.stages[0]!.runningSince).toBe(T0);
    expect(timerView(state, T0 + s(90))).toMatchObject({ status: 'running', elapsedMs: s(90), remainingMs: 20 * MINUTE_MS - s(90), endsAt: T0 + 20 * MINUTE_MS });
    // Starting again while running changes nothing (a double click keeps the original start).
    expect(startTimer(state, T0 + s(5))).toBe(state);
  });

  it('pauses, keeping the time run, and resumes from there', () => {
    let state = startTimer(fresh(), T0);
    state = pauseTimer(state, T0 + s(300));
    const paused = timerView(state, T0 + s(10_000));
    expect(paused).toMatchObject({ status: 'paused', elapsedMs: s(300), remainingMs: 15 * MINUTE_MS, endsAt: null });
    // Time does not pass while paused.
    expect(timerView(state, T0 + s(20_000)).remainingMs).toBe(15 * MINUTE_MS);
    expect(pauseTimer(state, T0 + s(400))).toBe(state);
    state = resumeTimer(state, T0 + s(1000));
    expect(timerView(state, T0 + s(1060))).toMatchObject({ status: 'running', elapsedMs: s(360), remainingMs: 14 * MINUTE_MS, endsAt: T0 + s(1000) + 15 * MINUTE_MS });
  });

  it('extends and shortens the current stage, never below zero', () => {
    let state = startTimer(fresh(), T0);
    state = addMinutes(state, 5);
    expect(timerView(state, T0).remainingMs).toBe(25 * MINUTE_MS);
    expect(timerView(state, T0).endsAt).toBe(T0 + 25 * MINUTE_MS);
    state = addMinutes(state, -10);
    expect(timerView(state, T0).remainingMs).toBe(15 * MINUTE_MS);
    state = addMinutes(state, -100);
    expect(timerView(state, T0).budgetMs).toBe(0);
    expect(timerView(state, T0 + s(1)).phase).toBe('overtime');
    expect(addMinutes(state, 0)).toBe(state);
    // Only the current stage's budget changed.
    expect(state.stages.slice(1).every((r) => r.extraMs === 0)).toBe(true);
  });

  it('enters the last minute, then counts overtime instead of advancing', () => {
    const state = startTimer(fresh(), T0);
    expect(timerView(state, T0 + 19 * MINUTE_MS - 1).phase).toBe('normal');
    expect(timerView(state, T0 + 19 * MINUTE_MS).phase).toBe('last-minute');
    expect(timerView(state, T0 + 20 * MINUTE_MS)).toMatchObject({ phase: 'overtime', remainingMs: 0, overtimeMs: 0 });
    const late = timerView(state, T0 + 20 * MINUTE_MS + s(75));
    expect(late).toMatchObject({ phase: 'overtime', remainingMs: 0, overtimeMs: s(75), status: 'running' });
    expect(state.current).toBe(0);
    // Adding minutes in overtime brings the timer back.
    expect(timerView(addMinutes(state, 5), T0 + 20 * MINUTE_MS + s(75)).remainingMs).toBe(5 * MINUTE_MS - s(75));
  });

  it('treats a `now` before the start (a co-facilitator clock a little behind) as no time run', () => {
    const state = startTimer(fresh(), T0);
    expect(timerView(state, T0 - s(2)).elapsedMs).toBe(0);
  });

  it('gives each stage its own timer, which keeps running across a stage move', () => {
    let state = startTimer(fresh(), T0);
    state = nextStage(state, T0 + s(600));
    expect(timerView(state, T0 + s(660))).toMatchObject({ status: 'running', elapsedMs: s(60), remainingMs: 19 * MINUTE_MS });
    state = pauseTimer(state, T0 + s(700));
    state = previousStage(state, T0 + s(800));
    // Back in stage 1: its own 10 minutes run are kept, and the paused room stays paused.
    expect(timerView(state, T0 + s(900))).toMatchObject({ status: 'paused', elapsedMs: s(600), remainingMs: 10 * MINUTE_MS });
  });
});
