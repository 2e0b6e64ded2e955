// Clock offset estimation: the lowest round trip wins, a skewed local clock is corrected.
import { describe, expect, it } from 'vitest';
import { bestSample, estimateOffset, sampleOf, serverTime } from '../../shared/clock.js';

describe('clock offset', () => {
  it('takes the midpoint of a round trip', () => {
    expect(sampleOf(1000, 5050, 1100)).toEqual({ offsetMs: 4000, rttMs: 100 });
  });

  it('keeps the sample with the lowest round trip', () => {
    const samples = [
      { offsetMs: 300, rttMs: 400 },
      { offsetMs: 12, rttMs: 8 },
      { offsetMs: 50, rttMs: 8 },
      { offsetMs: -90, rttMs: 120 },
    ];
    expect(bestSample(samples)).toEqual({ offsetMs: 12, rttMs: 8 });
    expect(bestSample([])).toBeNull();
  });

  it('corrects a local clock 5 minutes fast, despite slow and asymmetric round trips', async () => {
    // A simulated network: local time runs 5 minutes ahead of the server; each request takes a
    // different, asymmetric path, and the quick one gives the best estimate.
    const skew = 5 * 60_000;
    let serverClock = 1_700_000_000_000;
    const delays: [up: number, down: number][] = [
      [400, 20],
      [5, 5],
      [30, 250],
      [2, 4],
      [100, 100],
    ];
    let i = 0;
    const now = () => serverClock + skew;
    const fetchServerNow = async () => {
      const [up, down] = delays[i++]!;
      serverClock += up;
      const answer = serverClock;
      serverClock += down;
      return answer;
    };
    const best = await estimateOffset({ fetchServerNow, now, rounds: 5 });
    expect(best.rttMs).toBe(6);
    expect(Math.abs(serverTime(now(), best.offsetMs) - serverClock)).toBeLessThanOrEqual(best.rttMs / 2);
  });

  it('skips failed round trips and fails only if all fail', async () => {
    let n = 0;
    const best = await estimateOffset({
      fetchServerNow: async () => {
        if (n++ % 2 === 0) throw new Error('offline');
        return 2000;
      },
      now: () => 1000,
      rounds: 4,
    });
    expect(best.offsetMs).toBe(1000);
    await expect(estimateOffset({ fetchServerNow: () => Promise.reject(new Error('down')), now: () => 0, rounds: 3 })).rejects.toThrow('down');
    await expect(estimateOffset({ fetchServerNow: async () => Number.NaN, now: () => 0, rounds: 1 })).rejects.toThrow('not a number');
  });
});
