/**
 * get-history-bulk-interval with Loom's `buckets`: every bucket's count, first, last, min, max and
 * non-finite points checked against a brute-force pass over random histories full of spikes.
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
  step: number;
  timestamp: number;
  value: number;
}
type Wire = number | 'NaN' | 'Infinity' | '-Infinity';

const wire = (v: number): Wire =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
const unwire = (v: Wire): number =>
  v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A noisy history over some steps in [0, maxStep), a few at a repeated step, with spikes and non-finite values. */
function randomHistory(seed: number, maxStep: number): Point[] {
  const rnd = random(seed);
  const points: Point[] = [];
  for (let step = 0; step < maxStep; step++) {
    if (rnd() < 0.3) continue;
    const copies = rnd() < 0.05 ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const r = rnd();
      let value = Math.sin(step / 50) + rnd() * 0.1;
      if (r < 0.01) value = 1e6 * (rnd() < 0.5 ? 1 : -1);
      else if (r < 0.015) value = NaN;
      else if (r < 0.02) value = Infinity;
      else if (r < 0.025) value = -Infinity;
      points.push({ step, timestamp: 1_700_000_000_000 + step * 10 + c, value });
    }
  }
  return points;
}

async function logRun(points: Point[]): Promise<string> {
  const run = await t.post('/runs/create', { experiment_id: '0' });
  const id = run.body.run.info.run_id as string;
  for (let i = 0; i < points.length; i += 1000) {
    const metrics = points
      .slice(i, i + 1000)
      .map((p) => ({ key: 'loss', value: wire(p.value), timestamp: p.timestamp, step: p.step }));
    expect((await t.post('/runs/log-batch', { run_id: id, metrics })).status).toBe(200);
  }
  return id;
}

interface WirePoint {
  step: number;
  timestamp: number;
  value: Wire;
}
interface WireBucket {
  run_id: string;
  start_step: number;
  count: number;
  first?: WirePoint;
  last?: WirePoint;
  min?: WirePoint;
  max?: WirePoint;
  nan?: WirePoint;
  pos_inf?: WirePoint;
  neg_inf?: WirePoint;
}

/** Asserts `got` names a point of `points` (same step, timestamp and value). */
function expectPointOf(got: WirePoint | undefined, points: Point[], what: string): Point {
  expect(got, what).toBeDefined();
  const value = unwire(got!.value);
  const match = points.find(
    (p) => p.step === got!.step && p.timestamp === got!.timestamp && Object.is(p.value, value),
  );
  expect(match, `${what}: ${JSON.stringify(got)} is a logged point`).toBeDefined();
  return match!;
}

/** Checks every bucket of one run against the points it covers. */
function checkBuckets(
  buckets: WireBucket[],
  points: Point[],
  start: number,
  end: number,
  width: number,
): void {
  const inRange = points.filter((p) => p.step >= start && p.step <= end);
  const expected = new Map<number, Point[]>();
  for (const p of inRange) {
    const b = start + Math.floor((p.step - start) / width) * width;
    expected.set(b, [...(expected.get(b) ?? []), p]);
  }
  expect(buckets.map((b) => b.start_step)).toEqual([...expected.keys()].sort((a, b) => a - b));
  for (const bucket of buckets) {
    const all = expected.get(bucket.start_step)!;
    const at = `bucket ${bucket.start_step}`;
    expect(bucket.count, at).toBe(all.length);
    const finite = all.filter((p) => Number.isFinite(p.value));
    if (finite.length === 0) {
      expect(bucket.first ?? bucket.last ?? bucket.min ?? bucket.max, at).toBeUndefined();
    } else {
      const steps = finite.map((p) => p.step);
      const values = finite.map((p) => p.value);
      expect(expectPointOf(bucket.first, finite, `${at} first`).step).toBe(Math.min(...steps));
      expect(expectPointOf(bucket.last, finite, `${at} last`).step).toBe(Math.max(...steps));
      expect(expectPointOf(bucket.min, finite, `${at} min`).value).toBe(Math.min(...values));
      expect(expectPointOf(bucket.max, finite, `${at} max`).value).toBe(Math.max(...values));
    }
    const kinds: [keyof WireBucket, (v: number) => boolean][] = [
      ['nan', Number.isNaN],
      ['pos_inf', (v) => v === Infinity],
      ['neg_inf', (v) => v === -Infinity],
    ];
    for (const [kind, is] of kinds) {
      const of = all.filter((p) => is(p.value));
      const got = bucket[kind] as WirePoint | undefined;
      if (of.length === 0) expect(got, `${at} ${kind}`).toBeUndefined();
      else expect(expectPointOf(got, of, `${at} ${kind}`).step).toBe(Math.min(...of.map((p) => p.step)));
    }
  }
}

