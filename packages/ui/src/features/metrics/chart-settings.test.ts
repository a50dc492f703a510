import { describe, expect, it } from 'vitest';
import { withParams } from '../../lib/router';
import { chartSettingsParams, readChartSettings } from './chart-settings';

const q = (s: string) => new URLSearchParams(s);

describe('chart settings in the URL', () => {
  it('defaults to step, linear, unsmoothed, unzoomed', () => {
    expect(readChartSettings(q(''))).toEqual({
      metrics: [],
      x: 'step',
      log: false,
      smooth: 0,
      zoom: undefined,
    });
  });

  it('reads every setting and falls back on bad values', () => {
    expect(readChartSettings(q('metrics=a,b&x=relative&log=1&smooth=0.6&from=10&to=90'))).toEqual({
      metrics: ['a', 'b'],
      x: 'relative',
      log: true,
      smooth: 0.6,
      zoom: [10, 90],
    });
    expect(readChartSettings(q('x=sideways&smooth=7&from=9&to=3'))).toMatchObject({
      x: 'step',
      smooth: 0.99,
      zoom: undefined,
    });
    expect(readChartSettings(q('smooth=abc')).smooth).toBe(0);
  });

  it('puts a single metric= (a table click) first', () => {
    expect(readChartSettings(q('metric=c&metrics=a,b')).metrics).toEqual(['c', 'a', 'b']);
    expect(readChartSettings(q('metric=a&metrics=a,b')).metrics).toEqual(['a', 'b']);
  });

  it('writes settings back, dropping defaults, and round-trips', () => {
    const start = q('metric=c&runs=x');
    const next = withParams(
      start,
      chartSettingsParams({ metrics: ['a'], x: 'time', log: true, smooth: 0.5, zoom: [1, 2] }),
    );
    expect(next.toString()).toBe('runs=x&metrics=a&x=time&log=1&smooth=0.5&from=1&to=2');
    expect(readChartSettings(next)).toEqual({
      metrics: ['a'],
      x: 'time',
      log: true,
      smooth: 0.5,
      zoom: [1, 2],
    });
    const reset = withParams(
      next,
      chartSettingsParams({ x: 'step', log: false, smooth: 0, zoom: undefined }),
    );
    expect(reset.toString()).toBe('runs=x&metrics=a');
  });
});
