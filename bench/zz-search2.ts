import { SqliteDriver, SqlTrackingStore, TrackingService } from '@loom/core';
const store = await SqlTrackingStore.open(new SqliteDriver('/tmp/zzsearch/db.sqlite'), { defaultArtifactRoot: '/tmp' });
const tracking = new TrackingService(store);
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
for (const [name, filter, orderBy] of [['none', undefined, []], ['metric', 'metrics.m1 > 0.5', []], ['param', "params.p1 = 'x'", []], ['order', undefined, ['metrics.m1 DESC']]] as const) {
  const times: number[] = [];
  for (let k = 0; k < 15; k++) { const t = performance.now(); const p = await tracking.searchRunsJson({ experimentIds: ['1'], filter, orderBy: [...orderBy], maxResults: 1000 }); times.push(performance.now() - t); if (p.count !== 1000) throw new Error('count'); }
  console.log(name.padEnd(7), med(times), 'ms');
}
