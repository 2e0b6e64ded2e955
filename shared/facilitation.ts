// Facilitation notes: for the facilitator only, per stage and template, what to say, what to watch
// for and when (time cues relative to the stage's planned minutes). The stage notes follow the
// workshop format (SPEC section 2) and the Ship-It checklist; each template adds its emphasis.
import { STAGES, type StageKey, type TemplateKey } from './constants.js';

/** When a cue is due: at the start, halfway, in the last minutes, or once time is up. */
export type CueAt = 'start' | 'half' | 'last' | 'over';

export interface TimeCue {
  at: CueAt;
  text: string;
}

export interface FacilitationNotes {
  say: string[];
  watch: string[];
  time: TimeCue[];
}

const STAGE_NOTES: Record<StageKey, FacilitationNotes> = {
  bottlenecks: {
    say: [
      'Name what limits growth today, not solutions: one constraint per note, in the lane where it lives.',
      'Be specific about the breaking point: what breaks, and at what level (traffic, data volume, team size, cost).',
      'Silent writing first, then we read the board together.',
    ],
    watch: [
      'A lane with no notes: scaling priorities must cover product, platform and organization.',
      'Solutions disguised as problems ("we need Kafka"): ask what hurts without it.',
      'Duplicates: drop one note on another to merge them, both authors stay credited.',
      'The loudest voice: with silent writing on, everyone writes before anyone talks.',
    ],
    time: [
      { at: 'start', text: 'Turn on silent writing and start the timer.' },
      { at: 'half', text: 'Reveal the notes; read each lane aloud and merge duplicates.' },
      { at: 'last', text: 'Ask for thresholds on the top constraints; stop new notes.' },
      { at: 'over', text: 'Park what is left and move to impact mapping.' },
    ],
  },
  impact: {
    say: [
      'For each bottleneck: what does it cost the business? Pick a category and a magnitude from 1 to 5.',
      'Evidence beats opinion: one line of data or an example per impact.',
    ],
    watch: [
      'Bottlenecks without an impact are flagged: map them or agree to park them.',
      'Everything rated 5: ask which one the room would fix first if it could fix only one.',
      'Only technical impacts: ask about revenue, churn, margin and trust too.',
    ],
    time: [
      { at: 'start', text: 'Split the lanes between people so every bottleneck gets looked at.' },
      { at: 'half', text: 'Use "Group by impact" to see where the pain clusters.' },
      { at: 'last', text: 'Close the remaining flags: map or park.' },
      { at: 'over', text: 'Move on: impacts can still be edited in later stages.' },
    ],
  },
  prioritization: {
    say: [
      'Turn bottlenecks into initiatives; one initiative may address several bottlenecks.',
      'Score every initiative for ROI and urgency on your own: nobody sees scores until the reveal.',
    ],
    watch: [
      'Who has not finished scoring (the ballots): wait for them or agree to go without.',
      'Strong disagreement after the reveal (dashed ring): ask both ends of the spread to explain.',
      'The top N should cover product, platform and organization; reorder by hand if the room agrees.',
      'Observability: is there an initiative that lets the platform be measured?',
    ],
    time: [
      { at: 'start', text: 'Draft initiatives together for the first few minutes.' },
      { at: 'half', text: 'Everyone scores silently; watch the ballots fill up.' },
      { at: 'last', text: 'Reveal, discuss the disagreements, confirm the top N.' },
      { at: 'over', text: 'Lock the top N and move to Build / Buy / Partner.' },
    ],
  },
  'build-buy-partner': {
    say: [
      'Build when it is core to the moat; buy when speed matters more than uniqueness; partner when scale or network effects come from allies.',
      'Every decision needs a rationale someone who was not here can follow, and a phase: Now, Next or Later.',
    ],
    watch: [
      'Build by default: ask what makes it core to the competitive advantage.',
      'Everything in Now: clear sequencing means some things wait.',
      'Missing rationale or phase (flagged on each card).',
    ],
    time: [
      { at: 'start', text: 'Take the top initiatives one at a time, highest rank first.' },
      { at: 'half', text: 'Check the sequencing across Now, Next and Later.' },
      { at: 'last', text: 'Fill the missing rationales; decide the rest by majority.' },
      { at: 'over', text: 'Move on: owners and metrics are what make decisions stick.' },
    ],
  },
  'metrics-owners': {
    say: [
      'Each decision gets a success metric with a baseline, a target and a date, and exactly one DRI.',
      'The DRI is a person in this room who will report on it, not a team.',
    ],
    watch: [
      'Metrics without a baseline or a date: they cannot be checked later.',
      'Two owners for one decision: one DRI, others help.',
      'Platform observability: at least one metric tagged observability (Ship-It checklist).',
    ],
    time: [
      { at: 'start', text: 'Go decision by decision; ask for a volunteer DRI before suggesting one.' },
      { at: 'half', text: 'Review the Ship-It checklist with the room.' },
      { at: 'last', text: 'Read the decision log aloud and confirm every DRI.' },
      { at: 'over', text: 'Export or print the decision log and close the session.' },
    ],
  },
};

