// Templates: each of the five sets prompts for every stage and a 90-minute agenda of its own.
import { describe, expect, it } from 'vitest';
import { STAGES, TEMPLATE_KEYS } from '../../shared/constants.js';
import { TEMPLATES, stagePrompt, templateDurations } from '../../shared/templates.js';
import { initialEngineState } from '../../shared/stages.js';

describe('templates', () => {
  it.each(TEMPLATE_KEYS)('%s has a prompt for each of the five stages and five durations summing to 90 minutes', (key) => {
    const t = TEMPLATES[key];
    expect(t.key).toBe(key);
    for (const s of STAGES) expect(t.prompts[s.key].length).toBeGreaterThan(20);
    expect(t.durations).toHaveLength(5);
    expect(t.durations.reduce((a, b) => a + b, 0)).toBe(90);
  });

  it('adapts prompts to the context: each template speaks its own concerns', () => {
    expect(stagePrompt('scaleup', 4)).toMatch(/SLO/);
    expect(stagePrompt('regulated', 0)).toMatch(/data residency/);
    expect(stagePrompt('enterprise', 3)).toMatch(/[Ss]hared service/);
    expect(stagePrompt('remote', 3)).toMatch(/rationale/);
    expect(stagePrompt('startup', 2)).toMatch(/constraint/);
    const firstPrompts = TEMPLATE_KEYS.map((k) => stagePrompt(k, 0));
    expect(new Set(firstPrompts).size).toBe(TEMPLATE_KEYS.length);
  });

  it('scaleup keeps the default 20/20/20/20/10; others change durations', () => {
    expect(templateDurations('scaleup')).toEqual([20, 20, 20, 20, 10]);
    const distinct = new Set(TEMPLATE_KEYS.map((k) => templateDurations(k).join('/')));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('seeds the engine with the template durations, and returns a copy', () => {
    const d = templateDurations('enterprise');
    d[0] = 99;
    expect(TEMPLATES.enterprise.durations[0]).not.toBe(99);
    expect(initialEngineState(templateDurations('enterprise')).stages.map((s) => s.plannedMs / 60_000)).toEqual(TEMPLATES.enterprise.durations);
  });
});
