/**
 * Start-up time of the model image's server (`npx tsx bench/model-image-start.ts`; not a test):
 * from spawning the process to the first 200 from /ping, for the linear ONNX model. Compares what
 * `loom models generate-dockerfile` ships (the esbuild bundle, plain `node serve.mjs`, run from a
 * root built by the Dockerfile emulator) with running TypeScript through tsx as a fresh container
 * would (TSX_DISABLE_CACHE=1: a new container has no tsx cache): the whole CLI (`loom models serve`)
 * and the slim entry alone. Rounds interleave the variants.
 *
 * Flags: --rounds N (7)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { saveLinearModel } from '../packages/models/src/testing/index.ts';
import { writeDockerContext } from '../packages/cli/src/commands/models-docker.ts';
import { emulateBuild, mapCommand } from '../test/support/dockerfile-emulator.ts';
import { ms, summarize, table } from './stats';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const ROUNDS = Number(flags.rounds);

/** Spawns `argv`, waits for its listening line, then for /ping; returns the elapsed milliseconds. */
async function timeToPing(argv: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /listening at (http:\/\/\S+)/.exec(out);
        if (m) done(m[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => fail(new Error(`exited with ${code}:\n${out}`)));
    });
    const res = await fetch(`${url}/ping`);
    if (res.status !== 200) throw new Error(`/ping answered ${res.status}`);
    return performance.now() - t0;
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-image-'));
try {
  const model = join(dir, 'model');
  await saveLinearModel(model);
  const context = join(dir, 'context');
  await writeDockerContext(model, context);
  const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
  const image = emulateBuild(context, join(dir, 'root'), { cacheMounts: { '/root/.npm': npmCache } });
  const cold = { TSX_DISABLE_CACHE: '1' };
  const serveArgs = ['-m', model, '-h', '127.0.0.1', '-p', '0'];
  const variants: [string, string[], Record<string, string>][] = [
    ['bundle: node serve.mjs (shipped)', mapCommand(image, image.cmd, 0), {}],
    [
      'tsx, slim entry (model-server-entry.ts)',
      [
        process.execPath,
        '--import',
        'tsx',
        join(repoRoot, 'packages/cli/src/model-server-entry.ts'),
        ...serveArgs,
      ],
      cold,
    ],
    [
      'tsx, whole CLI (loom models serve)',
      [process.execPath, join(repoRoot, 'packages/cli/bin/loom.js'), 'models', 'serve', ...serveArgs],
      cold,
    ],
  ];
  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (const [, argv, env] of variants) await timeToPing(argv, env); // warm the OS file cache
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, argv, env] of variants) samples.get(name)!.push(await timeToPing(argv, env));
  }
  const base = summarize(samples.get(variants[0]![0])!).median;
  console.log(`spawn → first /ping 200, ${ROUNDS} rounds, node ${process.versions.node}`);
  console.log(
    table(
      ['variant', 'median', 'min', 'max', '× bundle'],
      variants.map(([name]) => {
        const s = summarize(samples.get(name)!);
        return [name, ms(s.median), ms(s.min), ms(s.max), (s.median / base).toFixed(2)];
      }),
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
