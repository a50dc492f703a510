/**
 * `loom models generate-dockerfile` and `build-docker` as a user runs them. There is no docker engine
 * here, so the generated Dockerfile is built by emulation (test/support/dockerfile-emulator.ts: COPY,
 * RUN with the real `npm ci` against the registry through this machine's npm cache, then the CMD on a
 * free port), and the served model is checked over HTTP. What that leaves unproven (the base image's
 * files, the Linux user switch, BuildKit itself) is listed in the emulator and in docs/models.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  linearReference,
  saveLinearModel,
  saveTfjsLayersMlp,
  tfjsMlpReference,
  writeSklearnModel,
} from '@loom/models/testing';
import { REPO_ROOT, runCli } from '../support/cli-server';
import {
  emulateBuild,
  mapCommand,
  parseDockerfile,
  startContainer,
  unreadableByOthers,
  type EmulatedImage,
} from '../support/dockerfile-emulator';

let dir: string;
let context: string;
const children: ChildProcess[] = [];

/** Every file under `root`, relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

interface LockJson {
  packages: Record<string, Record<string, unknown>>;
}
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-docker-cli-'));
  await saveLinearModel(join(dir, 'linear'));
  await writeSklearnModel(join(dir, 'sklearn'));
  context = join(dir, 'context');
  const r = await runCli(['models', 'generate-dockerfile', '-m', join(dir, 'linear'), '-d', context]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`build context to ${context}`);
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the emulated container; resolves with its URL once it prints its listening line. */
function start(
  image: EmulatedImage,
  env: Record<string, string> = {},
): Promise<{ url: string; line: string; child: ChildProcess }> {
  const child = startContainer(image, 0, env);
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no listening line:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^.*listening at (http:\/\/\S+)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, line: m[0], child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
}

/** Resolves with the exit code once `child` stops after SIGTERM. */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function scoreOneRow(url: string): Promise<number> {
  const res = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataframe_split: { columns: ['a', 'b', 'c'], data: [[1, 2, 3]] } }),
  });
  expect(res.status).toBe(200);
  const { predictions } = (await res.json()) as { predictions: { y: number }[] };
  return predictions[0]!.y;
}

