/**
 * Versions own their files: creating a version copies the source's files into registry storage
 * (PENDING_REGISTRATION → READY), a failed copy is FAILED_REGISTRATION with the reason, a source the
 * server cannot read stays referenced, and a stopped server's pending versions are finished later.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function runWithModel(app: TestApp, files: Record<string, string>): Promise<string> {
  const run = (await app.post('/runs/create', { experiment_id: '0' })).body.run.info;
  const folder = run.artifact_uri.replace('mlflow-artifacts:/', '');
  for (const [name, body] of Object.entries(files)) {
    const res = await app.app.request(`/api/2.0/mlflow-artifacts/artifacts/${folder}/model/${name}`, {
      method: 'PUT',
      body,
    });
    expect(res.status).toBe(200);
  }
  return run.run_id as string;
}

async function poll(app: TestApp, name: string, version: string) {
  for (let i = 0; i < 200; i++) {
    const v = (await app.get('/model-versions/get', { name, version })).body.model_version;
    if (v.status !== 'PENDING_REGISTRATION') return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${name} v${version} stayed pending`);
}

const download = async (app: TestApp, name: string, version: string, path: string) =>
  (await app.call('GET', '/model-versions/get-artifact', { name, version, path })).text;

describe('model version files', () => {
  it('answers PENDING_REGISTRATION when the copy outlasts the wait, then READY with its own copy', async () => {
    t = await createTestApp({}, { registry: { registrationWaitMs: 0 } });
    const runId = await runWithModel(t, { MLmodel: 'flavors: {}\n', 'sub/weights.bin': 'w'.repeat(100_000) });
    await t.post('/registered-models/create', { name: 'm' });
    const created = await t.post('/model-versions/create', {
      name: 'm',
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(created.body.model_version.status).toBe('PENDING_REGISTRATION');
    const ready = await poll(t, 'm', '1');
    expect(ready.status).toBe('READY');
    expect(ready.status_message).toBeUndefined();
    expect(ready.creation_timestamp).toBe(ready.last_updated_timestamp);
    const uri = (await t.get('/model-versions/get-download-uri', { name: 'm', version: '1' })).body
      .artifact_uri;
    expect(uri).toMatch(/^mlflow-artifacts:\/_registry\/[0-9a-f]{32}$/);
    expect(await download(t, 'm', '1', 'sub/weights.bin')).toBe('w'.repeat(100_000));
    expect(await download(t, 'm', '1', 'MLmodel')).toBe('flavors: {}\n');
  });

  it('keeps a source with no files (or one the server cannot read) as a reference, READY at once', async () => {
    t = await createTestApp();
    const run = (await t.post('/runs/create', { experiment_id: '0' })).body.run.info;
    await t.post('/registered-models/create', { name: 'm' });
    const empty = await t.post('/model-versions/create', {
      name: 'm',
      source: `runs:/${run.run_id}/nothing-here`,
      run_id: run.run_id,
    });
    expect(empty.body.model_version.status).toBe('READY');
    const uri = await t.get('/model-versions/get-download-uri', { name: 'm', version: '1' });
    expect(uri.body.artifact_uri).toBe(`${run.artifact_uri}/nothing-here`);
    const remote = await t.post('/model-versions/create', { name: 'm', source: 'gs://bucket/model' });
    expect(remote.body.model_version.status).toBe('READY');
    expect(
      (await t.get('/model-versions/get-download-uri', { name: 'm', version: '2' })).body.artifact_uri,
    ).toBe('gs://bucket/model');
  });

  it('marks the version FAILED_REGISTRATION with the reason when the copy fails', async () => {
    t = await createTestApp();
    const runId = await runWithModel(t, { MLmodel: 'x' });
    // A file where the registry's folder must go: every write under it fails.
    mkdirSync(t.config.artifactsDestination, { recursive: true });
    writeFileSync(join(t.config.artifactsDestination, '_registry'), 'in the way');
    await t.post('/registered-models/create', { name: 'm' });
    await t.post('/model-versions/create', { name: 'm', source: `runs:/${runId}/model`, run_id: runId });
    const failed = await poll(t, 'm', '1');
    expect(failed.status).toBe('FAILED_REGISTRATION');
    expect(failed.status_message).toMatch(
      /^Copying the model files from mlflow-artifacts:\/.*\/model failed: /,
    );
  });

  it('finishes versions a stopped server left pending', async () => {
    t = await createTestApp();
    const runId = await runWithModel(t, { MLmodel: 'left behind\n' });
    const run = (await t.get('/runs/get', { run_id: runId })).body.run.info;
    await t.post('/registered-models/create', { name: 'm' });
    // As a server killed mid-copy leaves it: the row says pending, no copy was recorded.
    await t.services.registry.store.createModelVersion(
      {
        name: 'm',
        source: `runs:/${runId}/model`,
        storageLocation: `${run.artifact_uri}/model`,
        runId,
        tags: [],
        status: 'PENDING_REGISTRATION',
      },
      { user: 'test', time: Date.now() },
    );
    expect((await t.get('/model-versions/get', { name: 'm', version: '1' })).body.model_version.status).toBe(
      'PENDING_REGISTRATION',
    );
    expect(await t.services.registry.resumePendingRegistrations()).toBe(1);
    expect((await t.get('/model-versions/get', { name: 'm', version: '1' })).body.model_version.status).toBe(
      'READY',
    );
    expect(await download(t, 'm', '1', 'MLmodel')).toBe('left behind\n');
    expect(await t.services.registry.resumePendingRegistrations()).toBe(0);
  });

  it('without an artifact proxy, versions reference their source and are READY at once', async () => {
    t = await createTestApp({ serveArtifacts: false, defaultArtifactRoot: '/tmp/loom-no-proxy-root' });
    await t.post('/registered-models/create', { name: 'm' });
    const created = await t.post('/model-versions/create', { name: 'm', source: 's3://bucket/model' });
    expect(created.body.model_version.status).toBe('READY');
    expect(
      (await t.get('/model-versions/get-download-uri', { name: 'm', version: '1' })).body.artifact_uri,
    ).toBe('s3://bucket/model');
  });
});
