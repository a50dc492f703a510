/**
 * `loom run` as a user meets it: real projects (folders and a real git repository) run by the real
 * CLI against a real `loom server`, with the run, its tags, params, logs and status checked through
 * the client. Validation failures must leave no run behind.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type LoomClient } from '@loom/client';
import type { RunJson } from '@loom/protocol';
import { createGitFixture } from '../../packages/core/src/projects/git-fixture';
import {
  CLI_BIN,
  REPO_ROOT,
  runCli,
  startCliServer,
  type CliOutcome,
  type CliServer,
} from '../support/cli-server';

let server: CliServer;
let client: LoomClient;
let work: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startCliServer();
  client = createClient({ baseUrl: server.url });
  work = mkdtempSync(join(tmpdir(), 'loom-run-cli-'));
  env = { MLFLOW_TRACKING_URI: server.url, LOOM_PROJECTS_CACHE: join(work, 'cache') };
});
afterAll(async () => {
  await server?.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** A project folder with these files. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const loomRun = (args: string[]): Promise<CliOutcome> =>
  runCli(['run', ...args], { cwd: work, env, timeoutMs: 120_000 });

/** The run id `loom run` announces. */
function runIdOf(out: CliOutcome): string {
  const id = /in run (\w+) \(/.exec(out.stderr)?.[1];
  expect(id, out.stderr).toBeDefined();
  return id!;
}

const tagsOf = (run: RunJson) => Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
const paramsOf = (run: RunJson) => Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));

async function artifactText(runId: string, path: string): Promise<string> {
  const res = await fetch(client.artifactDownloadUrl(runId, path));
  expect(res.status, path).toBe(200);
  return res.text();
}

async function allRunCount(): Promise<number> {
  const { experiments } = await client.searchExperiments({});
  const { runs } = await client.searchRuns({ experimentIds: experiments.map((e) => e.experiment_id) });
  return runs.length;
}

const ECHO_PROJECT = {
  MLproject: `name: echo
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      name: string
    command: "printf 'run=%s exp=%s\\\\n' \\"$MLFLOW_RUN_ID\\" \\"$MLFLOW_EXPERIMENT_ID\\"; echo alpha={alpha} name={name}; echo warn >&2"
  fail:
    command: "echo about to fail; exit 3"
  wait:
    command: "echo started; sleep 317"
`,
};

