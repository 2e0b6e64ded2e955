// The decision log as a plain value: the `scaleboard.decision-log/v1` contract (SPEC section 3).
// Every format (JSON, Markdown, CSV, the print page) is a rendering of this one object.
// The contract only ever grows: add optional fields, never rename or remove (and update
// decision-log.v1.schema.json in the same change).
import type { Approach, ImpactCategory, Lane, Phase, Role, StageKey, TemplateKey, ThresholdKind } from '../constants.js';

export const DECISION_LOG_SCHEMA = 'scaleboard.decision-log/v1' as const;

export interface LogParticipant {
  name: string;
  role: Role;
}

export interface LogStage {
  key: StageKey;
  title: string;
  plannedMinutes: number;
  /** Minutes the stage has actually run so far (0 if it never ran), one decimal. */
  actualMinutes: number;
  /** Minutes added (or taken away) during the session, on top of plannedMinutes (added to v1). */
  addedMinutes?: number;
}

export interface LogThreshold {
  kind: ThresholdKind;
  value: number | null;
  unit: string;
  text: string;
}

export interface LogImpact {
  category: ImpactCategory;
  magnitude: number;
  evidence: string;
}

/** Months until the threshold breaks per scenario: 0 = breaking now, null = not within 36 months. */
export interface LogForecast {
  conservative: number | null;
  realistic: number | null;
  optimistic: number | null;
}

export interface LogBottleneck {
  id: string;
  text: string;
  dimension: Lane;
  threshold: LogThreshold | null;
  impacts: LogImpact[];
  /** SPEC 7: null when the threshold cannot be forecast (none, no model for its kind, another unit). */
  forecast?: LogForecast | null;
}

/** SPEC 7: a growth model per threshold kind (monthly growth in percent per scenario). */
export interface LogScenario {
  kind: ThresholdKind;
  current: number | null;
  unit: string;
  growth: LogForecast;
}

export interface LogRoadmap {
  /** Decision ranks per phase. */
  now: number[];
  next: number[];
  later: number[];
  /** Initiatives outside the top N, with their mean scores: what the team chose not to do now. */
  deferred: { initiative: string; roi: number | null; urgency: number | null }[];
  milestones: { kind: ThresholdKind; multiple: number; scenario: 'conservative' | 'realistic' | 'optimistic'; months: number | null }[];
  warnings: { bottleneckId: string; rank: number; text: string }[];
}

export interface LogMetric {
  name: string;
  baseline: string;
  target: string;
  due: string;
  /** Tagged as an observability metric (added to v1). */
  observability?: boolean;
  /** SPEC 8 (added to v1): check-ins by date, each against the plan at its date. */
  checkIns?: LogCheckIn[];
  /** SPEC 8 (added to v1): its latest check-in is more than the tolerance off plan. */
  offPlan?: boolean;
}

export interface LogCheckIn {
  value: number;
  /** `YYYY-MM-DD`. */
  at: string;
  offPlan: boolean;
}

export interface LogDecision {
  /** 1-based position in the final ranking. */
  rank: number;
  initiative: string;
  bottleneckIds: string[];
  /** Means of the revealed scores (two decimals), or null before reveal / without scores. */
  roi: number | null;
  urgency: number | null;
  approach: Approach | null;
  rationale: string;
  phase: Phase | null;
  metrics: LogMetric[];
  dri: string | null;
  /** SPEC 7: 1–5 from the earliest realistic break of its bottlenecks, or null without a forecast. */
  forecastUrgency?: number | null;
  /** SPEC 7: months until its first bottleneck breaks (realistic), one decimal, or null. */
  earliestBreakMonths?: number | null;
}

/** SPEC 8 (added to v1): one previous decision as a follow-up reviewed it. */
export interface LogReviewItem {
  /** Its rank in the previous workshop. */
  rank: number;
  initiative: string;
  approach: Approach | null;
  phase: Phase | null;
  dri: string | null;
  /** null until someone gives it one. */
  status: 'on-track' | 'at-risk' | 'off-track' | 'done' | 'dropped' | null;
  comment: string;
  /** Carried over as an initiative of the follow-up. */
  carriedOver: boolean;
  /** Its metrics with the check-ins of both workshops, against the plan from the previous workshop's date. */
  metrics: LogMetric[];
}

/** SPEC 8 (added to v1): a follow-up's Review of the previous workshop's decisions. */
export interface LogReview {
  previousTitle: string;
  plannedMinutes: number;
  actualMinutes: number;
  decisions: LogReviewItem[];
}

export interface LogChecklistItem {
  key: string;
  label: string;
  done: boolean;
}

export interface DecisionLog {
  schema: typeof DECISION_LOG_SCHEMA;
  workshop: {
    id: string;
    title: string;
    template: TemplateKey;
    /** ISO 8601, UTC. */
    createdAt: string;
    exportedAt: string;
    participants: LogParticipant[];
    /** SPEC 8 (added to v1): the workshop this one follows up; only in a follow-up's log. */
    previousId?: string;
  };
  stages: LogStage[];
  bottlenecks: LogBottleneck[];
  decisions: LogDecision[];
  checklist: LogChecklistItem[];
  /** SPEC 7 (added to v1; absent in logs written before). */
  scenarios?: LogScenario[];
  roadmap?: LogRoadmap;
  /** SPEC 8 (added to v1): only in a follow-up's log. */
  review?: LogReview;
  /** SPEC 8 (added to v1): every accepted change, oldest first, as the server recorded it; only in logs the server exports. */
  history?: LogHistoryEntry[];
}

/** One change in the workshop's history (SPEC 8): who, when, in which stage, and what, in words. */
export interface LogHistoryEntry {
  /** The entry's number (1, 2, … in order). */
  id: number;
  /** ISO 8601, UTC. */
  at: string;
  person: string;
  role: Role | 'server';
  /** The stage's key at the time. */
  stage: string;
  text: string;
}