describe('loom models generate-dockerfile', () => {
  it('writes a Dockerfile on this Node release that installs from the lockfile and serves as a non-root user', () => {
    const ins = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
    const lines = ins.map((i) => `${i.keyword} ${i.args}`);
    expect(lines[0]).toBe(`FROM node:${process.versions.node}-slim`);
    const run = ins.filter((i) => i.keyword === 'RUN');
    expect(run).toHaveLength(1);
    expect(run[0]!.args).toMatch(/^npm ci --omit=dev --ignore-scripts /);
    expect(run[0]!.flags).toEqual({ mount: 'type=cache,target=/root/.npm' });
    expect(lines).toContain('USER node');
    expect(lines).toContain('EXPOSE 8080');
    expect(lines.find((l) => l.startsWith('LABEL'))).toContain(`dev.loom.model-uri="${join(dir, 'linear')}"`);
    expect(JSON.parse(lines.at(-1)!.slice('CMD '.length))).toEqual([
      'node',
      '/opt/loom/serve.mjs',
      '-m',
      '/opt/ml/model',
      '-h',
      '0.0.0.0',
      '-p',
      '8080',
    ]);
  });

  it('copies the model files byte for byte', () => {
    const source = join(dir, 'linear');
    const copied = filesUnder(join(context, 'model'));
    expect(copied).toEqual(filesUnder(source));
    expect(copied).toContain('model.onnx');
    for (const f of copied)
      expect(readFileSync(join(context, 'model', f)).equals(readFileSync(join(source, f)))).toBe(true);
  });

  it("ships one bundled server and a lockfile cut from Loom's own, at the same exact versions", () => {
    expect(filesUnder(join(context, 'loom'))).toEqual(['package-lock.json', 'package.json', 'serve.mjs']);
    const root = readJson<LockJson>(join(REPO_ROOT, 'package-lock.json'));
    const ortVersion = root.packages['node_modules/onnxruntime-node']!.version;
    const pkg = readJson<{ dependencies: Record<string, string> }>(join(context, 'loom', 'package.json'));
    expect(pkg.dependencies).toEqual({ 'onnxruntime-node': ortVersion });

    const lock = readJson<LockJson>(join(context, 'loom', 'package-lock.json'));
    expect(lock.packages['']).toEqual({ name: 'loom-model-server', dependencies: pkg.dependencies });
    const paths = Object.keys(lock.packages).filter(Boolean);
    expect(paths).toContain('node_modules/onnxruntime-common');
    // Nothing of the tracking server or the CLI's toolchain: no sqlite, pg, tsx or esbuild.
    expect(paths.filter((p) => /better-sqlite3|\/pg$|tsx|esbuild|@loom/.test(p))).toEqual([]);
    for (const p of paths) {
      const { dev: _d, devOptional: _o, peer: _p, ...expected } = root.packages[p]!;
      expect(lock.packages[p], p).toEqual(expected);
    }
    // The bundle imports only Node's built-ins and the locked native package.
    const bundle = readFileSync(join(context, 'loom', 'serve.mjs'), 'utf8');
    const imported = new Set([...bundle.matchAll(/^import .*? from "([^"]+)";$/gm)].map((m) => m[1]!));
    expect([...imported].filter((s) => !s.startsWith('node:') && s !== 'onnxruntime-node')).toEqual([]);
    expect(imported).toContain('onnxruntime-node');
  });

  it('bundles TF.js only into the image of a tfjs model, which serves it with onnxruntime-node alone beside it', async () => {
    const onnxBundle = readFileSync(join(context, 'loom', 'serve.mjs'), 'utf8');
    expect(onnxBundle).not.toContain('tfjs-layers v');
    expect(onnxBundle).toContain('import("@tensorflow/tfjs-core")');
    const tfjsContext = join(dir, 'context-tfjs');
    const model = await saveTfjsLayersMlp(join(dir, 'tfjs'));
    const r = await runCli(['models', 'generate-dockerfile', '-m', model, '-d', tfjsContext]);
    expect(r.code, r.stderr).toBe(0);
    const bundle = readFileSync(join(tfjsContext, 'loom', 'serve.mjs'), 'utf8');
    expect(bundle).not.toContain('import("@tensorflow/');
    expect(bundle).toContain('tfjs-layers v');
    expect(readFileSync(join(tfjsContext, 'loom', 'package.json'), 'utf8')).toBe(
      readFileSync(join(context, 'loom', 'package.json'), 'utf8'),
    );
    // What `npm ci` puts beside the bundle, and nothing else: no TF.js package to fall back on.
    const modules = join(tfjsContext, 'loom', 'node_modules');
    mkdirSync(modules);
    for (const p of ['onnxruntime-node', 'onnxruntime-common'])
      symlinkSync(join(REPO_ROOT, 'node_modules', p), join(modules, p));
    const child = spawn(process.execPath, [
      join(tfjsContext, 'loom', 'serve.mjs'),
      '-m',
      join(tfjsContext, 'model'),
      '-p',
      '0',
    ]);
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /listening at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
    const row = [5.1, 3.5, 1.4, 0.2];
    const res = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [row] }),
    });
    const { predictions } = (await res.json()) as { predictions: number[][] };
    tfjsMlpReference(row).forEach((v, k) => expect(predictions[0]![k]).toBeCloseTo(v, 5));
    expect(await stop(child)).toBe(0);
  });

  it('writes a byte-identical context for the same model', async () => {
    const again = join(dir, 'context-again');
    const r = await runCli(['models', 'generate-dockerfile', '-m', join(dir, 'linear'), '-d', again]);
    expect(r.code, r.stderr).toBe(0);
    const files = filesUnder(context);
    expect(filesUnder(again)).toEqual(files);
    for (const f of files)
      expect(readFileSync(join(again, f)).equals(readFileSync(join(context, f))), f).toBe(true);
  });

  it('builds by emulation (real npm ci) and serves: /ping, /version, /invocations, healthcheck, workers', async () => {
    const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
    const image = emulateBuild(context, join(dir, 'image-root'), { cacheMounts: { '/root/.npm': npmCache } });
    // The Node that runs the CMD here is the one the FROM line names.
    expect(image.from).toBe(`node:${process.versions.node}-slim`);
    expect(image.user).toBe('node');
    expect(image.labels['dev.loom.model-uri']).toBe(join(dir, 'linear'));
    expect(unreadableByOthers(image.root)).toEqual([]);
    const ort = join(image.root, 'opt/loom/node_modules/onnxruntime-node/bin/napi-v6');
    expect(readdirSync(ort)).toEqual(['linux']);
    expect(existsSync(join(image.root, 'root/.npm'))).toBe(false); // the cache mount left nothing

    // Same flags and defaults as `loom models serve` (one definition, models-serve.ts).
    const options = (help: string) => help.slice(help.indexOf('Options:'));
    const entryHelp = spawnSync(process.execPath, [join(image.root, 'opt/loom/serve.mjs'), '--help'], {
      encoding: 'utf8',
    });
    const cliHelp = await runCli(['models', 'serve', '--help']);
    expect(options(entryHelp.stdout)).toContain('--max-body-size');
    expect(options(entryHelp.stdout)).toBe(options(cliHelp.stdout));

    const { url, child } = await start(image);
    expect((await fetch(`${url}/ping`)).status).toBe(200);
    const version = await fetch(`${url}/version`);
    expect(version.status).toBe(200);
    expect(await version.text()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await scoreOneRow(url)).toBeCloseTo(linearReference([1, 2, 3]), 5);
    const [bin, ...args] = mapCommand(image, image.healthcheck!, Number(new URL(url).port));
    const health = spawnSync(bin!, args, { encoding: 'utf8', timeout: 10_000 });
    expect(health.status, health.stderr).toBe(0);
    expect(await stop(child)).toBe(0);

    // `docker run -e MLFLOW_MODELS_WORKERS=2`: the bundle forks itself as the CLI does.
    const workers = await start(image, { MLFLOW_MODELS_WORKERS: '2' });
    expect(workers.line).toContain('with 2 workers');
    expect(await scoreOneRow(workers.url)).toBeCloseTo(linearReference([1, 2, 3]), 5);
    expect(await stop(workers.child)).toBe(0);
  }, 120_000);

  it('refuses a non-empty directory and a model Loom cannot serve, writing nothing', async () => {
    const again = await runCli(['models', 'generate-dockerfile', '-m', join(dir, 'linear'), '-d', context]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');

    const target = join(dir, 'sklearn-context');
    const sklearn = await runCli(['models', 'generate-dockerfile', '-m', join(dir, 'sklearn'), '-d', target]);
    expect(sklearn.code).toBe(1);
    expect(sklearn.stderr).toContain('need Python');
    expect(existsSync(target)).toBe(false);
  });
});

