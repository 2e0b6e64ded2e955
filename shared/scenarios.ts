// Growth scenarios on the board (SPEC 7): per threshold kind a current value, a unit and monthly
// growth in percent for the conservative, realistic and optimistic cases. Each kind is one record
// in the board's `scenarios` root, so two people editing different fields both keep their edit.
// Templates suggest starting values; the server writes them into a new workshop's board.
import * as Y from 'yjs';
import { THRESHOLD_KINDS, type TemplateKey, type ThresholdKind } from './constants.js';
import { boardMaps, readScenarios } from './schema.js';
import { GROWTH_RANGE, MAX_UNIT_LENGTH, clampGrowth } from './limits.js';

export { readScenarios };
import { SCENARIOS, type GrowthModel, type ScenarioKey } from './forecast.js';
import { LOCAL_ORIGIN } from './commands/control.js';
import { clipUnits } from './commands/text.js';

export { GROWTH_RANGE, MAX_UNIT_LENGTH };

export type ScenarioField = 'current' | 'unit' | ScenarioKey;

export const modelsByKind = (models: readonly GrowthModel[]): Map<ThresholdKind, GrowthModel> => new Map(models.map((m) => [m.kind, m]));

/**
 * Sets one field of one kind's model (`null` clears a number). Numbers must be finite; growth is
 * kept within GROWTH_RANGE and units within MAX_UNIT_LENGTH. One transaction.
 */
export function setScenarioField(
  doc: Y.Doc,
  args: { kind: ThresholdKind; field: ScenarioField; value: number | string | null },
  origin: unknown = LOCAL_ORIGIN,
): void {
  if (!THRESHOLD_KINDS.some((k) => k.key === args.kind)) throw new Error(`unknown threshold kind: ${String(args.kind)}`);
  let value: number | string | null;
  if (args.field === 'unit') value = clipUnits(String(args.value ?? ''), MAX_UNIT_LENGTH);
  else if (args.value === null || args.value === '') value = null;
  else {
    const n = typeof args.value === 'number' ? args.value : Number(args.value);
    if (!Number.isFinite(n)) throw new Error(`${args.field} must be a number`);
    value = args.field === 'current' ? Math.max(0, n) : clampGrowth(n);
  }
  doc.transact(() => {
    const records = boardMaps(doc).scenarios;
    let r = records.get(args.kind);
    if (!(r instanceof Y.Map)) {
      r = new Y.Map<unknown>();
      records.set(args.kind, r);
    }
    if (r.get(args.field) !== value) r.set(args.field, value);
  }, origin);
}

/** Starting values per template: what a company of that kind typically sees (the room edits them). */
export const TEMPLATE_SCENARIOS: Record<TemplateKey, Partial<Record<ThresholdKind, Omit<GrowthModel, 'kind'>>>> = {
  startup: {
    traffic: { current: 1_000, unit: 'concurrent users', growth: { conservative: 5, realistic: 12, optimistic: 25 } },
    'team-size': { current: 15, unit: 'engineers', growth: { conservative: 2, realistic: 5, optimistic: 8 } },
    cost: { current: 20, unit: 'k$/month', growth: { conservative: 3, realistic: 8, optimistic: 15 } },
  },
  scaleup: {
    traffic: { current: 10_000, unit: 'concurrent users', growth: { conservative: 3, realistic: 7, optimistic: 12 } },
    'data-volume': { current: 2, unit: 'TB', growth: { conservative: 3, realistic: 6, optimistic: 10 } },
    'team-size': { current: 80, unit: 'engineers', growth: { conservative: 1, realistic: 3, optimistic: 5 } },
    cost: { current: 150, unit: 'k$/month', growth: { conservative: 2, realistic: 5, optimistic: 9 } },
  },
  enterprise: {
    traffic: { current: 100_000, unit: 'concurrent users', growth: { conservative: 1, realistic: 2, optimistic: 4 } },
    'data-volume': { current: 50, unit: 'TB', growth: { conservative: 1, realistic: 3, optimistic: 5 } },
    'team-size': { current: 600, unit: 'engineers', growth: { conservative: 0, realistic: 1, optimistic: 2 } },
    cost: { current: 1_500, unit: 'k$/month', growth: { conservative: 1, realistic: 2, optimistic: 4 } },
  },
  regulated: {
    traffic: { current: 20_000, unit: 'concurrent users', growth: { conservative: 1, realistic: 3, optimistic: 6 } },
    'data-volume': { current: 10, unit: 'TB', growth: { conservative: 2, realistic: 4, optimistic: 7 } },
    'team-size': { current: 150, unit: 'engineers', growth: { conservative: 1, realistic: 2, optimistic: 4 } },
  },
  remote: {
    traffic: { current: 5_000, unit: 'concurrent users', growth: { conservative: 3, realistic: 6, optimistic: 10 } },
    'team-size': { current: 40, unit: 'engineers', growth: { conservative: 1, realistic: 3, optimistic: 6 } },
  },
};

/** Writes a template's starting values into an empty board (the server does, at creation). */
export function seedScenarios(doc: Y.Doc, template: TemplateKey, origin: unknown): void {
  const defaults = TEMPLATE_SCENARIOS[template] ?? {};
  doc.transact(() => {
    for (const [kind, m] of Object.entries(defaults) as [ThresholdKind, Omit<GrowthModel, 'kind'>][]) {
      setScenarioField(doc, { kind, field: 'current', value: m.current }, origin);
      setScenarioField(doc, { kind, field: 'unit', value: m.unit }, origin);
      for (const s of SCENARIOS) setScenarioField(doc, { kind, field: s.key, value: m.growth[s.key] }, origin);
    }
  }, origin);
}
