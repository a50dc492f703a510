/** The fluent tracking API against a real listening server (SQLite in a temp folder). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServerConfig } from '@loom/core';
import { LoomError } from '@loom/protocol';
import { startServer, type RunningServer } from '@loom/server';
import { createClient, type LoomClient } from '../index';
import { Tracking } from './tracking';

let dir: string;
let server: RunningServer;
let client: LoomClient;
/** log-batch requests seen, counted by a fetch that forwards to the real one. */
let batches = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-sdk-'));
  server = await startServer({ ...defaultServerConfig(dir), port: 0 });
  client = createClient({
    baseUrl: server.url,
    fetch: (input, init) => {
      if (input.includes('/runs/log-batch')) batches++;
      return fetch(input, init);
    },
  });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const session = (env: Record<string, string> = {}) =>
  new Tracking({ client, env, endRunsOnExit: false, batching: { maxDelayMs: 20, initialBackoffMs: 10 } });

async function history(runId: string, key: string) {
  const page = await client.getMetricHistory({ runId, metricKey: key, maxResults: 25_000 });
  return page.metrics;
}

const text = async (runId: string, path: string) =>
  (await fetch(`${server.url}/get-artifact?run_id=${runId}&path=${encodeURIComponent(path)}`)).text();

describe('fluent tracking API', () => {
  it('logs params, metrics, tags, artifacts and inputs, and ends the run FINISHED', async () => {
    const loom = session();
    const local = join(dir, 'local');
    mkdirSync(join(local, 'sub'), { recursive: true });
    writeFileSync(join(local, 'a.txt'), 'A');
    writeFileSync(join(local, 'sub', 'b.txt'), 'B');
    const runId = await loom.withRun({ experimentName: 'sdk-exp', runName: 'first' }, async (run) => {
      run.logParams({ lr: 0.1, layers: 3, optimizer: 'adam' });
      for (let step = 0; step < 10; step++) run.logMetric('loss', 1 / (step + 1), { step });
      run.logMetric('weird', NaN);
      run.setTags({ team: 'vision' });
      await run.logText('hello', 'notes/hello.txt');
      await run.logDict({ a: 1, b: ['x', 'y'] }, 'config.json');
      await run.logDict({ model: { layers: 3, name: 'yes' } }, 'config.yaml');
      await run.logImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 'plots/p.png');
      await run.logArtifact(join(local, 'a.txt'));
      await run.logArtifacts(local, 'copy');
      await run.logInput({ name: 'iris', digest: 'd1', sourceType: 'local', source: '{}' }, 'training');
      return run.runId;
    });
    const got = await client.getRun(runId);
    expect(got.info).toMatchObject({ status: 'FINISHED', run_name: 'first' });
    expect(got.info.end_time).toBeGreaterThan(0);
    const exp = await client.getExperimentByName('sdk-exp');
    expect(got.info.experiment_id).toBe(exp.experiment_id);
    expect(got.data.params).toEqual([
      { key: 'layers', value: '3' },
      { key: 'lr', value: '0.1' },
      { key: 'optimizer', value: 'adam' },
    ]);
    const tags = Object.fromEntries((got.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ team: 'vision', 'mlflow.source.type': 'LOCAL', 'mlflow.runName': 'first' });
    expect((await history(runId, 'loss')).map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await history(runId, 'weird'))[0]!.value).toBe('NaN');
    expect(await text(runId, 'notes/hello.txt')).toBe('hello');
    expect(JSON.parse(await text(runId, 'config.json'))).toEqual({ a: 1, b: ['x', 'y'] });
    expect(await text(runId, 'config.yaml')).toBe('model:\n  layers: 3\n  name: "yes"\n');
    expect(await text(runId, 'a.txt')).toBe('A');
    expect(await text(runId, 'copy/sub/b.txt')).toBe('B');
    expect(got.inputs?.dataset_inputs?.[0]).toMatchObject({
      dataset: { name: 'iris', digest: 'd1' },
      tags: [{ key: 'mlflow.data.context', value: 'training' }],
    });
  });

  it('ends the run FAILED and rethrows when the body throws', async () => {
    const loom = session();
    let runId = '';
    await expect(
      loom.withRun({}, (run) => {
        runId = run.runId;
        run.logMetric('m', 1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await client.getRun(runId)).info.status).toBe('FAILED');
    expect(await history(runId, 'm')).toHaveLength(1);
  });

  it('nests runs under the active one, refuses a second top-level run, and resumes MLFLOW_RUN_ID', async () => {
    const loom = session();
    const parent = await loom.startRun({ runName: 'parent' });
    await expect(loom.startRun()).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const child = await loom.startRun({ nested: true });
    const childTags = (await client.getRun(child.runId)).data.tags ?? [];
    expect(childTags).toContainEqual({ key: 'mlflow.parentRunId', value: parent.runId });
    expect(child.experimentId).toBe(parent.experimentId);
    loom.logMetric('child.metric', 2);
    await loom.endRun();
    expect(loom.activeRun()).toBe(parent);
    await loom.endRun('KILLED');
    expect((await client.getRun(parent.runId)).info.status).toBe('KILLED');

    const handedOver = session({ runId: parent.runId });
    const resumed = await handedOver.startRun();
    expect(resumed.runId).toBe(parent.runId);
    expect((await client.getRun(parent.runId)).info.status).toBe('RUNNING');
    await handedOver.endRun();
    // Only the first run of a session takes MLFLOW_RUN_ID.
    const next = await handedOver.startRun();
    expect(next.runId).not.toBe(parent.runId);
    await handedOver.endRun();
  });

  it('batches within MLflow limits: 5,000 points in a handful of requests', async () => {
    const loom = session();
    const run = await loom.startRun();
    const before = batches;
    for (let step = 0; step < 5000; step++) run.logMetric('fast', step, { step, timestamp: 1000 + step });
    await run.end();
    expect(batches - before).toBeGreaterThanOrEqual(5);
    expect(batches - before).toBeLessThanOrEqual(7);
    expect(await history(run.runId, 'fast')).toHaveLength(5000);
  });

  it('isolates items the server refuses and still stores the rest; the error surfaces with its code', async () => {
    const loom = session();
    const run = await loom.startRun();
    run.logParam('lr', 1);
    for (let i = 0; i < 20; i++) run.logMetric(`good${i}`, i);
    run.logMetric('bad key?', 1);
    run.logParam('lr', 2); // a changed param: refused by the server
    const err = await run.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LoomError);
    expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
    await run.end();
    const got = await client.getRun(run.runId);
    expect(got.data.metrics).toHaveLength(20);
    expect(got.data.params).toEqual([{ key: 'lr', value: '1' }]);
  });

  it('throws a refusal found at the end after ending the run', async () => {
    const loom = session();
    const run = await loom.startRun();
    run.setTag('', 'empty key');
    await expect(run.end()).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect((await client.getRun(run.runId)).info.status).toBe('FINISHED');
  });

  it('asks for a run before logging', () => {
    expect(() => session().logMetric('x', 1)).toThrow(/No active run/);
  });
});
