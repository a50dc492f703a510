/**
 * Points a batch repeats (within itself or from earlier batches) are stored once, on both backends.
 * PostgreSQL takes a different path for them (a plain insert fails, the batch runs again skipping
 * stored points), so these run there as well as on SQLite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

interface Point {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

async function newRun(): Promise<string> {
  const res = await t.post('/runs/create', { experiment_id: '0' });
  return res.body.run.info.run_id as string;
}

async function logBatch(runId: string, metrics: Point[], params: { key: string; value: string }[] = []) {
  const res = await t.post('/runs/log-batch', { run_id: runId, metrics, params });
  expect(res.status).toBe(200);
}

async function history(runId: string, key: string): Promise<Point[]> {
  const res = await t.get('/metrics/get-history', { run_id: runId, metric_key: key });
  expect(res.status).toBe(200);
  return res.body.metrics as Point[];
}

const p = (step: number, timestamp: number, value: number | string, key = 'loss'): Point => ({
  key,
  value,
  timestamp,
  step,
});

describe('log-batch with repeated points', () => {
  it('stores a point repeated inside one batch once, NaN and infinities included', async () => {
    const id = await newRun();
    await logBatch(id, [
      p(0, 10, 1),
      p(0, 10, 1),
      p(1, 11, 'NaN'),
      p(1, 11, 'NaN'),
      p(2, 12, 'Infinity'),
      p(3, 13, '-Infinity'),
      p(3, 13, '-Infinity'),
    ]);
    expect(await history(id, 'loss')).toEqual([
      p(0, 10, 1),
      p(1, 11, 'NaN'),
      p(2, 12, 'Infinity'),
      p(3, 13, '-Infinity'),
    ]);
  });

  it('keeps the new points of a batch that repeats stored ones, and the latest right', async () => {
    const id = await newRun();
    await logBatch(id, [p(0, 10, 0.5), p(1, 11, 0.25), p(0, 10, 0.5, 'acc')]);
    // Step 1 again (stored), step 2 new, and three points at step 3: same time twice, a later time once.
    await logBatch(
      id,
      [p(1, 11, 0.25), p(2, 12, 0.125), p(3, 13, 0.1), p(3, 13, 0.2), p(3, 14, 0.05), p(0, 10, 0.5, 'acc')],
      [{ key: 'lr', value: '0.1' }],
    );
    expect(await history(id, 'loss')).toEqual([
      p(0, 10, 0.5),
      p(1, 11, 0.25),
      p(2, 12, 0.125),
      p(3, 13, 0.1),
      p(3, 13, 0.2),
      p(3, 14, 0.05),
    ]);
    expect(await history(id, 'acc')).toEqual([p(0, 10, 0.5, 'acc')]);
    const run = await t.get('/runs/get', { run_id: id });
    const latest = Object.fromEntries((run.body.run.data.metrics as Point[]).map((m) => [m.key, m] as const));
    // Latest = greatest (step, timestamp, value): step 3 at time 14, though 0.2 is the larger value.
    expect(latest.loss).toEqual(p(3, 14, 0.05));
    expect(latest.acc).toEqual(p(0, 10, 0.5, 'acc'));
    // The batch that was retried wrote its param once.
    expect(run.body.run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
  });

  it('replays a whole batch without change, and still refuses a changed param in it', async () => {
    const id = await newRun();
    const points = Array.from({ length: 300 }, (_, i) => p(i, 1000 + i, i / 7));
    await logBatch(id, points, [{ key: 'seed', value: '1' }]);
    await logBatch(id, points, [{ key: 'seed', value: '1' }]);
    const res = await t.post('/runs/log-batch', {
      run_id: id,
      metrics: [...points, p(300, 1300, 1)],
      params: [{ key: 'seed', value: '2' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const stored = await history(id, 'loss');
    expect(stored).toHaveLength(300);
    expect(stored).toEqual(points);
  });
});
