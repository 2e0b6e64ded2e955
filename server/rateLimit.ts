// The per-connection message budget. Past it a connection's messages wait, in arrival order, while
// its socket is paused, and are handled as the budget refills: dropping one would lose a Yjs
// update. A connection that keeps flooding is closed (loudly: close code, metric, log line), and
// a stock client resyncs everything it holds when it reconnects.

/** Token bucket: `perSec` tokens a second, holding at most `burst`. Time is passed in (ms). */
export class TokenBucket {
  private tokens: number;
  private readonly burst: number;

  constructor(
    private readonly perSec: number,
    burst: number,
    private last: number,
  ) {
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
  }

  private refill(now: number): void {
    if (now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSec);
    this.last = Math.max(this.last, now);
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole tokens available now. */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Milliseconds until a token is available (0 if one is; Infinity if the rate is 0). */
  msUntilToken(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.perSec) * 1000;
  }
}

export interface RateLimit {
  perSec: number;
  burst: number;
  /** More messages than this waiting means the connection is flooding. */
  maxQueued: number;
  /** Messages still waiting this long after throttling began means the connection is flooding. */
  closeAfterMs: number;
}

/** What the limiter needs of a connection. */
export interface LimitedConnection<T> {
  /** Handles one message. */
  process(message: T): void;
  /** Stop reading from the socket (already-received frames still arrive and are queued). */
  pause(): void;
  resume(): void;
  /** A throttle episode began: called once per episode, not per message. */
  throttled(): void;
  /** The connection keeps flooding and is to be closed; nothing more of it is processed. */
  flooding(why: { queued: number; throttledMs: number }): void;
}

export interface LimiterClock {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const realClock: LimiterClock = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** The longest a waiting connection goes without a check, whatever the rate (a rate of 0 never refills). */
const MAX_TICK_MS = 1_000;

/**
 * Lets a connection's messages through while its bucket has tokens; past that, queues them in
 * order, pauses the socket, and drains the queue on a timer as tokens come back. A throttle
 * episode lasts until a check finds nothing waiting and a token unused, i.e. until the peer has
 * fallen below its rate; if messages are still waiting `closeAfterMs` into an episode, or more
 * than `maxQueued` wait at once, the connection is flooding.
 */
export class MessageLimiter<T> {
  private readonly bucket: TokenBucket;
  private queue: (T | undefined)[] = [];
  private head = 0;
  /** When the current throttle episode began; null while the connection is within its budget. */
  private throttledSince: number | null = null;
  private cancelTick: (() => void) | null = null;
  private paused = false;
  private stopped = false;

  constructor(
    private readonly limit: RateLimit,
    private readonly conn: LimitedConnection<T>,
    private readonly clock: LimiterClock = realClock,
  ) {
    this.bucket = new TokenBucket(limit.perSec, limit.burst, clock.now());
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  get isThrottled(): boolean {
    return this.throttledSince !== null;
  }

  receive(message: T): void {
    if (this.stopped) return;
    const now = this.clock.now();
    // Nothing waiting ahead of it and a token free: straight through (the common case).
    if (this.queued === 0 && this.bucket.take(now)) return this.conn.process(message);
    this.queue.push(message);
    if (this.throttledSince === null) {
      this.throttledSince = now;
      this.conn.throttled();
    }
    if (this.queued > this.limit.maxQueued) return this.flood(now);
    this.setPaused(true);
    if (!this.cancelTick) this.schedule(now);
  }

  /** No more processing (the connection closed); drops the timer and whatever waits. */
  stop(): void {
    this.stopped = true;
    this.cancelTick?.();
    this.cancelTick = null;
    this.queue = [];
    this.head = 0;
  }

  private readonly tick = (): void => {
    this.cancelTick = null;
    if (this.stopped) return;
    const now = this.clock.now();
    while (this.queued > 0 && this.bucket.take(now)) {
      const message = this.queue[this.head] as T;
      this.queue[this.head++] = undefined;
      this.conn.process(message);
      if (this.stopped) return; // processing closed the connection
    }
    if (this.queued > 0) {
      if (now - this.throttledSince! >= this.limit.closeAfterMs) return this.flood(now);
      this.schedule(now);
      return;
    }
    this.queue = [];
    this.head = 0;
    // Let the peer's next messages in. The episode ends only once a token goes unused: a peer
    // that refills the queue the moment it is read stays throttled, and its clock keeps running.
    this.setPaused(false);
    if (this.bucket.available(now) >= 1) this.throttledSince = null;
    else this.schedule(now);
  };

  private schedule(now: number): void {
    const ms = Math.min(MAX_TICK_MS, Math.max(1, Math.ceil(this.bucket.msUntilToken(now))));
    this.cancelTick = this.clock.after(ms, this.tick);
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.conn.pause();
    else this.conn.resume();
  }

  private flood(now: number): void {
    const why = { queued: this.queued, throttledMs: now - (this.throttledSince ?? now) };
    this.stop();
    this.conn.flooding(why);
  }
}
