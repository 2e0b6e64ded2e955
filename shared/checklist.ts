// The Ship-It checklist (SPEC section 2): five items computed from the board, never ticked by hand.
//
//   computeChecklist(board: BoardSnapshot, topIds: readonly string[]): ChecklistItem[]
//
// `board` is readBoard(boardDoc); `topIds` are the ids of the top initiatives in final order, i.e.
// topIdsOf(rankBoard(board, readRankingControl(controlDoc))) — or simply call
// checklistOf(boardDoc, controlDoc), which does exactly that. The result is always the five items
// below, in this order, as `{ key, label, done }` (the decision log's JSON contract).
//
// The rules (every one is false while there is no top initiative, as before the scores are
// revealed or the facilitator has ranked by hand: see shared/ranking.ts):
// - priorities:    the top initiatives together address bottlenecks in all three lanes
//                  (Product, Platform, Organization): the plan that ships spans all three.
// - sequencing:    every top initiative has a phase (Now, Next or Later).
// - approach:      every top initiative has an approach (Build, Buy or Partner) and a rationale.
// - owners:        every top initiative has a DRI and at least one complete metric
//                  (metric, baseline, target and due date all filled in).
// - observability: at least one named metric of a top initiative is tagged observability.
import type * as Y from 'yjs';
import { LANES, type Lane } from './constants.js';
import { readBoard, type BoardSnapshot, type Decision, type Metric } from './schema.js';
import { rankBoard, readRankingControl, topIdsOf } from './ranking.js';

export const CHECKLIST_ITEMS = [
  { key: 'priorities', label: 'Scaling priorities identified across product, platform and org' },
  { key: 'sequencing', label: 'Clear sequencing (Now / Next / Later)' },
  { key: 'approach', label: 'Build / buy / partner decided for each top initiative' },
  { key: 'owners', label: 'Metrics and owners assigned' },
  { key: 'observability', label: 'Platform observability addressed' },
] as const;
export type ChecklistKey = (typeof CHECKLIST_ITEMS)[number]['key'];

export interface ChecklistItem {
  key: ChecklistKey;
  label: string;
  done: boolean;
}

/** Why an item is not done yet, for the UI; empty when done. */
export type ChecklistGaps = Record<ChecklistKey, string>;

const filled = (s: string | null | undefined): boolean => !!s && s.trim().length > 0;

// The per-card rules, shared by the checklist and the cards that flag what is missing, so the
// two can never disagree.

/** What a decision still lacks, of 'approach', 'rationale' and 'phase'. */
export function decisionGaps(d: Decision | undefined): ('approach' | 'rationale' | 'phase')[] {
  const gaps: ('approach' | 'rationale' | 'phase')[] = [];
  if (!d?.approach) gaps.push('approach');
  if (!filled(d?.rationale)) gaps.push('rationale');
  if (!d?.phase) gaps.push('phase');
  return gaps;
}

const METRIC_FIELDS = ['name', 'baseline', 'target', 'due'] as const;

/** The fields of a metric still empty (a metric is complete when none is). */
export const metricGaps = (m: Metric): (typeof METRIC_FIELDS)[number][] => METRIC_FIELDS.filter((f) => !filled(m[f]));

export const isMetricComplete = (m: Metric): boolean => metricGaps(m).length === 0;

/** The five items with, for each, what is still missing ('' when done). */
export function checklistGaps(board: BoardSnapshot, topIds: readonly string[]): ChecklistGaps {
  const byId = new Map(board.initiatives.map((i) => [i.id, i]));
  const top = topIds.map((id) => byId.get(id)).filter((i) => i !== undefined);
  if (!top.length) {
    const none = 'No top initiatives yet.';
    return { priorities: none, sequencing: none, approach: none, owners: none, observability: none };
  }
  const titles = (ids: { title: string }[]) => ids.map((i) => i.title.trim() || 'Untitled').join(', ');

  const laneOf = new Map(board.notes.map((n) => [n.id, n.lane]));
  const lanes = new Set<Lane>();
  for (const i of top) for (const b of i.bottleneckIds) if (laneOf.has(b)) lanes.add(laneOf.get(b)!);
  const missingLanes = LANES.filter((l) => !lanes.has(l.key)).map((l) => l.title);

  const decision = (id: string) => board.decisions[id];
  const gapsOf = (id: string) => decisionGaps(decision(id));
  const noPhase = top.filter((i) => gapsOf(i.id).includes('phase'));
  const noApproach = top.filter((i) => gapsOf(i.id).some((g) => g === 'approach' || g === 'rationale'));

  const metricsOf = (id: string) => board.metrics.filter((m) => m.initiativeId === id);
  const noOwnerOrMetric = top.filter((i) => !filled(decision(i.id)?.dri) || !metricsOf(i.id).some(isMetricComplete));
  const observed = top.some((i) => metricsOf(i.id).some((m) => m.observability && filled(m.name)));

  return {
    priorities: missingLanes.length ? `No top initiative addresses: ${missingLanes.join(', ')}.` : '',
    sequencing: noPhase.length ? `No phase: ${titles(noPhase)}.` : '',
    approach: noApproach.length ? `Approach or rationale missing: ${titles(noApproach)}.` : '',
    owners: noOwnerOrMetric.length ? `DRI or complete metric missing: ${titles(noOwnerOrMetric)}.` : '',
    observability: observed ? '' : 'No metric of a top initiative is tagged observability.',
  };
}

/** The Ship-It checklist: `[{ key, label, done }]`, always the five items in order. */
export function computeChecklist(board: BoardSnapshot, topIds: readonly string[]): ChecklistItem[] {
  const gaps = checklistGaps(board, topIds);
  return CHECKLIST_ITEMS.map(({ key, label }) => ({ key, label, done: gaps[key] === '' }));
}

/** The checklist straight from a workshop's two documents. */
export function checklistOf(boardDoc: Y.Doc, controlDoc: Y.Doc): ChecklistItem[] {
  const board = readBoard(boardDoc);
  return computeChecklist(board, topIdsOf(rankBoard(board, readRankingControl(controlDoc))));
}