describe('loom models build-docker', () => {
  it('says clearly that there is no docker command, and where the context is', async () => {
    const emptyPath = join(dir, 'no-bin');
    mkdirSync(emptyPath);
    const target = join(dir, 'build-context');
    const r = await runCli(
      ['models', 'build-docker', '-m', join(dir, 'linear'), '-d', target, '-n', 'linear:1'],
      {
        env: { PATH: emptyPath },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('loom: No docker engine reachable (no `docker` command on PATH)');
    expect(r.stderr).toContain(`docker build -t linear:1 ${target}`);
    expect(existsSync(join(target, 'Dockerfile'))).toBe(true);
  });

  it('says clearly that the docker client finds no engine, with the docker build command', async () => {
    // The real docker client (this machine has one and no daemon); DOCKER_HOST names a socket that
    // cannot exist, so no engine answers even where one runs.
    const target = join(dir, 'build-context-daemonless');
    const socket = join(dir, 'no-daemon.sock');
    const r = await runCli(
      ['models', 'build-docker', '-m', join(dir, 'linear'), '-d', target, '-n', 'linear:2'],
      {
        env: { DOCKER_HOST: `unix://${socket}` },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('loom: No docker engine reachable (');
    expect(r.stderr).toContain(socket);
    expect(r.stderr).toContain(`The build context is in ${target}`);
    expect(r.stderr).toContain(`docker build -t linear:2 ${target}`);
    expect(existsSync(join(target, 'loom', 'serve.mjs'))).toBe(true);
  });
});
