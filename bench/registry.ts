/**
 * Model Registry benchmark (`npm run bench:registry`; not part of the tests). Starts the real
 * `loom server` CLI in its own process, registers MODELS × VERSIONS model versions over HTTP (each with
 * a run and two tags), then times search_model_versions and search_registered_models the way clients
 * call them, against the GET /health round trip of the same run.
 *
 * Flags: --models N (100)  --versions N per model (100)  --keep
 *        --backend-store-uri postgresql://user@host:5432   a fresh database on that server
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { benchBackend } from './backend';
import { BenchClient, json } from './http';
import { ServerProcess } from './server-process';
import { int, ms, summarize, table, type Summary } from './stats';

const API = '/api/2.0/mlflow';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    models: { type: 'string', default: '100' },
    versions: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
    'backend-store-uri': { type: 'string' },
  },
});
const MODELS = Number(flags.models);
const VERSIONS = Number(flags.versions);
const CONCURRENCY = 4;
const WARMUP = 3;
const REPS = 20;

const say = (line: string) => console.log(line);
const modelName = (i: number) => `model-${String(i).padStart(4, '0')}`;

async function inParallel(total: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

/** Registers the versions; returns one run id per model (the versions of model i link to run i). */
async function seed(c: BenchClient): Promise<string[]> {
  const started = performance.now();
  const exp = JSON.parse(
    (await c.post(`${API}/experiments/create`, json({ name: 'registry-bench' }))).toString(),
  ) as { experiment_id: string };
  const runIds: string[] = [];
  for (let m = 0; m < MODELS; m++) {
    const run = JSON.parse(
      (await c.post(`${API}/runs/create`, json({ experiment_id: exp.experiment_id }))).toString(),
    ) as { run: { info: { run_id: string } } };
    runIds.push(run.run.info.run_id);
    await c.post(`${API}/registered-models/create`, json({ name: modelName(m) }));
  }
  const total = MODELS * VERSIONS;
  let done = 0;
  await inParallel(total, CONCURRENCY, async (i) => {
    const m = i % MODELS;
    await c.post(
      `${API}/model-versions/create`,
      json({
        name: modelName(m),
        source: `runs:/${runIds[m]}/model`,
        run_id: runIds[m],
        tags: [
          { key: 'team', value: `team-${i % 7}` },
          { key: 'validated', value: i % 10 === 0 ? 'true' : 'false' },
        ],
      }),
    );
    if (++done % 2000 === 0) say(`  registered ${int(done)} / ${int(total)} versions`);
  });
  const seconds = (performance.now() - started) / 1000;
  say(`seeded ${int(total)} versions of ${MODELS} models in ${seconds.toFixed(1)} s`);
  return runIds;
}

interface Case {
  name: string;
  path: string;
  /** Checks the answer once, before timing. */
  expect: (body: { model_versions?: unknown[]; registered_models?: unknown[] }) => boolean;
}

async function time(c: BenchClient, path: string): Promise<number> {
  const t = performance.now();
  await c.get(path);
  return performance.now() - t;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'loom-bench-registry-'));
  const backend = benchBackend(flags['backend-store-uri'], tmp, flags.keep);
  await backend.create();
  const server = await ServerProcess.start({
    repoRoot,
    backendStoreUri: backend.uri,
    artifactDir: join(tmp, 'artifacts'),
  });
  const c = new BenchClient(server.url, 8);
  say(`Loom registry benchmark — ${new Date().toISOString()}; ${backend.label}; server ${server.url}`);
  try {
    const runIds = await seed(c);
    const q = (filter: string, extra = '') =>
      `${API}/model-versions/search?filter=${encodeURIComponent(filter)}${extra}`;
    const total = MODELS * VERSIONS;
    const count = (n: number) => (b: { model_versions?: unknown[] }) => (b.model_versions ?? []).length === n;
    const cases: Case[] = [
      {
        name: `name = one model (${VERSIONS} versions)`,
        path: q(`name = '${modelName(42 % MODELS)}'`),
        expect: count(VERSIONS),
      },
      {
        name: `run_id = one run (${VERSIONS})`,
        path: q(`run_id = '${runIds[7 % MODELS]}'`),
        expect: count(VERSIONS),
      },
      {
        name: `tag filter, max_results 100`,
        path: q(`tags.team = 'team-3'`, '&max_results=100'),
        expect: count(100),
      },
      {
        name: `name LIKE, max_results 100`,
        path: q(`name LIKE 'model-00%'`, '&max_results=100'),
        expect: count(100),
      },
      {
        name: 'no filter, max_results 100',
        path: `${API}/model-versions/search?max_results=100`,
        expect: count(100),
      },
      {
        name: `no filter, all ${int(total)}`,
        path: `${API}/model-versions/search?max_results=${total}`,
        expect: count(total),
      },
      {
        name: 'registered models, max_results 100',
        path: `${API}/registered-models/search?max_results=100`,
        expect: (b) => (b.registered_models ?? []).length === Math.min(100, MODELS),
      },
    ];
    for (const k of cases) {
      const body = JSON.parse((await c.get(k.path)).toString()) as Parameters<Case['expect']>[0];
      if (!k.expect(body)) throw new Error(`unexpected answer for ${k.name}`);
    }
    const health: number[] = [];
    const samples = cases.map(() => [] as number[]);
    for (let rep = 0; rep < WARMUP + REPS; rep++) {
      const h = await time(c, '/health');
      if (rep >= WARMUP) health.push(h);
      for (let i = 0; i < cases.length; i++) {
        const t = await time(c, cases[i]!.path);
        if (rep >= WARMUP) samples[i]!.push(t);
      }
    }
    const floor: Summary = summarize(health);
    const rows = cases.map((k, i) => {
      const s = summarize(samples[i]!);
      return [k.name, ms(s.median), ms(s.p90), `${(s.median / floor.median).toFixed(0)}×`];
    });
    rows.unshift(['GET /health (floor)', ms(floor.median), ms(floor.p90), '1×']);
    say('');
    say(table(['search', 'median', 'p90', '× /health'], rows));
    say(`\n${REPS} measured rounds after ${WARMUP} warm-up, the searches interleaved within each round.`);
  } finally {
    c.close();
    await server.stop();
    await backend.drop();
    if (!flags.keep) rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
