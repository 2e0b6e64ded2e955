// What the stage panel says to screen readers: a stage change, the last minute and overtime,
// each announced once, when it happens (not on every tick, and not on joining mid-stage).
import { STAGES } from '../../../shared/constants';
import type { StageDef } from '../../../shared/stages';
import type { TimerPhase } from '../../../shared/timer';

export interface AnnounceState {
  stage: number;
  phase: TimerPhase;
}

/** The message for the change from `prev` to `next`, or null when there is nothing to say. */
export function announcementFor(prev: AnnounceState | null, next: AnnounceState, stages: readonly Pick<StageDef, 'title'>[] = STAGES): string | null {
  if (!prev) return null;
  const title = stages[next.stage]?.title ?? '';
  if (prev.stage !== next.stage) return `Stage ${next.stage + 1} of ${stages.length}: ${title}.`;
  if (prev.phase === next.phase) return null;
  if (next.phase === 'last-minute' && prev.phase === 'normal') return `One minute left for ${title}.`;
  if (next.phase === 'overtime') return `Time is up for ${title}. Overtime is counting.`;
  return null;
}
