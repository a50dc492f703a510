/**
 * `loom models generate-dockerfile` and `build-docker` as a user runs them. There is no docker engine
 * here, so the generated context is checked file by file and its entry command is run locally against
 * the copied model; `build-docker` must say plainly that no engine is reachable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearReference, saveLinearModel, writeSklearnModel } from '@loom/models/testing';
import { CLI_BIN, runCli } from '../support/cli-server';

let dir: string;
let context: string;
const children: ChildProcess[] = [];

/** Every file under `root`, relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

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

/** The exec-form CMD of the generated Dockerfile. */
function entryCommand(): string[] {
  const line = readFileSync(join(context, 'Dockerfile'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('CMD '));
  return JSON.parse(line!.slice(4)) as string[];
}

describe('loom models generate-dockerfile', () => {
  it('writes a Dockerfile on node:20-slim that copies Loom and the model and serves on 8080', () => {
    const text = readFileSync(join(context, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^FROM node:20-slim$/m);
    expect(text).toMatch(/^COPY loom\/ \/opt\/loom\/$/m);
    expect(text).toMatch(/^RUN npm install --omit=dev/m);
    expect(text).toMatch(/^COPY model\/ \/opt\/ml\/model\/$/m);
    expect(text).toMatch(/^EXPOSE 8080$/m);
    expect(entryCommand()).toEqual([
      'loom',
      'models',
      'serve',
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
    const copied = filesUnder(join(context, 'model')).sort();
    expect(copied).toEqual(filesUnder(source).sort());
    expect(copied).toContain('model.onnx');
    for (const f of copied)
      expect(readFileSync(join(context, 'model', f)).equals(readFileSync(join(source, f)))).toBe(true);
  });

  it('carries every Loom package the CLI depends on, sources without tests, under a minimal package.json', () => {
    const root = JSON.parse(readFileSync(join(context, 'loom', 'package.json'), 'utf8')) as {
      workspaces: string[];
      dependencies?: unknown;
    };
    expect(root.dependencies).toBeUndefined();
    expect(root.workspaces).toContain('packages/cli');
    expect(existsSync(join(context, 'loom', 'packages', 'cli', 'bin', 'loom.js'))).toBe(true);
    const shipped = new Set<string>();
    for (const ws of root.workspaces) {
      const pkg = JSON.parse(readFileSync(join(context, 'loom', ws, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      shipped.add(pkg.name);
      const files = filesUnder(join(context, 'loom', ws));
      expect(files.some((f) => f.startsWith('src/'))).toBe(true);
      expect(files.filter((f) => /\.test\.tsx?$/.test(f) || f.includes('node_modules'))).toEqual([]);
    }
    for (const ws of root.workspaces) {
      const pkg = JSON.parse(readFileSync(join(context, 'loom', ws, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      for (const dep of Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@loom/')))
        expect(shipped, `${ws} needs ${dep}`).toContain(dep);
    }
  });

  it("runs the image's entry command locally against the copied model: /ping and /invocations answer", async () => {
    const [bin, ...args] = entryCommand();
    expect(bin).toBe('loom');
    const local = args.map((a) =>
      a === '/opt/ml/model' ? join(context, 'model') : a === '8080' ? '0' : a === '0.0.0.0' ? '127.0.0.1' : a,
    );
    const child = spawn(process.execPath, [CLI_BIN, ...local], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${out}`)), 60_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /listening at (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
    const ping = await fetch(`${url}/ping`);
    expect(ping.status).toBe(200);
    const res = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_split: { columns: ['a', 'b', 'c'], data: [[1, 2, 3]] } }),
    });
    const { predictions } = (await res.json()) as { predictions: { y: number }[] };
    expect(predictions[0]!.y).toBeCloseTo(linearReference([1, 2, 3]), 5);
    child.kill('SIGTERM');
  });

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
  it('says clearly that no docker engine is reachable, and where the context is', async () => {
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
});
