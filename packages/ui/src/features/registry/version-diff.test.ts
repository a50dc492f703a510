import { describe, expect, it } from 'vitest';
import type { RunJson } from '@loom/protocol';
import { diffRuns } from '../../lib/run-diff';
import { parseVersionList } from './version-diff';

function run(metrics: Record<string, number | string>, params: Record<string, string>): RunJson {
  return {
    info: {
      run_id: 'r',
      run_uuid: 'r',
      experiment_id: '0',
      status: 'FINISHED',
      start_time: 0,
      artifact_uri: '',
      lifecycle_stage: 'active',
    },
    data: {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
    },
  } as RunJson;
}

describe('diffRuns', () => {
  it('lists metrics then params by key, marking only the rows whose values differ', () => {
    const rows = diffRuns([
      run({ loss: 0.2, acc: 0.9 }, { lr: '0.1', depth: '3' }),
      run({ loss: 0.1, acc: 0.9 }, { lr: '0.1', depth: '4' }),
    ]);
    expect(rows).toEqual([
      { kind: 'metric', key: 'acc', values: [0.9, 0.9], differs: false },
      { kind: 'metric', key: 'loss', values: [0.2, 0.1], differs: true },
      { kind: 'param', key: 'depth', values: ['3', '4'], differs: true },
      { kind: 'param', key: 'lr', values: ['0.1', '0.1'], differs: false },
    ]);
  });

  it('treats a missing key or run as different, and two NaNs as the same', () => {
    const rows = diffRuns([run({ loss: 'NaN', f1: 1 }, {}), run({ loss: 'NaN' }, { seed: '7' }), undefined]);
    expect(rows.find((r) => r.key === 'loss')).toEqual({
      kind: 'metric',
      key: 'loss',
      values: [NaN, NaN, undefined],
      differs: true,
    });
    expect(diffRuns([run({ loss: 'NaN' }, {}), run({ loss: 'NaN' }, {})])[0]!.differs).toBe(false);
    expect(rows.find((r) => r.key === 'f1')!.values).toEqual([1, undefined, undefined]);
    expect(rows.find((r) => r.key === 'seed')!.differs).toBe(true);
  });
});

describe('parseVersionList', () => {
  it('keeps version numbers once, in order, and drops anything else', () => {
    expect(parseVersionList('3,1, 3,x,,2')).toEqual(['3', '1', '2']);
    expect(parseVersionList(null)).toEqual([]);
  });
});
