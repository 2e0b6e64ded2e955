// Workshop templates: prompts and durations adapted to the company's context.
import { STAGES, type TemplateKey } from './constants.js';

export interface Template {
  key: TemplateKey;
  title: string;
  /** Planned minutes per stage, in stage order. */
  durations: number[];
}

const DEFAULT_DURATIONS = STAGES.map((s) => s.plannedMinutes);

export const TEMPLATES: Record<TemplateKey, Template> = {
  startup: { key: 'startup', title: 'Startup / Turnaround', durations: DEFAULT_DURATIONS },
  scaleup: { key: 'scaleup', title: 'Scaleup', durations: DEFAULT_DURATIONS },
  enterprise: { key: 'enterprise', title: 'Enterprise', durations: DEFAULT_DURATIONS },
  regulated: { key: 'regulated', title: 'Regulated', durations: DEFAULT_DURATIONS },
  remote: { key: 'remote', title: 'Remote / Distributed', durations: DEFAULT_DURATIONS },
};

export const templateDurations = (key: TemplateKey): number[] => [...TEMPLATES[key].durations];
