// Every rule of the Ship-It checklist, one at a time: each test starts from a board where all
// five items are done and breaks exactly one thing.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CHECKLIST_ITEMS, checklistGaps, checklistOf, computeChecklist, decisionGaps, metricGaps, type ChecklistKey } from '../../shared/checklist.js';
import { boardMaps, initControl, readBoard, type BoardSnapshot, type YRecord } from '../../shared/schema.js';
import { createInitiative, linkBottleneck } from '../../shared/commands/initiatives.js';
import { setApproach, setDri, setPhase, setRationale } from '../../shared/commands/decisions.js';
import { addMetric, updateMetric } from '../../shared/commands/metrics.js';
import { revealScores, setRankingOrder, setTopN } from '../../shared/commands/ranking.js';

function addNote(doc: Y.Doc, id: string, lane: 'product' | 'platform' | 'org'): void {
  const m = new Y.Map<unknown>() as YRecord;
  m.set('id', id);
  m.set('lane', lane);
  m.set('order', 'a0');
  m.set('text', `${lane} bottleneck`);
  m.set('createdAt', 0);
  boardMaps(doc).notes.set(id, m);
}

/** A board whose top 3 (of 4) initiatives are fully decided; the 4th is not in the top. */
function completeBoard() {
  const board = new Y.Doc();
  addNote(board, 'n-product', 'product');
  addNote(board, 'n-platform', 'platform');
  addNote(board, 'n-org', 'org');
  const top = [
    createInitiative(board, { id: 'i1', title: 'Checkout rewrite', bottleneckIds: ['n-product'], now: 1 }),
    createInitiative(board, { id: 'i2', title: 'Observability stack', bottleneckIds: ['n-platform'], now: 2 }),
    createInitiative(board, { id: 'i3', title: 'Team topology', bottleneckIds: ['n-org'], now: 3 }),
  ];
  createInitiative(board, { id: 'i4', title: 'Not in top', bottleneckIds: [], now: 4 });
  top.forEach((id, k) => {
    setApproach(board, { initiativeId: id, approach: (['build', 'buy', 'partner'] as const)[k]! });
    setRationale(board, { initiativeId: id, rationale: 'Because.' });
    setPhase(board, { initiativeId: id, phase: (['now', 'next', 'later'] as const)[k]! });
    setDri(board, { initiativeId: id, dri: `Owner ${k}` });
    addMetric(board, { id: `m${k}`, initiativeId: id, name: 'p99 latency', baseline: '2 s', target: '500 ms', due: '2025-12-31', observability: k === 1 });
  });
  return { board, topIds: top };
}

const doneOf = (board: BoardSnapshot, topIds: string[]) =>
  Object.fromEntries(computeChecklist(board, topIds).map((i) => [i.key, i.done])) as Record<ChecklistKey, boolean>;

/** Asserts that exactly `key` is not done (the others are). */
function onlyMissing(board: Y.Doc, topIds: string[], key: ChecklistKey) {
  const done = doneOf(readBoard(board), topIds);
  for (const item of CHECKLIST_ITEMS) expect(done[item.key], item.key).toBe(item.key !== key);
  expect(checklistGaps(readBoard(board), topIds)[key]).not.toBe('');
}

