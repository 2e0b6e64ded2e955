// Stage 3: aggregate the revealed ROI / urgency scores and rank the initiatives. Pure functions of
// plain values, shared by the client (matrix, ranked list), the checklist and the decision log.
// The board carries only a tally per initiative (how many people gave each value; see
// tallyScores), so everything here is computed from tallies, never from who scored what.
//
// The rules, in one place:
// - A score counts only if it is an integer from 1 to 5; anything else (null, out of range, a
//   score for an initiative that no longer exists) is a missing score and is ignored.
// - Per initiative and axis: mean, min, max, and the spread as the population standard deviation.
// - Disagreement: at least two scores on an axis that lie DISAGREEMENT_RANGE (3) or more points
//   apart, e.g. one person says 1 and another 4: on a 5-point scale that is not noise.
// - Computed order: initiatives with both means first, by ROI × urgency (descending), then by ROI
//   mean (descending); then those missing one or both means, by ROI mean (missing last). Ties keep
//   the board's order: oldest initiative first, then by id (readBoard's order), so every client
//   computes the same ranking.
// - Facilitator override (control doc, ranking map key `order`): the initiatives it lists come
//   first, in its order; any it does not list (created after the last reorder) follow in computed
//   order. Ids of deleted initiatives are skipped.
// - Top N (settings.topN, default 3): the first N of the final order go on to stages 4 and 5,
//   but only once there is a ranking to speak of: the scores are revealed, or the facilitator has
//   ordered the list by hand. Before that the order is just the order of creation, and nothing is
//   top (no Build / Buy / Partner, no Ship-It item, no decision in the log).
import type * as Y from 'yjs';
import { DEFAULT_TOP_N } from './constants.js';
import {
  readBoard,
  readRankingOrder,
  readReveals,
  readSettings,
  type BoardSnapshot,
  type Initiative,
  type Score,
  type ScoreTally,
} from './schema.js';

export const SCORE_MIN = 1;
export const SCORE_MAX = 5;
/** Two scores this many points apart (or more) on one axis flag a disagreement. */
export const DISAGREEMENT_RANGE = 3;

export const isValidScore = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= SCORE_MIN && v <= SCORE_MAX;

export interface AxisStats {
  /** How many valid scores this axis has. */
  count: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Population standard deviation of the scores (0 for one score), null without scores. */
  spread: number | null;
}

export interface ScoreStats {
  initiativeId: string;
  roi: AxisStats;
  urgency: AxisStats;
  /** Participants who gave this initiative at least one valid score. */
  scorers: number;
  disagreement: boolean;
}

export interface RankedInitiative {
  initiative: Initiative;
  /** 1-based position in the final order (after the facilitator's override). */
  rank: number;
  /** 1-based position in the computed order (before any override). */
  computedRank: number;
  stats: ScoreStats;
  /** ROI mean × urgency mean, or null when either is missing. */
  priority: number | null;
  /** Among the first N once ranked (revealed or ordered by hand): goes on to Build / Buy / Partner. */
  top: boolean;
}

export interface RankingControl {
  /** The facilitator's order, or null when never reordered. */
  order: string[] | null;
  topN: number;
  scoresRevealed: boolean;
  /** The reveal names who gave which score. */
  namedReveal: boolean;
  locked: boolean;
}

