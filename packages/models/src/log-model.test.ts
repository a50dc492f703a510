/**
 * logModel / loadModel / getModelInfo / validateServingInput through a real listening tracking
 * server on this run's backend (SQLite, or PostgreSQL in the `postgres` project): MLflow 3 logged
 * models (PENDING → READY, or UPLOAD_FAILED), registration from `models:/<model_id>`, and the
 * MLflow 2 run-artifact mode.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, type LoomClient } from '@loom/client';
import { defaultServerConfig } from '@loom/core';
import { createTestBackend, type TestBackend } from '@loom/core/testing';
import { LoomError } from '@loom/protocol';
import { startServer, type RunningServer } from '@loom/server';
import { loadModel } from './load-model';
import { logModel } from './log-model';
import { getModelInfo, validateServingInput } from './model-info';
import { column } from './signature';
import { linearGraph, linearReference, saveLinearModel, tfjsLayersMlp, tfjsMlpReference } from './testing';
import { downloadModel, REGISTERED_MODEL_META_FILE } from './uri/download-model';

let dir: string;
let backend: TestBackend;
let server: RunningServer;
let loom: LoomClient;
let options: { trackingUri: string; cacheDir: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-log-model-'));
  backend = await createTestBackend(dir);
  server = await startServer({ ...defaultServerConfig(dir), backendStoreUri: backend.uri, port: 0 });
  loom = createClient({ baseUrl: server.url });
  options = { trackingUri: server.url, cacheDir: join(dir, 'cache') };
});

afterAll(async () => {
  await server?.close();
  await backend?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const ROWS = [
  [1.5, 0.5, 2.5],
  [-1, 2, 0.25],
];

describe('logModel, MLflow 3 logged models', () => {
  it('logs an in-memory ONNX graph: PENDING until every file is up, then READY, linked to the run', async () => {
    const run = await loom.createRun({ experimentId: '0' });
    const runId = run.info.run_id;
    await loom.logBatch(runId, {
      params: [{ key: 'epochs', value: '3' }],
      metrics: [
        { key: 'rmse', value: 0.5, timestamp: 1, step: 0 },
        { key: 'rmse', value: 0.25, timestamp: 2, step: 1 },
      ],
    });
    // The same server, with every call recorded and the model's status read just before finalizing.
    const calls: string[] = [];
    let statusBeforeFinalize: string | undefined;
    const recording = createClient({
      baseUrl: server.url,
      fetch: async (url, init) => {
        const path = new URL(url).pathname.replace(/^\/api\/2\.0\/mlflow(-artifacts\/artifacts)?/, '');
        calls.push(`${init?.method ?? 'GET'} ${path.replace(/m-[0-9a-f]{32}/, '<id>').replace(/\?.*/, '')}`);
        if (init?.method === 'PATCH') {
          const id = /m-[0-9a-f]{32}/.exec(url)![0];
          statusBeforeFinalize = (await loom.getLoggedModel(id)).info.status;
        }
        return fetch(url, init);
      },
    });
    const logged = await logModel(recording, {
      runId,
      flavor: 'onnx',
      model: linearGraph(),
      inputExample: [Float32Array.of(...ROWS[0]!)],
      params: { alpha: 0.5 },
      modelType: 'regressor',
    });
    const id = logged.modelId!;
    expect(id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(logged.modelUri).toBe(`models:/${id}`);

    expect(statusBeforeFinalize).toBe('LOGGED_MODEL_PENDING');
    const puts = calls.filter((c) => c.startsWith('PUT'));
    expect(calls.slice(0, 5)).toEqual([
      'GET /runs/get',
      'POST /logged-models',
      'POST /runs/outputs',
      'GET /metrics/get-history-bulk-interval',
      'POST /runs/log-batch',
    ]);
    expect(calls.slice(5, 5 + puts.length)).toEqual(puts);
    expect(calls.slice(5 + puts.length)).toEqual(['PATCH /logged-models/<id>']);
    expect(puts).toContain(`PUT /0/models/<id>/artifacts/MLmodel`);

    const model = await loom.getLoggedModel(id);
    expect(model.info).toMatchObject({
      status: 'LOGGED_MODEL_READY',
      name: 'model',
      model_type: 'regressor',
      source_run_id: runId,
    });
    // The run's params and its metrics at the model's step (0) are the model's too.
    expect(model.data.params).toEqual([
      { key: 'alpha', value: '0.5' },
      { key: 'epochs', value: '3' },
    ]);
    expect(model.data.metrics).toMatchObject([{ key: 'rmse', value: 0.5, step: 0, model_id: id }]);
    expect((await loom.getRun(runId)).outputs?.model_outputs).toEqual([{ model_id: id, step: 0 }]);
    const files = (await loom.listLoggedModelArtifacts(id)).map((f) => f.path).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'MLmodel',
        'model.onnx',
        'input_example.json',
        'serving_input_example.json',
        'package.json',
        'requirements.txt',
      ]),
    );

    const info = await getModelInfo(logged.modelUri, options);
    expect(info).toMatchObject({
      modelId: id,
      modelUuid: id,
      runId,
      artifactPath: model.info.artifact_uri,
      registeredModelVersion: undefined,
    });
    expect(info.flavors.onnx).toMatchObject({ data: 'model.onnx' });
    expect(info.utcTimeCreated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(info.modelSizeBytes).toBeGreaterThan(linearGraph().length);
    // Inferred from the example and the model's prediction on it.
    expect(info.signature).toEqual({
      inputs: {
        kind: 'tensors',
        specs: [{ kind: 'tensor', name: undefined, dtype: 'float32', shape: [-1, 3] }],
      },
      outputs: { kind: 'tensors', specs: [{ kind: 'tensor', name: 'y', dtype: 'float64', shape: [-1] }] },
      params: undefined,
    });

    const loaded = await loadModel(logged.modelUri, options);
    const out = (await loaded.predict({ kind: 'tensor', array: { shape: [2, 3], data: ROWS.flat() } })) as {
      y: number[];
    };
    ROWS.forEach((r, i) => expect(out.y[i]).toBeCloseTo(linearReference(r), 5));
    await loaded.close();
  });

  it('validates serving input as /invocations would: predictions, or the same 400 error', async () => {
    const run = await loom.createRun({ experimentId: '0' });
    const logged = await logModel(loom, {
      runId: run.info.run_id,
      dir: await saveLinearModel(join(dir, 'lin')),
    });
    const predictions = (await validateServingInput(
      logged.modelUri,
      { dataframe_split: { columns: ['a', 'b', 'c'], data: ROWS } },
      options,
    )) as { y: number }[];
    ROWS.forEach((r, i) => expect(predictions[i]!.y).toBeCloseTo(linearReference(r), 5));

    const missing = await validateServingInput(
      logged.modelUri,
      '{"dataframe_records": [{"a": 1}]}',
      options,
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LoomError);
    expect((missing as LoomError).httpStatus).toBe(400);
    expect((missing as LoomError).message).toMatch(/Failed to predict data.*missing inputs/is);
    // Logging with an example the model cannot take warns, as MLflow does, and logs it anyway.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const bad = await logModel(loom, {
        runId: run.info.run_id,
        dir: join(dir, 'lin'),
        inputExample: [{ a: 1.5 }],
      });
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/input example failed to predict.*missing inputs/is),
      ]);
      expect((await loom.getLoggedModel(bad.modelId!)).info.status).toBe('LOGGED_MODEL_READY');
    } finally {
      warn.mockRestore();
    }
    const malformed = await validateServingInput(logged.modelUri, '{"rows": []}', options).catch(
      (e: unknown) => e,
    );
    expect((malformed as LoomError).code).toBe('BAD_REQUEST');
  });

  it('registers a js_function model from models:/<model_id>; the registry keeps its own copy', async () => {
    const experimentId = await loom.createExperiment({ name: 'sdk-register' });
    const run = await loom.createRun({ experimentId });
    const runId = run.info.run_id;
    const module = join(dir, 'double.mjs');
    writeFileSync(module, 'export function predict(rows) { return rows.map((r) => r.x * 2); }\n');
    const logged = await logModel(loom, {
      runId,
      flavor: 'js_function',
      module,
      name: 'doubler',
      tags: { team: 'a' },
      signature: { inputs: { kind: 'columns', specs: [column('x', 'double')] } },
      registeredModelName: 'doubler',
    });
    expect(logged.modelVersion).toMatchObject({
      name: 'doubler',
      version: '1',
      status: 'READY',
      source: logged.modelUri,
      run_id: runId,
      model_id: logged.modelId,
      tags: [{ key: 'team', value: 'a' }],
    });
    // The registry serves its own copy of the files, which outlives the logged model.
    expect(await loom.getModelVersionDownloadUri('doubler', '1')).toMatch(/^mlflow-artifacts:\/_registry\//);
    await loom.deleteLoggedModel(logged.modelId!);
    const local = await downloadModel('models:/doubler/1', options);
    expect(readFileSync(join(local, REGISTERED_MODEL_META_FILE), 'utf8')).toBe(
      "model_name: doubler\nmodel_version: '1'\n",
    );
    const info = await getModelInfo('models:/doubler/1', options);
    expect(info).toMatchObject({ registeredModelVersion: 1, modelId: logged.modelId, runId });
    const model = await loadModel('models:/doubler/1', options);
    expect(await model.predict({ kind: 'tensor', array: { shape: [2, 1], data: [1, 2.5] } })).toEqual([2, 5]);
    await model.close();
  });

  it('logs an in-memory TF.js model, its signature inferred from a prediction on the example', async () => {
    const run = await loom.createRun({ experimentId: '0' });
    const mlp = await tfjsLayersMlp();
    const example = [[5.1, 3.5, 1.4, 0.2]];
    const logged = await logModel(loom, {
      runId: run.info.run_id,
      flavor: 'tfjs',
      model: mlp,
      inputExample: example,
    });
    mlp.dispose();
    expect(logged.mlmodel.flavors.tfjs).toEqual({
      model_format: 'layers-model',
      data: 'model',
      tfjs_version: '4.22.0',
    });
    expect(logged.mlmodel.signature?.outputs).toContain('"shape": [-1, 3]');
    const model = await loadModel(logged.modelUri, options);
    expect(model.flavor).toBe('tfjs');
    const out = (await model.predict({
      kind: 'tensor',
      array: { shape: [1, 4], data: example[0]! },
    })) as number[][];
    tfjsMlpReference(example[0]!).forEach((v, k) => expect(out[0]![k]).toBeCloseTo(v, 5));
    await model.close();
  });

  it('marks the logged model UPLOAD_FAILED when a file cannot be read, and rethrows', async () => {
    const experimentId = await loom.createExperiment({ name: 'sdk-fails' });
    const run = await loom.createRun({ experimentId });
    const saved = await saveLinearModel(join(dir, 'broken'));
    // A file that is gone by the time it is uploaded: a link to nothing.
    symlinkSync(join(dir, 'no-such-file'), join(saved, 'weights.bin'));
    const err = await logModel(loom, { runId: run.info.run_id, dir: saved }).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
    const { models } = await loom.searchLoggedModels({ experimentIds: [experimentId] });
    expect(models.map((m) => m.info.status)).toEqual(['LOGGED_MODEL_UPLOAD_FAILED']);
    const load = await loadModel(`models:/${models[0]!.info.model_id}`, options).catch((e: unknown) => e);
    expect((load as LoomError).message).toMatch(/failed to upload.*incomplete/);
  });
});

describe('logModel, MLflow 2 run artifacts', () => {
  it('uploads under the run, records the log-model history and loads by runs:/', async () => {
    const run = await loom.createRun({ experimentId: '0' });
    const runId = run.info.run_id;
    const logged = await logModel(loom, {
      runId,
      dir: await saveLinearModel(join(dir, 'lin2')),
      artifactPath: 'model',
      inputExample: [{ a: 1.5, b: 0.5, c: 2.5 }],
    });
    expect(logged.modelUri).toBe(`runs:/${runId}/model`);
    expect(logged.modelId).toBeUndefined();
    const listed = await loom.listArtifacts(runId, 'model');
    expect(listed.files.map((f) => f.path)).toContain('model/MLmodel');
    const tags = (await loom.getRun(runId)).data.tags ?? [];
    const history = JSON.parse(tags.find((t) => t.key === 'mlflow.log-model.history')!.value) as unknown[];
    expect(history).toMatchObject([{ run_id: runId, artifact_path: 'model' }]);
    const info = await getModelInfo(logged.modelUri, options);
    // The saved signature is kept: an example alone does not replace it.
    expect(info.signature?.inputs?.specs.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(info.savedInputExampleInfo).toMatchObject({ type: 'dataframe', pandas_orient: 'split' });
    expect(existsSync(join(await downloadModel(logged.modelUri, options), 'input_example.json'))).toBe(true);
  });
});
