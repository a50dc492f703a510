import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
  expect((await t.post('/registered-models/create', { name: 'm' })).status).toBe(200);
});
afterEach(async () => {
  await t.close();
});

const api = (path: string) => `/api/2.0/mlflow${path}`;
const patch = (path: string, body: unknown) => t.call('PATCH', api(path), body);
const del = (path: string, body: unknown) => t.call('DELETE', api(path), body);

async function createVersion(extra: Record<string, unknown> = {}, name = 'm') {
  const res = await t.post('/model-versions/create', { name, source: 's3://bucket/path/model', ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.model_version;
}

async function createRun(): Promise<{ run_id: string; artifact_uri: string }> {
  const res = await t.post('/runs/create', { experiment_id: '0' });
  return res.body.run.info;
}

describe('model versions', () => {
  it('creates numbered versions with MLflow defaults', async () => {
    const v1 = await createVersion({
      run_id: 'abc',
      run_link: 'http://x/run',
      description: 'd',
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(v1).toEqual({
      name: 'm',
      version: '1',
      creation_timestamp: v1.creation_timestamp,
      last_updated_timestamp: v1.creation_timestamp,
      current_stage: 'None',
      description: 'd',
      source: 's3://bucket/path/model',
      run_id: 'abc',
      status: 'READY',
      tags: [{ key: 'k', value: 'v' }],
      run_link: 'http://x/run',
    });
    expect((await createVersion()).version).toBe('2');
    const model = (await t.get('/registered-models/get', { name: 'm' })).body.registered_model;
    expect(model.last_updated_timestamp).toBeGreaterThanOrEqual(v1.creation_timestamp);
  });

  it('never reuses the number of a deleted version', async () => {
    await createVersion();
    await createVersion();
    expect((await del('/model-versions/delete', { name: 'm', version: '2' })).body).toEqual({});
    expect((await createVersion()).version).toBe('3');
  });

  it('gives concurrent creations distinct numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.post('/model-versions/create', { name: 'm', source: 's3://b/m' })),
    );
    expect(results.map((r) => r.status)).toEqual(new Array(8).fill(200));
    const versions = results.map((r) => Number(r.body.model_version.version)).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('answers 404 for a missing model or version, 400 for a non-integer version', async () => {
    const noModel = await t.post('/model-versions/create', { name: 'x', source: 's3://b/m' });
    expect(noModel.status).toBe(404);
    const missing = await t.get('/model-versions/get', { name: 'm', version: '7' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Model Version (name=m, version=7) not found',
    });
    const bad = await t.get('/model-versions/get', { name: 'm', version: 'one' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("Parameter 'version' must be an integer, got 'one'.");
    const noSource = await t.post('/model-versions/create', { name: 'm' });
    expect(noSource.status).toBe(400);
    expect(noSource.body.message).toContain("Missing value for required parameter 'source'");
  });

  it('updates the description with PATCH', async () => {
    await createVersion();
    const res = await patch('/model-versions/update', { name: 'm', version: '1', description: 'new' });
    expect(res.status).toBe(200);
    expect(res.body.model_version.description).toBe('new');
    expect(
      (await patch('/model-versions/update', { name: 'm', version: '2', description: 'x' })).status,
    ).toBe(404);
  });

  it('soft-deletes: hidden everywhere, aliases removed', async () => {
    await createVersion();
    await createVersion();
    await t.post('/registered-models/alias', { name: 'm', alias: 'champ', version: '2' });
    expect((await del('/model-versions/delete', { name: 'm', version: '2' })).status).toBe(200);
    expect((await t.get('/model-versions/get', { name: 'm', version: '2' })).status).toBe(404);
    expect((await del('/model-versions/delete', { name: 'm', version: '2' })).status).toBe(404);
    expect((await t.get('/registered-models/alias', { name: 'm', alias: 'champ' })).status).toBe(400);
    const model = (await t.get('/registered-models/get', { name: 'm' })).body.registered_model;
    expect(model.aliases).toBeUndefined();
    expect(model.latest_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
    const search = await t.get('/model-versions/search', { filter: "name = 'm'" });
    expect(search.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
    const latest = await t.get('/registered-models/alias', { name: 'm', alias: 'latest' });
    expect(latest.body.model_version.version).toBe('1');
  });

  it('transitions stages case-insensitively and archives existing versions on request', async () => {
    for (let i = 0; i < 3; i++) await createVersion();
    const stage = (version: string, s: string, archive?: boolean) =>
      t.post('/model-versions/transition-stage', {
        name: 'm',
        version,
        stage: s,
        ...(archive === undefined ? {} : { archive_existing_versions: archive }),
      });
    const first = await stage('1', 'production');
    expect(first.status).toBe(200);
    expect(first.body.model_version.current_stage).toBe('Production');
    await stage('2', 'Production', false);
    const third = await stage('3', 'PRODUCTION', true);
    expect(third.body.model_version.current_stage).toBe('Production');
    const stages = await Promise.all(
      ['1', '2', '3'].map(
        async (v) =>
          (await t.get('/model-versions/get', { name: 'm', version: v })).body.model_version.current_stage,
      ),
    );
    expect(stages).toEqual(['Archived', 'Archived', 'Production']);
    const bad = await stage('1', 'Prod');
    expect(bad.status).toBe(400);
    const archiveToNone = await stage('1', 'None', true);
    expect(archiveToNone.status).toBe(400);
    expect(archiveToNone.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await stage('9', 'Staging')).status).toBe(404);
    const missingStage = await t.post('/model-versions/transition-stage', { name: 'm', version: '1' });
    expect(missingStage.status).toBe(400);
  });

  it('sets and deletes version tags', async () => {
    await createVersion();
    const set = await t.post('/model-versions/set-tag', { name: 'm', version: '1', key: 'k', value: 'v' });
    expect(set.body).toEqual({});
    expect((await t.get('/model-versions/get', { name: 'm', version: '1' })).body.model_version.tags).toEqual(
      [{ key: 'k', value: 'v' }],
    );
    expect((await del('/model-versions/delete-tag', { name: 'm', version: '1', key: 'k' })).status).toBe(200);
    expect((await del('/model-versions/delete-tag', { name: 'm', version: '1', key: 'k' })).status).toBe(200);
    expect(
      (await t.get('/model-versions/get', { name: 'm', version: '1' })).body.model_version.tags,
    ).toBeUndefined();
    expect(
      (await t.post('/model-versions/set-tag', { name: 'm', version: '5', key: 'k', value: 'v' })).status,
    ).toBe(404);
    expect((await del('/model-versions/delete-tag', { name: 'm', version: '5', key: 'k' })).status).toBe(404);
    const noValue = await t.post('/model-versions/set-tag', { name: 'm', version: '1', key: 'k' });
    expect(noValue.status).toBe(400);
    const badKey = await t.post('/model-versions/set-tag', {
      name: 'm',
      version: '1',
      key: '/k',
      value: 'v',
    });
    expect(badKey.status).toBe(400);
  });

  it('searches versions by attributes and tags, ordered and paged', async () => {
    await t.post('/registered-models/create', { name: 'other' });
    await createVersion({ run_id: 'r1', tags: [{ key: 'kind', value: 'tree' }] });
    await createVersion({ run_id: 'r2', source: 's3://bucket/other' });
    await createVersion({ run_id: 'r1' }, 'other');
    const found = async (query: Record<string, unknown>) => {
      const res = await t.get('/model-versions/search', query);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return ((res.body.model_versions ?? []) as { name: string; version: string }[]).map(
        (v) => `${v.name}/${v.version}`,
      );
    };
    expect((await found({})).sort()).toEqual(['m/1', 'm/2', 'other/1']);
    expect(await found({ filter: "name = 'm'", order_by: ['version_number ASC'] })).toEqual(['m/1', 'm/2']);
    expect(await found({ filter: "name='m' AND version_number > 1" })).toEqual(['m/2']);
    expect(await found({ filter: "run_id IN ('r1')", order_by: ['name'] })).toEqual(['m/1', 'other/1']);
    expect(await found({ filter: "source_path LIKE '%other'" })).toEqual(['m/2']);
    expect(await found({ filter: "tags.kind = 'tree'" })).toEqual(['m/1']);
    const page1 = await t.get('/model-versions/search', {
      max_results: 2,
      order_by: ['name', 'version_number'],
    });
    expect(page1.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1', '2']);
    const page2 = await t.get('/model-versions/search', {
      max_results: 2,
      order_by: ['name', 'version_number'],
      page_token: page1.body.next_page_token,
    });
    expect(page2.body.model_versions.map((v: { name: string }) => v.name)).toEqual(['other']);
    for (const query of [
      { filter: "stage = 'None'" },
      { filter: "name IN ('m')" },
      { filter: "version_number = '1'" },
      { order_by: ['run_id'] },
      { max_results: 200_001 },
      { page_token: '!!' },
    ]) {
      const res = await t.get('/model-versions/search', query);
      expect(res.status, JSON.stringify(query)).toBe(400);
    }
  });

  it('answers the download URI: the source, or what a models:/ or runs:/ source resolves to', async () => {
    await createVersion();
    const plain = await t.get('/model-versions/get-download-uri', { name: 'm', version: '1' });
    expect(plain.body).toEqual({ artifact_uri: 's3://bucket/path/model' });

    const run = await createRun();
    await createVersion({ source: `runs:/${run.run_id}/model`, run_id: run.run_id });
    const runs = await t.get('/model-versions/get-download-uri', { name: 'm', version: '2' });
    expect(runs.body.artifact_uri).toBe(`${run.artifact_uri}/model`);

    const logged = await t.post('/logged-models', {
      experiment_id: '0',
      name: 'model',
      source_run_id: run.run_id,
    });
    const model = logged.body.model.info;
    const v3 = await createVersion({ source: `models:/${model.model_id}`, model_id: model.model_id });
    expect(v3).toMatchObject({
      source: `models:/${model.model_id}`,
      model_id: model.model_id,
      run_id: run.run_id,
    });
    const models = await t.get('/model-versions/get-download-uri', { name: 'm', version: '3' });
    expect(models.body.artifact_uri).toBe(model.artifact_uri);

    const byVersion = await createVersion({ source: 'models:/m/3' });
    const chained = await t.get('/model-versions/get-download-uri', {
      name: 'm',
      version: byVersion.version,
    });
    expect(chained.body.artifact_uri).toBe(model.artifact_uri);

    const unknown = await t.post('/model-versions/create', { name: 'm', source: 'models:/m-doesnotexist' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('Unable to fetch model from model URI source');
    expect((await t.get('/model-versions/get-download-uri', { name: 'm', version: '99' })).status).toBe(404);
  });

  it('validates sources as MLflow does', async () => {
    for (const source of [
      's3://bucket/a/../b',
      's3://bucket/a/%2E%2E/b',
      'https://host/a/%252E%252E/b',
      'mlflow-artifacts:/x/..',
      'http://host',
    ]) {
      const res = await t.post('/model-versions/create', { name: 'm', source });
      expect(res.status, source).toBe(400);
      expect(res.body.message).toContain('Invalid model version source');
    }
    // A local path needs a run whose (local) artifact folder contains it.
    const local = await t.post('/model-versions/create', { name: 'm', source: '/tmp/model' });
    expect(local.status).toBe(400);
    expect(local.body.message).toContain('the run_id request parameter has to be specified');
    const run = await createRun();
    const proxied = await t.post('/model-versions/create', {
      name: 'm',
      source: '/tmp/model',
      run_id: run.run_id,
    });
    expect(proxied.status).toBe(400);
    // Prompts are not checked.
    const prompt = await t.post('/model-versions/create', {
      name: 'm',
      source: 'dummy-source',
      tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
    });
    expect(prompt.status).toBe(200);
  });

  it('accepts a local source inside the run artifact folder of a local artifact root', async () => {
    const root = join(t.dir, 'mlruns');
    const exp = await t.post('/experiments/create', {
      name: 'local',
      artifact_location: pathToFileURL(root).href,
    });
    const run = (await t.post('/runs/create', { experiment_id: exp.body.experiment_id })).body.run.info;
    const inside = `${run.artifact_uri}/model`;
    const ok = await t.post('/model-versions/create', { name: 'm', source: inside, run_id: run.run_id });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const outside = await t.post('/model-versions/create', {
      name: 'm',
      source: pathToFileURL(join(root, 'elsewhere')).href,
      run_id: run.run_id,
    });
    expect(outside.status).toBe(400);
  });

  it('downloads a file of a version with get-artifact', async () => {
    const run = await createRun();
    const put = await t.app.request(
      `/api/2.0/mlflow-artifacts/artifacts/${run.artifact_uri.replace('mlflow-artifacts:/', '')}/model/MLmodel`,
      { method: 'PUT', body: 'flavors: {}\n' },
    );
    expect(put.status).toBe(200);
    await createVersion({ source: `runs:/${run.run_id}/model`, run_id: run.run_id });
    for (const prefix of ['', '/ajax-api/2.0/mlflow']) {
      const res = await t.call('GET', `${prefix}/model-versions/get-artifact`, {
        name: 'm',
        version: '1',
        path: 'MLmodel',
      });
      expect(res.status).toBe(200);
      expect(res.text).toBe('flavors: {}\n');
    }
    const missing = await t.call('GET', '/model-versions/get-artifact', {
      name: 'm',
      version: '1',
      path: 'nope',
    });
    expect(missing.status).toBe(404);
    const escape = await t.call('GET', '/model-versions/get-artifact', {
      name: 'm',
      version: '1',
      path: '../x',
    });
    expect(escape.status).toBe(400);
    const noVersion = await t.call('GET', '/model-versions/get-artifact', {
      name: 'm',
      version: '4',
      path: 'MLmodel',
    });
    expect(noVersion.status).toBe(404);
    const noPath = await t.call('GET', '/model-versions/get-artifact', { name: 'm', version: '1' });
    expect(noPath.status).toBe(400);
  });

  it('serves a version whose source is a local folder inside its run artifacts', async () => {
    const root = join(t.dir, 'mlruns');
    const exp = await t.post('/experiments/create', {
      name: 'local',
      artifact_location: pathToFileURL(root).href,
    });
    const run = (await t.post('/runs/create', { experiment_id: exp.body.experiment_id })).body.run.info;
    const modelDir = join(new URL(run.artifact_uri).pathname, 'model');
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(join(modelDir, 'MLmodel'), 'from run');
    await createVersion({ source: pathToFileURL(modelDir).href, run_id: run.run_id });
    const res = await t.call('GET', '/model-versions/get-artifact', {
      name: 'm',
      version: '1',
      path: 'MLmodel',
    });
    expect(res.text).toBe('from run');
  });
});
