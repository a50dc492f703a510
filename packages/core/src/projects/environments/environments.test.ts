/** Every environment manager against the real tools on this machine (python3, npm, docker CLI). */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject, parseMlproject, type Project } from '../mlproject';
import {
  chooseEnvironment,
  dockerOptions,
  dockerRunArgs,
  parsePythonEnv,
  type EnvironmentContext,
  type Launch,
} from './index';

const cacheDir = mkdtempSync(join(tmpdir(), 'loom-envs-'));
let projectDir: string;
beforeEach(() => {
  projectDir = mkdtempSync(join(tmpdir(), 'loom-envproj-'));
});
afterEach(() => rmSync(projectDir, { recursive: true, force: true }));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function context(project: Project, lines: string[] = []): EnvironmentContext {
  return {
    project,
    projectDir,
    cacheDir,
    baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, SECRET_FOR_TEST: 's3cret' },
    extraPath: ['/opt/loom-tools'],
    lentPackages: {},
    buildImage: false,
    dockerArgs: [],
    progress: (line) => lines.push(line),
  };
}

/** Runs a prepared launch to its end and answers its stdout. */
function run(launch: Launch): string {
  return execFileSync(launch.file, launch.args, { cwd: launch.cwd, env: launch.env, encoding: 'utf8' });
}

describe('local', () => {
  it('runs bash -c in the project folder with the run variables and Loom tools last on PATH', async () => {
    const project = parseMlproject('');
    const prepared = await chooseEnvironment(project).prepare(context(project));
    expect(prepared.name).toBe('local');
    const launch = prepared.launch('pwd; echo "$MLFLOW_RUN_ID"; echo "$PATH"', { MLFLOW_RUN_ID: 'r1' });
    const [pwd, runId, path] = run(launch).trim().split('\n');
    expect(pwd).toBe(projectDir);
    expect(runId).toBe('r1');
    expect(path!.endsWith(':/opt/loom-tools')).toBe(true);
  });
});

