/**
 * Scoring-server benchmark (`npm run bench:scoring`; not part of the tests). Writes the small MLP
 * (4 → 8 → 2, built in code) as Python MLflow lays out an ONNX model, serves it with the real
 * `loom models serve` CLI in its own process, and posts `{"inputs": [[…4 floats…]]}` — one row per
 * request — to /invocations with 1 and 32 requests in flight, against GET /ping as the HTTP floor.
 * Each configuration (batching on/off, 1 or 2 workers) gets a fresh server.
 *
 * Flags: --requests N per measurement (20000)  --warmup N (2000)  --configs default,no-batching,workers-2
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { writePythonOnnxModel } from '../packages/models/src/testing/index.ts';
import { BenchClient, json } from './http';
import { int, markdownTable, ms, summarize, table } from './stats';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
    configs: { type: 'string', default: 'default,no-batching,workers-2' },
  },
});
const REQUESTS = Number(flags.requests);
const WARMUP = Number(flags.warmup);
const CONFIGS: Record<string, string[]> = {
  default: [],
  'no-batching': ['--no-batching'],
  'workers-2': ['--workers', '2'],
};

/** Starts `loom models serve` and resolves with its URL once it prints its listening line. */
function startScorer(modelDir: string, extra: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'packages/cli/bin/loom.js'), 'models', 'serve', '-m', modelDir, '-p', '0', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  return new Promise((ok, fail) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening at (http:\/\/\S+)/.exec(out);
      if (m) ok({ url: m[1]!, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`scorer exited with ${code}:\n${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
}

/** `total` requests spread over `concurrency` sequential chains; latency per request, rate overall. */
async function load(
  client: BenchClient,
  send: () => Promise<unknown>,
  total: number,
  concurrency: number,
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const chain = async () => {
    while (next++ < total) {
      const t0 = performance.now();
      await send();
      latencies.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, chain));
  const wall = performance.now() - t0;
  const s = summarize(latencies);
  return { rps: (total / wall) * 1000, p50: s.median, p99: s.p99 };
}

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-scoring-'));
const modelDir = await writePythonOnnxModel(join(dir, 'mlp'));
const body = json({ inputs: [[5.1, 3.5, 1.4, 0.2]] });
const rows: string[][] = [];
try {
  for (const name of flags.configs.split(',')) {
    const extra = CONFIGS[name];
    if (!extra) throw new Error(`unknown config ${name}; known: ${Object.keys(CONFIGS).join(', ')}`);
    const { url, child } = await startScorer(modelDir, extra);
    const answer = JSON.parse((await new BenchClient(url).post('/invocations', body)).toString()) as {
      predictions: { y: number[][] };
    };
    if (answer.predictions.y[0]?.length !== 2) throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
    for (const concurrency of [1, 32]) {
      const client = new BenchClient(url, concurrency);
      const ping = () => client.get('/ping');
      const invoke = () => client.post('/invocations', body);
      await load(client, invoke, WARMUP, concurrency);
      for (const [what, send] of [
        ['GET /ping', ping],
        ['POST /invocations', invoke],
      ] as const) {
        const r = await load(client, send, REQUESTS, concurrency);
        rows.push([name, what, String(concurrency), int(r.rps), ms(r.p50), ms(r.p99)]);
        console.log(
          `${name} ${what} c=${concurrency}: ${int(r.rps)} req/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`,
        );
      }
      client.close();
    }
    await stop(child);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const header = ['config', 'request', 'in flight', 'req/s', 'p50', 'p99'];
console.log(`\n${table(header, rows)}\n\n${markdownTable(header, rows)}`);
