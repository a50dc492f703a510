import type { MetricBucketJson } from '@loom/protocol';
import { describe, expect, it } from 'vitest';
import { bucketPoints } from './bucket-points';

const pt = (step: number, value: number | 'NaN') => ({ step, timestamp: 1000 + step, value });

describe('bucketPoints', () => {
  it('draws each bucket’s first, min, max and last in step order, each point once', () => {
    const buckets: MetricBucketJson[] = [
      {
        run_id: 'a',
        start_step: 0,
        count: 10,
        first: pt(0, 5),
        min: pt(7, 1),
        max: pt(3, 9),
        last: pt(9, 4),
      },
      // One point is first, last, min and max at once.
      {
        run_id: 'a',
        start_step: 10,
        count: 1,
        first: pt(12, 2),
        min: pt(12, 2),
        max: pt(12, 2),
        last: pt(12, 2),
      },
    ];
    const out = bucketPoints(buckets);
    expect(out.points.map((p) => [p.step, p.value])).toEqual([
      [0, 5],
      [3, 9],
      [7, 1],
      [9, 4],
      [12, 2],
    ]);
    expect(out.points[0]).toEqual({ runId: 'a', step: 0, timestamp: 1000, value: 5 });
    expect(out.represented).toBe(11);
    expect(out.nonFinite).toBe(0);
  });

  it('counts buckets holding NaN or ±Infinity, which have no line point of their own', () => {
    const out = bucketPoints([
      {
        run_id: 'a',
        start_step: 0,
        count: 2,
        nan: pt(1, 'NaN'),
        first: pt(0, 1),
        last: pt(0, 1),
        min: pt(0, 1),
        max: pt(0, 1),
      },
      { run_id: 'b', start_step: 0, count: 1, pos_inf: { step: 4, timestamp: 1, value: 'Infinity' } },
    ]);
    expect(out.nonFinite).toBe(2);
    expect(out.points.map((p) => p.runId)).toEqual(['a']);
  });
});
