import { describe, expect, it } from 'vitest';
import type { RunJson } from '@loom/protocol';
import { cellValue, collectKeys, dataColumn, defaultColumns, mergeKeys } from './run-columns';

const run = (
  metrics: Record<string, number | 'NaN'>,
  params: Record<string, string>,
  tags: Record<string, string> = {},
): RunJson => ({
  info: {
    run_id: 'r',
    run_uuid: 'r',
    run_name: 'r',
    experiment_id: '1',
    user_id: 'u',
    status: 'FINISHED',
    start_time: 1,
    artifact_uri: '',
    lifecycle_stage: 'active',
  },
  data: {
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 })),
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  },
});

describe('run columns', () => {
  it('reads cells of metric, param and tag columns', () => {
    const r = run({ loss: 0.5, acc: 'NaN' }, { lr: '0.1' }, { team: 'a' });
    expect(cellValue(r, dataColumn('metrics.loss')!)).toBe(0.5);
    expect(cellValue(r, dataColumn('metrics.acc')!)).toBe('NaN');
    expect(cellValue(r, dataColumn('params.lr')!)).toBe('0.1');
    expect(cellValue(r, dataColumn('tags.team')!)).toBe('a');
    expect(cellValue(r, dataColumn('params.missing')!)).toBeUndefined();
  });

  it('keeps dotted keys whole and rejects unknown kinds', () => {
    expect(dataColumn('metrics.val.loss')).toMatchObject({
      label: 'val.loss',
      kind: 'metric',
      numeric: true,
    });
    expect(dataColumn('attributes.status')).toBeUndefined();
    expect(dataColumn('metrics.')).toBeUndefined();
  });

  it('collects keys over runs, hiding system tags, and picks default columns', () => {
    const keys = collectKeys([
      run({ loss: 1 }, { lr: '1', batch: '2' }, { 'mlflow.user': 'x', team: 'a' }),
      run({ acc: 1, f1: 2, loss: 3, mse: 4, zz: 5 }, {}),
    ]);
    expect(keys).toEqual({
      metrics: ['acc', 'f1', 'loss', 'mse', 'zz'],
      params: ['batch', 'lr'],
      tags: ['team'],
    });
    expect(defaultColumns(keys)).toEqual([
      'metrics.acc',
      'metrics.f1',
      'metrics.loss',
      'metrics.mse',
      'params.batch',
      'params.lr',
    ]);
  });
});

describe('mergeKeys', () => {
  it('unites two key sets, sorted and without repeats', () => {
    const merged = mergeKeys(
      { metrics: ['loss'], params: ['lr'], tags: ['team'] },
      { metrics: ['acc', 'loss'], params: [], tags: ['fold'] },
    );
    expect(merged).toEqual({ metrics: ['acc', 'loss'], params: ['lr'], tags: ['fold', 'team'] });
  });
});
