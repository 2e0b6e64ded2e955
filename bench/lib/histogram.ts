// A fixed-bucket latency histogram: 0.05 ms buckets below 100 ms, 1 ms buckets up to 60 s.
// Bounded memory whatever the sample count, and mergeable across worker processes.
const FINE_LIMIT_MS = 100;
const FINE_PER_MS = 20;
const FINE_BUCKETS = FINE_LIMIT_MS * FINE_PER_MS;
const COARSE_BUCKETS = 60_000 - FINE_LIMIT_MS;
const BUCKETS = FINE_BUCKETS + COARSE_BUCKETS;

export type SparseHistogram = [index: number, count: number][];

/** Upper bound (ms) of bucket `i`. */
export const bucketUpperMs = (i: number): number => (i < FINE_BUCKETS ? (i + 1) / FINE_PER_MS : FINE_LIMIT_MS + (i - FINE_BUCKETS) + 1);

export class Histogram {
  readonly counts = new Uint32Array(BUCKETS);
  total = 0;
  max = 0;

  record(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    const i = v < FINE_LIMIT_MS ? Math.floor(v * FINE_PER_MS) : Math.min(BUCKETS - 1, FINE_BUCKETS + Math.floor(v - FINE_LIMIT_MS));
    this.counts[i]!++;
    this.total++;
    if (v > this.max) this.max = v;
  }

  /** Upper bound (ms) of the bucket holding the q-quantile, q in [0, 1]. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return bucketUpperMs(i);
    }
    return this.max;
  }

  toSparse(): SparseHistogram {
    const out: SparseHistogram = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) out.push([i, this.counts[i]!]);
    return out;
  }

  merge(sparse: SparseHistogram, max: number): void {
    for (const [i, n] of sparse) {
      this.counts[i]! += n;
      this.total += n;
    }
    if (max > this.max) this.max = max;
  }
}
