// The stage machine and the timer: pure functions of (state, now). The state is stored whole in
// the control document (see schema.ts) and holds absolute times only, never a ticking countdown.
import { STAGES, type StageKey } from './constants.js';

export interface StageRun {
  key: StageKey;
  plannedMs: number;
}

export interface EngineState {
  version: 1;
  current: number;
  stages: StageRun[];
}

export function initialEngineState(plannedMinutes: readonly number[] = STAGES.map((s) => s.plannedMinutes)): EngineState {
  return {
    version: 1,
    current: 0,
    stages: STAGES.map((s, i) => ({ key: s.key, plannedMs: (plannedMinutes[i] ?? s.plannedMinutes) * 60_000 })),
  };
}
