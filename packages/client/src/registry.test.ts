import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServerConfig } from '@loom/core';
import { LoomError, type ModelVersionJson } from '@loom/protocol';
import { startServer, type RunningServer } from '@loom/server';
import { createClient, type LoomClient } from './index';

let dir: string;
let server: RunningServer;
let loom: LoomClient;
let runId: string;

const MLMODEL = 'flavors:\n  python_function:\n    loader_module: m\n';

/** A run whose `model/` folder holds an MLmodel, uploaded through the artifact proxy. */
async function runWithModel(): Promise<string> {
  const experimentId = await loom.createExperiment({ name: 'registry-client' });
  const res = await fetch(`${server.url}/api/2.0/mlflow/runs/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ experiment_id: experimentId }),
  });
  const { run } = (await res.json()) as { run: { info: { run_id: string } } };
  const put = await fetch(
    `${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${run.info.run_id}/artifacts/model/MLmodel`,
    { method: 'PUT', body: MLMODEL },
  );
  expect(put.status).toBe(200);
  return run.info.run_id;
}

/** The version once its files are copied (it may start PENDING_REGISTRATION). */
async function ready(name: string, version: string): Promise<ModelVersionJson> {
  for (let i = 0; i < 200; i++) {
    const v = await loom.getModelVersion(name, version);
    if (v.status !== 'PENDING_REGISTRATION') return v;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`version ${version} of ${name} stayed PENDING_REGISTRATION`);
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (e: unknown) => (e instanceof LoomError ? e.code : String(e)),
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-client-registry-'));
  server = await startServer({ ...defaultServerConfig(dir), port: 0 });
  loom = createClient({ baseUrl: server.url });
  runId = await runWithModel();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('registered models', () => {
  it('creates, searches with the filter grammar and pages', async () => {
    for (const name of ['churn-a', 'churn-b', 'fraud']) {
      const created = await loom.createRegisteredModel({ name, tags: [{ key: 'team', value: name[0]! }] });
      expect(created.name).toBe(name);
    }
    const churn = await loom.searchRegisteredModels({ filter: "name LIKE 'churn%'", orderBy: ['name DESC'] });
    expect(churn.registeredModels.map((m) => m.name)).toEqual(['churn-b', 'churn-a']);
    expect(churn.nextPageToken).toBeUndefined();

    const first = await loom.searchRegisteredModels({ maxResults: 2, orderBy: ['name ASC'] });
    expect(first.registeredModels).toHaveLength(2);
    expect(first.nextPageToken).toBeTruthy();
    const rest = await loom.searchRegisteredModels({
      maxResults: 2,
      orderBy: ['name ASC'],
      pageToken: first.nextPageToken,
    });
    expect(rest.registeredModels.map((m) => m.name)).toEqual(['fraud']);

    expect(await codeOf(loom.createRegisteredModel({ name: 'fraud' }))).toBe('RESOURCE_ALREADY_EXISTS');
    expect(await codeOf(loom.searchRegisteredModels({ filter: 'name ~ 1' }))).toBe('INVALID_PARAMETER_VALUE');
  });

  it('renames, describes, tags and deletes', async () => {
    await loom.createRegisteredModel({ name: 'to-rename' });
    const renamed = await loom.renameRegisteredModel('to-rename', 'renamed');
    expect(renamed.name).toBe('renamed');
    const described = await loom.updateRegisteredModel('renamed', '# Title\nbody');
    expect(described.description).toBe('# Title\nbody');

    await loom.setRegisteredModelTag('renamed', 'owner', 'ada');
    expect((await loom.getRegisteredModel('renamed')).tags).toEqual([{ key: 'owner', value: 'ada' }]);
    await loom.deleteRegisteredModelTag('renamed', 'owner');
    expect((await loom.getRegisteredModel('renamed')).tags ?? []).toEqual([]);

    await loom.deleteRegisteredModel('renamed');
    expect(await codeOf(loom.getRegisteredModel('renamed'))).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('model versions', () => {
  const name = 'versions-model';

  beforeAll(async () => {
    await loom.createRegisteredModel({ name });
    for (let i = 0; i < 2; i++) {
      const v = await loom.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
      expect(v.version).toBe(String(i + 1));
      expect(['READY', 'PENDING_REGISTRATION']).toContain(v.status);
      expect((await ready(name, v.version)).status).toBe('READY');
    }
  });

  it('searches, describes and tags versions', async () => {
    const found = await loom.searchModelVersions({
      filter: `name = '${name}'`,
      orderBy: ['version_number DESC'],
    });
    expect(found.modelVersions.map((v) => v.version)).toEqual(['2', '1']);
    expect(found.modelVersions[0]!.run_id).toBe(runId);
    const byRun = await loom.searchModelVersions({ filter: `run_id = '${runId}'`, maxResults: 1 });
    expect(byRun.modelVersions).toHaveLength(1);
    expect(byRun.nextPageToken).toBeTruthy();

    const updated = await loom.updateModelVersion(name, '1', 'first cut');
    expect(updated.description).toBe('first cut');
    await loom.setModelVersionTag(name, '1', 'validated', 'yes');
    expect((await loom.getModelVersion(name, '1')).tags).toEqual([{ key: 'validated', value: 'yes' }]);
    await loom.deleteModelVersionTag(name, '1', 'validated');
    expect((await loom.getModelVersion(name, '1')).tags ?? []).toEqual([]);
  });

  it('moves aliases between versions and resolves them', async () => {
    await loom.setRegisteredModelAlias(name, 'champion', '1');
    expect((await loom.getModelVersionByAlias(name, 'champion')).version).toBe('1');
    await loom.setRegisteredModelAlias(name, 'champion', '2');
    expect((await loom.getModelVersion(name, '1')).aliases ?? []).toEqual([]);
    expect((await loom.getRegisteredModel(name)).aliases).toEqual([{ alias: 'champion', version: '2' }]);
    await loom.deleteRegisteredModelAlias(name, 'champion');
    expect(await codeOf(loom.getModelVersionByAlias(name, 'champion'))).toBe('INVALID_PARAMETER_VALUE');
  });

  it('transitions stages, archiving the version that held the stage', async () => {
    const staged = await loom.transitionModelVersionStage({ name, version: '1', stage: 'Staging' });
    expect(staged.current_stage).toBe('Staging');
    await loom.transitionModelVersionStage({
      name,
      version: '2',
      stage: 'Staging',
      archiveExistingVersions: true,
    });
    expect((await loom.getModelVersion(name, '1')).current_stage).toBe('Archived');
    const latest = await loom.getLatestVersions(name, ['Staging']);
    expect(latest.map((v) => v.version)).toEqual(['2']);
    const everyStage = await loom.getLatestVersions(name);
    expect(everyStage.map((v) => `${v.current_stage}:${v.version}`).sort()).toEqual([
      'Archived:1',
      'Staging:2',
    ]);
  });

  it('serves the files of a version from registry storage', async () => {
    expect(await loom.getModelVersionDownloadUri(name, '1')).toMatch(/^mlflow-artifacts:\/_registry\//);
    expect(await loom.getModelVersionArtifact(name, '1', 'MLmodel')).toBe(MLMODEL);
    const res = await fetch(loom.modelVersionArtifactUrl(name, '2', 'MLmodel'));
    expect(await res.text()).toBe(MLMODEL);
    expect(await codeOf(loom.getModelVersionArtifact(name, '1', 'input_example.json'))).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('deletes a version', async () => {
    const v = await loom.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
    await ready(name, v.version);
    await loom.deleteModelVersion(name, v.version);
    expect(await codeOf(loom.getModelVersion(name, v.version))).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
