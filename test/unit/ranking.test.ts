// Ranking of initiatives from revealed scores: means, spread, disagreement, order, ties, missing
// scores, the facilitator's override and the top N.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import fc from 'fast-check';
import { aggregateScores, rankBoard, rankInitiatives as rankTallies, tallyScores, rankingOf, readRankingControl, topIdsOf, DISAGREEMENT_RANGE } from '../../shared/ranking.js';
import { boardMaps, controlMaps, initControl, readBoard, type Initiative, type Score } from '../../shared/schema.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { setRankingOrder, setTopN, revealScores, clearRankingOrder } from '../../shared/commands/ranking.js';

const initiative = (id: string, createdAt: number): Initiative => ({ id, title: id.toUpperCase(), bottleneckIds: [], createdAt });
const score = (initiativeId: string, participantId: string, roi: number | null, urgency: number | null): Score => ({
  initiativeId,
  participantId,
  roi,
  urgency,
});
const ids = (r: { initiative: Initiative }[]) => r.map((x) => x.initiative.id);
/** Ranks from individual scores, through the tallies the board carries. */
const rankInitiatives = (initiatives: Initiative[], scores: Score[], opts?: Parameters<typeof rankTallies>[2]) =>
  rankTallies(initiatives, [...tallyScores(scores).values()], opts);

const A = initiative('a', 1);
const B = initiative('b', 2);
const C = initiative('c', 3);
const D = initiative('d', 4);

describe('aggregateScores', () => {
  it('computes mean, min, max and the population standard deviation per axis', () => {
    const s = aggregateScores([score('a', 'p1', 2, 5), score('a', 'p2', 4, 5), score('a', 'p3', 3, 2)]).get('a')!;
    expect(s.roi).toEqual({ count: 3, mean: 3, min: 2, max: 4, spread: Math.sqrt(2 / 3) });
    expect(s.urgency.mean).toBe(4);
    expect(s.urgency.spread).toBeCloseTo(Math.sqrt(2), 10);
    expect(s.scorers).toBe(3);
  });

  it('gives one score a spread of zero', () => {
    const s = aggregateScores([score('a', 'p1', 3, 1)]).get('a')!;
    expect(s.roi.spread).toBe(0);
    expect(s.urgency.spread).toBe(0);
  });

  it(`flags disagreement when two scores on an axis are ${DISAGREEMENT_RANGE}+ points apart, on either axis`, () => {
    const stats = aggregateScores([
      score('close', 'p1', 2, 3),
      score('close', 'p2', 4, 4),
      score('roi-split', 'p1', 1, 3),
      score('roi-split', 'p2', 4, 3),
      score('urgency-split', 'p1', 3, 5),
      score('urgency-split', 'p2', 3, 3),
      score('urgency-split', 'p3', 3, 2),
    ]);
    expect(stats.get('close')!.disagreement).toBe(false);
    expect(stats.get('roi-split')!.disagreement).toBe(true);
    expect(stats.get('urgency-split')!.disagreement).toBe(true);
  });

  it('ignores missing and invalid scores and counts a participant with one axis as a scorer', () => {
    const s = aggregateScores([
      score('a', 'p1', 4, null),
      score('a', 'p2', null, null),
      score('a', 'p3', 0, 6),
      score('a', 'p4', 2.5, 3),
      score('a', 'p5', null, 2),
    ]).get('a')!;
    expect(s.roi).toMatchObject({ count: 1, mean: 4 });
    expect(s.urgency).toMatchObject({ count: 2, mean: 2.5 });
    expect(s.scorers).toBe(3); // p1 (roi), p4 (urgency 3 valid), p5
    expect(aggregateScores([score('x', 'p1', null, null)]).has('x')).toBe(false);
  });
});