/** What each template adds to the stage notes (SPEC section 2, Templates). */
const TEMPLATE_NOTES: Record<TemplateKey, Partial<Record<StageKey, Partial<Omit<FacilitationNotes, 'time'>>>>> = {
  startup: {
    bottlenecks: { say: ['Push for the single binding constraint; outages and on-call pain count as much as features.'] },
    prioritization: { watch: ['New bets ranked above fixing the constraint: ask what the runway allows.'] },
    'build-buy-partner': { watch: ['Building anything that is not the product itself.'] },
  },
  scaleup: {
    bottlenecks: { say: ['Ask for numbers: which SLOs are missed and how often, which teams wait on the monolith, cost per customer.'] },
    impact: { watch: ['Burned error budgets and rising unit cost are impacts too: map them.'] },
    'metrics-owners': { say: ['Prefer SLO-based metrics with an error budget, and a unit cost target where FinOps is in play.'] },
  },
  enterprise: {
    bottlenecks: { say: ['Ask each leader where work waits: for another team, a platform, or a change board.'] },
    'build-buy-partner': { watch: ['A shared service without a governance owner: who approves its changes?'] },
    'metrics-owners': { say: ['Adoption by other teams is the success metric of a shared service: ask for it.'] },
  },
  regulated: {
    impact: { say: ['Name the regulation or audit behind each compliance impact; a fine or a lost licence is a 5.'] },
    prioritization: { watch: ['Dated obligations ranked below optional work: check the deadlines with the room.'] },
    'metrics-owners': { watch: ['A control without evidence: ask how an auditor will see the metric.'] },
  },
  remote: {
    bottlenecks: { say: ['Read out the pre-work themes first; people add only what is new.'] },
    prioritization: { watch: ['Time zones: wait for the last ballot before the reveal, or say who is missing.'] },
    'build-buy-partner': { say: ['Ask someone to read each rationale back: would a colleague abroad understand it?'] },
  },
};

/** The notes for stage `index` (0–4) under template `key`: the stage's, then the template's additions. */
export function facilitationNotes(key: TemplateKey, index: number): FacilitationNotes {
  const stage = STAGES[Math.min(STAGES.length - 1, Math.max(0, index))]!.key;
  const base = STAGE_NOTES[stage];
  const extra = (TEMPLATE_NOTES[key] ?? TEMPLATE_NOTES.scaleup)[stage] ?? {};
  return {
    say: [...(extra.say ?? []), ...base.say],
    watch: [...(extra.watch ?? []), ...base.watch],
    time: base.time,
  };
}

/** When a cue is due, said for a stage of `plannedMinutes`: "At 0 min", "At 10 min", "Last 5 min", "Time up". */
export function cueLabel(at: CueAt, plannedMinutes: number): string {
  const planned = Math.max(1, Math.round(plannedMinutes));
  switch (at) {
    case 'start':
      return 'Start';
    case 'half':
      return `At ${Math.round(planned / 2)} min`;
    case 'last':
      return `Last ${Math.min(5, Math.max(1, Math.round(planned / 4)))} min`;
    case 'over':
      return 'Time up';
  }
}
