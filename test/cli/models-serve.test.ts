/**
 * `loom models serve` as a user runs it: a real process serving a model directory laid out as Python
 * MLflow writes it, models logged to a real `loom server` and served by runs:/ and models:/ URIs
 * (registered versions and MLflow 3 logged models),
 * several workers on one port, and a clear failure for a model that needs Python.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type LoomClient } from '@loom/client';
import { loadModel, logModel } from '@loom/models';
import {
  linearReference,
  mlpReference,
  saveLinearModel,
  saveTfjsLayersMlp,
  tfjsMlpReference,
  writePythonOnnxModel,
  writeSklearnModel,
} from '@loom/models/testing';
import { CLI_BIN, runCli, startCliServer, type CliServer } from '../support/cli-server';

let dir: string;
let tracking: CliServer;
let loom: LoomClient;
const children: ChildProcess[] = [];

interface Scorer {
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `loom models serve <args> -p 0` and resolves with its URL once it says it listens. */
function serve(args: string[], env: Record<string, string> = {}): Promise<Scorer> {
  const child = spawn(process.execPath, [CLI_BIN, 'models', 'serve', '-p', '0', ...args], {
    env: { ...process.env, LOOM_MODEL_CACHE: join(dir, 'cache'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          output: () => out,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`loom models serve exited with ${code}:\n${out}`));
    });
  });
}

async function score(
  url: string,
  body: unknown,
): Promise<{ status: number; json: { predictions?: unknown } }> {
  const res = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { predictions?: unknown } };
}

const MLP_ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [1, -2, 3, -4],
];

