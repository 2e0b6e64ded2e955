// One ballot per person, counted only for people in the roster and not set aside; the board gets
// tallies (how many gave each value), never who gave which, unless the reveal is named.
import { describe, expect, it } from 'vitest';
import { ballotCountText, countBallots } from '../../shared/ballots.js';
import { revealState } from '../../server/scores.js';
import type { BallotSummary, Score } from '../../shared/schema.js';

const score = (initiativeId: string, participantId: string, roi: number | null, urgency: number | null): Score => ({ initiativeId, participantId, roi, urgency });
const roster = new Map([
  ['ada', { name: 'Ada' }],
  ['bo', { name: 'Bo' }],
  ['cy', { name: 'Cy' }],
]);
const base = { roster, initiativeIds: new Set(['i1', 'i2']), discarded: new Set<string>(), revealed: true, namedReveal: false };

describe('revealState', () => {
  const scores = [score('i1', 'ada', 5, 4), score('i2', 'ada', 3, null), score('i1', 'bo', 1, 2), score('i1', 'stranger', 1, 1), score('gone', 'cy', 5, 5)];

  it('lists a ballot per person in the roster with how many initiatives they fully scored, and no scores', () => {
    const { ballots } = revealState({ ...base, scores, revealed: false });
    expect([...ballots.values()]).toEqual([
      { personId: 'ada', name: 'Ada', scored: 1, discarded: false },
      { personId: 'bo', name: 'Bo', scored: 1, discarded: false },
    ]);
    expect(JSON.stringify([...ballots.values()])).not.toMatch(/roi|urgency/);
  });

  it('reveals only tallies: how many gave each value per initiative, from people in the roster', () => {
    const { tallies, named } = revealState({ ...base, scores });
    expect(tallies.get('i1')).toEqual({ initiativeId: 'i1', roi: [1, 0, 0, 0, 1], urgency: [0, 1, 0, 1, 0], scorers: 2 });
    expect(tallies.get('i2')).toEqual({ initiativeId: 'i2', roi: [0, 0, 1, 0, 0], urgency: [0, 0, 0, 0, 0], scorers: 1 });
    expect(tallies.has('gone')).toBe(false);
    expect(named.size).toBe(0);
    expect(JSON.stringify([...tallies.values()])).not.toMatch(/ada|bo|stranger/);
  });

  it('holds nothing revealed before the reveal', () => {
    const { tallies, named } = revealState({ ...base, scores, revealed: false, namedReveal: true });
    expect(tallies.size + named.size).toBe(0);
  });

  it('leaves a ballot the facilitator set aside out of the tallies, and says so in the ballot list', () => {
    const { tallies, ballots } = revealState({ ...base, scores, discarded: new Set(['bo']) });
    expect(tallies.get('i1')!.scorers).toBe(1);
    expect(ballots.get('bo')!.discarded).toBe(true);
  });

  it('names who gave which score only after a named reveal', () => {
    const { named } = revealState({ ...base, scores, namedReveal: true });
    expect(named.get('i1/ada')).toEqual({ initiativeId: 'i1', participantId: 'ada', roi: 5, urgency: 4, name: 'Ada' });
    expect(named.has('i1/stranger')).toBe(false);
  });
});

describe('countBallots', () => {
  const b = (personId: string, name: string, scored: number, discarded = false): BallotSummary => ({ personId, name, scored, discarded });

  it('counts ballots with at least one score, not set aside, and the different names behind them', () => {
    const count = countBallots([b('1', 'Ada', 2), b('2', ' ada ', 1), b('3', 'Bo', 2), b('4', 'Cy', 0), b('5', 'Di', 2, true)]);
    expect(count).toEqual({ ballots: 3, people: 2, sharedNames: ['Ada'] });
    expect(ballotCountText(count)).toBe('3 ballots from 2 people');
    expect(ballotCountText(countBallots([b('1', 'Ada', 1)]))).toBe('1 ballot from 1 person');
  });
});
