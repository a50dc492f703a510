import { describe, expect, it } from 'vitest';
import { alignSeries, lastValues, type MetricPoint } from './align-series';

const p = (runId: string, step: number, value: number, timestamp = step): MetricPoint => ({
  runId,
  step,
  value,
  timestamp,
});

describe('alignSeries', () => {
  it('joins runs on the union of their steps, with gaps where a run has no point', () => {
    const out = alignSeries([p('a', 0, 1), p('b', 5, 9), p('a', 10, 0.5), p('b', 0, 2)], ['a', 'b']);
    expect(out.x).toEqual([0, 5, 10]);
    expect(out.ys).toEqual([
      [1, null, 0.5],
      [2, 9, null],
    ]);
    expect(out.pointCount).toBe(4);
  });

  it('keeps the order of runIds, an empty column for a run without points, and ignores strangers', () => {
    const out = alignSeries([p('b', 1, 3), p('zzz', 1, 7)], ['a', 'b']);
    expect(out.x).toEqual([1]);
    expect(out.ys).toEqual([[null], [3]]);
  });

  it('draws non-finite values as gaps and does not count them', () => {
    const out = alignSeries([p('a', 0, NaN), p('a', 1, Infinity), p('a', 2, 4)], ['a']);
    expect(out.ys).toEqual([[null, null, 4]]);
    expect(out.pointCount).toBe(1);
  });

  it('takes the latest value when a step was logged twice', () => {
    const out = alignSeries([p('a', 3, 1, 200), p('a', 3, 2, 100), p('a', 4, 5, 1), p('a', 4, 6, 1)], ['a']);
    expect(out.ys).toEqual([[1, 6]]);
  });

  it('handles no data and sorts numerically, negatives included', () => {
    expect(alignSeries([], ['a'])).toEqual({ x: [], ys: [[]], pointCount: 0 });
    expect(alignSeries([p('a', 10, 1), p('a', 9, 1), p('a', -1, 1)], ['a']).x).toEqual([-1, 9, 10]);
  });

  it('finds each run’s last finite value', () => {
    const out = alignSeries([p('a', 0, 1), p('a', 1, NaN), p('b', 1, 3)], ['a', 'b', 'c']);
    expect(lastValues(out)).toEqual([1, 3, undefined]);
  });
});
