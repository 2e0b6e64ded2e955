// What stages 3 to 5 read: the board, the facilitator's ranking controls and the ranking computed
// from them, plus who may edit. One hook so the three stages and the checklist agree.
import { useMemo } from 'react';
import { readBoard, type BoardSnapshot } from '../../../shared/schema';
import { rankBoard, readRankingControl, type RankedInitiative, type RankingControl } from '../../../shared/ranking';
import { useSession } from '../../sync/SessionContext';
import { useYSnapshot } from '../../sync/useYjs';
import type { WorkshopSession } from '../../sync/session';

export interface PrioritizationData {
  session: WorkshopSession;
  board: BoardSnapshot;
  control: RankingControl;
  ranking: RankedInitiative[];
  top: RankedInitiative[];
  isFacilitator: boolean;
  /** Whether this person may write the board now (observers never; participants not while locked). */
  canEdit: boolean;
}

export interface RankedBoard {
  board: BoardSnapshot;
  control: RankingControl;
  ranking: RankedInitiative[];
}

/**
 * The board, the ranking controls and the ranking from them, one object per change of either:
 * what stages 3 to 5 and the checklist read (rankBoard ranks each snapshot once for all of them,
 * the live decision log included).
 */
export function useRanking(session: WorkshopSession): RankedBoard {
  const board = useYSnapshot(session.board, readBoard);
  const control = useYSnapshot(session.control, readRankingControl);
  return useMemo(() => ({ board, control, ranking: rankBoard(board, control) }), [board, control]);
}

export function usePrioritization(): PrioritizationData {
  const session = useSession();
  const { board, control, ranking } = useRanking(session);
  const top = useMemo(() => ranking.filter((r) => r.top), [ranking]);
  const isFacilitator = session.role === 'facilitator';
  const canEdit = isFacilitator || (session.role === 'participant' && !control.locked);
  return { session, board, control, ranking, top, isFacilitator, canEdit };
}

export const formatMean = (v: number | null): string => (v === null ? '–' : v.toFixed(1));
export const displayTitle = (title: string): string => title.trim() || 'Untitled initiative';
