import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function runWithHistory(points: number, key = 'loss'): Promise<string> {
  const run = await t.post('/runs/create', { experiment_id: '0' });
  const id = run.body.run.info.run_id as string;
  for (let start = 0; start < points; start += 1000) {
    const metrics = [];
    for (let i = start; i < Math.min(points, start + 1000); i++) {
      metrics.push({ key, value: i === 7 ? 'NaN' : 1 / (i + 1), timestamp: 1000 + i, step: i });
    }
    expect((await t.post('/runs/log-batch', { run_id: id, metrics })).status).toBe(200);
  }
  return id;
}

describe('metrics/get-history', () => {
  it('returns the whole history in (timestamp, step, value) order without max_results', async () => {
    const id = await runWithHistory(2500);
    const res = await t.get('/metrics/get-history', { run_id: id, metric_key: 'loss' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body.metrics).toHaveLength(2500);
    expect(res.body.metrics[0]).toEqual({ key: 'loss', value: 1, timestamp: 1000, step: 0 });
    expect(res.body.metrics[7].value).toBe('NaN');
    expect(res.body.metrics.map((m: { step: number }) => m.step)).toEqual([...Array(2500).keys()]);
    expect(res.body.next_page_token).toBeUndefined();
  });

  it('pages with max_results and rejects a bad token', async () => {
    const id = await runWithHistory(25);
    const steps: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await t.get('/metrics/get-history', {
        run_id: id,
        metric_key: 'loss',
        max_results: 10,
        page_token: token,
      });
      steps.push(...res.body.metrics.map((m: { step: number }) => m.step));
      token = res.body.next_page_token;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(steps).toEqual([...Array(25).keys()]);
    const bad = await t.get('/metrics/get-history', { run_id: id, metric_key: 'loss', page_token: 'xyz' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('pages a key-ordered series by keyset and still honours plain offset tokens', async () => {
    const id = await runWithHistory(2500);
    const steps: number[] = [];
    let token: string | undefined;
    do {
      const res = await t.get('/metrics/get-history', {
        run_id: id,
        metric_key: 'loss',
        max_results: 1000,
        page_token: token,
      });
      expect(res.status).toBe(200);
      steps.push(...res.body.metrics.map((m: { step: number }) => m.step));
      token = res.body.next_page_token;
      if (token) expect(JSON.parse(Buffer.from(token, 'base64').toString()).after).toHaveLength(4);
    } while (token);
    expect(steps).toEqual([...Array(2500).keys()]);
    const mlflowStyle = Buffer.from('{"offset": 2000}').toString('base64');
    const tail = await t.get('/metrics/get-history', {
      run_id: id,
      metric_key: 'loss',
      max_results: 1000,
      page_token: mlflowStyle,
    });
    expect(tail.body.metrics.map((m: { step: number }) => m.step)).toEqual(
      Array.from({ length: 500 }, (_, i) => 2000 + i),
    );
    expect(tail.body.next_page_token).toBeUndefined();
    const forged = Buffer.from('{"offset": 5, "after": ["x"]}').toString('base64');
    expect(
      (await t.get('/metrics/get-history', { run_id: id, metric_key: 'loss', page_token: forged })).status,
    ).toBe(400);
  });

  it('answers an unknown key with an empty list and an unknown run with 404', async () => {
    const id = await runWithHistory(3);
    expect((await t.get('/metrics/get-history', { run_id: id, metric_key: 'nope' })).body).toEqual({});
    expect((await t.get('/metrics/get-history', { run_id: 'nope', metric_key: 'loss' })).status).toBe(404);
    expect((await t.get('/metrics/get-history', { run_id: id })).status).toBe(400);
  });
});

describe('metrics/get-history JSON written by the database', () => {
  it('round-trips every double exactly and escapes keys and extra fields', async () => {
    const run = await t.post('/runs/create', { experiment_id: '0' });
    const id = run.body.run.info.run_id as string;
    const values = [
      0.1,
      0.30000000000000004,
      1 / 3,
      1e21,
      1e-7,
      -0.5,
      5e-324,
      1.7976931348623157e308,
      -2.5e-300,
      123456789012345680,
    ];
    const key = 'wéird kéy ünï/cödé_1';
    const logged = await t.post('/runs/log-batch', {
      run_id: id,
      metrics: [
        ...values.map((value, i) => ({ key, value, timestamp: 10 + i, step: i })),
        { key, value: 'NaN', timestamp: 100, step: 100 },
        { key, value: 'Infinity', timestamp: 101, step: 101 },
        { key, value: '-Infinity', timestamp: 102, step: 102 },
        {
          key,
          value: 1,
          timestamp: 103,
          step: 103,
          model_id: 'm-1',
          dataset_name: 'd "q" \\ {a,NULL}',
          dataset_digest: 'abc',
        },
      ],
    });
    expect(logged.status).toBe(200);
    const res = await t.get('/metrics/get-history', { run_id: id, metric_key: key });
    expect(res.status).toBe(200);
    const got = res.body.metrics as { key: string; value: number | string }[];
    expect(got.map((m) => m.value)).toEqual([...values, 'NaN', 'Infinity', '-Infinity', 1]);
    expect(got.every((m) => m.key === key)).toBe(true);
    expect(got[13]).toEqual({
      key,
      value: 1,
      timestamp: 103,
      step: 103,
      model_id: 'm-1',
      dataset_name: 'd "q" \\ {a,NULL}',
      dataset_digest: 'abc',
    });
  });
});

describe('metrics/get-history order when steps and timestamps disagree', () => {
  async function history(runId: string) {
    const res = await t.get('/metrics/get-history', { run_id: runId, metric_key: 'm' });
    return res.body.metrics.map((m: { step: number; timestamp: number }) => [m.step, m.timestamp]);
  }

  it('orders by timestamp once a point arrives earlier in step than the latest', async () => {
    const run = await t.post('/runs/create', { experiment_id: '0' });
    const id = run.body.run.info.run_id as string;
    await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 100, step: 1 });
    await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 200, step: 2 });
    expect(await history(id)).toEqual([
      [1, 100],
      [2, 200],
    ]);
    await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 300, step: 0 });
    expect(await history(id)).toEqual([
      [1, 100],
      [2, 200],
      [0, 300],
    ]);
    const paged = await t.get('/metrics/get-history', { run_id: id, metric_key: 'm', max_results: 2 });
    expect(paged.body.metrics.map((m: { step: number }) => m.step)).toEqual([1, 2]);
  });

  it('orders by timestamp when one batch has later steps at earlier times', async () => {
    const run = await t.post('/runs/create', { experiment_id: '0' });
    const id = run.body.run.info.run_id as string;
    await t.post('/runs/log-batch', {
      run_id: id,
      metrics: [
        { key: 'm', value: 1, timestamp: 50, step: 9 },
        { key: 'm', value: 1, timestamp: 60, step: 3 },
        { key: 'm', value: 1, timestamp: 70, step: 5 },
      ],
    });
    expect(await history(id)).toEqual([
      [9, 50],
      [3, 60],
      [5, 70],
    ]);
  });

  it('keeps timestamp order for a later point logged with an earlier time', async () => {
    const run = await t.post('/runs/create', { experiment_id: '0' });
    const id = run.body.run.info.run_id as string;
    await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 500, step: 1 });
    await t.post('/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 400, step: 2 });
    expect(await history(id)).toEqual([
      [2, 400],
      [1, 500],
    ]);
  });
});

