/**
 * Store-copy benchmark (`npm run bench:db-migrate`; not part of the tests): what `loom db migrate`
 * does, in-process. Builds a SQLite store with ~1,000,000 metric points (written through the store's
 * logBatch, 1000 points per call), copies it to a fresh PostgreSQL database, then copies that into a
 * new SQLite file, and prints rows/s for each direction (all tables, and the metrics table alone),
 * plus the process's peak memory, which streaming keeps flat whatever the store's size.
 *
 *   --points N        metric points in all (default 1000000), spread over --runs runs (default 10)
 *   --batch-size N    rows per read and per insert (default: the copier's, 5000)
 *   --postgres URI    the server to create `loom_bench_mig_<time>` on (default postgresql://postgres@127.0.0.1:5432)
 *   --keep            keep the temp dir and the database
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  assertCountsMatch,
  copyStore,
  openStoreDriver,
  openTrackingStore,
  type CopyProgress,
  type CopyReport,
  type Metric,
} from '@loom/core';
import { int, table } from './stats';

const { values: flags } = parseArgs({
  options: {
    points: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '10' },
    'batch-size': { type: 'string' },
    postgres: { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432' },
    keep: { type: 'boolean', default: false },
  },
});
const POINTS = Number(flags.points);
const RUNS = Number(flags.runs);
const BATCH = flags['batch-size'] ? Number(flags['batch-size']) : undefined;
const say = (line: string) => console.log(line);

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${flags.postgres}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** ~POINTS metric points over RUNS runs (one key each), plus a few params and tags. */
async function buildSource(uri: string): Promise<void> {
  const store = await openTrackingStore(uri, { defaultArtifactRoot: '/artifacts' });
  try {
    const exp = await store.createExperiment({ name: 'bench', tags: [], time: Date.now() });
    const perRun = Math.ceil(POINTS / RUNS);
    for (let r = 0; r < RUNS; r++) {
      const runId = `run${String(r).padStart(29, '0')}`;
      await store.createRun({
        runId,
        experimentId: exp,
        runName: `r${r}`,
        userId: 'bench',
        startTime: r,
        tags: [],
      });
      await store.logBatch(runId, [], [{ key: 'lr', value: String(r) }], [{ key: 'kind', value: 'bench' }]);
      for (let s = 0; s < perRun; s += 1000) {
        const batch: Metric[] = [];
        for (let step = s; step < Math.min(perRun, s + 1000); step++) {
          batch.push({
            key: 'loss',
            value: Math.sin(step) / (step + 1),
            timestamp: 1_700_000_000_000 + step,
            step,
          });
        }
        await store.logBatch(runId, batch, [], []);
      }
    }
  } finally {
    await store.close();
  }
}

interface Leg {
  name: string;
  report: CopyReport;
  metricsSeconds: number;
}

/** One copy, timing the metrics table from the end of the table before it to its own end. */
async function copyLeg(name: string, from: string, to: string): Promise<Leg> {
  const source = await openStoreDriver(from, { mustExist: true });
  const target = await openStoreDriver(to);
  try {
    let last = performance.now();
    let metricsSeconds = 0;
    const onProgress = (p: CopyProgress) => {
      if (!p.finished) return;
      const now = performance.now();
      if (p.table === 'metrics') metricsSeconds = (now - last) / 1000;
      last = now;
    };
    const report = await copyStore(source, target, { batchSize: BATCH, onProgress });
    assertCountsMatch(report);
    return { name, report, metricsSeconds };
  } finally {
    await source.close();
    await target.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-mig-'));
const database = `loom_bench_mig_${Date.now()}`;
try {
  const sqlite = `sqlite:///${join(dir, 'source.db')}`;
  const back = `sqlite:///${join(dir, 'back.db')}`;
  const postgres = `${flags.postgres}/${database}`;
  let t = performance.now();
  await buildSource(sqlite);
  say(
    `built the SQLite source (${int(POINTS)} points, ${RUNS} runs) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  await admin(`CREATE DATABASE ${database}`);
  t = performance.now();
  const legs = [
    await copyLeg('SQLite → PostgreSQL', sqlite, postgres),
    await copyLeg('PostgreSQL → SQLite', postgres, back),
  ];
  const rows = legs.map((l) => {
    const metrics = l.report.tables.find((x) => x.table === 'metrics')!.targetRows;
    return [
      l.name,
      int(l.report.rows),
      `${l.report.seconds.toFixed(1)} s`,
      int(l.report.rows / l.report.seconds),
      int(metrics / l.metricsSeconds),
    ];
  });
  say(table(['copy', 'rows', 'wall (incl. checks and counts)', 'rows/s', 'metrics rows/s'], rows));
  say(
    `peak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; batch size ${BATCH ?? 5000}`,
  );
} finally {
  if (flags.keep) say(`kept ${dir} and database ${database}`);
  else {
    rmSync(dir, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  }
}
