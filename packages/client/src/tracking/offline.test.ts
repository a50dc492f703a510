/**
 * Offline mode against real listening servers (SQLite in temp folders): runs spooled with
 * LOOM_OFFLINE, when the server is unreachable at startRun, and when it goes away mid-run; then
 * synced, exactly once however often the sync runs.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultServerConfig } from '@loom/core';
import { startServer, type RunningServer } from '@loom/server';
import { createClient, type LoomClient } from '../index';
import { listSpooledRuns, LOCK_FILE, OFFLINE_ID_TAG, readSpooledRun, SYNC_FILE } from './offline-spool';
import { syncOfflineRuns } from './offline-sync';
import { Tracking, type TrackingOptions } from './tracking';

let dir: string;
let server: RunningServer;
let client: LoomClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-offline-'));
  server = await startServer({ ...defaultServerConfig(dir), port: 0 });
  client = createClient({ baseUrl: server.url });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

let spools = 0;
/** A fresh spool folder per test. */
const spoolDir = () => join(dir, `spool-${++spools}`);

const session = (options: TrackingOptions = {}) =>
  new Tracking({
    endRunsOnExit: false,
    env: { trackingUri: server.url },
    batching: { maxDelayMs: 20, initialBackoffMs: 10, maxBackoffMs: 50 },
    ...options,
  });

async function history(runId: string, key: string) {
  return (await client.getMetricHistory({ runId, metricKey: key, maxResults: 25_000 })).metrics;
}

/** Runs carrying `localId` in the experiment (sync must create exactly one). */
async function runsTagged(experimentId: string, localId: string) {
  const page = await client.searchRuns({
    experimentIds: [experimentId],
    filter: `tags.\`${OFFLINE_ID_TAG}\` = '${localId}'`,
    runViewType: 'ALL',
  });
  return page.runs;
}

/** A port nothing listens on: a server started and closed. */
async function deadUrl(): Promise<string> {
  const gone = await startServer({
    ...defaultServerConfig(mkdtempSync(join(tmpdir(), 'loom-gone-'))),
    port: 0,
  });
  await gone.close();
  return gone.url;
}