describe('metrics/get-history-bulk and bulk-interval', () => {
  it('returns several runs sorted by run id, capped by max_results', async () => {
    const a = await runWithHistory(5);
    const b = await runWithHistory(5);
    const res = await t.call('GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk', {
      run_id: [a, b],
      metric_key: 'loss',
    });
    expect(res.status).toBe(200);
    expect(res.body.metrics).toHaveLength(10);
    const sorted = [a, b].sort();
    expect(res.body.metrics[0].run_id).toBe(sorted[0]);
    expect(res.body.metrics[9].run_id).toBe(sorted[1]);
    const capped = await t.call('GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk', {
      run_id: [a, b],
      metric_key: 'loss',
      max_results: 3,
    });
    expect(capped.body.metrics).toHaveLength(3);
    const none = await t.call('GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk', { metric_key: 'loss' });
    expect(none.status).toBe(400);
  });

  it('samples steps evenly, always keeping each run’s first and last step', async () => {
    const a = await runWithHistory(5000);
    const res = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: [a],
      metric_key: 'loss',
      max_results: 100,
    });
    expect(res.status).toBe(200);
    const steps = res.body.metrics.map((m: { step: number }) => m.step);
    expect(steps.length).toBeGreaterThanOrEqual(99);
    expect(steps.length).toBeLessThanOrEqual(100);
    expect(steps[0]).toBe(0);
    expect(steps[steps.length - 1]).toBe(4999);
    expect([...steps].sort((x: number, y: number) => x - y)).toEqual(steps);
    expect(res.body.metrics[0].run_id).toBe(a);
    const window = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: [a],
      metric_key: 'loss',
      start_step: 100,
      end_step: 199,
      max_results: 2500,
    });
    expect(window.body.metrics.map((m: { step: number }) => m.step)).toEqual(
      Array.from({ length: 100 }, (_, i) => 100 + i),
    );
  });

  it('validates bulk-interval input', async () => {
    const a = await runWithHistory(3);
    const q = { run_ids: [a], metric_key: 'loss' };
    expect((await t.get('/metrics/get-history-bulk-interval', { ...q, start_step: 5 })).status).toBe(400);
    expect(
      (await t.get('/metrics/get-history-bulk-interval', { ...q, start_step: 5, end_step: 1 })).status,
    ).toBe(400);
    expect((await t.get('/metrics/get-history-bulk-interval', { ...q, max_results: 2501 })).status).toBe(400);
    expect((await t.get('/metrics/get-history-bulk-interval', { metric_key: 'loss' })).status).toBe(400);
    const many = Array.from({ length: 101 }, (_, i) => `r${i}`);
    expect(
      (await t.get('/metrics/get-history-bulk-interval', { run_ids: many, metric_key: 'loss' })).status,
    ).toBe(400);
  });
});
