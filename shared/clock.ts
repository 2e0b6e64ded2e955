// Estimating a client's offset to the server clock. Each round trip gives the server's time at
// some moment between sending and receiving; assuming it is the midpoint errs by at most half the
// round trip, so the sample with the lowest round-trip time is the most trustworthy (NTP's rule).
// Server time is then local time plus the offset, whatever the device's clock says.

export interface ClockSample {
  /** Server time minus local time, in ms. */
  offsetMs: number;
  /** Round-trip time of the request, in ms; the offset is accurate to within half of it. */
  rttMs: number;
}

/** One sample from a request sent at local `sentAt`, answered with `serverNow`, received at `receivedAt`. */
export function sampleOf(sentAt: number, serverNow: number, receivedAt: number): ClockSample {
  const rttMs = Math.max(0, receivedAt - sentAt);
  return { offsetMs: serverNow - (sentAt + rttMs / 2), rttMs };
}

/** The sample with the lowest round-trip time (the first of equals); null for none. */
export function bestSample(samples: readonly ClockSample[]): ClockSample | null {
  let best: ClockSample | null = null;
  for (const s of samples) if (!best || s.rttMs < best.rttMs) best = s;
  return best;
}

export interface EstimateOptions {
  /** Fetches the server's current time (e.g. GET /api/time → `{now}`). */
  fetchServerNow: () => Promise<number>;
  /** The local clock; injectable so tests can skew it. */
  now?: () => number;
  /** Round trips to make, one after another. */
  rounds?: number;
}

/**
 * Makes `rounds` sequential round trips and returns the best sample. Failed round trips are
 * skipped; throws only if all fail.
 */
export async function estimateOffset({ fetchServerNow, now = Date.now, rounds = 5 }: EstimateOptions): Promise<ClockSample> {
  const samples: ClockSample[] = [];
  let lastError: unknown = null;
  for (let i = 0; i < rounds; i++) {
    const sentAt = now();
    try {
      const serverNow = await fetchServerNow();
      if (typeof serverNow !== 'number' || !Number.isFinite(serverNow)) throw new Error('server time is not a number');
      samples.push(sampleOf(sentAt, serverNow, now()));
    } catch (err) {
      lastError = err;
    }
  }
  const best = bestSample(samples);
  if (!best) throw lastError instanceof Error ? lastError : new Error('no clock sample');
  return best;
}

/** Server time at local time `localNow`. */
export const serverTime = (localNow: number, offsetMs: number): number => localNow + offsetMs;
