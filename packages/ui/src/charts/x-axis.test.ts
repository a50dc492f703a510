import { describe, expect, it } from 'vitest';
import type { MetricPoint } from './align-series';
import { alignSeries } from './align-series';
import { firstTimestamps, stepRangeOf, xAccessor } from './x-axis';

const p = (runId: string, step: number, timestamp: number): MetricPoint => ({
  runId,
  step,
  timestamp,
  value: step,
});

describe('x-axis conversions', () => {
  const points = [p('a', 0, 10_000), p('a', 5, 15_000), p('b', 0, 20_000), p('b', 5, 22_000)];

  it('maps a point to its step, its wall time in seconds, or seconds since its run started', () => {
    expect(points.map(xAccessor('step'))).toEqual([0, 5, 0, 5]);
    expect(points.map(xAccessor('time'))).toEqual([10, 15, 20, 22]);
    const starts = firstTimestamps(points);
    expect(starts).toEqual(
      new Map([
        ['a', 10_000],
        ['b', 20_000],
      ]),
    );
    expect(points.map(xAccessor('relative', starts))).toEqual([0, 5, 0, 2]);
  });

  it('aligns runs on relative time instead of step', () => {
    const out = alignSeries(points, ['a', 'b'], xAccessor('relative', firstTimestamps(points)));
    expect(out.x).toEqual([0, 2, 5]);
    expect(out.ys).toEqual([
      [0, null, 5],
      [0, 5, null],
    ]);
  });

  it('turns a selected x range back into the steps it covers', () => {
    expect(stepRangeOf(points, xAccessor('time'), 14, 21)).toEqual([0, 5]);
    expect(stepRangeOf(points, xAccessor('step'), 1, 5)).toEqual([5, 5]);
    expect(stepRangeOf(points, xAccessor('step'), 6, 9)).toBeUndefined();
  });
});
