/**
 * Scoring-server benchmark (`npm run bench:scoring`; not part of the tests). Writes two small MLPs
 * built in code — ONNX (4 → 8 → 2, laid out as Python MLflow writes it) and TF.js (a tfjs-layers
 * 4 → 8 → 3 softmax, on the pure-JS cpu backend) — serves each with the real `loom models serve` CLI
 * in its own process, and posts `{"inputs": [[…4 floats…]]}` — one row per request — to /invocations
 * with 1 and 32 requests in flight, against GET /ping as the HTTP floor. Each model × configuration
 * (batching on/off, 1 or 2 workers) gets its own server, all started up front; rounds interleave them.
 *
 * Flags: --requests N per measurement (10000)  --warmup N (1000)  --rounds N (3)
 *        --configs default,no-batching,workers-2  --models onnx,tfjs
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { saveTfjsLayersMlp, writePythonOnnxModel } from '../packages/models/src/testing/index.ts';
import { BenchClient, json } from './http';
import { int, markdownTable, ms, summarize, table } from './stats';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    configs: { type: 'string', default: 'default,no-batching,workers-2' },
    models: { type: 'string', default: 'onnx,tfjs' },
  },
});
const REQUESTS = Number(flags.requests);
const WARMUP = Number(flags.warmup);
const ROUNDS = Number(flags.rounds);
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
  latencies: number[];
}

/** `total` requests spread over `concurrency` sequential chains; latency per request, rate overall. */
async function load(send: () => Promise<unknown>, total: number, concurrency: number): Promise<Result> {
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
  return { rps: (total / wall) * 1000, latencies };
}

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-scoring-'));
/** Per model: how to write it, and the width of the one row it answers for one row in. */
const MODELS: Record<
  string,
  { write(dir: string): Promise<string>; width(answer: unknown): number; want: number }
> = {
  onnx: { write: writePythonOnnxModel, width: (a) => (a as { y: number[][] }).y[0]?.length ?? 0, want: 2 },
  tfjs: { write: saveTfjsLayersMlp, width: (a) => (a as number[][])[0]?.length ?? 0, want: 3 },
};
const body = json({ inputs: [[5.1, 3.5, 1.4, 0.2]] });
const names = flags.models
  .split(',')
  .flatMap((model) => flags.configs.split(',').map((c) => `${model}/${c}`));
// Every configuration is started up front and the rounds interleave them, so the machine's drift
// (other work on the same cores) spreads over all of them instead of favouring whichever ran first.
const servers = new Map<string, { url: string; child: ChildProcess }>();
/** Per config, request and concurrency: req/s of each round, latencies of all rounds. */
const results = new Map<string, { rps: number[]; latencies: number[]; vsPing: number[] }>();
try {
  const modelDirs = new Map<string, string>();
  for (const name of names) {
    const [model, config] = name.split('/') as [string, string];
    const extra = CONFIGS[config];
    if (!extra) throw new Error(`unknown config ${config}; known: ${Object.keys(CONFIGS).join(', ')}`);
    const spec = MODELS[model];
    if (!spec) throw new Error(`unknown model ${model}; known: ${Object.keys(MODELS).join(', ')}`);
    if (!modelDirs.has(model)) modelDirs.set(model, await spec.write(join(dir, model)));
    const server = await startScorer(modelDirs.get(model)!, extra);
    servers.set(name, server);
    const answer = JSON.parse((await new BenchClient(server.url).post('/invocations', body)).toString()) as {
      predictions: unknown;
    };
    if (spec.width(answer.predictions) !== spec.want) {
      throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
    }
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of names) {
      for (const concurrency of [1, 32]) {
        const client = new BenchClient(servers.get(name)!.url, concurrency);
        const ping = () => client.get('/ping');
        const invoke = () => client.post('/invocations', body);
        await load(invoke, WARMUP, concurrency);
        const floor = await load(ping, REQUESTS, concurrency);
        const scored = await load(invoke, REQUESTS, concurrency);
        client.close();
        for (const [what, r] of [
          ['GET /ping', floor],
          ['POST /invocations', scored],
        ] as const) {
          const key = `${name}|${what}|${concurrency}`;
          const acc = results.get(key) ?? { rps: [], latencies: [], vsPing: [] };
          acc.rps.push(r.rps);
          acc.latencies.push(...r.latencies);
          acc.vsPing.push(r.rps / floor.rps);
          results.set(key, acc);
        }
        console.log(
          `round ${round} ${name} c=${concurrency}: /ping ${int(floor.rps)} req/s, /invocations ${int(scored.rps)} req/s`,
        );
      }
    }
  }
} finally {
  for (const { child } of servers.values()) await stop(child);
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => summarize(xs).median;
const rows = [...results.entries()].map(([key, r]) => {
  const [name, what, concurrency] = key.split('|') as [string, string, string];
  const lat = summarize(r.latencies);
  const ratio = what === 'GET /ping' ? '1.00' : median(r.vsPing).toFixed(2);
  return [name, what, concurrency, int(median(r.rps)), ratio, ms(lat.median), ms(lat.p99)];
});
const header = ['model/config', 'request', 'in flight', 'req/s (median of rounds)', '÷ /ping', 'p50', 'p99'];
console.log(`\n${table(header, rows)}\n\n${markdownTable(header, rows)}`);
