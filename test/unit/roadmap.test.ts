// The scaling plan from a board: growth scenarios as the room edits them, forecasts per
// bottleneck, forecast urgency per initiative (several bottlenecks), and the roadmap's columns,
// deferred initiatives, milestones and warnings.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readBoard, type Note } from '../../shared/schema.js';
import { readScenarios, seedScenarios, setScenarioField, TEMPLATE_SCENARIOS } from '../../shared/scenarios.js';
import { scalingPlan } from '../../shared/roadmap.js';
import { rankInitiatives, tallyScores } from '../../shared/ranking.js';
import { addNote } from '../../shared/commands/notes.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { setDri, setPhase } from '../../shared/commands/decisions.js';
import { addMetric } from '../../shared/commands/metrics.js';

const author = { id: 'a', name: 'A', color: '#336699' };

describe('growth scenarios on the board', () => {
  it('starts from the template and keeps each field the room edits, blank kinds included', () => {
    const doc = new Y.Doc();
    seedScenarios(doc, 'scaleup', 'server');
    const traffic = readScenarios(doc).find((m) => m.kind === 'traffic')!;
    expect(traffic).toEqual({ kind: 'traffic', ...TEMPLATE_SCENARIOS.scaleup.traffic });
    setScenarioField(doc, { kind: 'traffic', field: 'realistic', value: '9.5' });
    setScenarioField(doc, { kind: 'traffic', field: 'optimistic', value: null });
    expect(readScenarios(doc).find((m) => m.kind === 'traffic')!.growth).toEqual({ conservative: 3, realistic: 9.5, optimistic: null });
    expect(() => setScenarioField(doc, { kind: 'traffic', field: 'current', value: 'lots' })).toThrow(/number/);
    // Remote / Distributed has no data-volume model: a blank kind.
    const remote = new Y.Doc();
    seedScenarios(remote, 'remote', 'server');
    expect(readScenarios(remote).find((m) => m.kind === 'data-volume')).toEqual({
      kind: 'data-volume',
      current: null,
      unit: '',
      growth: { conservative: null, realistic: null, optimistic: null },
    });
  });

  it('merges two people editing different fields of the same kind at once', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    seedScenarios(a, 'scaleup', 'server');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setScenarioField(a, { kind: 'cost', field: 'current', value: 180 });
    setScenarioField(b, { kind: 'cost', field: 'realistic', value: 7 });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const d of [a, b]) expect(readScenarios(d).find((m) => m.kind === 'cost')).toMatchObject({ current: 180, growth: { realistic: 7 } });
  });
});

/** A board with the scaleup models, three bottlenecks and three initiatives, two of them top. */
function planFixture() {
  const doc = new Y.Doc();
  seedScenarios(doc, 'scaleup', 'server'); // traffic 10k users, +7 % realistic a month
  addNote(doc, { id: 'b-now', lane: 'platform', text: 'DB at 95% CPU', author, now: 1, threshold: { kind: 'traffic', value: 9_000, unit: 'concurrent users', text: '' } });
  // 20k at 7 %: ln 2 / ln 1.07 = 10.2 months (realistic); 12 %: 6.1 (optimistic).
  addNote(doc, { id: 'b-soon', lane: 'product', text: 'Checkout p99 > 2 s', author, now: 2, threshold: { kind: 'traffic', value: 20_000, unit: 'concurrent users', text: '' } });
  addNote(doc, { id: 'b-units', lane: 'platform', text: 'Search index size', author, now: 3, threshold: { kind: 'data-volume', value: 5, unit: 'GB', text: '' } });
  createInitiative(doc, { id: 'i-db', title: 'Shard the database', bottleneckIds: ['b-now', 'b-soon'], now: 4 });
  createInitiative(doc, { id: 'i-search', title: 'Search service', bottleneckIds: ['b-units'], now: 5 });
  createInitiative(doc, { id: 'i-docs', title: 'Developer docs', bottleneckIds: [], now: 6 });
  setPhase(doc, { initiativeId: 'i-db', phase: 'later' });
  setDri(doc, { initiativeId: 'i-db', dri: 'Grace' });
  addMetric(doc, { initiativeId: 'i-db', name: 'p99 checkout', baseline: '2.4 s', target: '0.8 s', due: '2027-03-31' });
  setPhase(doc, { initiativeId: 'i-search', phase: 'now' });
  const board = readBoard(doc);
  const scores = tallyScores([
    { initiativeId: 'i-db', participantId: 'p', roi: 5, urgency: 2 },
    { initiativeId: 'i-search', participantId: 'p', roi: 4, urgency: 2 },
    { initiativeId: 'i-docs', participantId: 'p', roi: 1, urgency: 1 },
  ]);
  const ranking = rankInitiatives(board.initiatives, [...scores.values()], { topN: 2, revealed: true });
  return { doc, board, ranking, plan: scalingPlan(board, readScenarios(doc), ranking) };
}

