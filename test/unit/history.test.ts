// The history's pure part (shared/history.ts): sentences from before/after record values, the
// restore and rollback plans, and the history in the decision log (JSON schema, Markdown appendix).
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import {
  deletedRecords,
  describeChange,
  describeRestore,
  describeRollback,
  describeScoring,
  rollbackTargets,
  type HistoryNames,
  type RecordChange,
} from '../../shared/history.js';
import { buildDecisionLog } from '../../shared/log/build.js';
import { toMarkdown } from '../../shared/log/markdown.js';
import { toJson } from '../../shared/log/json.js';
import schema from '../../shared/log/decision-log.v1.schema.json';
import type { LogHistoryEntry } from '../../shared/log/types.js';
import { buildFixture, NOW, WORKSHOP_ID } from './decision-log.fixture.js';

const names: HistoryNames = {
  initiative: (id) => (id === 'i2' ? { number: 2, title: 'Split the monolith' } : null),
  noteText: (id) => (id === 'n1' ? 'Deploys take hours' : null),
  metricName: (id) => (id === 'm1' ? 'Lead time' : null),
  personName: (id) => (id === 'p-carol' ? 'Carol' : null),
};
const note = (lane: string, text: string) => ({ id: 'n1', lane, text, order: 'a0', author: { id: 'p', name: 'Alice', color: '#000' }, coAuthors: [], threshold: null, createdAt: 1 });
const change = (root: string, key: string, before: RecordChange['before'], after: RecordChange['after']): RecordChange => ({ root, key, before, after });

describe('history sentences', () => {
  it('says what happened to a note', () => {
    expect(describeChange('Alice', 'board', [change('notes', 'n1', null, note('platform', 'Deploys take hours'))], names)).toBe(
      'Alice added a Platform note: “Deploys take hours”',
    );
    expect(describeChange('Ada', 'board', [change('notes', 'n1', note('platform', 'x'), note('org', 'x'))], names)).toBe('Ada moved a note to Org: “x”');
    expect(describeChange('Ada', 'board', [change('notes', 'n1', note('org', 'x'), note('org', 'y'))], names)).toBe('Ada edited an Org note: “y”');
    expect(describeChange('Ada', 'board', [change('notes', 'n1', note('product', 'Old'), null)], names)).toBe('Ada deleted a Product note: “Old”');
    // Long text is cut, whitespace folded.
    const long = describeChange('Ada', 'board', [change('notes', 'n1', null, note('product', `a\n${'b'.repeat(200)}`))], names)!;
    expect(long.length).toBeLessThan(120);
    expect(long).toContain('“a bbb');
    expect(long).toMatch(/…”$/);
  });

  it('says what happened to a decision, naming the initiative by number and the DRI by name', () => {
    const before = { initiativeId: 'i2', rationale: '' };
    expect(describeChange('Bob', 'board', [change('decisions', 'i2', before, { ...before, dri: 'p-carol' })], names)).toBe(
      'Bob set the DRI of #2 “Split the monolith” to Carol',
    );
    expect(describeChange('Bob', 'board', [change('decisions', 'i2', before, { ...before, dri: 'Dana' })], names)).toBe(
      'Bob set the DRI of #2 “Split the monolith” to Dana',
    );
    expect(describeChange('Bob', 'board', [change('decisions', 'i2', before, { ...before, approach: 'partner', phase: 'later' })], names)).toBe(
      'Bob set the approach of #2 “Split the monolith” to Partner; set the phase of #2 “Split the monolith” to Later',
    );
  });

  it('says control changes: stage, lock, reveals', () => {
    const run = (key: string) => ({ key, plannedMs: 60_000, extraMs: 0, elapsedMs: 0, runningSince: null, startedAt: null, endedAt: null });
    const state = (current: number) => ({ version: 1, current, stages: ['bottlenecks', 'impact', 'prioritization'].map(run) });
    expect(describeChange('Fran', 'control', [change('engine', 'state', state(0), state(2))], names)).toBe('Fran moved the workshop to stage 3: Prioritization');
    expect(describeChange('Fran', 'control', [change('settings', 'locked', false, true)], names)).toBe('Fran locked the board');
    expect(describeChange('Fran', 'control', [change('reveals', 'scoresRevealed', false, true)], names)).toBe('Fran revealed scores');
    expect(describeChange('Fran', 'control', [change('reveals', 'notesRevealSeq', 1, 2)], names)).toBe('Fran revealed the notes');
    // A control change nobody needs to read about (the template, say) says nothing.
    expect(describeChange('Fran', 'control', [change('settings', 'template', 'a', 'b')], names)).toBeNull();
  });

  it('counts what a sweeping change did instead of listing it', () => {
    const gone = Array.from({ length: 12 }, (_, i) => change('notes', `n${i}`, note('org', `Note ${i}`), null));
    const initiatives = Array.from({ length: 3 }, (_, i) => change('initiatives', `i${i}`, { id: `i${i}`, title: `I${i}` }, null));
    expect(describeChange('Mallory', 'board', [...gone, ...initiatives], names)).toBe('Mallory deleted 12 notes, deleted 3 initiatives');
  });

  it("says a follow-up's review of a previous decision", () => {
    const withPrevious: HistoryNames = { ...names, previousDecision: (id) => (id === 'old1' ? 'Move to Kafka' : null) };
    expect(describeChange('Bob', 'board', [change('reviews', 'old1', { status: '', comment: '' }, { status: 'at-risk', comment: 'Two weeks late' })], withPrevious)).toBe(
      'Bob set the review of “Move to Kafka” to At risk; commented on the review of “Move to Kafka”: “Two weeks late”',
    );
  });

  it('never says a score', () => {
    expect(describeScoring('Alice')).toBe('Alice scored');
  });
});

