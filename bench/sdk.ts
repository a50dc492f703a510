/**
 * SDK benchmark (`npm run bench:sdk`; not part of the tests): how much the fluent API's batching adds
 * to the server's own ingest time. Against the real `loom server` CLI in its own process:
 *   - baseline: POINTS metric points sent as pre-built 1000-point log-batch requests, one at a time,
 *     over a keep-alive node:http agent (the server's ingest speed);
 *   - SDK: the same number of `run.logMetric()` calls through `@loom/client/tracking`, then `end()`
 *     (queueing, JSON encoding, fetch, retries included).
 * Alternates the two ROUNDS times and reports medians and the ratio.
 *
 * Flags: --points N (1,000,000)  --rounds N (3)  --backend-store-uri postgresql://user@host:5432
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Tracking } from '@loom/client/tracking';
import { benchBackend } from './backend';
import { BenchClient, json } from './http';
import { ServerProcess } from './server-process';
import { int, summarize, table } from './stats';

const API = '/api/2.0/mlflow';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    points: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    'backend-store-uri': { type: 'string' },
  },
});
const POINTS = Number(flags.points);
const ROUNDS = Number(flags.rounds);
const BATCH = 1000;
const say = (line: string) => console.log(line);

async function newRun(c: BenchClient): Promise<string> {
  const res = JSON.parse((await c.post(`${API}/runs/create`, json({ experiment_id: '0' }))).toString()) as {
    run: { info: { run_id: string } };
  };
  return res.run.info.run_id;
}

/** Seconds to ingest POINTS as pre-built batches, sequentially. */
async function baseline(c: BenchClient): Promise<number> {
  const runId = await newRun(c);
  const t0 = 1_700_000_000_000;
  const bodies: Buffer[] = [];
  for (let start = 0; start < POINTS; start += BATCH) {
    const metrics = [];
    for (let step = start; step < start + BATCH; step++) {
      metrics.push({ key: 'loss', value: Math.sin(step), timestamp: t0 + step, step });
    }
    bodies.push(json({ run_id: runId, metrics }));
  }
  const started = performance.now();
  for (const body of bodies) await c.post(`${API}/runs/log-batch`, body);
  return (performance.now() - started) / 1000;
}

/** Seconds from the first logMetric to the end of `end()` through the fluent API. */
async function sdk(url: string): Promise<number> {
  const loom = new Tracking({ env: { trackingUri: url }, endRunsOnExit: false });
  const run = await loom.startRun();
  const t0 = 1_700_000_000_000;
  const started = performance.now();
  for (let step = 0; step < POINTS; step++) {
    run.logMetric('loss', Math.sin(step), { step, timestamp: t0 + step });
    // A training loop yields now and then; so does this one, every 10,000 points.
    if (step % 10_000 === 9_999) await new Promise((r) => setImmediate(r));
  }
  await run.end();
  if (run.progress.acknowledged !== POINTS)
    throw new Error(`only ${run.progress.acknowledged} points arrived`);
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'loom-bench-sdk-'));
  const backend = benchBackend(flags['backend-store-uri'], tmp, false);
  await backend.create();
  const server = await ServerProcess.start({
    repoRoot,
    backendStoreUri: backend.uri,
    artifactDir: join(tmp, 'artifacts'),
  });
  const c = new BenchClient(server.url, 4);
  say(
    `Loom SDK benchmark — ${new Date().toISOString()}; ${backend.label}; ${int(POINTS)} points × ${ROUNDS} rounds`,
  );
  try {
    const base: number[] = [];
    const fluent: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      base.push(await baseline(c));
      fluent.push(await sdk(server.url));
      say(`  round ${round + 1}: baseline ${base[round]!.toFixed(2)} s, SDK ${fluent[round]!.toFixed(2)} s`);
    }
    const b = summarize(base).median;
    const s = summarize(fluent).median;
    say('');
    say(
      table(
        ['path', 'median s', 'points/s', 'vs baseline'],
        [
          ['pre-built log-batch, sequential', b.toFixed(2), int(POINTS / b), '1.00×'],
          ['fluent API logMetric + end()', s.toFixed(2), int(POINTS / s), `${(s / b).toFixed(2)}×`],
        ],
      ),
    );
  } finally {
    c.close();
    await server.stop();
    await backend.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
