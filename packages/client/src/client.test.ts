import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServerConfig } from '@loom/core';
import { LoomError } from '@loom/protocol';
import { startServer, type RunningServer } from '@loom/server';
import { createClient, type LoomClient } from './index';

let dir: string;
let server: RunningServer;
let loom: LoomClient;

/** Seeds through raw HTTP: the client under test only reads and manages, it does not log. */
async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${server.url}/api/2.0/mlflow${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-client-'));
  server = await startServer({ ...defaultServerConfig(dir), port: 0 });
  loom = createClient({ baseUrl: server.url });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('experiments', () => {
  it('creates, finds, renames, deletes and restores', async () => {
    const id = await loom.createExperiment({ name: 'client-exp', tags: [{ key: 'team', value: 'a' }] });
    const got = await loom.getExperiment(id);
    expect(got).toMatchObject({ experiment_id: id, name: 'client-exp', lifecycle_stage: 'active' });

    await loom.updateExperiment(id, 'client-exp-renamed');
    const found = await loom.searchExperiments({ filter: "name LIKE 'client-exp%'" });
    expect(found.experiments.map((e) => e.name)).toEqual(['client-exp-renamed']);
    expect(found.nextPageToken).toBeUndefined();

    await loom.deleteExperiment(id);
    expect((await loom.searchExperiments({ filter: "name = 'client-exp-renamed'" })).experiments).toEqual([]);
    const deleted = await loom.searchExperiments({ viewType: 'DELETED_ONLY' });
    expect(deleted.experiments.map((e) => e.experiment_id)).toContain(id);
    await loom.restoreExperiment(id);
    expect((await loom.getExperiment(id)).lifecycle_stage).toBe('active');
  });

  it('pages with page tokens', async () => {
    for (let i = 0; i < 3; i++) await loom.createExperiment({ name: `paged-${i}` });
    const first = await loom.searchExperiments({ filter: "name LIKE 'paged-%'", maxResults: 2 });
    expect(first.experiments).toHaveLength(2);
    expect(first.nextPageToken).toBeTruthy();
    const second = await loom.searchExperiments({
      filter: "name LIKE 'paged-%'",
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    expect(second.experiments).toHaveLength(1);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('rebuilds server errors as LoomError with the same code', async () => {
    await loom.createExperiment({ name: 'dup' });
    const dup = await loom.createExperiment({ name: 'dup' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(LoomError);
    expect((dup as LoomError).code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((dup as LoomError).message).toMatch(/dup/);

    const missing = await loom.getExperiment('999999').catch((e: unknown) => e);
    expect((missing as LoomError).code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('runs, metrics and artifacts', () => {
  let experimentId: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    experimentId = await loom.createExperiment({ name: 'client-runs' });
    for (let i = 0; i < 3; i++) {
      const { run } = (await post('/runs/create', {
        experiment_id: experimentId,
        run_name: `run-${i}`,
        start_time: 1_000 + i,
      })) as { run: { info: { run_id: string } } };
      runIds.push(run.info.run_id);
      await post('/runs/log-batch', {
        run_id: run.info.run_id,
        params: [{ key: 'lr', value: String(0.1 * (i + 1)) }],
        metrics: Array.from({ length: 10 }, (_, step) => ({
          key: 'loss',
          value: step === 9 && i === 0 ? 'NaN' : 1 / (step + 1 + i),
          timestamp: 2_000 + step,
          step,
        })),
      });
    }
  });

  it('searches with a filter, order_by and page tokens', async () => {
    const all = await loom.searchRuns({ experimentIds: [experimentId], orderBy: ['params.lr DESC'] });
    expect(all.runs.map((r) => r.info.run_name)).toEqual(['run-2', 'run-1', 'run-0']);
    const filtered = await loom.searchRuns({ experimentIds: [experimentId], filter: "params.lr = '0.1'" });
    expect(filtered.runs.map((r) => r.info.run_name)).toEqual(['run-0']);
    const page = await loom.searchRuns({ experimentIds: [experimentId], maxResults: 2 });
    expect(page.runs).toHaveLength(2);
    const rest = await loom.searchRuns({
      experimentIds: [experimentId],
      maxResults: 2,
      pageToken: page.nextPageToken,
    });
    expect(rest.runs).toHaveLength(1);
  });

  it('answers a bad filter with INVALID_PARAMETER_VALUE and the parser message', async () => {
    const err = await loom
      .searchRuns({ experimentIds: [experimentId], filter: 'metrics.loss <' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoomError);
    expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((err as LoomError).message.length).toBeGreaterThan(0);
  });

  it('gets, updates, tags, deletes and restores a run', async () => {
    const id = runIds[1]!;
    const info = await loom.updateRun(id, { status: 'FINISHED', endTime: 5_000, runName: 'renamed' });
    expect(info).toMatchObject({ status: 'FINISHED', end_time: 5_000, run_name: 'renamed' });
    await loom.setTag(id, 'note', 'hello');
    let run = await loom.getRun(id);
    expect(run.data.tags).toContainEqual({ key: 'note', value: 'hello' });
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.2' }]);
    await loom.deleteTag(id, 'note');
    run = await loom.getRun(id);
    expect(run.data.tags?.find((t) => t.key === 'note')).toBeUndefined();

    await loom.deleteRun(id);
    expect((await loom.getRun(id)).info.lifecycle_stage).toBe('deleted');
    await loom.restoreRun(id);
    expect((await loom.getRun(id)).info.lifecycle_stage).toBe('active');
  });

  it('reads metric history and the bulk interval of several runs, NaN included', async () => {
    const history = await loom.getMetricHistory({ runId: runIds[0]!, metricKey: 'loss' });
    expect(history.metrics.map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(history.metrics[9]!.value).toBe('NaN');

    const bulk = await loom.getMetricHistoryBulkInterval({ runIds, metricKey: 'loss', maxResults: 5 });
    const perRun = new Map<string, number>();
    for (const m of bulk) perRun.set(m.run_id!, (perRun.get(m.run_id!) ?? 0) + 1);
    expect([...perRun.keys()].sort()).toEqual([...runIds].sort());
    for (const n of perRun.values()) expect(n).toBeLessThanOrEqual(10);

    const window = await loom.getMetricHistoryBulkInterval({
      runIds: [runIds[2]!],
      metricKey: 'loss',
      startStep: 2,
      endStep: 4,
    });
    expect(window.map((m) => m.step)).toEqual([2, 3, 4]);
  });

  it('reads the downsampled history: per run per bucket count, min, max, and the NaN point', async () => {
    const res = await loom.getMetricHistoryBuckets({ runIds: [runIds[0]!], metricKey: 'loss', buckets: 2 });
    expect(res).toMatchObject({ start_step: 0, end_step: 9, bucket_width: 5 });
    expect(res.buckets!.map((b) => [b.run_id, b.start_step, b.count])).toEqual([
      [runIds[0], 0, 5],
      [runIds[0], 5, 5],
    ]);
    expect(res.buckets![1]!.nan).toMatchObject({ step: 9, value: 'NaN' });
    expect(res.buckets![1]!.last!.step).toBe(8);
  });

  it('lists artifacts and builds a download URL that serves the file', async () => {
    const id = runIds[0]!;
    const put = await fetch(
      `${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${id}/artifacts/dir/notes.txt`,
      { method: 'PUT', body: 'hello artifacts' },
    );
    expect(put.status).toBe(200);
    const root = await loom.listArtifacts(id);
    expect(root.rootUri).toContain(id);
    expect(root.files).toEqual([{ path: 'dir', is_dir: true }]);
    const inner = await loom.listArtifacts(id, 'dir');
    expect(inner.files).toEqual([{ path: 'dir/notes.txt', is_dir: false, file_size: 15 }]);
    const res = await fetch(loom.artifactDownloadUrl(id, 'dir/notes.txt'));
    expect(await res.text()).toBe('hello artifacts');
  });

  it('reads only the head of a large artifact, and all of a small one', async () => {
    const id = runIds[0]!;
    const big = 'x'.repeat(300_000);
    const put = await fetch(
      `${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${id}/artifacts/big.txt`,
      { method: 'PUT', body: big },
    );
    expect(put.status).toBe(200);
    const head = await loom.getArtifactHead(id, 'big.txt', 1000);
    expect(head.truncated).toBe(true);
    expect(head.bytes.length).toBe(1000);
    const small = await loom.getArtifactHead(id, 'dir/notes.txt', 1000);
    expect(small.truncated).toBe(false);
    expect(new TextDecoder().decode(small.bytes)).toBe('hello artifacts');
    const missing = await loom.getArtifactHead(id, 'nope.txt', 10).catch((e: unknown) => e);
    expect((missing as LoomError).code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('logged models', () => {
  it('creates, uploads, lists, finalizes, links to the run and searches', async () => {
    const experimentId = await loom.createExperiment({ name: 'logged-models' });
    const run = await loom.createRun({ experimentId });
    const runId = run.info.run_id;
    const created = await loom.createLoggedModel({
      experimentId,
      name: 'clf',
      modelType: 'onnx',
      sourceRunId: runId,
      params: [{ key: 'alpha', value: '0.5' }],
    });
    const id = created.info.model_id;
    expect(id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(created.info).toMatchObject({ status: 'LOGGED_MODEL_PENDING', source_run_id: runId });
    await loom.uploadArtifact(created.info.artifact_uri, 'sub/MLmodel', 'flavors: {}\n');
    expect(await loom.listLoggedModelArtifacts(id)).toEqual([{ path: 'sub', is_dir: true }]);
    expect((await loom.listLoggedModelArtifacts(id, 'sub')).map((f) => f.path)).toEqual(['sub/MLmodel']);

    expect((await loom.finalizeLoggedModel(id, 'LOGGED_MODEL_READY')).info.status).toBe('LOGGED_MODEL_READY');
    expect((await loom.getLoggedModel(id)).data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    await loom.logOutputs(runId, [{ modelId: id }]);
    expect((await loom.getRun(runId)).outputs?.model_outputs).toEqual([{ model_id: id, step: 0 }]);

    const found = await loom.searchLoggedModels({ experimentIds: [experimentId], filter: "name = 'clf'" });
    expect(found.models.map((m) => m.info.model_id)).toEqual([id]);
    await loom.deleteLoggedModel(id);
    const gone = await loom.getLoggedModel(id).catch((e: unknown) => e);
    expect((gone as LoomError).code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('appends to the log-model history of a run (MLflow 2)', async () => {
    const run = await loom.createRun({ experimentId: '0' });
    const runId = run.info.run_id;
    const mlmodel = {
      run_id: runId,
      artifact_path: 'model',
      utc_time_created: '2026-01-01 00:00:00.000000',
      flavors: {},
    };
    await loom.logModel(runId, JSON.stringify(mlmodel));
    const tag = (await loom.getRun(runId)).data.tags?.find((t) => t.key === 'mlflow.log-model.history');
    expect(JSON.parse(tag!.value)).toMatchObject([{ artifact_path: 'model', run_id: runId }]);
  });
});

describe('registry audit log', () => {
  it('pages through the changes of a model, newest first', async () => {
    await post('/registered-models/create', { name: 'audited' });
    await post('/registered-models/set-tag', { name: 'audited', key: 'k', value: 'v' });
    const first = await loom.getRegistryAuditLog({ name: 'audited', maxResults: 1 });
    expect(first.entries.map((e) => [e.action, e.user_id, e.after])).toEqual([
      ['setRegisteredModelTag', 'anonymous', { key: 'k', value: 'v' }],
    ]);
    const second = await loom.getRegistryAuditLog({
      name: 'audited',
      maxResults: 1,
      pageToken: first.nextPageToken,
    });
    expect(second.entries.map((e) => e.action)).toEqual(['createRegisteredModel']);
    expect(second.nextPageToken).toBeUndefined();
  });
});

describe('transport', () => {
  it('routes through an injected fetch and maps non-MLflow failures by status', async () => {
    const seen: string[] = [];
    const client = createClient({
      baseUrl: 'http://example.invalid/',
      fetch: (input) => {
        seen.push(input);
        return Promise.resolve(new Response('<html>bad gateway</html>', { status: 502 }));
      },
    });
    const err = await client.getRun('abc').catch((e: unknown) => e);
    expect(seen).toEqual(['http://example.invalid/api/2.0/mlflow/runs/get?run_id=abc']);
    expect((err as LoomError).code).toBe('INTERNAL_ERROR');
    expect((err as LoomError).message).toContain('bad gateway');
  });

  it('turns a network failure into TEMPORARILY_UNAVAILABLE and lets aborts through', async () => {
    const down = createClient({ fetch: () => Promise.reject(new TypeError('fetch failed')) });
    const err = await down.searchExperiments().catch((e: unknown) => e);
    expect((err as LoomError).code).toBe('TEMPORARILY_UNAVAILABLE');

    const controller = new AbortController();
    controller.abort();
    const aborted = await loom
      .searchExperiments({}, { signal: controller.signal })
      .catch((e: unknown) => e as Error);
    expect(aborted).not.toBeInstanceOf(LoomError);
    expect((aborted as Error).name).toBe('AbortError');
  });
});