describe('virtualenv', () => {
  it('creates a venv from an empty spec, runs in it, and reuses it the second time', async () => {
    writeFileSync(join(projectDir, 'python_env.yaml'), 'build_dependencies: []\ndependencies: []\n');
    const project = loadProject(projectDir);
    const lines: string[] = [];
    const started = Date.now();
    const first = await chooseEnvironment(project).prepare(context(project, lines));
    const createMs = Date.now() - started;
    expect(first.name).toBe('virtualenv');
    expect(lines.at(-1)).toMatch(/^Created virtualenv /);
    const prefix = run(first.launch('python -c "import sys; print(sys.prefix)"', {})).trim();
    expect(prefix.startsWith(join(cacheDir, 'virtualenv')), prefix).toBe(true);

    const readyAt = statSync(join(prefix, '.loom-ready')).mtimeMs;
    const again = Date.now();
    const second = await chooseEnvironment(project).prepare(context(project, lines));
    const reuseMs = Date.now() - again;
    expect(lines.at(-1)).toBe(`Using cached virtualenv ${prefix}`);
    expect(run(second.launch('python -c "import sys; print(sys.prefix)"', {})).trim()).toBe(prefix);
    // Reused, not rebuilt: the marker written when the venv was finished is the same file.
    expect(statSync(join(prefix, '.loom-ready')).mtimeMs).toBe(readyAt);
    console.log(`virtualenv: created in ${createMs} ms, reused in ${reuseMs} ms`);
  }, 120_000);

  it('says which Python is missing', async () => {
    writeFileSync(join(projectDir, 'python_env.yaml'), 'python: "2.6"\ndependencies: []\n');
    const project = loadProject(projectDir);
    await expect(chooseEnvironment(project).prepare(context(project))).rejects.toThrow(
      /python_env.yaml asks for Python 2\.6, which is not installed \(.*python3 is 3\./,
    );
  });

  it('parses python_env.yaml and rejects malformed lists', () => {
    expect(parsePythonEnv('python: 3.11\nbuild_dependencies: [pip]\ndependencies: [numpy==2.0]\n')).toEqual({
      python: '3.11',
      buildDependencies: ['pip'],
      dependencies: ['numpy==2.0'],
    });
    expect(() => parsePythonEnv('dependencies: numpy\n')).toThrow(
      'python_env.yaml: dependencies: expected a list of requirement strings',
    );
  });
});

describe('node', () => {
  it('installs with npm ci into a cache keyed by the lockfile and links it as node_modules', async () => {
    writeFileSync(join(projectDir, 'MLproject'), 'node_env: package.json\n');
    // A local dependency: npm ci needs no registry for it.
    const lib = mkdtempSync(join(tmpdir(), 'loom-locallib-'));
    writeFileSync(join(lib, 'package.json'), '{"name":"local-lib","version":"1.0.0","main":"index.js"}');
    writeFileSync(join(lib, 'index.js'), 'module.exports = "from local-lib";');
    writeFileSync(
      join(projectDir, 'package.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', dependencies: { 'local-lib': `file:${lib}` } }),
    );
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: projectDir });
    // A package Loom lends (its SDK, in `loom run`) when the project does not install it.
    const sdk = mkdtempSync(join(tmpdir(), 'loom-lent-'));
    writeFileSync(join(sdk, 'package.json'), '{"name":"lent-sdk","version":"1.0.0","main":"index.js"}');
    writeFileSync(join(sdk, 'index.js'), 'module.exports = "lent by loom";');
    const project = loadProject(projectDir);
    const lines: string[] = [];
    const ctx = { ...context(project, lines), lentPackages: { 'lent-sdk': sdk } };
    const prepared = await chooseEnvironment(project).prepare(ctx);
    expect(prepared.name).toBe('node');
    expect(run(prepared.launch(`node -e 'console.log(require("lent-sdk"))'`, {})).trim()).toBe(
      'lent by loom',
    );
    expect(lines.at(-1)).toMatch(/^Installed node_modules in /);
    const link = join(projectDir, 'node_modules');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link).startsWith(join(cacheDir, 'node'))).toBe(true);
    expect(run(prepared.launch(`node -e 'console.log(require("local-lib"))'`, {})).trim()).toBe(
      'from local-lib',
    );

    await chooseEnvironment(project).prepare(ctx);
    expect(lines.at(-1)).toMatch(/^Using cached node_modules /);
    rmSync(lib, { recursive: true, force: true });
    rmSync(sdk, { recursive: true, force: true });
  }, 120_000);

  it('asks for a lockfile', async () => {
    writeFileSync(join(projectDir, 'MLproject'), 'node_env: package.json\n');
    writeFileSync(join(projectDir, 'package.json'), '{"name":"p"}');
    const project = loadProject(projectDir);
    await expect(chooseEnvironment(project).prepare(context(project))).rejects.toThrow(
      /The node environment installs with `npm ci`, which needs .*package-lock.json/,
    );
  });
});

