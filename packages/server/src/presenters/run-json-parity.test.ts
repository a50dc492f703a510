/**
 * search_runs answers with Run JSON written by SQL (core run-json-sql.ts); get_run with presentRun.
 * Both must give the same JSON for every shape of run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';
import { presentRun } from './tracking';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function newRun(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.post('/runs/create', { experiment_id: '0', ...body });
  return res.body.run.info.run_id as string;
}

describe('Run JSON from SQL matches presentRun', () => {
  it('for bare, full, finished, deleted and linked runs', async () => {
    const bare = await newRun({ run_name: 'bare' });
    const full = await newRun({ run_name: 'full', user_id: 'ana', tags: [{ key: 'z', value: 'last' }] });
    await t.post('/runs/log-batch', {
      run_id: full,
      metrics: [
        { key: 'acc', value: 0.25, timestamp: 5, step: 3 },
        { key: 'nan', value: 'NaN', timestamp: 5 },
        { key: 'inf', value: 'Infinity', timestamp: 5 },
        { key: 'ninf', value: '-Infinity', timestamp: 5 },
        { key: 'big', value: 1.7976931348623157e308, timestamp: 5 },
        { key: 'tiny', value: 5e-324, timestamp: 5 },
        { key: 'third', value: 1 / 3, timestamp: 5 },
      ],
      params: [
        { key: 'lr', value: '0.01' },
        { key: 'empty', value: '' },
        { key: 'unicode', value: 'ünïcödé "quoted" \\ back' },
      ],
      tags: [{ key: 'note', value: 'line\nbreak' }],
    });
    await t.post('/runs/log-inputs', {
      run_id: full,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: {
            name: 'iris',
            digest: 'd1',
            source_type: 'local',
            source: '{"uri":"x"}',
            schema: '{"a":1}',
            profile: '{"rows":3}',
          },
        },
        { dataset: { name: 'wine', digest: 'd2', source_type: 'http', source: '{}' } },
      ],
      models: [{ model_id: 'm-input' }],
    });
    const model = await t.post('/logged-models', { experiment_id: '0', name: 'mdl' });
    const modelId = model.body.model.info.model_id as string;
    await t.post('/runs/outputs', { run_id: full, models: [{ model_id: modelId, step: 2 }] });
    await t.post('/runs/log-batch', {
      run_id: full,
      metrics: [
        {
          key: 'rmse',
          value: 0.5,
          timestamp: 6,
          step: 0,
          model_id: modelId,
          dataset_name: 'iris',
          dataset_digest: 'd1',
        },
      ],
    });
    const finished = await newRun({ run_name: 'finished' });
    await t.post('/runs/update', { run_id: finished, status: 'FINISHED', end_time: 1234 });
    const deleted = await newRun({ run_name: 'deleted' });
    await t.post('/runs/delete', { run_id: deleted });

    const search = await t.post('/runs/search', { experiment_ids: ['0'], run_view_type: 'ALL' });
    expect(search.status).toBe(200);
    const fromSql = new Map<string, unknown>(
      (search.body.runs as { info: { run_id: string } }[]).map((r) => [r.info.run_id, r]),
    );
    for (const id of [bare, full, finished, deleted]) {
      const expected = presentRun(await t.store.getRun(id));
      expect(fromSql.get(id), id).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });
});
