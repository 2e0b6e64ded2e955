// Bootstrap confidence intervals over slot pairs. Each pair is one slot of ours and the adjacent
// slot of the stock server (ABBA, half a second apart), so a hiccup of the shared machine falls on
// one pair; resampling whole pairs with replacement keeps that pairing, and the spread of the
// resampled ratio is the uncertainty of the pooled ratio the run reports.
import { bucketUpperMs, type SparseHistogram } from './histogram.js';

export interface Interval {
  /** The statistic over all pairs (the figure the table shows). */
  estimate: number | null;
  /** 2.5th and 97.5th percentiles of the bootstrap distribution (95 % interval). */
  lo: number | null;
  hi: number | null;
  pairs: number;
}

/** A small seeded generator (mulberry32): the same run gives the same interval. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Percentile bootstrap of `stat` (a function of a multiset of pair indices), B resamples. */
export function bootstrap(pairs: number, stat: (idx: Int32Array) => number | null, B = 1000, seed = 18): Interval {
  if (pairs < 2) {
    const all = Int32Array.from({ length: pairs }, (_, i) => i);
    return { estimate: pairs ? stat(all) : null, lo: null, hi: null, pairs };
  }
  const all = Int32Array.from({ length: pairs }, (_, i) => i);
  const estimate = stat(all);
  const rand = rng(seed);
  const values: number[] = [];
  const idx = new Int32Array(pairs);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < pairs; i++) idx[i] = Math.floor(rand() * pairs);
    const v = stat(idx);
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  if (values.length < B * 0.9) return { estimate, lo: null, hi: null, pairs };
  values.sort((x, y) => x - y);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(q * (values.length - 1))))]!;
  return { estimate, lo: at(0.025), hi: at(0.975), pairs };
}

/**
 * Pooled quantile ratios (ours/stock) over slot pairs: for a resample, the pairs' histograms of each
 * server are added up and the q-quantile of ours divided by stock's.
 */
export function quantileRatio(pairs: { ours: SparseHistogram; stock: SparseHistogram }[], q: number, B = 1000): Interval {
  // Buckets used anywhere, in order: a resample adds counts into arrays of that size only.
  const used = [...new Set(pairs.flatMap((p) => [...p.ours, ...p.stock].map(([i]) => i)))].sort((a, b) => a - b);
  const pos = new Map(used.map((b, i) => [b, i]));
  const compress = (h: SparseHistogram) => h.map(([i, n]) => [pos.get(i)!, n] as const);
  const ours = pairs.map((p) => compress(p.ours));
  const stock = pairs.map((p) => compress(p.stock));
  const a = new Float64Array(used.length);
  const quantile = (side: (readonly (readonly [number, number])[])[], idx: Int32Array): number | null => {
    a.fill(0);
    let total = 0;
    for (const i of idx) for (const [k, n] of side[i]!) {
      a[k]! += n;
      total += n;
    }
    if (!total) return null;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let k = 0; k < a.length; k++) {
      seen += a[k]!;
      if (seen >= rank) return bucketUpperMs(used[k]!);
    }
    return null;
  };
  return bootstrap(pairs.length, (idx) => {
    const o = quantile(ours, idx);
    const s = quantile(stock, idx);
    return o === null || s === null || !s ? null : o / s;
  }, B);
}

/** One server's pooled q-quantile (ms) over its slots, bootstrapped over the slots. */
export function pooledQuantile(slots: SparseHistogram[], q: number, B = 1000): Interval {
  // The ratio machinery with a denominator of one: a histogram whose only sample is 1 ms wide.
  const one: SparseHistogram = [[19, 1]];
  return quantileRatio(slots.map((h) => ({ ours: h, stock: one })), q, B);
}

/** A ratio of sums (e.g. CPU seconds per message, ours/stock) over slot pairs. */
export function sumRatio(pairs: { oursNum: number; oursDen: number; stockNum: number; stockDen: number }[], B = 1000): Interval {
  return bootstrap(pairs.length, (idx) => {
    let on = 0, od = 0, sn = 0, sd = 0;
    for (const i of idx) {
      const p = pairs[i]!;
      on += p.oursNum;
      od += p.oursDen;
      sn += p.stockNum;
      sd += p.stockDen;
    }
    if (!od || !sd || !sn) return null;
    return on / od / (sn / sd);
  }, B);
}

/** What an interval says about "ours/stock ≤ 1": met only when the whole interval is at or under 1. */
export function verdict(iv: Interval, limit = 1): 'met' | 'MISSED' | 'unclear' | '?' {
  if (iv.lo === null || iv.hi === null) return '?';
  if (iv.hi <= limit) return 'met';
  if (iv.lo > limit) return 'MISSED';
  return 'unclear';
}

export const formatInterval = (iv: Interval, digits = 2): string =>
  iv.estimate === null ? '–' : `${iv.estimate.toFixed(digits)}${iv.lo !== null && iv.hi !== null ? ` [${iv.lo.toFixed(digits)}–${iv.hi.toFixed(digits)}]` : ''}`;
