// The client's estimate of server time. Timers are computed from server time, so every screen
// shows the same remaining time whatever its device clock says. The offset comes from several
// round trips to GET /api/time (the lowest round trip wins, see shared/clock.ts), refreshed now
// and then and when the tab comes back (a sleeping laptop may have had its clock adjusted).
import { useEffect, useState, useSyncExternalStore } from 'react';
import { estimateOffset, serverTime, type ClockSample } from '../../shared/clock';

export interface ServerClockOptions {
  /** Fetches the server's time; defaults to GET /api/time on this origin. */
  fetchServerNow?: () => Promise<number>;
  /** The local clock (injectable for tests). */
  now?: () => number;
  rounds?: number;
  resyncMs?: number;
}

export async function fetchApiTime(baseUrl = ''): Promise<number> {
  const res = await fetch(`${baseUrl}/api/time`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`GET /api/time failed (${res.status})`);
  return ((await res.json()) as { now: number }).now;
}

export class ServerClock {
  private sample: ClockSample | null = null;
  private readonly listeners = new Set<() => void>();
  private users = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private syncing: Promise<void> | null = null;
  private readonly fetchServerNow: () => Promise<number>;
  private readonly localNow: () => number;
  private readonly rounds: number;
  private readonly resyncMs: number;

  constructor(opts: ServerClockOptions = {}) {
    this.fetchServerNow = opts.fetchServerNow ?? (() => fetchApiTime());
    this.localNow = opts.now ?? Date.now;
    this.rounds = opts.rounds ?? 5;
    this.resyncMs = opts.resyncMs ?? 120_000;
  }

  /** Server time now, by the best estimate so far (local time until the first estimate). */
  now = (): number => serverTime(this.localNow(), this.sample?.offsetMs ?? 0);

  /** The current estimate, or null before the first one. */
  getSample = (): ClockSample | null => this.sample;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Estimates the offset afresh. Failures keep the previous estimate. */
  sync(): Promise<void> {
    this.syncing ??= estimateOffset({ fetchServerNow: this.fetchServerNow, now: this.localNow, rounds: this.rounds })
      .then(
        (sample) => {
          this.sample = sample;
          this.listeners.forEach((l) => l());
        },
        () => undefined,
      )
      .finally(() => {
        this.syncing = null;
      });
    return this.syncing;
  }

  /** Starts syncing while at least one user holds the clock; returns the release function. */
  retain(): () => void {
    if (this.users++ === 0) {
      void this.sync();
      this.timer = setInterval(() => void this.sync(), this.resyncMs);
      if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisible);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) {
        if (this.timer) clearInterval(this.timer);
        this.timer = null;
        if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisible);
      }
    };
  }

  private onVisible = (): void => {
    if (document.visibilityState === 'visible') void this.sync();
  };
}

/** The page's server clock. */
export const serverClock = new ServerClock();

/**
 * Server time, re-rendering every `tickMs` and whenever the offset estimate changes. Keeps the
 * clock syncing while mounted.
 */
export function useServerNow(clock: ServerClock = serverClock, tickMs = 250): number {
  useEffect(() => clock.retain(), [clock]);
  useSyncExternalStore(clock.subscribe, clock.getSample);
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((t) => t + 1), tickMs);
    return () => clearInterval(id);
  }, [tickMs]);
  return clock.now();
}
