// The decision log's view of the domain helpers it depends on: stage timings (shared/stages.ts),
// the ranking (shared/ranking.ts) and the Ship-It checklist (shared/checklist.ts). The log calls
// only these functions, so a change of shape in those modules is followed here, in one place.
import { REVIEW_STAGE, stageTimings, type EngineState, type StageTiming } from '../stages.js';
import type { StageKey } from '../constants.js';
import { rankBoard } from '../ranking.js';
import { computeChecklist, type ChecklistItem } from '../checklist.js';
import type { BoardSnapshot, Initiative, Settings } from '../schema.js';
import { scalingPlan, type ScalingPlan } from '../roadmap.js';

/** Planned vs actual minutes per stage of the usual five, in stage order (one decimal). */
export function stageTimingsForLog(engine: EngineState, now: number): (StageTiming & { key: StageKey })[] {
  return stageTimings(engine, now).filter((t): t is StageTiming & { key: StageKey } => t.key !== REVIEW_STAGE.key);
}

/** A follow-up's Review stage, planned vs actual (null in a workshop without one). */
export function reviewTimingForLog(engine: EngineState, now: number): StageTiming | null {
  return stageTimings(engine, now).find((t) => t.key === REVIEW_STAGE.key) ?? null;
}

export interface RankedForLog {
  initiative: Initiative;
  /** Means of the revealed scores, or null. */
  roi: number | null;
  urgency: number | null;
}

/** The top N initiatives in final order (computed order, then the facilitator's override); none before a ranking exists. */
export function topInitiativesForLog(board: BoardSnapshot, settings: Settings, rankingOrder: string[] | null, scoresRevealed: boolean): RankedForLog[] {
  return rankBoard(board, { order: rankingOrder, topN: settings.topN, scoresRevealed })
    .filter((r) => r.top)
    .map((r) => ({ initiative: r.initiative, roi: r.stats.roi.mean, urgency: r.stats.urgency.mean }));
}

/** The five Ship-It items, computed from the board and the top initiatives. */
export function checklistForLog(board: BoardSnapshot, top: Initiative[]): ChecklistItem[] {
  return computeChecklist(
    board,
    top.map((i) => i.id),
  );
}

/** Forecasts, forecast urgency and the roadmap (SPEC 7), on the same ranking as the decisions. */
export function planForLog(board: BoardSnapshot, settings: Settings, rankingOrder: string[] | null, scoresRevealed: boolean): ScalingPlan {
  return scalingPlan(board, board.scenarios, rankBoard(board, { order: rankingOrder, topN: settings.topN, scoresRevealed }));
}
