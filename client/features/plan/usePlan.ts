// What the plan views read: the board's growth models and the scaling plan (forecasts, forecast
// urgency, roadmap) on the same ranking as stages 3–5. One computation per board or control change.
import { useMemo } from 'react';
import type { WorkshopSession } from '../../sync/session';
import { readBoard } from '../../../shared/schema';
import { rankBoard, readRankingControl } from '../../../shared/ranking';
import { scalingPlan, type ScalingPlan } from '../../../shared/roadmap';
import type { GrowthModel } from '../../../shared/forecast';
import { useYSnapshot } from '../../sync/useYjs';

export interface PlanData {
  models: GrowthModel[];
  plan: ScalingPlan;
}

export function usePlan(session: WorkshopSession): PlanData {
  const board = useYSnapshot(session.board, readBoard);
  const control = useYSnapshot(session.control, readRankingControl);
  return useMemo(() => {
    const ranking = rankBoard(board, control);
    return { models: board.scenarios, plan: scalingPlan(board, board.scenarios, ranking) };
  }, [board, control]);
}