describe('offline mode', () => {
  it('spools a run with LOOM_OFFLINE and syncs it exactly once', async () => {
    const offlineDir = spoolDir();
    const loom = session({ env: { trackingUri: server.url, offline: true, offlineDir } });
    const run = await loom.startRun({ experimentName: 'offline-exp', runName: 'away', tags: { team: 'a' } });
    expect(run.offline).toBe(true);
    expect(run.offlineDir).toBe(join(offlineDir, run.runId));
    run.logParams({ lr: 0.1, layers: 3 });
    for (let step = 0; step < 2500; step++)
      run.logMetric('loss', 1 / (step + 1), { step, timestamp: 1000 + step });
    run.setTag('phase', 'train');
    await run.logText('hello', 'notes/hello.txt');
    await run.logDict({ a: 1 }, 'config.json');
    await run.logInput({ name: 'iris', digest: 'd1', sourceType: 'local', source: '{}' }, 'training');
    const child = await loom.startRun({ nested: true, runName: 'child' });
    expect(child.offline).toBe(true);
    child.logMetric('acc', 0.9);
    await loom.endRun();
    await loom.endRun('KILLED');

    // The journal on disk: the run's definition, then fsynced batches, artifacts, inputs, the end.
    const spooled = await readSpooledRun(run.offlineDir!);
    expect(spooled!.manifest).toMatchObject({
      experiment: { experimentName: 'offline-exp' },
      runName: 'away',
    });
    expect(spooled!.events.at(-1)).toMatchObject({ type: 'end', status: 'KILLED' });
    expect(readFileSync(join(run.offlineDir!, 'artifacts', 'notes', 'hello.txt'), 'utf8')).toBe('hello');

    const first = await syncOfflineRuns(offlineDir, client);
    expect(first.map((r) => [r.label.split(' ')[0], r.outcome, r.sentItems])).toEqual([
      ['away', 'synced', 2503],
      ['child', 'synced', 1],
    ]);
    const serverId = first[0]!.serverRunId!;
    const got = await client.getRun(serverId);
    const exp = await client.getExperimentByName('offline-exp');
    expect(got.info).toMatchObject({ status: 'KILLED', run_name: 'away', experiment_id: exp.experiment_id });
    expect(got.info.start_time).toBe(spooled!.manifest.startTime);
    expect(got.data.params).toEqual([
      { key: 'layers', value: '3' },
      { key: 'lr', value: '0.1' },
    ]);
    const tags = Object.fromEntries((got.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ team: 'a', phase: 'train', [OFFLINE_ID_TAG]: run.runId });
    expect(await history(serverId, 'loss')).toHaveLength(2500);
    const text = async (path: string) =>
      (await fetch(`${server.url}/get-artifact?run_id=${serverId}&path=${path}`)).text();
    expect(await text('notes/hello.txt')).toBe('hello');
    expect(JSON.parse(await text('config.json'))).toEqual({ a: 1 });
    expect(got.inputs?.dataset_inputs).toHaveLength(1);
    const childRun = await client.getRun(first[1]!.serverRunId!);
    expect(childRun.data.tags).toContainEqual({ key: 'mlflow.parentRunId', value: serverId });
    expect(childRun.info.experiment_id).toBe(exp.experiment_id);

    // Again: nothing is sent, nothing is duplicated.
    const second = await syncOfflineRuns(offlineDir, client);
    expect(second.map((r) => [r.outcome, r.sentItems, r.serverRunId])).toEqual([
      ['unchanged', 0, serverId],
      ['unchanged', 0, childRun.info.run_id],
    ]);
    expect(await runsTagged(exp.experiment_id, run.runId)).toHaveLength(1);
    expect(await history(serverId, 'loss')).toHaveLength(2500);
  });

  it('finds its run again when a sync died between creating it and recording it, and ignores a torn line', async () => {
    const offlineDir = spoolDir();
    const loom = session({ offline: { always: true, dir: offlineDir } });
    const run = await loom.startRun({ experimentName: 'offline-crash' });
    for (let step = 0; step < 1200; step++) run.logMetric('m', step, { step, timestamp: 5 + step });
    await run.end();
    // A crash while appending leaves half a line: it was never acknowledged, so it is skipped.
    appendFileSync(join(run.offlineDir!, 'events.jsonl'), '{"type":"batch","metr');
    const [first] = await syncOfflineRuns(offlineDir, client);
    expect(first).toMatchObject({ outcome: 'synced', sentItems: 1200 });
    // As if the process had died right after create: the mapping and progress were never written.
    unlinkSync(join(run.offlineDir!, SYNC_FILE));
    const [again] = await syncOfflineRuns(offlineDir, client);
    expect(again).toMatchObject({ outcome: 'synced', serverRunId: first!.serverRunId, sentItems: 1200 });
    const exp = await client.getExperimentByName('offline-crash');
    expect(await runsTagged(exp.experiment_id, run.runId)).toHaveLength(1);
    expect(await history(first!.serverRunId!, 'm')).toHaveLength(1200);
  });

  it('syncs a run still being logged as far as it goes, and the rest later', async () => {
    const offlineDir = spoolDir();
    const loom = session({ offline: { always: true, dir: offlineDir } });
    const run = await loom.startRun();
    run.logMetric('m', 1, { step: 1 });
    await run.flush();
    const [open] = await syncOfflineRuns(offlineDir, client);
    expect(open).toMatchObject({ outcome: 'open', sentItems: 1 });
    expect((await client.getRun(open!.serverRunId!)).info.status).toBe('RUNNING');
    run.logMetric('m', 2, { step: 2 });
    await run.end();
    const [done] = await syncOfflineRuns(offlineDir, client);
    expect(done).toMatchObject({ outcome: 'synced', sentItems: 1, serverRunId: open!.serverRunId });
    expect((await history(done!.serverRunId!, 'm')).map((m) => m.step)).toEqual([1, 2]);
    expect((await client.getRun(done!.serverRunId!)).info.status).toBe('FINISHED');
  });

  it('records items the server refuses, sends the rest, and reports the run as failed', async () => {
    const offlineDir = spoolDir();
    const loom = session({ offline: { always: true, dir: offlineDir } });
    const run = await loom.startRun();
    run.logParam('lr', 1);
    run.logMetric('ok', 1);
    await run.flush();
    run.logParam('lr', 2); // refused at sync: a param cannot change
    await run.end();
    const [result] = await syncOfflineRuns(offlineDir, client);
    expect(result).toMatchObject({ outcome: 'failed', rejectedItems: 1 });
    expect(result!.error).toMatch(/lr/);
    const got = await client.getRun(result!.serverRunId!);
    expect(got.data.params).toEqual([{ key: 'lr', value: '1' }]);
    expect(got.info.status).toBe('FINISHED');
    const state = JSON.parse(readFileSync(join(run.offlineDir!, SYNC_FILE), 'utf8')) as {
      rejected: { batch: { params: unknown[] } }[];
    };
    expect(state.rejected[0]!.batch.params).toEqual([{ key: 'lr', value: '2' }]);
  });

  it('leaves a run alone while another sync holds its lock, and takes over the lock of a dead one', async () => {
    const offlineDir = spoolDir();
    const run = await session({ offline: { always: true, dir: offlineDir } }).startRun();
    run.logMetric('m', 1);
    await run.end();
    const lock = join(run.offlineDir!, LOCK_FILE);
    writeFileSync(lock, String(process.pid)); // a live process
    const [held] = await syncOfflineRuns(offlineDir, client);
    expect(held).toMatchObject({ outcome: 'failed', sentItems: 0 });
    expect(held!.error).toMatch(new RegExp(`another loom sync \\(pid ${process.pid}\\)`));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(lock, String(dead));
    const [taken] = await syncOfflineRuns(offlineDir, client);
    expect(taken).toMatchObject({ outcome: 'synced', sentItems: 1 });
    expect(existsSync(lock)).toBe(false);
  });

  it('spools the run when the server is unreachable at startRun, with a one-line warning', async () => {
    const offlineDir = spoolDir();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loom = session({
      env: { trackingUri: await deadUrl(), experimentName: 'fallback-exp' },
      offline: { dir: offlineDir, startRetryForMs: 200 },
    });
    const run = await loom.startRun({ runName: 'fell-back' });
    expect(run.offline).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/unreachable.*loom sync/);
    run.logMetric('m', 3);
    await run.end();
    const [result] = await syncOfflineRuns(offlineDir, client);
    expect(result).toMatchObject({ outcome: 'synced', sentItems: 1 });
    const got = await client.getRun(result!.serverRunId!);
    expect(got.info.run_name).toBe('fell-back');
    expect(got.info.experiment_id).toBe((await client.getExperimentByName('fallback-exp')).experiment_id);
  });

  it('fails at startRun when the fallback is turned off', async () => {
    const loom = session({ env: { trackingUri: await deadUrl() }, offline: { fallback: false } });
    await expect(loom.startRun()).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
  });

  it('switches a run to the spool when its server goes away for the whole retry window', async () => {
    const offlineDir = spoolDir();
    const dataDir = mkdtempSync(join(tmpdir(), 'loom-switch-'));
    let own = await startServer({ ...defaultServerConfig(dataDir), port: 0 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loom = new Tracking({
      endRunsOnExit: false,
      env: { trackingUri: own.url },
      batching: { maxDelayMs: 10, initialBackoffMs: 10, maxBackoffMs: 50, retryForMs: 300 },
      offline: { dir: offlineDir },
    });
    const run = await loom.startRun({ runName: 'switcher' });
    for (let step = 0; step < 100; step++) run.logMetric('m', step, { step });
    await run.flush();
    expect(run.offline).toBe(false);
    await own.close();
    for (let step = 100; step < 250; step++) run.logMetric('m', step, { step });
    await run.logText('late', 'late.txt');
    await run.end();
    expect(run.offline).toBe(true);
    expect(warn.mock.calls.some(([m]) => /rest of run .* offline/.test(String(m)))).toBe(true);
    const [spooled] = await listSpooledRuns(offlineDir);
    expect(spooled!.manifest.serverRunId).toBe(run.runId);

    own = await startServer({ ...defaultServerConfig(dataDir), port: 0 });
    try {
      const ownClient = createClient({ baseUrl: own.url });
      const [result] = await syncOfflineRuns(offlineDir, ownClient);
      expect(result).toMatchObject({ outcome: 'synced', serverRunId: run.runId, sentItems: 150 });
      const steps = (await ownClient.getMetricHistory({ runId: run.runId, metricKey: 'm' })).metrics.map(
        (m) => m.step,
      );
      expect(steps.sort((a, b) => a - b)).toEqual([...Array(250).keys()]);
      expect((await ownClient.getRun(run.runId)).info.status).toBe('FINISHED');
      expect(await (await fetch(`${own.url}/get-artifact?run_id=${run.runId}&path=late.txt`)).text()).toBe(
        'late',
      );
    } finally {
      await own.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the journal inside its folder: artifact paths cannot climb out', async () => {
    const offlineDir = spoolDir();
    const run = await session({ offline: { always: true, dir: offlineDir } }).startRun();
    await expect(run.logText('x', '../escape.txt')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    await run.end();
    expect(readdirSync(offlineDir)).toEqual([run.runId]);
    writeFileSync(join(offlineDir, 'stray.txt'), 'not a run');
    expect(await listSpooledRuns(offlineDir)).toHaveLength(1);
  });
});
