// Workshop templates: prompts and durations adapted to the company's context. The facilitator
// picks one at creation (server/workshops.ts seeds the engine with its durations) and may edit
// the durations before starting. Every template keeps the 90-minute agenda.
import { STAGES, type StageKey, type TemplateKey } from './constants.js';

export interface Template {
  key: TemplateKey;
  title: string;
  /** What the template emphasises, shown to the facilitator. */
  focus: string;
  /** Planned minutes per stage, in stage order. */
  durations: number[];
  /** The prompt shown to the room for each stage. */
  prompts: Record<StageKey, string>;
}

export const TEMPLATES: Record<TemplateKey, Template> = {
  startup: {
    key: 'startup',
    title: 'Startup / Turnaround',
    focus: 'Fix the constraint; reliability basics.',
    // Less time on impact (the pain is obvious), more on who owns the fix.
    durations: [20, 15, 20, 20, 15],
    prompts: {
      bottlenecks: 'What is the one constraint that limits growth right now? Name what breaks first, and at what level.',
      impact: 'Which customers or deals does each constraint cost us today? Where do outages or slow delivery hurt most?',
      prioritization: 'Fix the constraint first: which initiative removes it fastest? Reliability basics before new bets.',
      'build-buy-partner': 'With little runway, buy or partner for anything that is not the product itself.',
      'metrics-owners': 'One owner and one number per initiative: uptime, lead time or cash burn, with a date this quarter.',
    },
  },
  scaleup: {
    key: 'scaleup',
    title: 'Scaleup',
    focus: 'SLOs, error budgets, modularity, FinOps.',
    durations: [20, 20, 20, 20, 10],
    prompts: {
      bottlenecks: 'Where does growth hurt? Think SLO misses, a monolith that slows teams, cloud cost rising faster than revenue.',
      impact: 'Tie each bottleneck to business impact: error budget burn, churn, margin, delivery velocity.',
      prioritization: 'Rank by ROI and urgency: which modularity, reliability or FinOps work pays back first?',
      'build-buy-partner': 'Build what differentiates; buy commodity platform pieces (observability, CI, auth); partner for reach.',
      'metrics-owners': 'Set SLOs and error budgets, unit cost targets and a DRI for each decision.',
    },
  },
  enterprise: {
    key: 'enterprise',
    title: 'Enterprise',
    focus: 'Standardisation, shared services, change governance.',
    // Sourcing decisions across many teams take longer; the map is usually known.
    durations: [15, 20, 20, 25, 10],
    prompts: {
      bottlenecks: 'Where do duplicated platforms, hand-offs or approval queues slow the organisation down?',
      impact: 'What do fragmentation and slow change cost: delivery velocity, run cost, risk of failed changes?',
      prioritization: 'Which standards or shared services would unblock the most teams for the least change?',
      'build-buy-partner': 'Shared service, vendor or partner? Consider what must be standard and who governs change.',
      'metrics-owners': 'Name one accountable owner per shared service, with adoption and change-failure targets.',
    },
  },
  regulated: {
    key: 'regulated',
    title: 'Regulated',
    focus: 'Compliance, data residency, audit trails.',
    // Evidence and ownership matter more than usual: more time at the end.
    durations: [20, 20, 15, 20, 15],
    prompts: {
      bottlenecks: 'Which controls, data residency rules or audit requirements limit how fast we can ship or scale?',
      impact: 'Rate compliance and customer-trust risk alongside revenue: what would a finding or a breach cost?',
      prioritization: 'Rank with regulatory deadlines in view: what must be done, what can wait?',
      'build-buy-partner': 'Can a certified vendor or partner carry the compliance burden? Build only where control is essential.',
      'metrics-owners': 'Every decision needs an owner, an audit trail and a measurable control target with a date.',
    },
  },
  remote: {
    key: 'remote',
    title: 'Remote / Distributed',
    focus: 'Async pre-work, written decisions.',
    // Bottlenecks were gathered as async pre-work; decisions must be written down fully.
    durations: [15, 20, 20, 20, 15],
    prompts: {
      bottlenecks: 'Review the pre-work notes first, then add what is missing. Write so someone in another time zone understands.',
      impact: 'Add evidence links and numbers to each impact: the log is read asynchronously later.',
      prioritization: 'Score independently before discussing; time zones make follow-ups expensive.',
      'build-buy-partner': 'Write a full rationale for every choice: this is the record for those who were not here.',
      'metrics-owners': 'One DRI per decision and a written update cadence; the log is the source of truth.',
    },
  },
};

export const templateDurations = (key: TemplateKey): number[] => [...(TEMPLATES[key] ?? TEMPLATES.scaleup).durations];

/** The prompt shown for stage `index` (0–4) under template `key`. */
export function stagePrompt(key: TemplateKey, index: number): string {
  const stage = STAGES[Math.min(STAGES.length - 1, Math.max(0, index))]!;
  return (TEMPLATES[key] ?? TEMPLATES.scaleup).prompts[stage.key];
}
