import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDriver, SqlTrackingStore, TrackingService } from '@loom/core';
import { presentRun } from '../packages/server/src/presenters/tracking';
import { loadRuns } from '../packages/core/src/store/sql/tracking/runs';
import { compileRunSearch } from '../packages/core/src/tracking/search';
import { existsSync } from 'node:fs';
const dir = '/tmp/zzsearch'; const fresh = !existsSync(dir + '/db.sqlite'); if (fresh) mkdtempSync; import('node:fs').then(()=>0);
(await import('node:fs')).mkdirSync(dir, { recursive: true });
const store = await SqlTrackingStore.open(new SqliteDriver(join(dir, 'db.sqlite')), { defaultArtifactRoot: dir });
const tracking = new TrackingService(store);
const exp = fresh ? await tracking.createExperiment({ name: 'b' }) : '1';
for (let i = 0; fresh && i < 10000; i++) {
  const r = await tracking.createRun({ experimentId: exp, runName: `r${i}`, userId: 'u' });
  await tracking.logBatch(r.info.runId, [1,2,3,4,5].map(k => ({ key: `m${k}`, value: Math.random(), timestamp: Date.now(), step: 0 })), [1,2,3,4,5].map(k => ({ key: `p${k}`, value: k === 1 ? ['x','y','z','a','b','c','d','e','f','g'][i%10]! : 'v' })), [1,2,3].map(k => ({ key: `t${k}`, value: 'tag' })));
}
const db = (store as any).db;
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
for (const [name, filter, orderBy] of [['none', undefined, []], ['metric', 'metrics.m1 > 0.5', []], ['param', "params.p1 = 'x'", []], ['order', undefined, ['metrics.m1 DESC']]] as const) {
  const tq: number[] = [], tl: number[] = [], tp: number[] = [], ts: number[] = [];
  for (let k = 0; k < 9; k++) {
    let t = performance.now();
    const { sql, params } = compileRunSearch({ experimentIds: [exp], filter, orderBy: [...orderBy], viewType: 'ACTIVE_ONLY', limit: 1001, offset: 0 }, 'sqlite');
    const pks = (await db.all(sql, params)).map((r: any) => r.run_pk).slice(0, 1000);
    tq.push(performance.now() - t); t = performance.now();
    const runs = await loadRuns(db, pks);
    tl.push(performance.now() - t); t = performance.now();
    const json = { runs: runs.map(presentRun) };
    tp.push(performance.now() - t); t = performance.now();
    const text = JSON.stringify(json);
    ts.push(performance.now() - t);
    if (k === 0) console.log(name, pks.length, text.length);
  }
  console.log(`${name.padEnd(7)} ids ${med(tq)} ms, load ${med(tl)} ms, present ${med(tp)} ms, stringify ${med(ts)} ms`);
}
{
  const { sql, params } = compileRunSearch({ experimentIds: [exp], filter: undefined, orderBy: [], viewType: 'ACTIVE_ONLY', limit: 1000, offset: 0 }, 'sqlite');
  const pks = (await db.all(sql, params)).map((r: any) => r.run_pk);
  const part = pks.slice(0, 500);
  const inList = `(${part.map(() => '?').join(',')})`;
  const qs: Record<string, string> = {
    runsObj: `SELECT run_pk, run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage FROM runs WHERE run_pk IN ${inList}`,
    params: `SELECT run_pk, key, value FROM params WHERE run_pk IN ${inList}`,
    tags: `SELECT run_pk, key, value FROM tags WHERE run_pk IN ${inList}`,
    latest: `SELECT run_pk, key, step, timestamp, is_nan, value, model_id, dataset_name, dataset_digest FROM latest_metrics WHERE run_pk IN ${inList}`,
    inputs: `SELECT i.run_pk, d.dataset_pk FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk WHERE i.run_pk IN ${inList}`,
    minputs: `SELECT run_pk, model_id FROM run_model_inputs WHERE run_pk IN ${inList}`,
  };
  for (const [name, q] of Object.entries(qs)) {
    const t: number[] = [];
    for (let k = 0; k < 9; k++) { const t0 = performance.now(); await db.values(q, part); t.push(performance.now() - t0); }
    console.log(name.padEnd(8), med(t), 'ms per 500');
  }
  console.log(db.writer.db.prepare(`EXPLAIN QUERY PLAN ${qs.params}`).all(...part));
}
