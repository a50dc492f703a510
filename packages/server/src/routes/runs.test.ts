import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function createRun(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.post('/runs/create', { experiment_id: '0', ...body });
  expect(res.status).toBe(200);
  return res.body.run.info.run_id as string;
}

async function getRun(runId: string) {
  const res = await t.get('/runs/get', { run_id: runId });
  expect(res.status).toBe(200);
  return res.body.run;
}

describe('runs: lifecycle', () => {
  it('creates a run with MLflow defaults', async () => {
    const res = await t.post('/runs/create', { start_time: 1700000000000, user_id: 'ana' });
    const run = res.body.run;
    expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.info.run_uuid).toBe(run.info.run_id);
    expect(run.info).toMatchObject({
      experiment_id: '0',
      user_id: 'ana',
      status: 'RUNNING',
      start_time: 1700000000000,
      lifecycle_stage: 'active',
      artifact_uri: `mlflow-artifacts:/0/${run.info.run_id}/artifacts`,
    });
    expect(run.info.end_time).toBeUndefined();
    expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(run.data.tags).toContainEqual({ key: 'mlflow.runName', value: run.info.run_name });
  });

  it('takes the run name from run_name or the mlflow.runName tag and rejects a conflict', async () => {
    const a = await getRun(await createRun({ run_name: 'given' }));
    expect(a.info.run_name).toBe('given');
    const b = await getRun(await createRun({ tags: [{ key: 'mlflow.runName', value: 'from-tag' }] }));
    expect(b.info.run_name).toBe('from-tag');
    const clash = await t.post('/runs/create', {
      run_name: 'x',
      tags: [{ key: 'mlflow.runName', value: 'y' }],
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('answers 404 for an unknown run or experiment', async () => {
    const res = await t.get('/runs/get', { run_id: 'f'.repeat(32) });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Run with id=${'f'.repeat(32)} not found`,
    });
    const exp = await t.post('/runs/create', { experiment_id: '404' });
    expect(exp.status).toBe(404);
    const missing = await t.get('/runs/get', {});
    expect(missing.status).toBe(400);
  });

  it('accepts the deprecated run_uuid', async () => {
    const id = await createRun();
    const res = await t.get('/runs/get', { run_uuid: id });
    expect(res.body.run.info.run_id).toBe(id);
  });

  it('updates status, end time and name', async () => {
    const id = await createRun();
    const res = await t.post('/runs/update', {
      run_id: id,
      status: 'FINISHED',
      end_time: 1700000000500,
      run_name: 'renamed',
    });
    expect(res.status).toBe(200);
    expect(res.body.run_info).toMatchObject({
      status: 'FINISHED',
      end_time: 1700000000500,
      run_name: 'renamed',
    });
    const run = await getRun(id);
    expect(run.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });
    const numeric = await t.post('/runs/update', { run_id: id, status: 4 });
    expect(numeric.body.run_info.status).toBe('FAILED');
    const bad = await t.post('/runs/update', { run_id: id, status: 'DONE' });
    expect(bad.status).toBe(400);
  });

  it("stores int64's extremes as end times (found by the endpoint fuzzer on PostgreSQL)", async () => {
    const id = await createRun();
    // -2^63 is BIGINT's least value; as a JS number its plain text is out of BIGINT's range.
    for (const endTime of [-(2 ** 63), 2 ** 62, -(2 ** 53) - 2]) {
      const res = await t.post('/runs/update', { run_id: id, end_time: endTime });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await getRun(id)).info.end_time).toBe(endTime);
    }
    // 2^63 (also what 2^63 - 1 becomes as a double) and beyond: refused at the door on both backends,
    // where PostgreSQL answered 500 (the fuzzer again).
    for (const time of [2 ** 63, 2 ** 70]) {
      const created = await t.post('/runs/create', { experiment_id: '0', start_time: time });
      expect(created.status, JSON.stringify(created.body)).toBe(400);
      expect(created.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect((await t.post('/runs/update', { run_id: id, end_time: time })).status).toBe(400);
    }
    // An experiment id beyond BIGINT cannot exist: it matches nothing (was a 500 on both backends).
    const search = await t.post('/runs/search', { experiment_ids: ['9223372036854775808', '0'] });
    expect(search.status, JSON.stringify(search.body)).toBe(200);
    expect((search.body as { runs?: unknown[] }).runs?.length).toBeGreaterThan(0);
  });

  it('renames the run when the mlflow.runName tag is set', async () => {
    const id = await createRun({ run_name: 'before' });
    await t.post('/runs/set-tag', { run_id: id, key: 'mlflow.runName', value: 'after' });
    expect((await getRun(id)).info.run_name).toBe('after');
  });

  it('deletes and restores, and refuses logging to a deleted run', async () => {
    const id = await createRun();
    expect((await t.post('/runs/delete', { run_id: id })).status).toBe(200);
    expect((await getRun(id)).info.lifecycle_stage).toBe('deleted');
    const log = await t.post('/runs/log-parameter', { run_id: id, key: 'p', value: 'v' });
    expect(log.status).toBe(400);
    expect(log.body.message).toContain("must be in the 'active' state");
    const update = await t.post('/runs/update', { run_id: id, status: 'FINISHED' });
    expect(update.status).toBe(400);
    expect((await t.post('/runs/restore', { run_id: id })).status).toBe(200);
    expect((await getRun(id)).info.lifecycle_stage).toBe('active');
    expect((await t.post('/runs/delete', { run_id: 'nope' })).status).toBe(404);
  });
});

describe('runs: logging', () => {
  it('logs params idempotently and refuses to change them', async () => {
    const id = await createRun();
    expect((await t.post('/runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })).status).toBe(200);
    expect((await t.post('/runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })).status).toBe(200);
    const change = await t.post('/runs/log-parameter', { run_id: id, key: 'lr', value: '0.2' });
    expect(change.status).toBe(400);
    expect(change.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(change.body.message).toContain('Changing param values is not allowed');
    expect((await getRun(id)).data.params).toEqual([{ key: 'lr', value: '0.1' }]);
  });

  it('lets exactly one of two concurrent writers of a new param win', async () => {
    const id = await createRun();
    const results = await Promise.all(
      ['first', 'second'].map((value) =>
        t.post('/runs/log-batch', { run_id: id, params: [{ key: 'race', value }] }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const winner = results.findIndex((r) => r.status === 200) === 0 ? 'first' : 'second';
    expect((await getRun(id)).data.params).toEqual([{ key: 'race', value: winner }]);
  });

  it('truncates long param and tag values as MLflow does', async () => {
    const id = await createRun();
    await t.post('/runs/log-parameter', { run_id: id, key: 'long', value: 'p'.repeat(7000) });
    await t.post('/runs/set-tag', { run_id: id, key: 'long', value: 't'.repeat(9000) });
    const run = await getRun(id);
    expect(run.data.params[0].value).toHaveLength(6000);
    expect(run.data.tags.find((x: { key: string }) => x.key === 'long').value).toHaveLength(8000);
  });

  it('enforces key rules', async () => {
    const id = await createRun();
    for (const key of [
      'bad!key',
      'a//b',
      '../up',
      '/abs',
      'x'.repeat(251),
      'a/./b',
      'trailing/',
      'quo"te',
      'tab\tkey',
    ]) {
      const res = await t.post('/runs/log-metric', { run_id: id, key, value: 1, timestamp: 1 });
      expect(res.status, key).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    for (const key of ['ok key', 'a/b', 'x.y-z:w', 'x'.repeat(250), 'précision', '損失']) {
      const res = await t.post('/runs/log-metric', { run_id: id, key, value: 1, timestamp: 1 });
      expect(res.status, key).toBe(200);
    }
  });

  it('logs metrics with steps, NaN and infinities, keeping the latest by (step, timestamp, value)', async () => {
    const id = await createRun();
    const points = [
      { key: 'loss', value: 0.9, timestamp: 10, step: 0 },
      { key: 'loss', value: 0.5, timestamp: 20, step: 2 },
      { key: 'loss', value: 0.7, timestamp: 30, step: 1 },
      { key: 'weird', value: 'NaN', timestamp: 5, step: 0 },
      { key: 'big', value: 'Infinity', timestamp: 5 },
      { key: 'small', value: '-Infinity', timestamp: 5 },
    ];
    for (const p of points) expect((await t.post('/runs/log-metric', { run_id: id, ...p })).status).toBe(200);
    const metrics = (await getRun(id)).data.metrics;
    const byKey = Object.fromEntries(metrics.map((m: { key: string }) => [m.key, m]));
    expect(byKey.loss).toEqual({ key: 'loss', value: 0.5, timestamp: 20, step: 2 });
    expect(byKey.weird.value).toBe('NaN');
    expect(byKey.big.value).toBe('Infinity');
    expect(byKey.small.value).toBe('-Infinity');
    expect(byKey.big.step).toBe(0);
  });

  it('accepts int64 as strings and camelCase field names', async () => {
    const id = await createRun();
    const res = await t.post('/runs/log-metric', {
      runId: id,
      key: 'm',
      value: '1.5',
      timestamp: '1700000000000',
      step: '3',
    });
    expect(res.status).toBe(200);
    const m = (await getRun(id)).data.metrics[0];
    expect(m).toEqual({ key: 'm', value: 1.5, timestamp: 1700000000000, step: 3 });
  });

  it('rejects bad metric values', async () => {
    const id = await createRun();
    expect(
      (await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 'abc', timestamp: 1 })).status,
    ).toBe(400);
    expect(
      (await t.post('/runs/log-metric', { run_id: id, key: 'm', value: true, timestamp: 1 })).status,
    ).toBe(400);
    expect((await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 1 })).status).toBe(400);
    expect((await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: -1 })).status).toBe(
      400,
    );
    expect(
      (await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 1.5 })).status,
    ).toBe(400);
  });

  it('treats the same point logged twice as one', async () => {
    const id = await createRun();
    const p = { run_id: id, key: 'm', value: 1, timestamp: 1, step: 1 };
    await t.post('/runs/log-metric', p);
    await t.post('/runs/log-metric', p);
    const hist = await t.get('/metrics/get-history', { run_id: id, metric_key: 'm' });
    expect(hist.body.metrics).toHaveLength(1);
  });

  it('sets and deletes tags', async () => {
    const id = await createRun();
    await t.post('/runs/set-tag', { run_id: id, key: 'k', value: 'v' });
    expect((await getRun(id)).data.tags).toContainEqual({ key: 'k', value: 'v' });
    expect((await t.post('/runs/delete-tag', { run_id: id, key: 'k' })).status).toBe(200);
    expect((await getRun(id)).data.tags).not.toContainEqual({ key: 'k', value: 'v' });
    const again = await t.post('/runs/delete-tag', { run_id: id, key: 'k' });
    expect(again.status).toBe(404);
  });

  it('logs a batch of metrics, params and tags', async () => {
    const id = await createRun();
    const res = await t.post('/runs/log-batch', {
      run_id: id,
      metrics: Array.from({ length: 10 }, (_, i) => ({
        key: 'acc',
        value: i / 10,
        timestamp: 1000 + i,
        step: i,
      })),
      params: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
      tags: [
        { key: 't', value: 'first' },
        { key: 't', value: 'second' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const run = await getRun(id);
    expect(run.data.params).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    expect(run.data.tags).toContainEqual({ key: 't', value: 'second' });
    expect(run.data.metrics).toEqual([{ key: 'acc', value: 0.9, timestamp: 1009, step: 9 }]);
  });

  it('enforces batch limits and duplicate params, writing nothing', async () => {
    const id = await createRun();
    const metric = (i: number) => ({ key: `m${i}`, value: 1, timestamp: 1 });
    const tooMany = await t.post('/runs/log-batch', {
      run_id: id,
      metrics: Array.from({ length: 1001 }, (_, i) => metric(i)),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain('at most 1000 metrics');
    const params = await t.post('/runs/log-batch', {
      run_id: id,
      params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
    });
    expect(params.body.message).toContain('at most 100 params');
    const tags = await t.post('/runs/log-batch', {
      run_id: id,
      tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' })),
    });
    expect(tags.body.message).toContain('at most 100 tags');
    const total = await t.post('/runs/log-batch', {
      run_id: id,
      metrics: Array.from({ length: 950 }, (_, i) => metric(i)),
      params: Array.from({ length: 60 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
    });
    expect(total.status).toBe(400);
    expect(total.body.message).toContain('total entities');
    const dupes = await t.post('/runs/log-batch', {
      run_id: id,
      params: [
        { key: 'p', value: '1' },
        { key: 'p', value: '2' },
      ],
    });
    expect(dupes.status).toBe(400);
    expect(dupes.body.message).toContain('Duplicate parameter keys');
    const run = await getRun(id);
    expect(run.data.metrics).toBeUndefined();
    expect(run.data.params).toBeUndefined();
  });

  it('rolls back the whole batch when a param conflicts', async () => {
    const id = await createRun();
    await t.post('/runs/log-parameter', { run_id: id, key: 'p', value: 'old' });
    const res = await t.post('/runs/log-batch', {
      run_id: id,
      metrics: [{ key: 'm', value: 1, timestamp: 1 }],
      params: [{ key: 'p', value: 'new' }],
      tags: [{ key: 't', value: 'v' }],
    });
    expect(res.status).toBe(400);
    const run = await getRun(id);
    expect(run.data.metrics).toBeUndefined();
    expect(run.data.tags).not.toContainEqual({ key: 't', value: 'v' });
  });

  it('rejects batch entries without required fields', async () => {
    const id = await createRun();
    const res = await t.post('/runs/log-batch', { run_id: id, metrics: [{ key: 'm', timestamp: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("'metrics[0].value'");
    const notList = await t.post('/runs/log-batch', { run_id: id, metrics: { key: 'm' } });
    expect(notList.status).toBe(400);
  });

  it('logs dataset inputs, deduplicated per experiment', async () => {
    const id = await createRun();
    const dataset = {
      name: 'iris',
      digest: 'abc123',
      source_type: 'local',
      source: '{"uri": "/data/iris.csv"}',
      schema: '{}',
    };
    const body = {
      run_id: id,
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
    };
    expect((await t.post('/runs/log-inputs', body)).status).toBe(200);
    expect((await t.post('/runs/log-inputs', body)).status).toBe(200);
    const run = await getRun(id);
    expect(run.inputs.dataset_inputs).toEqual([
      { dataset, tags: [{ key: 'mlflow.data.context', value: 'training' }] },
    ]);
    const summaries = await t.call('POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', {
      experiment_ids: ['0'],
    });
    expect(summaries.body.dataset_summaries).toEqual([
      { experiment_id: '0', name: 'iris', digest: 'abc123', context: 'training' },
    ]);
    // Ids that are no number match nothing, on PostgreSQL too (found by the endpoint fuzzer).
    const odd = await t.call('POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', {
      experiment_ids: ['m-abc', '0'],
    });
    expect(odd.status).toBe(200);
    expect(odd.body.dataset_summaries).toHaveLength(1);
    const bad = await t.post('/runs/log-inputs', { run_id: id, datasets: [{ dataset: { name: 'x' } }] });
    expect(bad.status).toBe(400);
    const longDigest = await t.post('/runs/log-inputs', {
      run_id: id,
      datasets: [{ dataset: { ...dataset, digest: 'd'.repeat(37) } }],
    });
    expect(longDigest.status).toBe(400);
  });

  it('appends MLflow 2 log-model entries to the history tag', async () => {
    const id = await createRun();
    const model = {
      artifact_path: 'model',
      flavors: { python_function: {} },
      utc_time_created: '2024-01-01',
      run_id: id,
    };
    expect((await t.post('/runs/log-model', { run_id: id, model_json: JSON.stringify(model) })).status).toBe(
      200,
    );
    expect((await t.post('/runs/log-model', { run_id: id, model_json: JSON.stringify(model) })).status).toBe(
      200,
    );
    const tag = (await getRun(id)).data.tags.find(
      (x: { key: string }) => x.key === 'mlflow.log-model.history',
    );
    expect(JSON.parse(tag.value)).toHaveLength(2);
    const bad = await t.post('/runs/log-model', { run_id: id, model_json: '{"artifact_path": "x"}' });
    expect(bad.status).toBe(400);
    const notJson = await t.post('/runs/log-model', { run_id: id, model_json: 'nope' });
    expect(notJson.status).toBe(400);
  });
});

describe('runs: search', () => {
  async function seed() {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await createRun({ run_name: `run-${i}`, start_time: 1000 + i });
      ids.push(id);
      const metrics = i === 5 ? [] : [{ key: 'acc', value: i / 10, timestamp: 1, step: 0 }];
      await t.post('/runs/log-batch', {
        run_id: id,
        metrics,
        params: [{ key: 'model', value: i % 2 === 0 ? 'lr' : 'tree' }],
        tags: [{ key: 'team', value: i < 3 ? 'Vision' : 'nlp' }],
      });
    }
    return ids;
  }
  const names = (res: { body: { runs?: { info: { run_name: string } }[] } }) =>
    (res.body.runs ?? []).map((r) => r.info.run_name);

  it('orders by start_time DESC by default and filters by metrics, params, tags and attributes', async () => {
    await seed();
    expect(names(await t.post('/runs/search', { experiment_ids: ['0'] }))).toEqual([
      'run-5',
      'run-4',
      'run-3',
      'run-2',
      'run-1',
      'run-0',
    ]);
    expect(
      names(await t.post('/runs/search', { experiment_ids: ['0'], filter: 'metrics.acc > 0.25' })),
    ).toEqual(['run-4', 'run-3']);
    expect(
      names(await t.post('/runs/search', { experiment_ids: ['0'], filter: "params.model = 'lr'" })),
    ).toEqual(['run-4', 'run-2', 'run-0']);
    expect(
      names(await t.post('/runs/search', { experiment_ids: ['0'], filter: "tags.team LIKE 'vis%'" })),
    ).toEqual([]);
    expect(
      names(await t.post('/runs/search', { experiment_ids: ['0'], filter: "tags.team ILIKE 'vis%'" })),
    ).toEqual(['run-2', 'run-1', 'run-0']);
    expect(
      names(
        await t.post('/runs/search', {
          experiment_ids: ['0'],
          filter: "attributes.run_name = 'run-3' OR metrics.acc < 0.1",
        }),
      ),
    ).toEqual(['run-3', 'run-0']);
    expect(
      names(
        await t.post('/runs/search', {
          experiment_ids: ['0'],
          filter: "params.model = 'tree' and metrics.acc >= 0.3",
        }),
      ),
    ).toEqual(['run-3']);
  });

  it('orders by a metric with missing values last and pages through results', async () => {
    await seed();
    const desc = await t.post('/runs/search', { experiment_ids: ['0'], order_by: ['metrics.acc DESC'] });
    expect(names(desc)).toEqual(['run-4', 'run-3', 'run-2', 'run-1', 'run-0', 'run-5']);
    const asc = await t.post('/runs/search', { experiment_ids: ['0'], order_by: ['metrics.acc'] });
    expect(names(asc)).toEqual(['run-0', 'run-1', 'run-2', 'run-3', 'run-4', 'run-5']);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await t.post('/runs/search', { experiment_ids: ['0'], max_results: 4, page_token: token });
      seen.push(...names(page));
      token = page.body.next_page_token;
    } while (token);
    expect(seen).toEqual(['run-5', 'run-4', 'run-3', 'run-2', 'run-1', 'run-0']);
  });

  it('returns full runs with their data and honours view types', async () => {
    const ids = await seed();
    await t.post('/runs/delete', { run_id: ids[0] });
    const res = await t.post('/runs/search', {
      experiment_ids: ['0'],
      filter: "attributes.run_name = 'run-4'",
    });
    expect(res.body.runs[0].data.params).toEqual([{ key: 'model', value: 'lr' }]);
    expect(res.body.runs[0].data.metrics).toEqual([{ key: 'acc', value: 0.4, timestamp: 1, step: 0 }]);
    expect(names(await t.post('/runs/search', { experiment_ids: ['0'] }))).not.toContain('run-0');
    expect(
      names(await t.post('/runs/search', { experiment_ids: ['0'], run_view_type: 'DELETED_ONLY' })),
    ).toEqual(['run-0']);
    expect(names(await t.post('/runs/search', { experiment_ids: ['0'], run_view_type: 'ALL' }))).toHaveLength(
      6,
    );
    expect(await t.post('/runs/search', { experiment_ids: [] }).then((r) => r.body)).toEqual({});
  });

  it('rejects bad search input with 400 INVALID_PARAMETER_VALUE', async () => {
    for (const body of [
      { experiment_ids: ['0'], filter: 'metrics.acc > ' },
      { experiment_ids: ['0'], filter: 'params.model = lr' },
      { experiment_ids: ['0'], filter: "metrics.acc = 'x'" },
      { experiment_ids: ['0'], order_by: ['metrics.acc SIDEWAYS'] },
      { experiment_ids: ['0'], max_results: 50001 },
      { experiment_ids: ['0'], page_token: 'bm90IGpzb24' },
    ]) {
      const res = await t.post('/runs/search', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });
});
