import { createTestApp } from '../packages/server/src/testing/test-app';
const t = await createTestApp();
const run = await t.post('/runs/create', { experiment_id: '0' });
const id = run.body.run.info.run_id;
const now = Date.now();
const bodies = Array.from({ length: 300 }, (_, b) => JSON.stringify({ run_id: id, metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: Math.random(), timestamp: now + b * 1000 + i, step: b * 1000 + i })) }));
for (let round = 0; round < 3; round++) {
  const t0 = performance.now(); const c0 = process.cpuUsage();
  for (const body of bodies.slice(round * 100, round * 100 + 100)) {
    const res = await t.app.request('http://localhost/api/2.0/mlflow/runs/log-batch', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    if (res.status !== 200) throw new Error(await res.text());
  }
  const c = process.cpuUsage(c0);
  console.log('in-process', Math.round(100000 / ((performance.now() - t0) / 1000)), 'points/s wall;', ((c.user + c.system) / 1000 / 100).toFixed(2), 'ms CPU per batch');
}
await t.close();
