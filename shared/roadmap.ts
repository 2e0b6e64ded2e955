// The scaling plan (SPEC 7) from the board: each bottleneck's forecast, each initiative's forecast
// urgency, and the phased roadmap (Now / Next / Later from the decisions' phases, Deferred for what
// the team chose not to do now, growth milestones, and warnings where a bottleneck breaks before
// the phase that addresses it). Pure: the views, the checklist and the decision log all call it.
import { PHASES, type Phase, type ThresholdKind } from './constants.js';
import type { BoardSnapshot, Metric, Note } from './schema.js';
import type { RankedInitiative } from './ranking.js';
import {
  forecastThreshold,
  initiativeForecast,
  monthsToMultiple,
  type Forecast,
  type GrowthModel,
  type ScenarioKey,
} from './forecast.js';

/** When each phase starts, in months from the workshop: Now this quarter, Next the one after, Later after that. */
export const PHASE_START_MONTHS: Record<Phase, number> = { now: 0, next: 3, later: 6 };

export const MILESTONE_MULTIPLES = [10, 100] as const;
export const MILESTONE_SCENARIOS: readonly ScenarioKey[] = ['realistic', 'optimistic'];

export interface RoadmapCard {
  rank: number;
  initiativeId: string;
  initiative: string;
  dri: string | null;
  /** The first metric with a name: what success is measured by, and by when. */
  metric: Pick<Metric, 'name' | 'baseline' | 'target' | 'due'> | null;
  forecastUrgency: number | null;
  earliestBreakMonths: number | null;
}

export interface Milestone {
  kind: ThresholdKind;
  multiple: number;
  scenario: ScenarioKey;
  /** Months until the scenario reaches the multiple of today's value, or null without growth. */
  months: number | null;
}

export interface RoadmapWarning {
  bottleneckId: string;
  rank: number;
  text: string;
}

export interface Roadmap {
  now: RoadmapCard[];
  next: RoadmapCard[];
  later: RoadmapCard[];
  /** Top initiatives whose phase is not decided yet. */
  unphased: RoadmapCard[];
  deferred: { initiativeId: string; initiative: string; roi: number | null; urgency: number | null }[];
  milestones: Milestone[];
  warnings: RoadmapWarning[];
}

export interface ScalingPlan {
  /** Per bottleneck (note id). */
  forecasts: Map<string, Forecast>;
  /** Per initiative id. */
  initiatives: Map<string, { earliestBreakMonths: number | null; forecastUrgency: number | null }>;
  roadmap: Roadmap;
}

const phaseTitle = (p: Phase): string => PHASES.find((x) => x.key === p)!.title;
const round1 = (n: number): number => Math.round(n * 10) / 10;

function breaksText(months: number): string {
  if (months === 0) return 'breaks now';
  const m = Math.max(1, Math.round(months));
  return `breaks in ${m} ${m === 1 ? 'month' : 'months'}`;
}

/** The plan from the board's notes, initiatives, decisions and metrics, the growth models and the final ranking. */
export function scalingPlan(
  board: Pick<BoardSnapshot, 'notes' | 'decisions' | 'metrics'>,
  models: readonly GrowthModel[],
  ranking: readonly RankedInitiative[],
): ScalingPlan {
  const byKind = new Map(models.map((m) => [m.kind, m]));
  const notes = new Map<string, Note>(board.notes.map((n) => [n.id, n]));
  const forecasts = new Map<string, Forecast>();
  for (const n of board.notes) forecasts.set(n.id, forecastThreshold(n.threshold, byKind));

  const initiatives = new Map<string, { earliestBreakMonths: number | null; forecastUrgency: number | null }>();
  for (const r of ranking) {
    const fs = r.initiative.bottleneckIds.map((id) => forecasts.get(id)).filter((f): f is Forecast => !!f);
    initiatives.set(r.initiative.id, initiativeForecast(fs));
  }

  const card = (r: RankedInitiative): RoadmapCard => {
    const d = board.decisions[r.initiative.id];
    const metric = board.metrics.find((m) => m.initiativeId === r.initiative.id && m.name.trim()) ?? null;
    const f = initiatives.get(r.initiative.id)!;
    return {
      rank: r.rank,
      initiativeId: r.initiative.id,
      initiative: r.initiative.title,
      dri: d?.dri ?? null,
      metric: metric && { name: metric.name, baseline: metric.baseline, target: metric.target, due: metric.due },
      forecastUrgency: f.forecastUrgency,
      earliestBreakMonths: f.earliestBreakMonths === null ? null : round1(f.earliestBreakMonths),
    };
  };

  const roadmap: Roadmap = { now: [], next: [], later: [], unphased: [], deferred: [], milestones: [], warnings: [] };
  for (const r of ranking) {
    if (!r.top) {
      roadmap.deferred.push({ initiativeId: r.initiative.id, initiative: r.initiative.title, roi: r.stats.roi.mean, urgency: r.stats.urgency.mean });
      continue;
    }
    const phase = board.decisions[r.initiative.id]?.phase ?? null;
    (phase ? roadmap[phase] : roadmap.unphased).push(card(r));
    if (!phase) continue;
    // A bottleneck that breaks (realistic case) before its initiative's phase starts.
    for (const id of r.initiative.bottleneckIds) {
      const f = forecasts.get(id);
      const m = f?.ok ? f.months.realistic : null;
      if (m === null || m >= PHASE_START_MONTHS[phase] || !notes.has(id)) continue;
      roadmap.warnings.push({ bottleneckId: id, rank: r.rank, text: `${breaksText(m)}, its initiative is in ${phaseTitle(phase)}` });
    }
  }

  const traffic = byKind.get('traffic');
  if (traffic && traffic.current !== null) {
    for (const multiple of MILESTONE_MULTIPLES) {
      for (const scenario of MILESTONE_SCENARIOS) {
        const months = monthsToMultiple(multiple, traffic.growth[scenario]);
        roadmap.milestones.push({ kind: 'traffic', multiple, scenario, months: months === null ? null : round1(months) });
      }
    }
  }
  return { forecasts, initiatives, roadmap };
}
