// The per-connection limiter on a clock the test owns: what passes, when, in which order, and when
// a connection counts as flooding.
import { describe, expect, it } from 'vitest';
import { MessageLimiter, TokenBucket, type LimiterClock, type RateLimit } from '../../server/rateLimit.js';

function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const clock: LimiterClock = {
    now: () => now,
    after: (ms, fn) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return () => (timers = timers.filter((x) => x !== t));
    },
  };
  /** Moves time forward, running timers as they fall due. */
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      timers = timers.filter((t) => t !== next);
      now = next.at;
      next.fn();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.length };
}

function setup(limit: Partial<RateLimit> = {}) {
  const { clock, advance, pending } = manualClock();
  const processed: number[] = [];
  const events: string[] = [];
  const floods: { queued: number; throttledMs: number }[] = [];
  const limiter = new MessageLimiter<number>(
    { perSec: 100, burst: 5, maxQueued: 1_000, closeAfterMs: 5_000, ...limit },
    {
      process: (m) => processed.push(m),
      pause: () => events.push('pause'),
      resume: () => events.push('resume'),
      throttled: () => events.push('throttled'),
      flooding: (why) => floods.push(why),
    },
    clock,
  );
  return { limiter, processed, events, floods, advance, pending };
}

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate, never above the burst', () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.msUntilToken(0)).toBeCloseTo(100);
    expect(b.take(99)).toBe(false);
    expect(b.take(100)).toBe(true);
    expect(b.available(10_000)).toBe(3);
  });
});

describe('MessageLimiter', () => {
  it('passes messages within the budget straight through, without pausing', () => {
    const { limiter, processed, events } = setup();
    for (let i = 0; i < 5; i++) limiter.receive(i);
    expect(processed).toEqual([0, 1, 2, 3, 4]);
    expect(events).toEqual([]);
  });

  it('past the budget, stops processing, pauses, and drains at the rate in arrival order', () => {
    const { limiter, processed, events, advance, floods } = setup();
    for (let i = 0; i < 50; i++) limiter.receive(i);
    expect(processed).toEqual([0, 1, 2, 3, 4]); // the burst, nothing more
    expect(events).toEqual(['throttled', 'pause']);
    advance(100); // 100/s: ten more
    expect(processed).toHaveLength(15);
    advance(350);
    expect(processed).toEqual(Array.from({ length: 50 }, (_, i) => i));
    advance(20);
    expect(events).toEqual(['throttled', 'pause', 'resume']);
    expect(floods).toEqual([]);
  });

  it('counts one throttle episode for a long burst, and a new one only after the peer fell below its rate', () => {
    const { limiter, events, advance, pending } = setup();
    for (let i = 0; i < 30; i++) limiter.receive(i);
    advance(100);
    for (let i = 0; i < 30; i++) limiter.receive(100 + i); // more while still throttled
    advance(1_000);
    expect(events.filter((e) => e === 'throttled')).toHaveLength(1);
    expect(limiter.isThrottled).toBe(false);
    expect(pending()).toBe(0);
    for (let i = 0; i < 10; i++) limiter.receive(200 + i);
    expect(events.filter((e) => e === 'throttled')).toHaveLength(2);
  });

  it('a message arriving while others wait goes behind them', () => {
    const { limiter, processed, advance } = setup({ burst: 1 });
    limiter.receive(1);
    limiter.receive(2);
    advance(10); // a token is back, but 2 waits ahead of 3
    limiter.receive(3);
    advance(100);
    expect(processed).toEqual([1, 2, 3]);
  });

  it('closes a connection with more than maxQueued messages waiting', () => {
    const { limiter, processed, floods, advance, pending } = setup({ maxQueued: 10 });
    for (let i = 0; i < 100; i++) limiter.receive(i);
    expect(floods).toEqual([{ queued: 11, throttledMs: 0 }]);
    advance(1_000);
    expect(processed).toHaveLength(5); // nothing after the close
    expect(pending()).toBe(0);
  });

  it('closes a connection still throttled closeAfterMs after it began, even one that keeps its queue short', () => {
    const { limiter, floods, processed, advance } = setup({ maxQueued: 50, closeAfterMs: 2_000 });
    // A little more than the rate (100/s): 21 messages every 200 ms, so a few more wait each time.
    let elapsed = 0;
    for (; elapsed < 10_000 && !floods.length; elapsed += 200) {
      for (let i = 0; i < 21; i++) limiter.receive(elapsed * 100 + i);
      advance(200);
    }
    expect(floods).toHaveLength(1);
    expect(floods[0]!.throttledMs).toBeGreaterThanOrEqual(2_000);
    expect(floods[0]!.throttledMs).toBeLessThan(2_100);
    expect(floods[0]!.queued).toBeLessThan(50);
    expect(processed.length).toBeLessThanOrEqual(5 + (100 * elapsed) / 1000);
  });

  it('does not close a peer that exceeds its budget for a while and then calms down', () => {
    const { limiter, floods, processed, advance } = setup({ closeAfterMs: 2_000 });
    for (let i = 0; i < 150; i++) limiter.receive(i); // 1.5 s of backlog at 100/s
    advance(3_000);
    for (let i = 0; i < 5; i++) limiter.receive(1_000 + i);
    advance(3_000);
    expect(floods).toEqual([]);
    expect(processed).toHaveLength(155);
  });

  it('stops when the connection closes while processing', () => {
    const { clock, advance } = manualClock();
    const processed: number[] = [];
    const limiter: MessageLimiter<number> = new MessageLimiter<number>(
      { perSec: 100, burst: 1, maxQueued: 100, closeAfterMs: 5_000 },
      {
        process: (m) => {
          processed.push(m);
          if (m === 2) limiter.stop(); // e.g. a malformed message closed the socket
        },
        pause: () => undefined,
        resume: () => undefined,
        throttled: () => undefined,
        flooding: () => undefined,
      },
      clock,
    );
    for (let i = 1; i <= 5; i++) limiter.receive(i);
    advance(1_000);
    expect(processed).toEqual([1, 2]);
  });
});
