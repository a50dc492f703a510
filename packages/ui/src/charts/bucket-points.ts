/**
 * Turns Loom's downsampled history (per run per step bucket: first, min, max, last) into the points
 * a line chart draws. Drawing a bucket's first, lowest, highest and last point in step order keeps
 * the line's envelope exactly (every spike stays), from ~4 points per pixel column.
 */
import type { BucketPointJson, MetricBucketJson, WireDouble } from '@loom/protocol';
import type { MetricPoint } from './align-series';

export interface BucketedPoints {
  /** Finite points to draw, per run in step order. */
  points: MetricPoint[];
  /** NaN / ±Infinity points the buckets report (a chart cannot draw them; it says how many buckets hold one). */
  nonFinite: number;
  /** Points the buckets stand for, over all runs. */
  represented: number;
}

const wireNumber = (v: WireDouble): number =>
  typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN;

/** The drawable points of `buckets` (in any run order; each run's buckets ascending by step). */
export function bucketPoints(buckets: readonly MetricBucketJson[]): BucketedPoints {
  const points: MetricPoint[] = [];
  let nonFinite = 0;
  let represented = 0;
  for (const b of buckets) {
    represented += b.count;
    if (b.nan || b.pos_inf || b.neg_inf) nonFinite++;
    const picked: BucketPointJson[] = [];
    for (const p of [b.first, b.min, b.max, b.last]) {
      if (p && !picked.some((q) => q.step === p.step && q.timestamp === p.timestamp)) picked.push(p);
    }
    picked.sort((x, y) => x.step - y.step || x.timestamp - y.timestamp);
    for (const p of picked)
      points.push({ runId: b.run_id, step: p.step, timestamp: p.timestamp, value: wireNumber(p.value) });
  }
  return { points, nonFinite, represented };
}
