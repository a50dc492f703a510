/**
 * Contract test: the wire sequences of the Python client's registry calls (reference §1.10), in order,
 * as `mlflow.register_model`, `load_model("models:/…")` and `get_latest_versions` send them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const proxyPut = (artifactUri: string, file: string, body: string) =>
  t.app.request(
    `/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace('mlflow-artifacts:/', '')}/${file}`,
    { method: 'PUT', body },
  );

/** POST registered-models/create, where RESOURCE_ALREADY_EXISTS means "already there". */
async function ensureRegisteredModel(name: string): Promise<void> {
  const res = await t.post('/registered-models/create', { name });
  if (res.status !== 200) {
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  }
}

/** Polls GET model-versions/get until the version leaves PENDING_REGISTRATION. */
async function awaitReady(name: string, version: string) {
  for (;;) {
    const res = await t.get('/model-versions/get', { name, version });
    expect(res.status).toBe(200);
    if (res.body.model_version.status !== 'PENDING_REGISTRATION') return res.body.model_version;
  }
}

describe('Python client registry flows', () => {
  it('mlflow.register_model("runs:/<run>/model", name), twice', async () => {
    const run = (await t.post('/runs/create', { experiment_id: '0' })).body.run.info;
    expect((await proxyPut(run.artifact_uri, 'model/MLmodel', 'artifact_path: model\n')).status).toBe(200);
    expect((await proxyPut(run.artifact_uri, 'model/model.pkl', 'bytes')).status).toBe(200);

    for (const expected of ['1', '2']) {
      await ensureRegisteredModel('clf');
      // runs:/ URIs: the client lists the folder, finds MLmodel, and registers the underlying URI.
      const listed = await t.get('/artifacts/list', { run_id: run.run_id, path: 'model' });
      expect(listed.body.files.map((f: { path: string }) => f.path)).toContain('model/MLmodel');
      const created = await t.post('/model-versions/create', {
        name: 'clf',
        source: `${listed.body.root_uri}/model`,
        run_id: run.run_id,
      });
      expect(created.status).toBe(200);
      expect(created.body.model_version).toMatchObject({
        version: expected,
        status: 'READY',
        run_id: run.run_id,
      });
      expect((await awaitReady('clf', expected)).status).toBe('READY');
    }

    // load_model("models:/clf/1"): get-download-uri, then the artifact repo of that URI.
    const uri = (await t.get('/model-versions/get-download-uri', { name: 'clf', version: '1' })).body
      .artifact_uri;
    // The registry holds its own copy of the files, so the version outlives the run's artifacts.
    expect(uri).toMatch(/^mlflow-artifacts:\/_registry\/[0-9a-f]{32}$/);
    const [, copy] = /^mlflow-artifacts:\/(.*)$/.exec(uri)!;
    const read = (path: string) => t.app.request(`/api/2.0/mlflow-artifacts/artifacts/${path}`);
    const runFolder = run.artifact_uri.replace('mlflow-artifacts:/', '');
    expect(
      (
        await t.app.request(`/api/2.0/mlflow-artifacts/artifacts/${runFolder}/model/model.pkl`, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.app.request(`/api/2.0/mlflow-artifacts/artifacts/${runFolder}/model/MLmodel`, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(200);
    expect((await read(`${runFolder}/model/MLmodel`)).status).toBe(404);
    expect(await (await read(`${copy}/MLmodel`)).text()).toBe('artifact_path: model\n');
    expect(await (await read(`${copy}/model.pkl`)).text()).toBe('bytes');
    // Each version has its own copy.
    const second = (await t.get('/model-versions/get-download-uri', { name: 'clf', version: '2' })).body;
    expect(second.artifact_uri).not.toBe(uri);
  });

  it('log_model(..., registered_model_name) in MLflow 3: models:/<model_id> with model_id', async () => {
    const run = (await t.post('/runs/create', { experiment_id: '0' })).body.run.info;
    const logged = (
      await t.post('/logged-models', { experiment_id: '0', name: 'model', source_run_id: run.run_id })
    ).body.model.info;
    await t.post('/runs/outputs', { run_id: run.run_id, models: [{ model_id: logged.model_id, step: 0 }] });
    expect((await proxyPut(logged.artifact_uri, 'MLmodel', 'flavors: {}\n')).status).toBe(200);
    await t.call('PATCH', `/api/2.0/mlflow/logged-models/${logged.model_id}`, {
      model_id: logged.model_id,
      status: 'LOGGED_MODEL_READY',
    });

    await ensureRegisteredModel('reg');
    const created = await t.post('/model-versions/create', {
      name: 'reg',
      source: `models:/${logged.model_id}`,
      model_id: logged.model_id,
    });
    expect(created.status).toBe(200);
    // run_id defaults to the logged model's source run.
    expect(created.body.model_version).toMatchObject({
      name: 'reg',
      version: '1',
      source: `models:/${logged.model_id}`,
      run_id: run.run_id,
      model_id: logged.model_id,
      status: 'READY',
    });
    await awaitReady('reg', '1');

    // load_model("models:/reg@champion"): alias → version → download URI → files.
    await t.post('/registered-models/alias', { name: 'reg', alias: 'champion', version: '1' });
    const byAlias = await t.get('/registered-models/alias', { name: 'reg', alias: 'champion' });
    expect(byAlias.body.model_version).toMatchObject({ version: '1', aliases: ['champion'] });
    const uri = await t.get('/model-versions/get-download-uri', { name: 'reg', version: '1' });
    expect(uri.body.artifact_uri).toMatch(/^mlflow-artifacts:\/_registry\//);
    const file = await t.call('GET', '/model-versions/get-artifact', {
      name: 'reg',
      version: '1',
      path: 'MLmodel',
    });
    expect(file.text).toBe('flavors: {}\n');

    // models:/reg/Staging and models:/reg/latest go through get-latest-versions (POST first).
    await t.post('/model-versions/transition-stage', { name: 'reg', version: '1', stage: 'Staging' });
    const staging = await t.post('/registered-models/get-latest-versions', {
      name: 'reg',
      stages: ['staging'],
    });
    expect(staging.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
    const latest = await t.post('/registered-models/get-latest-versions', { name: 'reg' });
    expect(latest.body.model_versions).toHaveLength(1);
  });
});
