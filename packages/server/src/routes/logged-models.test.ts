import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('logged models (MLflow 3 log_model flow)', () => {
  it('creates, links to a run, records metrics, finalizes and searches', async () => {
    const run = await t.post('/runs/create', { experiment_id: '0' });
    const runId = run.body.run.info.run_id as string;
    const created = await t.post('/logged-models', {
      experiment_id: '0',
      name: 'model',
      model_type: 'onnx',
      source_run_id: runId,
      params: [{ key: 'alpha', value: '0.5' }],
      tags: [{ key: 'mlflow.user', value: 'ana' }],
    });
    expect(created.status).toBe(200);
    const model = created.body.model;
    expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.info).toMatchObject({
      experiment_id: '0',
      name: 'model',
      status: 'LOGGED_MODEL_PENDING',
      source_run_id: runId,
      artifact_uri: `mlflow-artifacts:/0/models/${model.info.model_id}/artifacts`,
    });
    expect(model.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    const id = model.info.model_id as string;

    expect(
      (await t.post('/runs/outputs', { run_id: runId, models: [{ model_id: id, step: 0 }] })).status,
    ).toBe(200);
    await t.post('/runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'rmse', value: 0.3, timestamp: 5, step: 0, model_id: id }],
    });
    const runAfter = await t.get('/runs/get', { run_id: runId });
    expect(runAfter.body.run.outputs.model_outputs).toEqual([{ model_id: id, step: 0 }]);
    expect(runAfter.body.run.data.metrics[0].model_id).toBe(id);

    const finalized = await t.call('PATCH', `/api/2.0/mlflow/logged-models/${id}`, {
      model_id: id,
      status: 'LOGGED_MODEL_READY',
    });
    expect(finalized.status).toBe(200);
    expect(finalized.body.model.info.status).toBe('LOGGED_MODEL_READY');
    expect(finalized.body.model.data.metrics).toEqual([
      { key: 'rmse', value: 0.3, timestamp: 5, step: 0, run_id: runId, model_id: id },
    ]);

    const found = await t.post('/logged-models/search', {
      experiment_ids: ['0'],
      filter: "name = 'model' AND metrics.rmse < 1",
    });
    expect(found.body.models.map((m: { info: { model_id: string } }) => m.info.model_id)).toEqual([id]);
    const notFound = await t.post('/logged-models/search', {
      experiment_ids: ['0'],
      filter: 'metrics.rmse > 1',
    });
    expect(notFound.body.models).toBeUndefined();
    const bad = await t.post('/logged-models/search', { experiment_ids: ['0'], filter: "colour = 'red'" });
    expect(bad.status).toBe(400);
  });

  it('pages search results with tokens bound to the request', async () => {
    for (let i = 0; i < 3; i++) await t.post('/logged-models', { experiment_id: '0', name: `m${i}` });
    const p1 = await t.post('/logged-models/search', {
      experiment_ids: ['0'],
      max_results: 2,
      order_by: [{ field_name: 'name' }],
    });
    expect(p1.body.models.map((m: { info: { name: string } }) => m.info.name)).toEqual(['m0', 'm1']);
    const p2 = await t.post('/logged-models/search', {
      experiment_ids: ['0'],
      max_results: 2,
      order_by: [{ field_name: 'name' }],
      page_token: p1.body.next_page_token,
    });
    expect(p2.body.models.map((m: { info: { name: string } }) => m.info.name)).toEqual(['m2']);
    const mismatch = await t.post('/logged-models/search', {
      experiment_ids: ['0'],
      max_results: 2,
      page_token: p1.body.next_page_token,
    });
    expect(mismatch.status).toBe(400);
  });

  it('sets and deletes tags, logs params, deletes the model', async () => {
    const created = await t.post('/logged-models', { experiment_id: '0' });
    const id = created.body.model.info.model_id as string;
    expect(created.body.model.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    const tagged = await t.call('PATCH', `/api/2.0/mlflow/logged-models/${id}/tags`, {
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(tagged.body.model.info.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect((await t.call('DELETE', `/api/2.0/mlflow/logged-models/${id}/tags/k`)).status).toBe(200);
    expect((await t.call('DELETE', `/api/2.0/mlflow/logged-models/${id}/tags/k`)).status).toBe(404);
    expect((await t.post(`/logged-models/${id}/params`, { params: [{ key: 'p', value: '1' }] })).status).toBe(
      200,
    );
    expect((await t.get(`/logged-models/${id}`)).body.model.data.params).toEqual([{ key: 'p', value: '1' }]);
    expect((await t.call('DELETE', `/api/2.0/mlflow/logged-models/${id}`)).status).toBe(200);
    expect((await t.get(`/logged-models/${id}`)).status).toBe(404);
  });

  it('validates names, experiments and statuses', async () => {
    expect((await t.post('/logged-models', { experiment_id: '0', name: 'a/b' })).status).toBe(400);
    expect((await t.post('/logged-models', { experiment_id: '0', name: 'a.b' })).status).toBe(400);
    expect((await t.post('/logged-models', { experiment_id: '55' })).status).toBe(404);
    expect((await t.post('/logged-models', {})).status).toBe(400);
    const created = await t.post('/logged-models', { experiment_id: '0' });
    const id = created.body.model.info.model_id as string;
    expect((await t.call('PATCH', `/api/2.0/mlflow/logged-models/${id}`, { status: 'DONE' })).status).toBe(
      400,
    );
    expect((await t.get('/logged-models/m-unknown')).status).toBe(404);
  });
});
