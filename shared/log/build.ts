// buildDecisionLog: the workshop's board and control documents -> the v1 decision log, a plain
// object. Pure: the same documents and `now` give the same log, on the server, in the CLI and
// in the browser (the live panel), so every export says the same thing.
import type * as Y from 'yjs';
import { APPROACHES, IMPACT_CATEGORIES, LANE_KEYS, PHASES, ROLES, TEMPLATE_KEYS, THRESHOLD_KINDS } from '../constants.js';
import { readEngineState, type EngineState } from '../stages.js';
import {
  readBoard,
  readRankingOrder,
  readReveals,
  readSettings,
  type BoardSnapshot,
  type CheckIn,
  type Decision,
  type Impact,
  type Settings,
} from '../schema.js';
import { checklistForLog, planForLog, reviewTimingForLog, stageTimingsForLog, topInitiativesForLog } from './adapters.js';
import { reviewOf } from '../followUp.js';
import { hasModel, type ScenarioMonths } from '../forecast.js';
import { metricProgress } from '../checkins.js';
import {
  DECISION_LOG_SCHEMA,
  type DecisionLog,
  type LogBottleneck,
  type LogDecision,
  type LogImpact,
  type LogForecast,
  type LogHistoryEntry,
  type LogParticipant,
  type LogReview,
  type LogScenario,
} from './types.js';

/** What the log needs from the control document, read in one go (a stable snapshot for React). */
export interface LogControl {
  settings: Settings;
  engine: EngineState;
  rankingOrder: string[] | null;
  /** Nothing is top before the reveal unless the facilitator ordered by hand (shared/ranking.ts). */
  scoresRevealed: boolean;
}

export function readLogControl(control: Y.Doc): LogControl {
  return {
    settings: readSettings(control),
    engine: readEngineState(control),
    rankingOrder: readRankingOrder(control),
    scoresRevealed: readReveals(control).scoresRevealed,
  };
}

export function buildDecisionLog(args: { board: Y.Doc; control: Y.Doc; workshopId: string; now: number; history?: LogHistoryEntry[] }): DecisionLog {
  const log = decisionLogFrom({
    board: readBoard(args.board),
    control: readLogControl(args.control),
    workshopId: args.workshopId,
    now: args.now,
  });
  // SPEC 8: the server's history, when the caller has it (the live panel in the browser does not).
  return args.history ? { ...log, history: args.history } : log;
}

