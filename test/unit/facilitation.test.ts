// Facilitation notes (SPEC 2: templates adapt the prompts; issue 13: notes per template and stage
// for the facilitator): every stage has its own notes on what to say, what to watch for and when,
// and each template adds its own emphasis on top of the same stage notes.
import { describe, expect, it } from 'vitest';
import { STAGES, TEMPLATE_KEYS, type TemplateKey } from '../../shared/constants.js';
import { cueLabel, facilitationNotes } from '../../shared/facilitation.js';

const STAGE_INDEXES = STAGES.map((_, i) => i);
const linesOf = (t: TemplateKey, i: number) => {
  const n = facilitationNotes(t, i);
  return [...n.say, ...n.watch];
};
/** The lines every template gives at stage `i`: the stage's own notes. */
const commonLines = (i: number) => linesOf('scaleup', i).filter((line) => TEMPLATE_KEYS.every((t) => linesOf(t, i).includes(line)));
/** What template `t` adds to the stage notes, over all five stages. */
const additions = (t: TemplateKey) => STAGE_INDEXES.flatMap((i) => linesOf(t, i).filter((line) => !commonLines(i).includes(line)));

describe('facilitationNotes', () => {
  it('gives every template and stage something to say, to watch for, and a cue at the start, halfway, in the last minutes and at time up', () => {
    for (const t of TEMPLATE_KEYS) {
      for (const i of STAGE_INDEXES) {
        const n = facilitationNotes(t, i);
        expect(n.say.length, `${t} stage ${i + 1}`).toBeGreaterThan(0);
        expect(n.watch.length, `${t} stage ${i + 1}`).toBeGreaterThan(0);
        expect(n.time.map((c) => c.at)).toEqual(['start', 'half', 'last', 'over']);
        for (const line of [...n.say, ...n.watch, ...n.time.map((c) => c.text)]) expect(line.trim()).not.toBe('');
      }
    }
  });

  it('differs by stage, each stage speaking of its own work', () => {
    for (const t of TEMPLATE_KEYS) {
      const says = STAGE_INDEXES.map((i) => facilitationNotes(t, i).say.join(' '));
      const cues = STAGE_INDEXES.map((i) => facilitationNotes(t, i).time.map((c) => c.text).join(' '));
      expect(new Set(says).size, t).toBe(STAGES.length);
      expect(new Set(cues).size, t).toBe(STAGES.length);
      // The stage notes shared by all templates are disjoint from stage to stage.
      const common = STAGE_INDEXES.map(commonLines);
      for (const i of STAGE_INDEXES) for (const j of STAGE_INDEXES) if (i < j) expect(common[i]!.filter((l) => common[j]!.includes(l))).toEqual([]);
    }
    const say = (i: number) => facilitationNotes('scaleup', i).say.join(' ');
    expect(say(0)).toMatch(/lane/);
    expect(say(1)).toMatch(/magnitude/);
    expect(say(2)).toMatch(/ROI and urgency/);
    expect(say(3)).toMatch(/Build .*buy .*partner/i);
    expect(say(4)).toMatch(/DRI/);
  });

  it('differs by template: each adds its own emphasis (SPEC 2, Templates), before the stage notes', () => {
    // What SPEC 2 says each template is about.
    const emphasis: Record<TemplateKey, RegExp> = {
      startup: /binding constraint|outages|runway/,
      scaleup: /SLO|error budget|FinOps|monolith/,
      enterprise: /shared service|governance|change board/,
      regulated: /regulation|audit|deadline/,
      remote: /pre-work|time zones|abroad/,
    };
    for (const t of TEMPLATE_KEYS) {
      const own = additions(t);
      expect(own.length, t).toBeGreaterThan(0);
      expect(own.join(' '), t).toMatch(emphasis[t]);
      // No other template says the same.
      for (const other of TEMPLATE_KEYS) if (other !== t) expect(own.filter((l) => additions(other).includes(l)), `${t} and ${other}`).toEqual([]);
    }
    expect(facilitationNotes('regulated', 1).say[0]).toMatch(/regulation/);
    expect(facilitationNotes('startup', 0).say[0]).toMatch(/binding constraint/);
    expect(facilitationNotes('startup', 0)).not.toEqual(facilitationNotes('scaleup', 0));
    // The stage notes follow the template's additions (scaleup adds nothing to say in stage 2).
    expect(facilitationNotes('regulated', 1).say.slice(1)).toEqual(facilitationNotes('scaleup', 1).say);
  });

  it('keeps an index outside the five stages to the nearest one', () => {
    expect(facilitationNotes('scaleup', -1)).toEqual(facilitationNotes('scaleup', 0));
    expect(facilitationNotes('scaleup', 9)).toEqual(facilitationNotes('scaleup', 4));
  });
});

describe('cueLabel', () => {
  it('says when a cue is due against the stage planned minutes', () => {
    expect((['start', 'half', 'last', 'over'] as const).map((at) => cueLabel(at, 20))).toEqual(['Start', 'At 10 min', 'Last 5 min', 'Time up']);
    expect(cueLabel('half', 10)).toBe('At 5 min');
    expect(cueLabel('last', 10)).toBe('Last 3 min');
    expect(cueLabel('last', 2)).toBe('Last 1 min');
  });
});
