/**
 * Offline mode end to end with real processes: a script logs with LOOM_OFFLINE=1 and no server, then
 * `loom sync` uploads the spool to a real `loom server`; a second sync, and a sync killed mid-way and
 * run again, duplicate nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type LoomClient } from '@loom/client';
import { OFFLINE_ID_TAG, Tracking } from '@loom/client/tracking';
import { CLI_BIN, freePort, REPO_ROOT, runCli, startCliServer, type CliServer } from '../support/cli-server';
import {
  createScratchDatabase,
  skipWithoutPostgres,
  type ScratchDatabase,
} from '../support/scratch-postgres';
import { runExample } from '../support/example-script';

let server: CliServer;
let client: LoomClient;
let scratch: string;

beforeAll(async () => {
  server = await startCliServer();
  client = createClient({ baseUrl: server.url });
  scratch = mkdtempSync(join(tmpdir(), 'loom-sync-'));
});

afterAll(async () => {
  await server?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

/** `localId -> serverRunId` lines of `loom sync`'s output. */
const mapping = (stdout: string) =>
  Object.fromEntries([...stdout.matchAll(/^(\w{32}) -> (\w{32}) /gm)].map((m) => [m[1]!, m[2]!]));

async function runsIn(experimentName: string, api = client) {
  const exp = await api.getExperimentByName(experimentName);
  return (await api.searchRuns({ experimentIds: [exp.experiment_id], runViewType: 'ALL' })).runs;
}