// Participants write the board, so the log accepts only values the contract allows: an unknown
// enum value reads as unset, a magnitude is clamped to 1–5, free text is always a string.
const APPROACH_KEYS = APPROACHES.map((a) => a.key);
const PHASE_KEYS = PHASES.map((p) => p.key);
const IMPACT_KEYS = IMPACT_CATEGORIES.map((c) => c.key);
const THRESHOLD_KEYS = THRESHOLD_KINDS.map((k) => k.key);
function oneOf<K extends string>(allowed: readonly K[], value: unknown): K | null {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as K) : null;
}
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const round = (x: number | null, digits: number): number | null => {
  if (x === null) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** The same as buildDecisionLog, from already-read snapshots (what the live panel holds). */
export function decisionLogFrom(args: { board: BoardSnapshot; control: LogControl; workshopId: string; now: number }): DecisionLog {
  const { control, workshopId, now } = args;
  const board = withCleanDecisions(args.board);
  const { settings } = control;

  const plan = planForLog(board, settings, control.rankingOrder, control.scoresRevealed);
  const bottlenecks = bottlenecksOf(board).map((b) => {
    const f = plan.forecasts.get(b.id);
    return { ...b, forecast: f?.ok ? monthsForLog(f.months) : null };
  });
  const known = new Set(bottlenecks.map((b) => b.id));

  const checkInsOf = new Map<string, CheckIn[]>();
  for (const c of board.checkIns) checkInsOf.set(c.metricId, [...(checkInsOf.get(c.metricId) ?? []), c]);
  const top = topInitiativesForLog(board, settings, control.rankingOrder, control.scoresRevealed);
  const decisions: LogDecision[] = top.map(({ initiative, roi, urgency }, i) => {
    const d = board.decisions[initiative.id];
    const f = plan.initiatives.get(initiative.id);
    return {
      rank: i + 1,
      initiative: initiative.title,
      bottleneckIds: initiative.bottleneckIds.filter((id) => known.has(id)),
      roi: round(roi, 2),
      urgency: round(urgency, 2),
      approach: d?.approach ?? null,
      rationale: d?.rationale ?? '',
      phase: d?.phase ?? null,
      metrics: board.metrics
        .filter((m) => m.initiativeId === initiative.id && [m.name, m.baseline, m.target, m.due].some((s) => s.trim() !== ''))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(({ id, name, baseline, target, due, observability }) => {
          const progress = metricProgress({ baseline, target, due }, checkInsOf.get(id) ?? [], settings.createdAt, settings.offPlanTolerance);
          return {
            name,
            baseline,
            target,
            due,
            observability,
            checkIns: progress.points.map(({ value, at, offPlan }) => ({ value, at, offPlan })),
            offPlan: progress.offPlan,
          };
        }),
      dri: d?.dri ?? null,
      forecastUrgency: f?.forecastUrgency ?? null,
      earliestBreakMonths: round(f?.earliestBreakMonths ?? null, 1),
    };
  });
  // The top N are the first N of the final order, so a roadmap card's rank is its decision's rank.
  const { roadmap } = plan;
  const ranks = (cards: { rank: number }[]) => cards.map((c) => c.rank);
  const review = reviewForLog(board, control, now);

  return {
    schema: DECISION_LOG_SCHEMA,
    workshop: {
      id: workshopId,
      title: settings.title,
      template: oneOf(TEMPLATE_KEYS, settings.template) ?? 'scaleup',
      createdAt: new Date(settings.createdAt).toISOString(),
      exportedAt: new Date(now).toISOString(),
      participants: participantsOf(board),
      ...(board.previous ? { previousId: board.previous.id } : {}),
    },
    stages: stageTimingsForLog(control.engine, now).map((s) => ({
      key: s.key,
      title: s.title,
      plannedMinutes: round(s.plannedMinutes, 1)!,
      actualMinutes: round(s.actualMinutes, 1)!,
      addedMinutes: round(s.addedMinutes, 1)!,
    })),
    bottlenecks,
    decisions,
    checklist: checklistForLog(
      board,
      top.map((t) => t.initiative),
    ).map(({ key, label, done }) => ({ key, label, done })),
    scenarios: board.scenarios.filter(hasModelOrUnit).map(
      (m): LogScenario => ({ kind: m.kind, current: m.current, unit: m.unit, growth: { ...m.growth } }),
    ),
    roadmap: {
      now: ranks(roadmap.now),
      next: ranks(roadmap.next),
      later: ranks(roadmap.later),
      deferred: roadmap.deferred.map((d) => ({ initiative: d.initiative, roi: round(d.roi, 2), urgency: round(d.urgency, 2) })),
      milestones: roadmap.milestones.map((m) => ({ ...m })),
      warnings: roadmap.warnings
        .filter((w) => known.has(w.bottleneckId))
        .map((w) => ({ bottleneckId: w.bottleneckId, rank: w.rank, text: w.text })),
    },
    ...(review ? { review } : {}),
  };
}

/** A follow-up's Review (SPEC 8): statuses, comments, carry-overs and the previous metrics' check-ins. */
function reviewForLog(board: BoardSnapshot, control: LogControl, now: number): LogReview | null {
  if (!board.previous) return null;
  const timing = reviewTimingForLog(control.engine, now);
  return {
    previousTitle: board.previous.title,
    plannedMinutes: round(timing?.plannedMinutes ?? 0, 1)!,
    actualMinutes: round(timing?.actualMinutes ?? 0, 1)!,
    decisions: reviewOf(board, control.settings.offPlanTolerance).map((r) => ({
      rank: r.decision.rank,
      initiative: r.decision.initiative,
      approach: oneOf(APPROACH_KEYS, r.decision.approach),
      phase: oneOf(PHASE_KEYS, r.decision.phase),
      dri: r.decision.dri,
      status: r.status,
      comment: r.comment,
      carriedOver: r.carriedTo !== null,
      metrics: r.metrics.map((m) => ({
        name: m.name,
        baseline: m.baseline,
        target: m.target,
        due: m.due,
        observability: m.observability,
        checkIns: m.progress.points.map(({ value, at, offPlan }) => ({ value, at, offPlan })),
        offPlan: m.progress.offPlan,
      })),
    })),
  };
}

const monthsForLog = (m: ScenarioMonths): LogForecast => ({
  conservative: round(m.conservative, 1),
  realistic: round(m.realistic, 1),
  optimistic: round(m.optimistic, 1),
});

/** A kind the room has said anything about (a blank kind stays out of the log). */
const hasModelOrUnit = (m: BoardSnapshot['scenarios'][number]): boolean =>
  hasModel(m) || m.current !== null || m.unit.trim() !== '' || Object.values(m.growth).some((g) => g !== null);

/** The board with each decision's fields as the contract allows (see oneOf above). */
function withCleanDecisions(board: BoardSnapshot): BoardSnapshot {
  const decisions: Record<string, Decision> = {};
  for (const [id, d] of Object.entries(board.decisions)) {
    decisions[id] = {
      initiativeId: d.initiativeId,
      approach: oneOf(APPROACH_KEYS, d.approach),
      rationale: str(d.rationale),
      phase: oneOf(PHASE_KEYS, d.phase),
      dri: typeof d.dri === 'string' && d.dri.trim() !== '' ? d.dri : null,
    };
  }
  return { ...board, decisions };
}

/**
 * Everyone who joined, by name and role (the server's roster). Authors of notes are never in the
 * log, so anonymous mode needs no change here: it hides who wrote what, not who attended.
 * The same name in the same role (two tabs, a rejoin) is listed once.
 */
function participantsOf(board: BoardSnapshot): LogParticipant[] {
  const seen = new Set<string>();
  const out: LogParticipant[] = [];
  const roster = [...board.roster].sort(
    (a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.firstSeen - b.firstSeen || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  for (const r of roster) {
    const name = r.name.trim();
    const key = `${r.role}\u0000${name}`;
    if (!name || seen.has(key)) continue;
    seen.add(key);
    out.push({ name, role: r.role });
  }
  return out;
}

/** Notes with text (blank drafts left out), lane by lane in board order, with their impacts. */
function bottlenecksOf(board: BoardSnapshot): LogBottleneck[] {
  const impactsByNote = new Map<string, Impact[]>();
  for (const impact of board.impacts) {
    const list = impactsByNote.get(impact.noteId) ?? [];
    list.push(impact);
    impactsByNote.set(impact.noteId, list);
  }
  const out: LogBottleneck[] = [];
  for (const lane of LANE_KEYS) {
    for (const note of board.notes) {
      if (note.lane !== lane || note.id === '' || note.text.trim() === '') continue;
      const impacts: LogImpact[] = (impactsByNote.get(note.id) ?? [])
        .filter((i) => oneOf(IMPACT_KEYS, i.category) !== null)
        .map((i) => ({ ...i, magnitude: Math.min(5, Math.max(1, Math.round(i.magnitude))) }))
        .sort((a, b) => b.magnitude - a.magnitude || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(({ category, magnitude, evidence }) => ({ category, magnitude, evidence: str(evidence) }));
      const t = note.threshold && oneOf(THRESHOLD_KEYS, note.threshold.kind) ? note.threshold : null;
      out.push({
        id: note.id,
        text: note.text,
        dimension: lane,
        threshold: t
          ? { kind: t.kind, value: typeof t.value === 'number' && Number.isFinite(t.value) ? t.value : null, unit: str(t.unit), text: str(t.text) }
          : null,
        impacts,
      });
    }
  }
  return out;
}