describe('loom run (local folder)', () => {
  it('creates the run with params and tags, hands it over, stores the output and finishes it', async () => {
    const dir = project('echo', ECHO_PROJECT);
    const out = await loomRun([
      dir,
      '--experiment-name',
      'projects',
      '--run-name',
      'first',
      '-P',
      "name=it's me",
      '-P',
      'extra=1',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const runId = runIdOf(out);
    const experiment = await client.getExperimentByName('projects');
    expect(out.stdout).toContain(`run=${runId} exp=${experiment.experiment_id}\n`);
    expect(out.stdout).toContain("alpha=0.5 name=it's me\n");

    const run = await client.getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.experiment_id).toBe(experiment.experiment_id);
    expect(run.info.run_name).toBe('first');
    expect(paramsOf(run)).toEqual({ alpha: '0.5', name: "it's me", extra: '1' });
    const tags = tagsOf(run);
    expect(tags).toMatchObject({
      'mlflow.source.type': 'PROJECT',
      'mlflow.source.name': dir,
      'mlflow.project.entryPoint': 'main',
      'mlflow.project.env': 'local',
      'mlflow.project.backend': 'local',
      'mlflow.runName': 'first',
    });
    expect(tags['mlflow.user']).toBeTruthy();
    expect(tags['mlflow.source.git.commit']).toBeUndefined();

    expect(await artifactText(runId, 'logs/stdout.txt')).toContain("alpha=0.5 name=it's me\n");
    // The undeclared parameter was appended to the command's last word, echo: MLflow's behaviour.
    expect(await artifactText(runId, 'logs/stderr.txt')).toBe('warn --extra 1\n');
  });

  it("exits with the command's code and marks the run FAILED", async () => {
    const dir = project('echo', ECHO_PROJECT);
    const out = await loomRun([dir, '-e', 'fail']);
    expect(out.code).toBe(3);
    const run = await client.getRun(runIdOf(out));
    expect(run.info.status).toBe('FAILED');
    expect(run.info.experiment_id).toBe('0');
    expect(await artifactText(run.info.run_id, 'logs/stdout.txt')).toBe('about to fail\n');
  });

  it('SIGTERM stops the whole process group and marks the run KILLED', async () => {
    const dir = project('echo', ECHO_PROJECT);
    const child = spawn(process.execPath, [CLI_BIN, 'run', dir, '-e', 'wait'], {
      cwd: work,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('started')) resolve();
      }),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    const runId = /in run (\w+) \(/.exec(stderr)![1]!;
    const run = await client.getRun(runId);
    expect(run.info.status).toBe('KILLED');
    expect(await artifactText(runId, 'logs/stdout.txt')).toBe('started\n');
    // No `sleep 317` of this project is left running (a distinctive duration: no other test's).
    const ps = await new Promise<string>((resolve) => {
      let text = '';
      const p = spawn('ps', ['-eo', 'args']);
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      p.on('exit', () => resolve(text));
    });
    expect(ps.split('\n').filter((l) => l.trim() === 'sleep 317')).toEqual([]);
  });

  it('--run-id takes over an existing run instead of creating one', async () => {
    const dir = project('echo', ECHO_PROJECT);
    const existing = await client.createRun({ experimentId: '0', runName: 'made-elsewhere' });
    await client.updateRun(existing.info.run_id, { status: 'FAILED' });
    const before = await allRunCount();
    const out = await loomRun([dir, '--run-id', existing.info.run_id, '-P', 'name=again']);
    expect(out.code, out.stderr).toBe(0);
    expect(runIdOf(out)).toBe(existing.info.run_id);
    expect(await allRunCount()).toBe(before);
    const run = await client.getRun(existing.info.run_id);
    expect(run.info.status).toBe('FINISHED');
    expect(paramsOf(run)).toEqual({ alpha: '0.5', name: 'again' });
    expect(tagsOf(run)['mlflow.source.type']).toBe('PROJECT');
  });

  it.each([
    [['-e', 'missing'], "Could not find entry point 'missing' among entry points 'main', 'fail', 'wait'"],
    [
      ['-P', 'name=x', '-P', 'alpha=fast'],
      "Parameter 'alpha' is of type float: expected a number, got 'fast'",
    ],
    [[], "No value given for missing parameters: 'name'"],
    [['-P', 'name=x', '--env-manager', 'pipenv'], "Unknown environment manager 'pipenv'"],
    [['-P', 'name=x', '-P', 'name=y'], "Parameter 'name' was given more than once"],
    [['-P', 'name=x', '--backend', 'kubernetes'], 'The kubernetes backend needs --backend-config'],
    [['-P', 'name=x', '--backend', 'slurm'], "Unknown backend 'slurm' (expected local or kubernetes)"],
  ])('fails before creating any run: %j', async (args, message) => {
    const dir = project('echo', ECHO_PROJECT);
    const before = await allRunCount();
    const out = await loomRun([dir, '--experiment-name', 'never-created', ...args]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`loom: ${message}`);
    expect(await allRunCount()).toBe(before);
    await expect(client.getExperimentByName('never-created')).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
  });

  it('a docker_env project without a reachable engine fails before any run, saying what to do', async () => {
    const dir = project('docker', {
      MLproject: 'docker_env:\n  image: python:3.11-slim\nentry_points:\n  main:\n    command: python -V\n',
    });
    const before = await allRunCount();
    const out = await runCli(['run', dir], {
      cwd: work,
      env: { ...env, DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` },
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /loom: This project runs in docker_env \(image python:3\.11-slim\), but no Docker engine is reachable: .*Start Docker/,
    );
    expect(await allRunCount()).toBe(before);
  });
});

describe('loom run (git)', () => {
  it('clones a file:// repository at --version into the cache, runs #subdirectory, records git tags', async () => {
    const repo = createGitFixture();
    try {
      // The Python example, committed twice with different defaults: -v must pick the tagged one.
      const sub = join(repo.dir, 'projects', 'py');
      cpSync(join(REPO_ROOT, 'examples/projects/python-stdlib'), sub, { recursive: true });
      const mlproject = readFileSync(join(sub, 'MLproject'), 'utf8');
      const v1 = repo.commit(
        { 'projects/py/MLproject': mlproject.replace('default: 30', 'default: 4') },
        'v1',
      );
      repo.git('tag', 'v1');
      repo.commit({ 'projects/py/MLproject': mlproject.replace('default: 30', 'default: 6') }, 'v2');

      const out = await loomRun([`${pathToFileURL(repo.dir).href}#projects/py`, '-v', 'v1']);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stderr).toMatch(/loom: Cloning .* at v1 in /);
      const run = await client.getRun(runIdOf(out));
      expect(run.info.status).toBe('FINISHED');
      expect(paramsOf(run).epochs).toBe('4');
      expect(tagsOf(run)).toMatchObject({
        'mlflow.source.name': repo.dir,
        'mlflow.source.git.commit': v1,
        'mlflow.source.git.repoURL': repo.dir,
        'mlflow.gitRepoURL': repo.dir,
        'mlflow.project.env': 'virtualenv',
      });
      const loss = await client.getMetricHistory({ runId: run.info.run_id, metricKey: 'loss' });
      expect(loss.metrics.map((m) => m.step)).toEqual([0, 1, 2, 3]);
    } finally {
      rmSync(repo.dir, { recursive: true, force: true });
    }
  });
});

describe('the TypeScript example from a local git repository', () => {
  it('runs from a clone outside the Loom tree: Loom lends its SDK to the node environment', async () => {
    const repo = createGitFixture();
    try {
      const sub = join(repo.dir, 'ts');
      cpSync(join(REPO_ROOT, 'examples/projects/ts-sdk'), sub, {
        recursive: true,
        filter: (src) => !src.endsWith('node_modules'),
      });
      const commit = repo.commit({}, 'ts example');
      const out = await loomRun([`${repo.dir}#ts`, '-v', 'main', '-P', 'epochs=3']);
      expect(out.code, out.stderr).toBe(0);
      const runId = runIdOf(out);
      expect(out.stdout).toContain(`trained 3 epochs in run ${runId}`);
      const run = await client.getRun(runId);
      expect(run.info.status).toBe('FINISHED');
      expect(tagsOf(run)).toMatchObject({
        'mlflow.source.git.commit': commit,
        'mlflow.source.git.branch': 'main',
      });
      const loss = await client.getMetricHistory({ runId, metricKey: 'loss' });
      expect(loss.metrics).toHaveLength(3);
    } finally {
      rmSync(repo.dir, { recursive: true, force: true });
    }
  });
});

describe('the example projects through loom run', () => {
  it('python-stdlib: a virtualenv, metrics over REST and the weights through the artifact proxy', async () => {
    const out = await loomRun([join(REPO_ROOT, 'examples/projects/python-stdlib'), '-P', 'epochs=12']);
    expect(out.code, out.stderr).toBe(0);
    const runId = runIdOf(out);
    expect(out.stdout).toMatch(new RegExp(`trained 12 epochs in run ${runId}: accuracy 0\\.9`));
    const run = await client.getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(paramsOf(run)).toEqual({ epochs: '12', learning_rate: '0.5', seed: '7' });
    expect(tagsOf(run)['mlflow.project.env']).toBe('virtualenv');
    const loss = (await client.getMetricHistory({ runId, metricKey: 'loss' })).metrics;
    expect(loss).toHaveLength(12);
    expect(Number(loss[11]!.value)).toBeLessThan(Number(loss[0]!.value));
    const weights = JSON.parse(await artifactText(runId, 'model/weights.json')) as { weights: number[] };
    expect(weights.weights).toHaveLength(2);
  });

  it('ts-sdk: the node environment, tsx, and the SDK resuming the handed-over run', async () => {
    // A copy: the node environment links node_modules into the project folder; the tree stays clean.
    const dir = join(work, 'ts-sdk-copy');
    cpSync(join(REPO_ROOT, 'examples/projects/ts-sdk'), dir, {
      recursive: true,
      filter: (src) => !src.endsWith('node_modules'),
    });
    const out = await loomRun([dir, '-P', 'epochs=9', '--run-name', 'ts']);
    expect(out.code, out.stderr).toBe(0);
    const runId = runIdOf(out);
    expect(out.stdout).toContain(`trained 9 epochs in run ${runId}`);
    const run = await client.getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.run_name).toBe('ts');
    expect(tagsOf(run)['mlflow.project.env']).toBe('node');
    const accuracy = (await client.getMetricHistory({ runId, metricKey: 'accuracy' })).metrics;
    expect(accuracy.map((m) => m.step)).toEqual([...Array(9).keys()]);
    expect(Number(accuracy[8]!.value)).toBeGreaterThan(0.9);
    const weights = JSON.parse(await artifactText(runId, 'model/weights.json')) as { weights: number[] };
    expect(weights.weights).toHaveLength(2);
  });
});