describe('rankInitiatives', () => {
  it('orders by ROI × urgency, then by ROI', () => {
    const ranking = rankInitiatives([A, B, C], [
      score('a', 'p1', 2, 2), // 4
      score('b', 'p1', 3, 4), // 12, roi 3
      score('c', 'p1', 4, 3), // 12, roi 4 -> before b
    ]);
    expect(ids(ranking)).toEqual(['c', 'b', 'a']);
    expect(ranking.map((r) => r.priority)).toEqual([12, 12, 4]);
    expect(ranking.map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it('breaks full ties by board order (oldest first), whatever order the scores arrive in', () => {
    const scores = [score('c', 'p1', 3, 3), score('a', 'p1', 3, 3), score('b', 'p1', 3, 3)];
    expect(ids(rankInitiatives([A, B, C], scores))).toEqual(['a', 'b', 'c']);
    expect(ids(rankInitiatives([A, B, C], [...scores].reverse()))).toEqual(['a', 'b', 'c']);
  });

  it('puts initiatives with missing scores after scored ones: one axis by ROI, none in board order', () => {
    const ranking = rankInitiatives([A, B, C, D], [
      score('d', 'p1', 1, 1), // scored, priority 1
      score('b', 'p1', 5, null), // roi only
      score('c', 'p1', null, 5), // urgency only
    ]);
    expect(ids(ranking)).toEqual(['d', 'b', 'a', 'c']);
    expect(ranking.find((r) => r.initiative.id === 'a')!.priority).toBeNull();
    expect(ranking.find((r) => r.initiative.id === 'a')!.stats.scorers).toBe(0);
  });

  it('with no scores at all keeps board order', () => {
    expect(ids(rankInitiatives([A, B, C], []))).toEqual(['a', 'b', 'c']);
  });

  it('ignores scores for initiatives that no longer exist', () => {
    const ranking = rankInitiatives([A], [score('gone', 'p1', 5, 5), score('a', 'p1', 1, 1)]);
    expect(ids(ranking)).toEqual(['a']);
  });

  it("applies the facilitator's order, then appends initiatives it does not list in computed order", () => {
    const scores = [score('a', 'p1', 1, 1), score('b', 'p1', 2, 2), score('c', 'p1', 3, 3), score('d', 'p1', 4, 4)];
    const ranking = rankInitiatives([A, B, C, D], scores, { order: ['a', 'gone', 'c', 'a'] });
    expect(ids(ranking)).toEqual(['a', 'c', 'd', 'b']);
    expect(ranking.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(ranking.map((r) => r.computedRank)).toEqual([4, 2, 1, 3]);
  });

  it('marks the top N (default 3) in final order', () => {
    const scores = [score('a', 'p1', 5, 5), score('b', 'p1', 4, 4), score('c', 'p1', 3, 3), score('d', 'p1', 2, 2)];
    expect(topIdsOf(rankInitiatives([A, B, C, D], scores, { revealed: true }))).toEqual(['a', 'b', 'c']);
    expect(topIdsOf(rankInitiatives([A, B, C, D], scores, { topN: 2, order: ['d'] }))).toEqual(['d', 'a']);
    expect(topIdsOf(rankInitiatives([A, B], scores, { topN: 5, revealed: true }))).toEqual(['a', 'b']);
  });

  it('marks nothing top before the reveal, unless the facilitator has ordered by hand', () => {
    // Before the reveal the computed order is the order of creation: the first N are no priority.
    expect(topIdsOf(rankInitiatives([A, B, C, D], []))).toEqual([]);
    expect(rankInitiatives([A, B, C, D], []).some((r) => r.top)).toBe(false);
    // Revealed (even with nobody's scores) or ordered by hand: the first N go on.
    expect(topIdsOf(rankInitiatives([A, B, C, D], [], { revealed: true }))).toEqual(['a', 'b', 'c']);
    expect(topIdsOf(rankInitiatives([A, B, C, D], [], { order: ['c', 'a'] }))).toEqual(['c', 'a', 'b']);
    // An order naming only deleted initiatives is no ranking by hand.
    expect(topIdsOf(rankInitiatives([A, B, C, D], [], { order: ['gone'] }))).toEqual([]);
  });

  it('is a permutation of the initiatives for any scores and any override (property)', () => {
    const inits = [A, B, C, D];
    const arbScore = fc.record({
      initiativeId: fc.constantFrom('a', 'b', 'c', 'd', 'x'),
      participantId: fc.constantFrom('p1', 'p2', 'p3'),
      roi: fc.option(fc.integer({ min: 0, max: 6 })),
      urgency: fc.option(fc.integer({ min: 0, max: 6 })),
    });
    fc.assert(
      fc.property(fc.array(arbScore), fc.option(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'z'))), (scores, order) => {
        const ranking = rankInitiatives(inits, scores, { order });
        expect([...ids(ranking)].sort()).toEqual(['a', 'b', 'c', 'd']);
        // Without an override, priorities never increase down the list.
        if (!order?.length) {
          const p = ranking.map((r) => r.priority).filter((x) => x !== null);
          for (let i = 1; i < p.length; i++) expect(p[i]!).toBeLessThanOrEqual(p[i - 1]!);
        }
      }),
    );
  });
});

describe('rankingOf (from the documents)', () => {
  it('reads initiatives and revealed scores from the board, order and top N from the control doc', () => {
    const board = new Y.Doc();
    const control = new Y.Doc();
    initControl(control, { title: 'T', template: 'scaleup', createdAt: 0 }, { current: 2 });
    createInitiative(board, { id: 'a', title: 'A', bottleneckIds: [], now: 1 });
    createInitiative(board, { id: 'b', title: 'B', bottleneckIds: [], now: 2 });
    createInitiative(board, { id: 'c', title: 'C', bottleneckIds: [], now: 3 });
    for (const [id, t] of tallyScores([score('c', 'p1', 5, 5), score('b', 'p1', 2, 2)])) boardMaps(board).revealedScores.set(id, t);
    expect(readRankingControl(control)).toEqual({ order: null, topN: 3, scoresRevealed: false, namedReveal: false, locked: false });
    expect(ids(rankingOf(board, control))).toEqual(['c', 'b', 'a']);
    expect(topIdsOf(rankingOf(board, control))).toEqual([]); // not revealed, not ordered by hand

    setRankingOrder(control, ['a']);
    setTopN(control, 1);
    revealScores(control);
    expect(readRankingControl(control)).toMatchObject({ order: ['a'], topN: 1, scoresRevealed: true });
    expect(topIdsOf(rankingOf(board, control))).toEqual(['a']);
    clearRankingOrder(control);
    expect(topIdsOf(rankingOf(board, control))).toEqual(['c']);
    expect(controlMaps(control).ranking.has('order')).toBe(false);
  });

  it('ranks a board snapshot once for every view: equal controls give the very same ranking', () => {
    const board = new Y.Doc();
    const control = new Y.Doc();
    initControl(control, { title: 'T', template: 'scaleup', createdAt: 0 }, { current: 2 });
    createInitiative(board, { id: 'a', title: 'A', bottleneckIds: [], now: 1 });
    const snapshot = readBoard(board);
    const first = rankBoard(snapshot, readRankingControl(control));
    // The checklist and the log read the controls on their own, and the log copies the snapshot.
    expect(rankBoard({ ...snapshot }, { ...readRankingControl(control) })).toBe(first);
    revealScores(control);
    const revealed = rankBoard(snapshot, readRankingControl(control));
    expect(revealed).not.toBe(first);
    expect(topIdsOf(revealed)).toEqual(['a']);
    createInitiative(board, { id: 'b', title: 'B', bottleneckIds: [], now: 2 });
    expect(ids(rankBoard(readBoard(board), readRankingControl(control)))).toEqual(['a', 'b']);
  });
});