function expectMlp(predictions: unknown): void {
  const y = (predictions as { y: number[][] }).y;
  expect(y).toHaveLength(MLP_ROWS.length);
  MLP_ROWS.forEach((row, i) => mlpReference(row).forEach((v, k) => expect(y[i]![k]).toBeCloseTo(v, 4)));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-models-cli-'));
  await writePythonOnnxModel(join(dir, 'python-onnx'));
  await saveLinearModel(join(dir, 'linear'));
  await saveTfjsLayersMlp(join(dir, 'tfjs'));
  tracking = await startCliServer();
  loom = createClient({ baseUrl: tracking.url });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await tracking?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The MLP's rows in the three JSON request formats the tests send. */
const mlpBodies = () => [
  { inputs: MLP_ROWS },
  { instances: MLP_ROWS },
  { dataframe_split: { columns: ['a', 'b', 'c', 'd'], data: MLP_ROWS } },
];

describe('loom models serve', () => {
  it('serves a directory written by Python MLflow, with no Python', async () => {
    const s = await serve(['-m', join(dir, 'python-onnx')]);
    expect(s.output()).toContain('flavor onnx');
    expect(await (await fetch(`${s.url}/ping`)).text()).toBe('\n');
    for (const body of mlpBodies()) {
      const res = await score(s.url, body);
      expect(res.status).toBe(200);
      expectMlp(res.json.predictions);
    }
    expect(await s.stop()).toBe(0);
  });

  it('serves a TF.js model on the cpu backend, no tfjs-node', async () => {
    const s = await serve(['-m', join(dir, 'tfjs')]);
    expect(s.output()).toContain('flavor tfjs');
    for (const body of mlpBodies()) {
      const res = await score(s.url, body);
      expect(res.status).toBe(200);
      const got = res.json.predictions as number[][];
      expect(got).toHaveLength(MLP_ROWS.length);
      MLP_ROWS.forEach((row, i) =>
        tfjsMlpReference(row).forEach((v, k) => expect(got[i]![k]).toBeCloseTo(v, 5)),
      );
    }
    expect(await s.stop()).toBe(0);
  });

  it('serves runs:/ and models:/ URIs through the tracking server', async () => {
    const experimentId = await loom.createExperiment({ name: 'models-serve' });
    const run = await loom.createRun({ experimentId });
    const runId = run.info.run_id;
    const logged = await logModel(loom, {
      runId,
      dir: join(dir, 'linear'),
      artifactPath: 'model',
      registeredModelName: 'linear',
    });
    expect(logged.modelUri).toBe(`runs:/${runId}/model`);
    const version = logged.modelVersion!.version;
    for (
      let i = 0;
      i < 200 && (await loom.getModelVersion('linear', version)).status === 'PENDING_REGISTRATION';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await loom.setRegisteredModelAlias('linear', 'champion', version);
    await loom.transitionModelVersionStage({ name: 'linear', version, stage: 'Production' });
    await logModel(loom, { runId, dir: join(dir, 'python-onnx'), artifactPath: 'mlp' });

    const env = { MLFLOW_TRACKING_URI: tracking.url };
    const rows = [
      [1, 2, 3],
      [0.5, 0, -1],
    ];
    const uris = [
      `runs:/${runId}/model`,
      `models:/linear/${version}`,
      'models:/linear@champion',
      'models:/linear/Production',
      'models:/linear/latest',
    ];
    for (const uri of uris) {
      const s = await serve(['-m', uri], env);
      const res = await score(s.url, { dataframe_split: { columns: ['a', 'b', 'c'], data: rows } });
      expect(res.status, uri).toBe(200);
      const got = res.json.predictions as { y: number }[];
      rows.forEach((r, i) => expect(got[i]!.y, uri).toBeCloseTo(linearReference(r), 5));
      expect(await s.stop()).toBe(0);
    }
    const inProcess = await loadModel('models:/linear@champion', {
      trackingUri: tracking.url,
      cacheDir: join(dir, 'sdk-cache'),
    });
    const direct = (await inProcess.predict({
      kind: 'tensor',
      array: { shape: [1, 3], data: [1, 2, 3] },
    })) as { y: number }[];
    expect(direct[0]!.y).toBeCloseTo(linearReference([1, 2, 3]), 5);
    await inProcess.close();

    const mlp = await serve(['-m', `runs:/${runId}/mlp`], env);
    expectMlp((await score(mlp.url, { inputs: MLP_ROWS })).json.predictions);
    await mlp.stop();
  });

  it('serves an MLflow 3 logged model by models:/<model_id>', async () => {
    const run = await loom.createRun({ experimentId: '0' });
    const logged = await logModel(loom, { runId: run.info.run_id, dir: join(dir, 'python-onnx') });
    expect(logged.modelUri).toMatch(/^models:\/m-[0-9a-f]{32}$/);
    const s = await serve(['-m', logged.modelUri], { MLFLOW_TRACKING_URI: tracking.url });
    const res = await score(s.url, { inputs: MLP_ROWS });
    expect(res.status).toBe(200);
    expectMlp(res.json.predictions);
    expect(await s.stop()).toBe(0);
  });

  it('runs several workers on one port', async () => {
    const s = await serve(['-m', join(dir, 'python-onnx'), '--workers', '2']);
    expect(s.output()).toContain('with 2 workers');
    const answers = await Promise.all(Array.from({ length: 20 }, () => score(s.url, { inputs: MLP_ROWS })));
    for (const a of answers) expectMlp(a.json.predictions);
    expect(await s.stop()).toBe(0);
  });

  it('fails clearly for a model whose flavors need Python, or a URI without a tracking server', async () => {
    const sk = await writeSklearnModel(join(dir, 'sklearn'));
    const out = await runCli(['models', 'serve', '-m', sk, '-p', '0']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/flavors \(python_function, sklearn\) need Python.*ONNX/);
    const pool = await runCli(['models', 'serve', '-m', sk, '-p', '0', '--workers', '2']);
    expect(pool.code).toBe(1);
    expect(pool.stderr.match(/need Python/g)).toHaveLength(1);
    const noServer = await runCli(['models', 'serve', '-m', 'models:/linear/1', '-p', '0'], {
      env: { MLFLOW_TRACKING_URI: undefined },
    });
    expect(noServer.code).toBe(1);
    expect(noServer.stderr).toContain('set MLFLOW_TRACKING_URI');
  });
});
