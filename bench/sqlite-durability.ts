/**
 * What SQLite's `synchronous=FULL` costs over `NORMAL` (WAL mode) on this machine: store-level
 * log-batch throughput and single-point commit latency, measured back to back in one run.
 * Usage: npx tsx bench/sqlite-durability.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDriver, SqlTrackingStore, TrackingService } from '@loom/core';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function measure(mode: 'NORMAL' | 'FULL') {
  const dir = mkdtempSync(join(tmpdir(), 'loom-durability-'));
  const store = await SqlTrackingStore.open(new SqliteDriver(join(dir, 'db.sqlite'), { synchronous: mode }), {
    defaultArtifactRoot: dir,
  });
  const tracking = new TrackingService(store);
  const run = await tracking.createRun({ experimentId: '0' });
  const runId = run.info.runId;
  const started = performance.now();
  for (let b = 0; b < 100; b++) {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({
      key: 'm',
      value: Math.random(),
      timestamp: b,
      step: b * 1000 + i,
    }));
    await tracking.logBatch(runId, metrics, [], []);
  }
  const pointsPerSecond = 100_000 / ((performance.now() - started) / 1000);
  const single: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    await tracking.logMetric(runId, { key: 'one', value: i, timestamp: i, step: i });
    single.push(performance.now() - t0);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    mode,
    pointsPerSecond: Math.round(pointsPerSecond),
    singleCommitMs: Number(median(single).toFixed(3)),
  };
}

const results = [];
for (const mode of ['NORMAL', 'FULL', 'NORMAL', 'FULL'] as const) {
  const r = await measure(mode);
  console.log(
    `${r.mode.padEnd(6)}  ${String(r.pointsPerSecond).padStart(9)} points/s (log-batch, 1000/batch)   ${r.singleCommitMs} ms median per single-point commit`,
  );
  results.push(r);
}
