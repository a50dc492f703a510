import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function createExperiment(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.post('/experiments/create', { name, ...extra });
  expect(res.status).toBe(200);
  return res.body.experiment_id as string;
}

describe('experiments', () => {
  it('has the Default experiment 0 on a new store', async () => {
    const res = await t.get('/experiments/get', { experiment_id: '0' });
    expect(res.status).toBe(200);
    expect(res.body.experiment).toMatchObject({
      experiment_id: '0',
      name: 'Default',
      artifact_location: 'mlflow-artifacts:/0',
      lifecycle_stage: 'active',
    });
    expect(typeof res.body.experiment.creation_time).toBe('number');
  });

  it('creates with tags and a default artifact location, gets by id and by name', async () => {
    const id = await createExperiment('exp-a', { tags: [{ key: 'team', value: 'vision' }] });
    expect(id).toBe('1');
    const byId = await t.get('/experiments/get', { experiment_id: id });
    expect(byId.body.experiment).toMatchObject({
      name: 'exp-a',
      artifact_location: 'mlflow-artifacts:/1',
      tags: [{ key: 'team', value: 'vision' }],
    });
    const byName = await t.get('/experiments/get-by-name', { experiment_name: 'exp-a' });
    expect(byName.body.experiment.experiment_id).toBe(id);
  });

  it('keeps an explicit artifact location', async () => {
    const id = await createExperiment('exp-loc', { artifact_location: 's3://bucket/path' });
    const res = await t.get('/experiments/get', { experiment_id: id });
    expect(res.body.experiment.artifact_location).toBe('s3://bucket/path');
  });

  it('rejects a duplicate name with 400 RESOURCE_ALREADY_EXISTS, also against deleted experiments', async () => {
    const id = await createExperiment('dup');
    await t.post('/experiments/delete', { experiment_id: id });
    const res = await t.post('/experiments/create', { name: 'dup' });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('validates create input', async () => {
    const missing = await t.post('/experiments/create', {});
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    });
    const long = await t.post('/experiments/create', { name: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    const runsUri = await t.post('/experiments/create', { name: 'r', artifact_location: 'runs:/abc/x' });
    expect(runsUri.status).toBe(400);
    const badType = await t.post('/experiments/create', { name: 42 });
    expect(badType.status).toBe(400);
    expect(badType.body.message).toContain("Invalid value 42 for parameter 'name'");
    const badTag = await t.post('/experiments/create', {
      name: 'bt',
      tags: [{ key: 'bad key!', value: 'v' }],
    });
    expect(badTag.status).toBe(400);
  });

  it('answers unknown ids and names with 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await t.get('/experiments/get', { experiment_id: '999' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No Experiment with id=999 exists',
    });
    const garbage = await t.get('/experiments/get', { experiment_id: 'not-a-number' });
    expect(garbage.status).toBe(404);
    const byName = await t.get('/experiments/get-by-name', { experiment_name: 'nope' });
    expect(byName.status).toBe(404);
    expect(byName.body.message).toBe("Could not find experiment with name 'nope'");
  });

  it('renames active experiments and refuses deleted ones', async () => {
    const id = await createExperiment('old');
    expect((await t.post('/experiments/update', { experiment_id: id, new_name: 'new' })).status).toBe(200);
    expect((await t.get('/experiments/get', { experiment_id: id })).body.experiment.name).toBe('new');
    await createExperiment('taken');
    const clash = await t.post('/experiments/update', { experiment_id: id, new_name: 'taken' });
    expect(clash.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    await t.post('/experiments/delete', { experiment_id: id });
    const deleted = await t.post('/experiments/update', { experiment_id: id, new_name: 'again' });
    expect(deleted.status).toBe(400);
    expect(deleted.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const missing = await t.post('/experiments/update', { experiment_id: id });
    expect(missing.status).toBe(400);
  });

  it('soft-deletes and restores an experiment together with its runs', async () => {
    const id = await createExperiment('lifecycle');
    const run = await t.post('/runs/create', { experiment_id: id });
    const runId = run.body.run.info.run_id as string;
    expect((await t.post('/experiments/delete', { experiment_id: id })).status).toBe(200);
    expect((await t.get('/experiments/get', { experiment_id: id })).body.experiment.lifecycle_stage).toBe(
      'deleted',
    );
    expect((await t.get('/runs/get', { run_id: runId })).body.run.info.lifecycle_stage).toBe('deleted');
    const again = await t.post('/experiments/delete', { experiment_id: id });
    expect(again.status).toBe(404);
    expect((await t.post('/experiments/restore', { experiment_id: id })).status).toBe(200);
    expect((await t.get('/runs/get', { run_id: runId })).body.run.info.lifecycle_stage).toBe('active');
    const restoreActive = await t.post('/experiments/restore', { experiment_id: id });
    expect(restoreActive.status).toBe(404);
    const newRun = await t.post('/runs/create', { experiment_id: id });
    expect(newRun.status).toBe(200);
  });

  it('refuses runs in a deleted experiment', async () => {
    const id = await createExperiment('gone');
    await t.post('/experiments/delete', { experiment_id: id });
    const res = await t.post('/runs/create', { experiment_id: id });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('sets, overwrites and deletes experiment tags', async () => {
    const id = await createExperiment('tags');
    await t.post('/experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v1' });
    await t.post('/experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v2' });
    expect((await t.get('/experiments/get', { experiment_id: id })).body.experiment.tags).toEqual([
      { key: 'k', value: 'v2' },
    ]);
    const tooLong = await t.post('/experiments/set-experiment-tag', {
      experiment_id: id,
      key: 'k',
      value: 'x'.repeat(5001),
    });
    expect(tooLong.status).toBe(400);
    expect((await t.post('/experiments/delete-experiment-tag', { experiment_id: id, key: 'k' })).status).toBe(
      200,
    );
    expect((await t.get('/experiments/get', { experiment_id: id })).body.experiment.tags).toBeUndefined();
    const missing = await t.post('/experiments/delete-experiment-tag', { experiment_id: id, key: 'k' });
    expect(missing.status).toBe(404);
    const unknown = await t.post('/experiments/set-experiment-tag', {
      experiment_id: '77',
      key: 'k',
      value: 'v',
    });
    expect(unknown.status).toBe(404);
  });

  it('searches with filters, order, view types and pages', async () => {
    for (const name of ['alpha', 'beta', 'gamma', 'Alpine']) await createExperiment(name);
    await t.post('/experiments/set-experiment-tag', { experiment_id: '2', key: 'stage', value: 'prod' });
    const all = await t.post('/experiments/search', { max_results: 100 });
    expect(all.body.experiments.map((e: { name: string }) => e.name)).toHaveLength(5);
    const like = await t.post('/experiments/search', { filter: "name LIKE 'Al%'" });
    expect(like.body.experiments.map((e: { name: string }) => e.name)).toEqual(['Alpine']);
    const ilike = await t.post('/experiments/search', { filter: "name ILIKE 'al%'", order_by: ['name ASC'] });
    expect(ilike.body.experiments.map((e: { name: string }) => e.name)).toEqual(['Alpine', 'alpha']);
    const tag = await t.post('/experiments/search', { filter: "tags.stage = 'prod'" });
    expect(tag.body.experiments.map((e: { name: string }) => e.name)).toEqual(['beta']);
    const page1 = await t.post('/experiments/search', { max_results: 2, order_by: ['name'] });
    expect(page1.body.experiments).toHaveLength(2);
    expect(page1.body.next_page_token).toBeTruthy();
    const page2 = await t.post('/experiments/search', {
      max_results: 2,
      order_by: ['name'],
      page_token: page1.body.next_page_token,
    });
    const page3 = await t.post('/experiments/search', {
      max_results: 2,
      order_by: ['name'],
      page_token: page2.body.next_page_token,
    });
    expect(page3.body.next_page_token).toBeUndefined();
    const names = [...page1.body.experiments, ...page2.body.experiments, ...page3.body.experiments].map(
      (e: { name: string }) => e.name,
    );
    expect(names).toEqual(['Alpine', 'Default', 'alpha', 'beta', 'gamma']);
    await t.post('/experiments/delete', { experiment_id: '1' });
    const deleted = await t.post('/experiments/search', { view_type: 'DELETED_ONLY' });
    expect(deleted.body.experiments.map((e: { name: string }) => e.name)).toEqual(['alpha']);
    const viaGet = await t.get('/experiments/search', { view_type: 'ALL', max_results: 10 });
    expect(viaGet.body.experiments).toHaveLength(5);
  });

  it('rejects bad search input with 400', async () => {
    expect((await t.post('/experiments/search', { max_results: 0 })).status).toBe(400);
    expect((await t.post('/experiments/search', { max_results: 50001 })).status).toBe(400);
    expect((await t.post('/experiments/search', { filter: 'name = ' })).status).toBe(400);
    expect((await t.post('/experiments/search', { page_token: 'garbage!!' })).status).toBe(400);
    const badView = await t.post('/experiments/search', { view_type: 'SOMETIMES' });
    expect(badView.status).toBe(400);
  });

  it('lists experiments on the MLflow 1.x alias and mirrors everything under /ajax-api', async () => {
    const list = await t.get('/experiments/list');
    expect(list.body.experiments[0].name).toBe('Default');
    const ajax = await t.call('GET', '/ajax-api/2.0/mlflow/experiments/get', { experiment_id: '0' });
    expect(ajax.body.experiment.name).toBe('Default');
  });
});