function axisStats(values: number[]): AxisStats {
  if (!values.length) return { count: 0, mean: null, min: null, max: null, spread: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { count: values.length, mean, min: Math.min(...values), max: Math.max(...values), spread: Math.sqrt(variance) };
}

const emptyStats = (initiativeId: string): ScoreStats => ({
  initiativeId,
  roi: axisStats([]),
  urgency: axisStats([]),
  scorers: 0,
  disagreement: false,
});

const disagrees = (a: AxisStats): boolean =>
  a.count >= 2 && a.min !== null && a.max !== null && a.max - a.min >= DISAGREEMENT_RANGE;

/**
 * How many people gave each value, per initiative: all the board shows of blind scores after an
 * anonymous reveal (the server computes it from the private documents).
 */
export function tallyScores(scores: readonly Score[]): Map<string, ScoreTally> {
  const out = new Map<string, ScoreTally & { people: Set<string> }>();
  for (const s of scores) {
    const roi = isValidScore(s.roi) ? s.roi : null;
    const urgency = isValidScore(s.urgency) ? s.urgency : null;
    if (roi === null && urgency === null) continue;
    let t = out.get(s.initiativeId);
    if (!t) out.set(s.initiativeId, (t = { initiativeId: s.initiativeId, roi: [0, 0, 0, 0, 0], urgency: [0, 0, 0, 0, 0], scorers: 0, people: new Set() }));
    if (roi !== null) t.roi[roi - SCORE_MIN]!++;
    if (urgency !== null) t.urgency[urgency - SCORE_MIN]!++;
    t.people.add(s.participantId);
    t.scorers = t.people.size;
  }
  return new Map([...out].map(([id, { people: _people, ...tally }]) => [id, tally]));
}

/** The scores a distribution stands for (1, 1, 3, … in order). */
const valuesOf = (counts: readonly number[]): number[] => counts.flatMap((n, i) => Array<number>(n).fill(i + SCORE_MIN));

/** Mean, spread and disagreement of one initiative, from its tally. */
export function statsOfTally(t: ScoreTally): ScoreStats {
  const roi = axisStats(valuesOf(t.roi));
  const urgency = axisStats(valuesOf(t.urgency));
  return { initiativeId: t.initiativeId, roi, urgency, scorers: t.scorers, disagreement: disagrees(roi) || disagrees(urgency) };
}

/** Mean, spread and disagreement per initiative, from individual scores. */
export function aggregateScores(scores: readonly Score[]): Map<string, ScoreStats> {
  return new Map([...tallyScores(scores)].map(([id, t]) => [id, statsOfTally(t)]));
}

/** A valid top N: a whole number ≥ 0; the default when unset or nonsense. */
export function normaliseTopN(topN: unknown): number {
  return typeof topN === 'number' && Number.isFinite(topN) && topN >= 0 ? Math.floor(topN) : DEFAULT_TOP_N;
}

const descNullLast = (a: number | null, b: number | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a;

/**
 * Ranks `initiatives` (given in board order: oldest first, then id) by their scores, applies the
 * facilitator's order if any, and marks the top N. See the rules at the top of this file.
 */
export function rankInitiatives(
  initiatives: readonly Initiative[],
  tallies: readonly ScoreTally[],
  opts: { order?: readonly string[] | null; topN?: number; revealed?: boolean } = {},
): RankedInitiative[] {
  const stats = new Map(tallies.map((t) => [t.initiativeId, statsOfTally(t)]));
  const rows = initiatives.map((initiative, boardIndex) => {
    const s = stats.get(initiative.id) ?? emptyStats(initiative.id);
    const priority = s.roi.mean !== null && s.urgency.mean !== null ? s.roi.mean * s.urgency.mean : null;
    return { initiative, stats: s, priority, boardIndex };
  });
  const computed = [...rows].sort(
    (a, b) =>
      descNullLast(a.priority, b.priority) || descNullLast(a.stats.roi.mean, b.stats.roi.mean) || a.boardIndex - b.boardIndex,
  );
  const computedRank = new Map(computed.map((r, i) => [r.initiative.id, i + 1]));

  let final = computed;
  let ordered = false;
  if (opts.order?.length) {
    const byId = new Map(rows.map((r) => [r.initiative.id, r]));
    const seen = new Set<string>();
    const pinned: typeof rows = [];
    for (const id of opts.order) {
      const row = byId.get(id);
      if (row && !seen.has(id)) {
        seen.add(id);
        pinned.push(row);
      }
    }
    final = [...pinned, ...computed.filter((r) => !seen.has(r.initiative.id))];
    ordered = pinned.length > 0;
  }

  const topN = opts.revealed || ordered ? normaliseTopN(opts.topN) : 0;
  return final.map((r, i) => ({
    initiative: r.initiative,
    rank: i + 1,
    computedRank: computedRank.get(r.initiative.id)!,
    stats: r.stats,
    priority: r.priority,
    top: i < topN,
  }));
}

/**
 * The last ranking of each board snapshot (keyed by its initiatives array, which readBoard makes
 * anew for every change): the stage views, the checklist and the live decision log rank the same
 * snapshot, so it is ranked once per change, not once per view. Results are shared: read-only.
 */
const lastRanking = new WeakMap<readonly Initiative[], { tallies: readonly ScoreTally[]; control: string; ranking: RankedInitiative[] }>();

/** The ranking as everyone sees it: board initiatives, revealed scores, facilitator's order, top N. */
export function rankBoard(
  board: Pick<BoardSnapshot, 'initiatives' | 'revealedScores'>,
  control: Pick<RankingControl, 'order' | 'topN' | 'scoresRevealed'>,
): RankedInitiative[] {
  const key = JSON.stringify([control.order, control.topN, control.scoresRevealed]);
  const last = lastRanking.get(board.initiatives);
  if (last && last.tallies === board.revealedScores && last.control === key) return last.ranking;
  const ranking = rankInitiatives(board.initiatives, board.revealedScores, { order: control.order, topN: control.topN, revealed: control.scoresRevealed });
  lastRanking.set(board.initiatives, { tallies: board.revealedScores, control: key, ranking });
  return ranking;
}

export const topIdsOf = (ranking: readonly RankedInitiative[]): string[] =>
  ranking.filter((r) => r.top).map((r) => r.initiative.id);

/** What stage 3 reads from the control document. */
export function readRankingControl(control: Y.Doc): RankingControl {
  const settings = readSettings(control);
  return {
    order: readRankingOrder(control),
    topN: normaliseTopN(settings.topN),
    scoresRevealed: readReveals(control).scoresRevealed,
    namedReveal: readReveals(control).namedReveal,
    locked: settings.locked,
  };
}

/** The final ranking straight from a workshop's two documents (for the decision log and the server). */
export function rankingOf(boardDoc: Y.Doc, controlDoc: Y.Doc): RankedInitiative[] {
  return rankBoard(readBoard(boardDoc), readRankingControl(controlDoc));
}