describe('scalingPlan', () => {
  it('forecasts each bottleneck, and says why where it cannot', () => {
    const { plan } = planFixture();
    expect(plan.forecasts.get('b-now')).toEqual({ ok: true, months: { conservative: 0, realistic: 0, optimistic: 0 } });
    const soon = plan.forecasts.get('b-soon')!;
    expect(soon.ok && soon.months.realistic).toBeCloseTo(Math.log(2) / Math.log(1.07), 6);
    expect(plan.forecasts.get('b-units')).toMatchObject({ ok: false, reason: 'unit-mismatch' });
  });

  it('gives an initiative the urgency of its earliest-breaking bottleneck', () => {
    const { plan } = planFixture();
    expect(plan.initiatives.get('i-db')).toEqual({ earliestBreakMonths: 0, forecastUrgency: 5 });
    expect(plan.initiatives.get('i-search')).toEqual({ earliestBreakMonths: null, forecastUrgency: null });
  });

  it('lays the top initiatives out by phase, defers the rest with their scores, and warns where a bottleneck breaks first', () => {
    const { plan } = planFixture();
    const { roadmap } = plan;
    expect(roadmap.now.map((c) => c.initiativeId)).toEqual(['i-search']);
    expect(roadmap.next).toEqual([]);
    expect(roadmap.later).toEqual([
      {
        rank: 1,
        initiativeId: 'i-db',
        initiative: 'Shard the database',
        dri: 'Grace',
        metric: { name: 'p99 checkout', baseline: '2.4 s', target: '0.8 s', due: '2027-03-31' },
        forecastUrgency: 5,
        earliestBreakMonths: 0,
      },
    ]);
    expect(roadmap.deferred).toEqual([{ initiativeId: 'i-docs', initiative: 'Developer docs', roi: 1, urgency: 1 }]);
    // b-now breaks now and b-soon in ~10 months; Later starts at 6: only b-now comes too early.
    expect(roadmap.warnings).toEqual([{ bottleneckId: 'b-now', rank: 1, text: 'breaks now, its initiative is in Later' }]);
  });

  it('counts the months until realistic and optimistic traffic reach 10× and 100× today', () => {
    const { roadmap } = planFixture().plan;
    const tenX = Math.round((Math.log(10) / Math.log(1.07)) * 10) / 10;
    expect(roadmap.milestones).toEqual([
      { kind: 'traffic', multiple: 10, scenario: 'realistic', months: tenX },
      { kind: 'traffic', multiple: 10, scenario: 'optimistic', months: Math.round((Math.log(10) / Math.log(1.12)) * 10) / 10 },
      { kind: 'traffic', multiple: 100, scenario: 'realistic', months: Math.round((Math.log(100) / Math.log(1.07)) * 10) / 10 },
      { kind: 'traffic', multiple: 100, scenario: 'optimistic', months: Math.round((Math.log(100) / Math.log(1.12)) * 10) / 10 },
    ]);
  });

  it('warns for a bottleneck that breaks within Next when its initiative is in Later', () => {
    const { doc, ranking } = planFixture();
    const board = readBoard(doc);
    const soonOnly = ranking.map((r) => (r.initiative.id === 'i-db' ? { ...r, initiative: { ...r.initiative, bottleneckIds: ['b-soon'] } } : r));
    setScenarioField(doc, { kind: 'traffic', field: 'realistic', value: 30 }); // 20k in ln 2 / ln 1.3 = 2.6 months
    const { roadmap } = scalingPlan(board, readScenarios(doc), soonOnly);
    expect(roadmap.warnings).toEqual([{ bottleneckId: 'b-soon', rank: 1, text: 'breaks in 3 months, its initiative is in Later' }]);
    const notes: Note[] = board.notes;
    expect(notes.length).toBe(3);
  });
});