describe('metrics/get-history-bulk-interval with buckets', () => {
  it('matches a brute-force min/max/first/last per bucket over random histories with spikes', async () => {
    const histories = [randomHistory(1, 3000), randomHistory(2, 2400)];
    const ids = [await logRun(histories[0]!), await logRun(histories[1]!)];
    const whole = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: ids,
      metric_key: 'loss',
      buckets: 37,
    });
    expect(whole.status).toBe(200);
    const lo = Math.min(histories[0]![0]!.step, histories[1]![0]!.step);
    const hi = Math.max(histories[0]!.at(-1)!.step, histories[1]!.at(-1)!.step);
    expect(whole.body.start_step).toBe(lo);
    expect(whole.body.end_step).toBe(hi);
    const width = Math.ceil((hi - lo + 1) / 37);
    expect(whole.body.bucket_width).toBe(width);
    const buckets = whole.body.buckets as WireBucket[];
    // Runs in the order asked, each run's buckets by step.
    const firstOfSecond = buckets.findIndex((b) => b.run_id === ids[1]);
    expect(buckets.slice(0, firstOfSecond).every((b) => b.run_id === ids[0])).toBe(true);
    for (const [i, id] of ids.entries())
      checkBuckets(
        buckets.filter((b) => b.run_id === id),
        histories[i]!,
        lo,
        hi,
        width,
      );

    // A zoomed window: finer buckets over a narrow range, then full resolution (width 1).
    const zoom = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: [ids[0]],
      metric_key: 'loss',
      start_step: 1000,
      end_step: 1599,
      buckets: 50,
    });
    expect(zoom.body.bucket_width).toBe(12);
    checkBuckets(zoom.body.buckets, histories[0]!, 1000, 1599, 12);
    const full = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: [ids[0]],
      metric_key: 'loss',
      start_step: 1000,
      end_step: 1099,
      buckets: 100,
    });
    expect(full.body.bucket_width).toBe(1);
    checkBuckets(full.body.buckets, histories[0]!, 1000, 1099, 1);
  });

  it('keeps a single spike when 20,000 points become 10 buckets', async () => {
    const points = Array.from({ length: 20_000 }, (_, step) => ({
      step,
      timestamp: 1000 + step,
      value: step === 12_345 ? 99 : 1,
    }));
    const id = await logRun(points);
    const res = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: [id],
      metric_key: 'loss',
      buckets: 10,
    });
    const withSpike = (res.body.buckets as WireBucket[]).filter((b) => b.max?.value === 99);
    expect(withSpike).toEqual([
      expect.objectContaining({
        start_step: 12_000,
        count: 2000,
        max: { step: 12_345, timestamp: 13_345, value: 99 },
      }),
    ]);
  });

  it('answers no buckets for a metric nobody logged, and validates buckets', async () => {
    const id = await logRun([{ step: 0, timestamp: 1, value: 1 }]);
    const none = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: [id],
      metric_key: 'other',
      buckets: 10,
    });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ bucket_width: 1 });
    for (const buckets of [0, 5001]) {
      const bad = await t.get('/metrics/get-history-bulk-interval', {
        run_ids: [id],
        metric_key: 'loss',
        buckets,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const half = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: [id],
      metric_key: 'loss',
      start_step: 3,
      buckets: 10,
    });
    expect(half.status).toBe(400);
    const unknown = await t.get('/metrics/get-history-bulk-interval', {
      run_ids: ['nope'],
      metric_key: 'loss',
      buckets: 10,
    });
    expect(unknown.status).toBe(404);
  });
});