describe('docker', () => {
  const dockerProject = parseMlproject(`docker_env:
  image: python:3.11-slim
  volumes: ["./data:/data", "/abs:/abs:ro"]
  environment: [SECRET_FOR_TEST, ["MODE", "fast mode"]]
`);

  it('renders docker run with the project mount, volumes, copied and set variables, and the run variables', () => {
    const args = dockerRunArgs({
      image: 'python:3.11-slim',
      env: dockerProject.env as Extract<Project['env'], { kind: 'docker' }>,
      projectDir: '/work/p',
      mountProject: true,
      baseEnv: { SECRET_FOR_TEST: 's3cret', AWS_ACCESS_KEY_ID: 'AKIA', UNRELATED: 'x' },
      runEnv: { MLFLOW_RUN_ID: 'r1', MLFLOW_TRACKING_URI: 'http://h:5000', MLFLOW_EXPERIMENT_ID: '3' },
      command: "python train.py --name 'a b'",
    });
    expect(args).toEqual([
      'run',
      '--rm',
      '-v',
      '/work/p:/mlflow/projects/code',
      '-v',
      '/work/p/data:/data',
      '-v',
      '/abs:/abs:ro',
      '-e',
      'AWS_ACCESS_KEY_ID=AKIA',
      '-e',
      'SECRET_FOR_TEST=s3cret',
      '-e',
      'MODE=fast mode',
      '-e',
      'MLFLOW_RUN_ID=r1',
      '-e',
      'MLFLOW_TRACKING_URI=http://h:5000',
      '-e',
      'MLFLOW_EXPERIMENT_ID=3',
      '-w',
      '/mlflow/projects/code',
      'python:3.11-slim',
      'bash',
      '-c',
      "python train.py --name 'a b'",
    ]);
  });

  it('turns -A name[=value] into docker run options, as MLflow does', () => {
    expect(dockerOptions(['gpus=all', 'network=host', 't', 'privileged'])).toEqual([
      '--gpus',
      'all',
      '--network',
      'host',
      '-t',
      '--privileged',
    ]);
    const args = dockerRunArgs({
      image: 'img',
      env: { kind: 'docker', image: 'img', volumes: [], environment: [] },
      projectDir: '/p',
      mountProject: false,
      baseEnv: {},
      runEnv: {},
      command: 'true',
      dockerArgs: ['network=host'],
    });
    expect(args).toEqual([
      'run',
      '--rm',
      '--network',
      'host',
      '-w',
      '/mlflow/projects/code',
      'img',
      'bash',
      '-c',
      'true',
    ]);
    expect(() => dockerOptions(['--rm'])).toThrow("Docker argument '--rm' must look like name or name=value");
  });

  it('fails before any run with what to do when no Docker engine answers', async () => {
    // This machine has the docker CLI but no daemon; point it at a socket nobody serves to be sure.
    const ctx = context(dockerProject);
    ctx.baseEnv = { ...ctx.baseEnv, DOCKER_HOST: `unix://${join(projectDir, 'no-docker.sock')}` };
    const err = await chooseEnvironment(dockerProject)
      .prepare(ctx)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.message).toMatch(
      /^This project runs in docker_env \(image python:3\.11-slim\), but no Docker engine is reachable: .+\. Start Docker \(or set DOCKER_HOST\), or run with --env-manager local/,
    );
  });
});

describe('conda', () => {
  it('needs conda on PATH and says so', async () => {
    writeFileSync(join(projectDir, 'conda.yaml'), 'name: x\ndependencies: []\n');
    const project = loadProject(projectDir);
    const ctx = context(project);
    ctx.baseEnv = { ...ctx.baseEnv, PATH: '/nonexistent' };
    await expect(chooseEnvironment(project).prepare(ctx)).rejects.toThrow(
      'This project uses conda_env (conda.yaml), but `conda` was not found: install Miniconda',
    );
  });
});

describe('chooseEnvironment', () => {
  it('defaults from the declaration and checks --env-manager against it', () => {
    const python = parseMlproject('python_env: python_env.yaml\n');
    expect(chooseEnvironment(python).name).toBe('virtualenv');
    expect(chooseEnvironment(python, 'local').name).toBe('local');
    expect(() => chooseEnvironment(python, 'conda')).toThrow(
      '--env-manager conda cannot run a project that declares python_env; use --env-manager virtualenv (its default) or local',
    );
    expect(() => chooseEnvironment(python, 'pipenv')).toThrow(
      "Unknown environment manager 'pipenv' (expected one of local, virtualenv, conda, docker, node)",
    );
    expect(chooseEnvironment(parseMlproject('')).name).toBe('local');
    expect(chooseEnvironment(parseMlproject(''), 'node').name).toBe('node');
    expect(existsSync(cacheDir)).toBe(true);
  });
});
