// Adapters between the decision log and the domain helpers it depends on (stage timings,
// ranking, Ship-It checklist). The log calls only these three functions, so when the owning
// modules change shape only this file follows.
//
// INTERIM: shared/ranking.ts and shared/checklist.ts were being written in parallel; until they
// land, ranking and checklist here are minimal, self-contained implementations of SPEC section 2.
import { LANE_KEYS } from '../constants.js';
import { stageTimings, type EngineState, type StageTiming } from '../stages.js';
import type { BoardSnapshot, Decision, Initiative, Metric, Score, Settings } from '../schema.js';

/** Planned vs actual minutes per stage, in stage order (shared/stages.ts, one decimal). */
export function stageTimingsForLog(engine: EngineState, now: number): StageTiming[] {
  return stageTimings(engine, now);
}

export interface RankedForLog {
  initiative: Initiative;
  roi: number | null;
  urgency: number | null;
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * The final ranking: ROI × urgency, then ROI, then creation order; initiatives the facilitator
 * placed by hand come first in that order, the rest follow in computed order.
 */
export function rankForLog(initiatives: Initiative[], revealedScores: Score[], manualOrder: string[] | null): RankedForLog[] {
  const scored = initiatives.map((initiative, index) => {
    const mine = revealedScores.filter((s) => s.initiativeId === initiative.id);
    const roi = mean(mine.map((s) => s.roi).filter((x): x is number => typeof x === 'number'));
    const urgency = mean(mine.map((s) => s.urgency).filter((x): x is number => typeof x === 'number'));
    return { initiative, roi, urgency, index };
  });
  const key = (x: { roi: number | null; urgency: number | null }) => (x.roi ?? 0) * (x.urgency ?? 0);
  scored.sort((a, b) => key(b) - key(a) || (b.roi ?? 0) - (a.roi ?? 0) || a.index - b.index);
  if (manualOrder?.length) {
    const pos = new Map(manualOrder.map((id, i) => [id, i]));
    const placed = scored.filter((x) => pos.has(x.initiative.id)).sort((a, b) => pos.get(a.initiative.id)! - pos.get(b.initiative.id)!);
    const rest = scored.filter((x) => !pos.has(x.initiative.id));
    return [...placed, ...rest].map(({ initiative, roi, urgency }) => ({ initiative, roi, urgency }));
  }
  return scored.map(({ initiative, roi, urgency }) => ({ initiative, roi, urgency }));
}

export interface ChecklistItem {
  key: string;
  label: string;
  done: boolean;
}

/** The five Ship-It items of SPEC section 2, computed from the board and the top initiatives. */
export function checklistForLog(board: BoardSnapshot, top: Initiative[], _settings: Settings): ChecklistItem[] {
  const decisions: Decision[] = top.map((i) => board.decisions[i.id]!).filter(Boolean);
  const metricsOf = (id: string): Metric[] => board.metrics.filter((m) => m.initiativeId === id && m.name.trim() !== '');
  const lanesWithBottlenecks = new Set(board.notes.filter((n) => n.text.trim()).map((n) => n.lane));
  const all = <T>(xs: T[], ok: (x: T) => boolean) => xs.length > 0 && xs.every(ok);
  return [
    {
      key: 'priorities',
      label: 'Scaling priorities identified across product, platform and org',
      done: LANE_KEYS.every((l) => lanesWithBottlenecks.has(l)) && top.length > 0,
    },
    { key: 'sequencing', label: 'Clear sequencing (Now, Next, Later)', done: all(decisions, (d) => d.phase !== null) },
    {
      key: 'build-buy-partner',
      label: 'Build / buy / partner decided for each top initiative',
      done: all(decisions, (d) => d.approach !== null && d.rationale.trim() !== ''),
    },
    {
      key: 'metrics-owners',
      label: 'Metrics and owners assigned',
      done: all(decisions, (d) => metricsOf(d.initiativeId).length > 0 && !!d.dri?.trim()),
    },
    {
      key: 'observability',
      label: 'Platform observability addressed',
      done: top.some((i) => metricsOf(i.id).some((m) => m.observability)),
    },
  ];
}