describe('Ship-It checklist', () => {
  it('is the five items of the spec, in order, with key, label and done', () => {
    const { board, topIds } = completeBoard();
    const list = computeChecklist(readBoard(board), topIds);
    expect(list.map((i) => i.key)).toEqual(['priorities', 'sequencing', 'approach', 'owners', 'observability']);
    expect(list.every((i) => i.done && typeof i.label === 'string' && i.label.length > 0)).toBe(true);
    expect(Object.keys(list[0]!).sort()).toEqual(['done', 'key', 'label']);
  });

  it('has nothing done while there is no top initiative', () => {
    const { board } = completeBoard();
    expect(computeChecklist(readBoard(board), []).some((i) => i.done)).toBe(false);
    expect(computeChecklist(readBoard(new Y.Doc()), []).some((i) => i.done)).toBe(false);
    // Ids of deleted initiatives do not count either.
    expect(computeChecklist(readBoard(board), ['gone']).some((i) => i.done)).toBe(false);
  });

  describe('priorities: the top initiatives address all three lanes', () => {
    it('is not done when no top initiative addresses the Organization lane', () => {
      const { board, topIds } = completeBoard();
      boardMaps(board).initiatives.get('i3')!.set('bottleneckIds', []);
      onlyMissing(board, topIds, 'priorities');
      expect(checklistGaps(readBoard(board), topIds).priorities).toContain('Organization');
    });
    it('counts a lane covered by a non-top initiative as not covered', () => {
      const { board, topIds } = completeBoard();
      boardMaps(board).initiatives.get('i3')!.set('bottleneckIds', []);
      linkBottleneck(board, { id: 'i4', noteId: 'n-org' });
      onlyMissing(board, topIds, 'priorities');
    });
    it('is done when one top initiative addresses several lanes', () => {
      const { board, topIds } = completeBoard();
      boardMaps(board).initiatives.get('i3')!.set('bottleneckIds', []);
      linkBottleneck(board, { id: 'i1', noteId: 'n-org' });
      expect(doneOf(readBoard(board), topIds).priorities).toBe(true);
    });
    it('ignores links to deleted bottlenecks', () => {
      const { board, topIds } = completeBoard();
      boardMaps(board).notes.delete('n-org');
      onlyMissing(board, topIds, 'priorities');
    });
  });

  it('sequencing: every top initiative needs a phase', () => {
    const { board, topIds } = completeBoard();
    setPhase(board, { initiativeId: 'i2', phase: null });
    onlyMissing(board, topIds, 'sequencing');
  });

  describe('approach: every top initiative has build/buy/partner and a rationale', () => {
    it('is not done without an approach', () => {
      const { board, topIds } = completeBoard();
      setApproach(board, { initiativeId: 'i1', approach: null });
      onlyMissing(board, topIds, 'approach');
    });
    it('is not done with a blank rationale', () => {
      const { board, topIds } = completeBoard();
      setRationale(board, { initiativeId: 'i3', rationale: '   ' });
      onlyMissing(board, topIds, 'approach');
    });
    it('does not care about initiatives outside the top', () => {
      const { board, topIds } = completeBoard();
      expect(readBoard(board).decisions.i4!.approach).toBeNull();
      expect(doneOf(readBoard(board), topIds).approach).toBe(true);
    });
  });

  describe('owners: every top initiative has a DRI and a complete metric', () => {
    it('is not done without a DRI', () => {
      const { board, topIds } = completeBoard();
      setDri(board, { initiativeId: 'i2', dri: '' });
      onlyMissing(board, topIds, 'owners');
    });
    for (const field of ['name', 'baseline', 'target', 'due'] as const) {
      it(`is not done when the only metric lacks its ${field}`, () => {
        const { board, topIds } = completeBoard();
        updateMetric(board, { id: 'm0', [field]: ' ' });
        onlyMissing(board, topIds, 'owners');
      });
    }
    it('is done when at least one of several metrics is complete', () => {
      const { board, topIds } = completeBoard();
      addMetric(board, { initiativeId: 'i1', name: 'half-filled' });
      expect(doneOf(readBoard(board), topIds).owners).toBe(true);
    });
    it('is not done when a top initiative has no metric at all', () => {
      const { board, topIds } = completeBoard();
      boardMaps(board).metrics.delete('m2');
      onlyMissing(board, topIds, 'owners');
    });
  });

  describe('observability: a metric of a top initiative is tagged observability', () => {
    it('is not done when the tag is removed', () => {
      const { board, topIds } = completeBoard();
      updateMetric(board, { id: 'm1', observability: false });
      onlyMissing(board, topIds, 'observability');
    });
    it('does not count a tagged metric of a non-top initiative, nor an unnamed one', () => {
      const { board, topIds } = completeBoard();
      updateMetric(board, { id: 'm1', observability: false });
      addMetric(board, { initiativeId: 'i4', name: 'traces', observability: true });
      addMetric(board, { initiativeId: 'i1', name: '', observability: true });
      onlyMissing(board, topIds, 'observability');
    });
  });

  it('checklistOf follows the top N chosen in the control document', () => {
    const { board } = completeBoard();
    const control = new Y.Doc();
    initControl(control, { title: 'T', template: 'scaleup', createdAt: 0 }, { current: 4 });
    // Before the reveal nothing is top, however complete the first initiatives are.
    expect(checklistOf(board, control).some((i) => i.done)).toBe(false);
    // Revealed without scores: board order, top 3 = i1..i3, all complete.
    revealScores(control);
    expect(checklistOf(board, control).every((i) => i.done)).toBe(true);
    // Top 4 brings in i4, which has no decision yet.
    setTopN(control, 4);
    const list = checklistOf(board, control);
    expect(list.find((i) => i.key === 'approach')!.done).toBe(false);
    expect(list.find((i) => i.key === 'observability')!.done).toBe(true);
  });

  it('checklistOf counts a ranking by hand before the reveal', () => {
    const { board } = completeBoard();
    const control = new Y.Doc();
    initControl(control, { title: 'T', template: 'scaleup', createdAt: 0 }, { current: 2 });
    expect(checklistOf(board, control).find((i) => i.key === 'priorities')!.done).toBe(false);
    setRankingOrder(control, ['i3', 'i2', 'i1']);
    expect(checklistOf(board, control).every((i) => i.done)).toBe(true);
  });
});

describe('the per-card rules the checklist and the stage 4 and 5 cards share', () => {
  it('names what a decision lacks', () => {
    expect(decisionGaps(undefined)).toEqual(['approach', 'rationale', 'phase']);
    expect(decisionGaps({ initiativeId: 'i', approach: 'build', rationale: '  ', phase: 'now', dri: null })).toEqual(['rationale']);
    expect(decisionGaps({ initiativeId: 'i', approach: 'buy', rationale: 'cheaper', phase: 'next', dri: null })).toEqual([]);
  });

  it('names the empty fields of a metric', () => {
    const metric = { id: 'm', initiativeId: 'i', name: 'p99', baseline: '', target: ' ', due: '2027-01-01', observability: false, createdAt: 0 };
    expect(metricGaps(metric)).toEqual(['baseline', 'target']);
    expect(metricGaps({ ...metric, baseline: '2 s', target: '500 ms' })).toEqual([]);
  });
});
