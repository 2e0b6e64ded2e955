// Follow-ups (SPEC 8): a workshop that starts with `Review` of the decisions of the one before.
// When the facilitator starts a follow-up, the server copies the previous workshop's decisions
// (with their metrics and check-ins) into the new board, in the server-only root `previous`
// (schema.ts readPrevious), and opens one review record per decision in `reviews`, where
// facilitators and participants give each a status and a comment. An open decision can be carried
// over as an initiative of the new workshop. Pure: used by the server, the browser and the log.
import * as Y from 'yjs';
import { boardMaps, readPrevious, type BoardSnapshot, type CheckIn, type PreviousDecision, type PreviousMetric, type PreviousWorkshop, type Settings } from './schema.js';
import { topInitiativesForLog } from './log/adapters.js';
import { metricProgress, type MetricProgress } from './checkins.js';
import { hasReachedStage, type EngineState } from './stages.js';
import { clipUnits } from './commands/text.js';
import { MAX_WORKSHOP_TITLE } from './limits.js';

export const REVIEW_STATUSES = [
  { key: 'on-track', title: 'On track' },
  { key: 'at-risk', title: 'At risk' },
  { key: 'off-track', title: 'Off track' },
  { key: 'done', title: 'Done' },
  { key: 'dropped', title: 'Dropped' },
] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number]['key'];

/** A stored status, or null when unset or unknown (participants write the board). */
export const reviewStatusOf = (v: unknown): ReviewStatus | null =>
  typeof v === 'string' && REVIEW_STATUSES.some((s) => s.key === v) ? (v as ReviewStatus) : null;

export const reviewStatusTitle = (s: ReviewStatus | null): string => REVIEW_STATUSES.find((x) => x.key === s)?.title ?? '';

/** Open: neither Done nor Dropped (an unreviewed decision is open). Only open decisions are carried over. */
export const isOpenStatus = (s: ReviewStatus | null): boolean => s !== 'done' && s !== 'dropped';

/** The longest review comment: a content limit (shared/limits.ts), which the write gate holds clients to. */
export { MAX_REVIEW_COMMENT } from './limits.js';

/** The new workshop's initiative a previous decision is carried over as: one id, so two people carrying it at once make one. */
export const carriedInitiativeId = (decisionId: string): string => `carried-${decisionId}`.slice(0, 64);

/** The title a follow-up gets by default. */
export const followUpTitle = (title: string): string => clipUnits(`Follow-up: ${title}`, MAX_WORKSHOP_TITLE);

/**
 * A follow-up may be started once the workshop has decisions (its top initiatives), or at any
 * time once the room has reached stage 5. The server checks it too (server/followUp.ts).
 */
export const canStartFollowUp = (decisionCount: number, engine: EngineState): boolean =>
  decisionCount > 0 || hasReachedStage(engine, 'metrics-owners');

/**
 * The copy of a workshop's decisions a follow-up keeps: its top initiatives in final order, each
 * with approach, rationale, phase, DRI and metrics (ids kept, so check-ins go on against them), and
 * the check-ins of those metrics so far.
 */
export function previousWorkshopFrom(args: {
  id: string;
  board: BoardSnapshot;
  settings: Settings;
  rankingOrder: string[] | null;
  scoresRevealed: boolean;
}): PreviousWorkshop {
  const { board, settings } = args;
  const top = topInitiativesForLog(board, settings, args.rankingOrder, args.scoresRevealed);
  const decisions: PreviousDecision[] = top.map(({ initiative }, i) => {
    const d = board.decisions[initiative.id];
    return {
      id: initiative.id,
      rank: i + 1,
      initiative: initiative.title,
      approach: d?.approach ?? null,
      rationale: d?.rationale ?? '',
      phase: d?.phase ?? null,
      dri: d?.dri ?? null,
      metrics: board.metrics
        .filter((m) => m.initiativeId === initiative.id && [m.name, m.baseline, m.target, m.due].some((s) => s.trim() !== ''))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(({ id, name, baseline, target, due, observability }) => ({ id, name, baseline, target, due, observability })),
    };
  });
  const metricIds = new Set(decisions.flatMap((d) => d.metrics.map((m) => m.id)));
  // A follow-up of a follow-up keeps going: check-ins the previous workshop took on its own previous
  // metrics are not its decisions' and stay behind.
  const checkIns = board.checkIns.filter((c) => metricIds.has(c.metricId)).map((c) => ({ ...c }));
  return { id: args.id, title: settings.title, createdAt: settings.createdAt, decisions, checkIns };
}

/**
 * Writes a new follow-up's previous workshop into its board and opens a review record per decision
 * (so two people reviewing the same decision at once edit one record, never replace each other's).
 * The server calls it once, at creation.
 */
export function writePrevious(board: Y.Doc, previous: PreviousWorkshop, origin: unknown): void {
  board.transact(() => {
    const maps = boardMaps(board);
    maps.previous.set('workshop', previous);
    for (const d of previous.decisions) {
      const r = new Y.Map<unknown>();
      r.set('status', '');
      r.set('comment', '');
      maps.reviews.set(d.id, r);
    }
  }, origin);
}

/** Whether a metric id is one of a follow-up's previous metrics (check-ins are taken on them too). */
export function isPreviousMetric(board: Y.Doc, metricId: string): boolean {
  return readPrevious(board)?.decisions.some((d) => d.metrics.some((m) => m.id === metricId)) ?? false;
}

export interface ReviewedMetric extends PreviousMetric {
  /** Against the plan from the previous workshop's date, with the follow-up's tolerance. */
  progress: MetricProgress;
}

export interface ReviewedDecision {
  decision: PreviousDecision;
  status: ReviewStatus | null;
  comment: string;
  /** The initiative it was carried over as, if it was (and still is on the board). */
  carriedTo: string | null;
  metrics: ReviewedMetric[];
}

/**
 * A follow-up's Review, row by row: each previous decision with its status, comment, whether it was
 * carried over, and its metrics' progress: the check-ins copied from the previous workshop and
 * those taken since, in the follow-up. Empty for a workshop that is not a follow-up.
 */
export function reviewOf(board: BoardSnapshot, tolerance: number): ReviewedDecision[] {
  const previous = board.previous;
  if (!previous) return [];
  const byMetric = new Map<string, CheckIn[]>();
  for (const c of [...previous.checkIns, ...board.checkIns]) byMetric.set(c.metricId, [...(byMetric.get(c.metricId) ?? []), c]);
  const initiatives = new Set(board.initiatives.map((i) => i.id));
  return previous.decisions.map((decision) => {
    const review = board.reviews[decision.id];
    const carried = carriedInitiativeId(decision.id);
    return {
      decision,
      status: reviewStatusOf(review?.status),
      comment: review?.comment ?? '',
      carriedTo: initiatives.has(carried) ? carried : null,
      metrics: decision.metrics.map((m) => ({
        ...m,
        progress: metricProgress(m, byMetric.get(m.id) ?? [], previous.createdAt, tolerance),
      })),
    };
  });
}