async function stepsOf(runId: string, key: string, api = client): Promise<number[]> {
  const steps: number[] = [];
  let pageToken: string | undefined;
  do {
    const page = await api.getMetricHistory({ runId, metricKey: key, maxResults: 25_000, pageToken });
    for (const m of page.metrics) steps.push(m.step);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return steps;
}

/**
 * Spools 3 runs of 40,000 points, SIGKILLs `loom sync` once the first run is partly sent, syncs again:
 * each run must exist once with every point once.
 */
async function killAndResume(target: CliServer, offlineDir: string): Promise<void> {
  const api = createClient({ baseUrl: target.url });
  const RUNS = 3;
  const POINTS = 40_000;
  const loom = new Tracking({ endRunsOnExit: false, offline: { always: true, dir: offlineDir } });
  const localIds: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    const run = await loom.startRun({ experimentName: 'offline-interrupted', runName: `big-${r}` });
    run.logParams({ r });
    for (let step = 0; step < POINTS; step++) {
      run.logMetric('loss', 1 / (step + 1), { step, timestamp: 1e12 + step });
    }
    await run.end();
    localIds.push(run.runId);
  }

  const child = spawn(process.execPath, [CLI_BIN, 'sync', offlineDir, '--tracking-uri', target.url], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const state = (id: string) => {
    const file = join(offlineDir, id, 'sync.json');
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { sentItems: number; ended: boolean })
      : undefined;
  };
  // Kill it once the first run is partly sent.
  let killedAt: (ReturnType<typeof state> | undefined)[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const s = state(localIds[0]!);
    if (s && s.sentItems > 0) {
      child.kill('SIGKILL');
      killedAt = localIds.map(state);
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await exited;
  expect(killedAt[0]?.sentItems).toBeGreaterThan(0);
  // Interrupted for real: some run was not finished when the process died, and its lock is left behind.
  expect(killedAt.some((s) => !s?.ended)).toBe(true);
  expect(existsSync(join(offlineDir, localIds[0]!, 'sync.lock'))).toBe(true);

  const resumed = await runCli(['sync', offlineDir, '--tracking-uri', target.url], { timeoutMs: 120_000 });
  expect(resumed.code, resumed.stderr).toBe(0);
  const ids = mapping(resumed.stdout);
  // It resumed where the checkpoint said, rather than starting the first run over.
  const resent = Number(
    /big-0 \(\w{8}\) {2}synced, ([\d,]+) points sent/.exec(resumed.stdout)?.[1]?.replace(/,/g, ''),
  );
  expect(resent, resumed.stdout).toBeLessThanOrEqual(POINTS + 1 - killedAt[0]!.sentItems);
  const runs = await runsIn('offline-interrupted', api);
  expect(runs).toHaveLength(RUNS);
  for (const localId of localIds) {
    const runId = ids[localId]!;
    const run = runs.find((x) => x.info.run_id === runId)!;
    expect(run.data.tags).toContainEqual({ key: OFFLINE_ID_TAG, value: localId });
    expect(run.info.status).toBe('FINISHED');
    const steps = await stepsOf(runId, 'loss', api);
    expect(steps).toHaveLength(POINTS);
    expect(new Set(steps).size).toBe(POINTS);
  }
  const third = await runCli(['sync', offlineDir, '--tracking-uri', target.url]);
  expect(third.stdout).toMatch(/0 synced, 0 still open, 3 already synced, 0 failed; 0 points sent/);
}

describe('offline mode and `loom sync`', () => {
  it('spools a script run with LOOM_OFFLINE=1 and no server; `loom sync` uploads it once', async () => {
    const offlineDir = join(scratch, 'example');
    const ran = await runExample({
      LOOM_OFFLINE: '1',
      LOOM_OFFLINE_DIR: offlineDir,
      MLFLOW_TRACKING_URI: `http://127.0.0.1:${await freePort()}`, // nobody there, and never asked
      MLFLOW_EXPERIMENT_NAME: 'offline-example',
      EPOCHS: '30',
    });
    expect(ran.code, ran.output).toBe(0);
    const localId = /run (\w{32}) finished offline/.exec(ran.output)?.[1];
    expect(localId, ran.output).toBeDefined();

    const synced = await runCli(['sync', offlineDir, '--tracking-uri', server.url]);
    expect(synced.code, synced.stderr).toBe(0);
    const runId = mapping(synced.stdout)[localId!];
    expect(runId, synced.stdout).toBeDefined();
    expect(synced.stdout).toMatch(/1 synced, 0 still open, 0 already synced, 0 failed; 65 points sent/);
    // Progress on stderr: the run's points, sent / total.
    expect(synced.stderr).toMatch(/logreg-lr0\.5 \(\w{8}\): 65 points in/);
    const run = await client.getRun(runId!);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.params).toContainEqual({ key: 'epochs', value: '30' });
    expect(await stepsOf(runId!, 'loss')).toEqual([...Array(30).keys()]);
    expect((await client.listArtifacts(runId!, 'model')).files.map((f) => f.path)).toEqual([
      'model/weights.json',
    ]);
    expect(run.inputs?.dataset_inputs?.[0]?.dataset.name).toBe('two-blobs');

    // MLFLOW_TRACKING_URI and LOOM_OFFLINE_DIR stand in for the flags; nothing is sent twice.
    const again = await runCli(['sync'], {
      env: { MLFLOW_TRACKING_URI: server.url, LOOM_OFFLINE_DIR: offlineDir },
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 synced, 0 still open, 1 already synced, 0 failed; 0 points sent/);
    expect(mapping(again.stdout)[localId!]).toBe(runId);
    expect(await runsIn('offline-example')).toHaveLength(1);
    expect(await stepsOf(runId!, 'loss')).toHaveLength(30);
  }, 120_000);

  it('completes a sync killed mid-way exactly once when run again', async () => {
    await killAndResume(server, join(scratch, 'big'));
  }, 180_000);

  it('exits non-zero and names the run when the server cannot be reached', async () => {
    const offlineDir = join(scratch, 'unreachable');
    const loom = new Tracking({ endRunsOnExit: false, offline: { always: true, dir: offlineDir } });
    const run = await loom.startRun({ runName: 'stranded' });
    run.logMetric('m', 1);
    await run.end();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const failed = await runCli(['sync', offlineDir, '--tracking-uri', dead, '--retry-for', '0.3']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      new RegExp(`^${run.runId} -> \\(not created\\)  stranded .* FAILED: Could not reach`, 'm'),
    );
    expect(failed.stdout).toMatch(/0 synced, 0 still open, 0 already synced, 1 failed/);
    const later = await runCli(['sync', offlineDir, '--tracking-uri', server.url]);
    expect(later.code, later.stderr).toBe(0);
    expect(await stepsOf(mapping(later.stdout)[run.runId]!, 'm')).toEqual([0]);
  }, 120_000);
});

const noPostgres = await skipWithoutPostgres('test/sdk/offline-sync.test.ts (PostgreSQL)');

describe.skipIf(noPostgres)('`loom sync` to a server on PostgreSQL', () => {
  let db: ScratchDatabase | undefined;
  let pgServer: CliServer | undefined;
  afterAll(async () => {
    await pgServer?.dispose();
    await db?.drop();
  });

  it('completes a sync killed mid-way exactly once when run again', async () => {
    db = await createScratchDatabase();
    pgServer = await startCliServer({ backendStoreUri: db.uri });
    await killAndResume(pgServer, join(scratch, 'big-pg'));
  }, 180_000);
});
