import { describe, expect, it } from 'vitest';
import { LoomError } from './errors';
import { decodeJson, f } from './schema';
import { decodeMetric, metricMessage } from './tracking-api';

const generic = { metrics: metricMessage.list() };
const fast = { metrics: f.custom(decodeMetric).list() };

function outcome(fields: typeof generic | typeof fast, metrics: unknown): unknown {
  try {
    return { ok: decodeJson(fields, { metrics }) };
  } catch (err) {
    if (!(err instanceof LoomError)) throw err;
    return { error: err.code, message: err.message };
  }
}

const cases: unknown[] = [
  [{ key: 'm', value: 1.5, timestamp: 10 }],
  [{ key: 'm', value: 1.5, timestamp: 10, step: 3 }],
  [{ key: 'm', value: 'NaN', timestamp: '10', step: '-3' }],
  [
    { key: 'm', value: 'Infinity', timestamp: 10 },
    { key: 'n', value: '-Infinity', timestamp: 11 },
  ],
  [{ key: 'm', value: '2.5', timestamp: 10 }],
  [
    {
      key: 'm',
      value: 1,
      timestamp: 10,
      model_id: 'm-1',
      dataset_name: 'd',
      dataset_digest: 'x',
      run_id: 'r',
    },
  ],
  [{ key: 'm', value: 1, timestamp: 10, modelId: 'm-1', datasetName: 'd', datasetDigest: 'x', runId: 'r' }],
  [{ key: 'm', value: 1, timestamp: 10, model_id: null, step: null, extra: 'ignored' }],
  [{ value: 1, timestamp: 10 }],
  [{ key: '', value: 1, timestamp: 10 }],
  [{ key: null, value: 1, timestamp: 10 }],
  [{ key: 'm', timestamp: 10 }],
  [{ key: 'm', value: '', timestamp: 10 }],
  [{ key: 'm', value: 1 }],
  [{ key: 'm', value: 1, timestamp: '' }],
  [{ key: 3, value: 1, timestamp: 10 }],
  [{ key: 'm', value: true, timestamp: 10 }],
  [{ key: 'm', value: 'abc', timestamp: 10 }],
  [{ key: 'm', value: 1, timestamp: 1.5 }],
  [{ key: 'm', value: 1, timestamp: 'soon' }],
  [{ key: 'm', value: 1, timestamp: 10, step: 0.5 }],
  [{ key: 'm', value: 1, timestamp: 10, step: '1e3' }],
  [{ key: 'm', value: 1, timestamp: 10, model_id: 7 }],
  [{ key: 'm', value: [1], timestamp: 10 }],
  [{ key: 'm', value: 1, timestamp: 10 }, 'not an object'],
  [null],
  [[1, 2]],
  'not a list',
  [],
];

describe('decodeMetric, the log-batch fast path', () => {
  it.each(cases.map((c) => [JSON.stringify(c), c]))(
    'decodes %s exactly like the generic schema',
    (_, metrics) => {
      expect(outcome(fast, metrics)).toEqual(outcome(generic, metrics));
    },
  );
});
