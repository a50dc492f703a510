/**
 * A/B of two checkouts on one database (not part of the tests): starts `loom server` from this
 * checkout ("after") and from `--before <repo root>` ("before") on the same `--backend-store-uri`,
 * and alternates their requests, so both see the same data and the same load from the rest of the
 * machine. Meant for a database the tracking bench left behind (`npm run bench -- --keep …`): it
 * needs the `bench-runs` experiment and the run holding the 100,000-point metric `loss`.
 *
 *   npx tsx bench/ab-servers.ts --before /tmp/base --backend-store-uri postgresql://…/loom_bench_<n> [--rounds 15]
 *
 * Each round sends, to each server in turn: the four searches of the tracking bench, a 100,000-point
 * get-history in one request and paged by 25,000 (client parsing each page, as there), and one
 * 1000-point log-batch (both servers to one run, steps always increasing). Prints medians per
 * server and after ÷ before.
 * `--log-batch-only` sends just the log-batch (and /health) each round: many ingest samples quickly.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { BenchClient, json } from './http';
import { ServerProcess } from './server-process';
import { ms, summarize, table } from './stats';

const API = '/api/2.0/mlflow';
const { values: flags } = parseArgs({
  options: {
    before: { type: 'string' },
    'backend-store-uri': { type: 'string' },
    rounds: { type: 'string', default: '15' },
    'log-batch-only': { type: 'boolean', default: false },
  },
});
if (!flags.before || !flags['backend-store-uri'])
  throw new Error('--before and --backend-store-uri are required');
const ROUNDS = Number(flags.rounds);
const WARMUP = 2;
const artifactDir = mkdtempSync(join(tmpdir(), 'loom-ab-'));

const sides = [
  { name: 'before', root: resolve(flags.before) },
  { name: 'after', root: resolve(dirname(fileURLToPath(import.meta.url)), '..') },
];
const servers = await Promise.all(
  sides.map((s) =>
    ServerProcess.start({ repoRoot: s.root, backendStoreUri: flags['backend-store-uri']!, artifactDir }),
  ),
);
const clients = servers.map((s) => new BenchClient(s.url));
const c0 = clients[0]!;

const parse = (b: Buffer) => JSON.parse(b.toString()) as Record<string, unknown>;
const exp = (
  parse(await c0.get(`${API}/experiments/get-by-name?experiment_name=bench-runs`)).experiment as {
    experiment_id: string;
  }
).experiment_id;
const ingestExp = (
  parse(await c0.get(`${API}/experiments/get-by-name?experiment_name=bench-ingest`)).experiment as {
    experiment_id: string;
  }
).experiment_id;
const historyRun = (
  parse(
    await c0.post(
      `${API}/runs/search`,
      json({ experiment_ids: [ingestExp], max_results: 1, filter: "attributes.run_name = 'ingest'" }),
    ),
  ).runs as {
    info: { run_id: string };
  }[]
)[0]!.info.run_id;
const historyPath = `${API}/metrics/get-history?run_id=${historyRun}&metric_key=loss`;

const searches: [string, Buffer][] = [
  ['search_runs, no filter', json({ experiment_ids: [exp], max_results: 1000 })],
  [
    'search_runs, metrics.m1 > 0.5',
    json({ experiment_ids: [exp], max_results: 1000, filter: 'metrics.m1 > 0.5' }),
  ],
  [
    "search_runs, params.p1 = 'x'",
    json({ experiment_ids: [exp], max_results: 1000, filter: "params.p1 = 'x'" }),
  ],
  [
    'search_runs, order_by metrics.m1 DESC',
    json({ experiment_ids: [exp], max_results: 1000, order_by: ['metrics.m1 DESC'] }),
  ],
];

// Both servers must answer every request with the same bytes before anything is timed.
for (const [label, body] of searches) {
  const [a, b] = await Promise.all(clients.map((c) => c.post(`${API}/runs/search`, body)));
  if (!a!.equals(b!)) throw new Error(`${label}: the two servers answer differently`);
}
const [ha, hb] = await Promise.all(clients.map((c) => c.get(historyPath)));
if (!ha!.equals(hb!)) throw new Error('get-history: the two servers answer differently');

// One run for both servers' batches, each batch's steps after all before it: every batch appends at
// the right end of the points' primary key, as in the tracking bench. (With a run per server, the
// older run's batches land inside the index and were ~12% slower whichever code served them.)
const ingestRun = (
  parse(
    await c0.post(
      `${API}/runs/create`,
      json({ experiment_id: ingestExp, run_name: 'ab', start_time: Date.now() }),
    ),
  ).run as { info: { run_id: string } }
).info.run_id;

const samples = new Map<string, number[][]>();
async function timed(label: string, side: number, fn: () => Promise<unknown>, keep: boolean) {
  const t = performance.now();
  await fn();
  if (!keep) return;
  if (!samples.has(label)) samples.set(label, [[], []]);
  samples.get(label)![side]!.push(performance.now() - t);
}

async function paged(c: BenchClient): Promise<void> {
  let token: string | undefined;
  let n = 0;
  do {
    const page = parse(
      await c.get(
        `${historyPath}&max_results=25000${token ? `&page_token=${encodeURIComponent(token)}` : ''}`,
      ),
    );
    n += (page.metrics as unknown[] | undefined)?.length ?? 0;
    token = page.next_page_token as string | undefined;
  } while (token);
  if (n !== 100_000) throw new Error(`paged get-history returned ${n} points`);
}

let step = 0;
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const keep = round >= WARMUP;
  // Alternate which server goes first, so neither always follows the other.
  const order = round % 2 === 0 ? [0, 1] : [1, 0];
  for (const side of order) {
    const c = clients[side]!;
    const metrics = Array.from({ length: 1000 }, (_, i) => ({
      key: 'loss',
      value: Math.random(),
      timestamp: 1_700_000_000_000 + step + i,
      step: step + i,
    }));
    step += 1000;
    const batch = json({ run_id: ingestRun, metrics });
    await timed('log-batch, 1000 points', side, () => c.post(`${API}/runs/log-batch`, batch), keep);
    if (flags['log-batch-only']) {
      await timed('baseline: GET /health', side, () => c.get('/health'), keep);
      continue;
    }
    for (const [label, body] of searches)
      await timed(label, side, () => c.post(`${API}/runs/search`, body), keep);
    await timed('get-history, 100,000 pts, one request', side, () => c.get(historyPath), keep);
    await timed('get-history, paged by 25,000', side, () => paged(c), keep);
    await timed('baseline: GET /health', side, () => c.get('/health'), keep);
  }
}

const rows = [...samples].map(([label, [before, after]]) => {
  const b = summarize(before!).median;
  const a = summarize(after!).median;
  return [label, ms(b), ms(a), `${(a / b).toFixed(2)}×`];
});
console.log(`\n${ROUNDS} rounds (+${WARMUP} warm-up), requests alternating between the two servers`);
console.log(table(['Measurement (median)', 'before', 'after', 'after ÷ before'], rows));
for (const c of clients) c.close();
await Promise.all(servers.map((s) => s.stop()));
