import type { RunJson } from '@loom/protocol';
import { describe, expect, it } from 'vitest';
import { dimensionId, normalize, parseDimension, prepareDimension } from './run-values';

const run = (params: Record<string, string>, metrics: Record<string, number | 'NaN'>): RunJson =>
  ({
    info: { run_id: 'r' },
    data: {
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
    },
  }) as unknown as RunJson;

describe('prepareDimension', () => {
  const runs = [
    run({ lr: '0.1', opt: 'sgd' }, { loss: 2 }),
    run({ lr: '0.01', opt: 'adam' }, {}),
    run({}, { loss: 'NaN' }),
  ];

  it('reads numeric params and metrics on a linear scale, missing values as undefined', () => {
    const lr = prepareDimension(runs, { kind: 'param', key: 'lr' });
    expect(lr).toMatchObject({ min: 0.01, max: 0.1, values: [0.1, 0.01, undefined] });
    expect(lr.categories).toBeUndefined();
    expect(normalize(lr, 0.1)).toBe(1);
    // A NaN metric has no position.
    expect(prepareDimension(runs, { kind: 'metric', key: 'loss' }).values).toEqual([2, undefined, undefined]);
  });

  it('turns non-numeric values into sorted categories', () => {
    const opt = prepareDimension(runs, { kind: 'param', key: 'opt' });
    expect(opt.categories).toEqual(['adam', 'sgd']);
    expect(opt.values).toEqual([1, 0, undefined]);
    expect(normalize(opt, 0)).toBe(0);
  });

  it('puts every run mid-axis when all values are equal', () => {
    const d = prepareDimension([run({ a: '3' }, {}), run({ a: '3' }, {})], { kind: 'param', key: 'a' });
    expect(normalize(d, 3)).toBe(0.5);
  });

  it('round-trips dimension ids', () => {
    expect(parseDimension(dimensionId({ kind: 'metric', key: 'val:loss' }))).toEqual({
      kind: 'metric',
      key: 'val:loss',
    });
    expect(parseDimension('nope')).toBeUndefined();
  });
});
