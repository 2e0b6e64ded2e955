// Domain constants shared by client and server. Enums are a const object (or tuple) plus the
// type derived from it, so values exist at run time and types never drift from them.

export const ROLES = ['facilitator', 'participant', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export const LANES = [
  { key: 'product', title: 'Product' },
  { key: 'platform', title: 'Platform' },
  { key: 'org', title: 'Organization' },
] as const;
export type Lane = (typeof LANES)[number]['key'];
export const LANE_KEYS: readonly Lane[] = LANES.map((l) => l.key);

export const STAGES = [
  { key: 'bottlenecks', title: 'Bottleneck mapping', plannedMinutes: 20 },
  { key: 'impact', title: 'Impact mapping', plannedMinutes: 20 },
  { key: 'prioritization', title: 'Prioritization', plannedMinutes: 20 },
  { key: 'build-buy-partner', title: 'Build / Buy / Partner', plannedMinutes: 20 },
  { key: 'metrics-owners', title: 'Metrics & owners', plannedMinutes: 10 },
] as const;
export type StageKey = (typeof STAGES)[number]['key'];

export const TEMPLATE_KEYS = ['startup', 'scaleup', 'enterprise', 'regulated', 'remote'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const IMPACT_CATEGORIES = [
  { key: 'revenue', title: 'Revenue' },
  { key: 'retention', title: 'Retention / churn' },
  { key: 'margin', title: 'Margin / cost' },
  { key: 'trust', title: 'Customer trust / reliability' },
  { key: 'velocity', title: 'Delivery velocity' },
  { key: 'compliance', title: 'Compliance / risk' },
] as const;
export type ImpactCategory = (typeof IMPACT_CATEGORIES)[number]['key'];

export const THRESHOLD_KINDS = [
  { key: 'traffic', title: 'Traffic' },
  { key: 'data-volume', title: 'Data volume' },
  { key: 'team-size', title: 'Team size' },
  { key: 'cost', title: 'Cost' },
] as const;
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number]['key'];

export const APPROACHES = [
  {
    key: 'build',
    title: 'Build',
    criterion: 'Core to the moat or competitive advantage.',
  },
  { key: 'buy', title: 'Buy', criterion: 'Speed matters more than uniqueness.' },
  {
    key: 'partner',
    title: 'Partner',
    criterion: 'Scale or network effects are better achieved with allies.',
  },
] as const;
export type Approach = (typeof APPROACHES)[number]['key'];

export const PHASES = [
  { key: 'now', title: 'Now' },
  { key: 'next', title: 'Next' },
  { key: 'later', title: 'Later' },
] as const;
export type Phase = (typeof PHASES)[number]['key'];

/** The Yjs documents of one workshop, by the name that follows `/ws/<workshopId>`. */
export const DOC_NAMES = {
  /** The shared board: notes, impacts, initiatives, decisions. Participants write it. */
  board: '',
  /** Stage, timer and settings. Only facilitators write it; everyone reads it. */
  control: 'control',
} as const;
/** Per-participant private documents (blind scores) live under `private/<secret key>`. */
export const PRIVATE_DOC_PREFIX = 'private/';

export const DEFAULT_TOP_N = 3;