describe('restore and rollback plans', () => {
  it('restores only what an entry deleted, and says so', () => {
    const changes = [
      change('notes', 'n1', note('platform', 'Deploys take hours'), null),
      change('impacts', 'x', { id: 'x', noteId: 'n1', category: 'margin', magnitude: 3 }, null),
      change('noteMerges', 'k', { source: 'n0' }, null),
      change('initiatives', 'i9', null, { id: 'i9', title: 'New' }),
    ];
    const deleted = deletedRecords(changes);
    expect(deleted.map((c) => `${c.root}/${c.key}`)).toEqual(['notes/n1', 'impacts/x']);
    expect(describeRestore('Fran', deleted.map((c) => ({ ...c, after: c.before, before: null })), names, 7)).toBe(
      'Fran restored a Platform note: “Deploys take hours”; restored a Margin / cost impact (3) on “Deploys take hours” (deleted in #7)',
    );
  });

  it('rolls each record back to its value before the first later change', () => {
    const later = [
      { changes: [change('notes', 'a', 'v1', 'v2'), change('settings', 'locked', false, true)] },
      { changes: [change('notes', 'a', 'v2', 'v3'), change('notes', 'b', null, 'new')] },
      { changes: [change('notes', 'b', 'new', null)] },
    ];
    const targets = rollbackTargets(later);
    expect([...targets.values()].map((t) => [t.root, t.key, t.after])).toEqual([
      ['notes', 'a', 'v1'],
      ['notes', 'b', null],
    ]);
    expect(describeRollback('Fran', 4, 2)).toBe('Fran rolled the board back to how it was after #4 (2 records changed)');
  });
});

describe('history in the decision log', () => {
  const history: LogHistoryEntry[] = [
    { id: 1, at: '2026-12-06T10:00:05.000Z', person: 'Alice', role: 'participant', stage: 'bottlenecks', text: 'Alice added a Platform note: “a | b”' },
    { id: 2, at: '2026-12-06T10:05:00.000Z', person: 'Fran', role: 'facilitator', stage: 'impact', text: 'Fran revealed scores' },
  ];
  const { board, control } = buildFixture();

  it('is in the JSON log, valid against the v1 schema, and absent when not given', () => {
    const log = buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW, history });
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    expect(validate(JSON.parse(toJson(log))), JSON.stringify(validate.errors)).toBe(true);
    expect(log.history).toEqual(history);
    expect(buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW }).history).toBeUndefined();
    expect(validate({ ...JSON.parse(toJson(log)), history: [{ ...history[0], role: 'admin' }] })).toBe(false);
  });

  it('is an appendix of the Markdown, escaped like every cell', () => {
    const md = toMarkdown(buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW, history }));
    const appendix = md.slice(md.indexOf('## Appendix: History'));
    expect(appendix).toContain('- #1 2026-12-06 10:00 · Bottleneck mapping · Alice added a Platform note: “a \\| b”');
    expect(appendix).toContain('- #2 2026-12-06 10:05 · Impact mapping · Fran revealed scores');
    expect(toMarkdown(buildDecisionLog({ board, control, workshopId: WORKSHOP_ID, now: NOW }))).not.toContain('Appendix: History');
  });
});
