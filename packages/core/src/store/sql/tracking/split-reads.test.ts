/**
 * Reads that PostgreSQL writes in two halves on two connections (a big search page, a long history)
 * must give exactly the text of the one-query read, for any spread of steps and any paging. A low
 * split threshold makes small data take the split path; SQLite reads in one query either way.
 */
import { openTestTrackingStore, type TestTrackingStore } from '../../../testing/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../../../tracking/entities';
import { getMetricHistoryJson, historyParts } from './metric-history';
import { runsJson } from './runs';
import type { SqlTrackingStore } from './sql-tracking-store';

let store: SqlTrackingStore;
let opened: TestTrackingStore;

beforeAll(async () => {
  opened = await openTestTrackingStore('loom-split-');
  ({ store } = opened);
});

afterAll(async () => {
  await opened.close();
});

const NEVER = Number.MAX_SAFE_INTEGER;
let runCounter = 0;

async function newRun(metrics: Metric[]): Promise<string> {
  const runId = `split${++runCounter}`.padEnd(32, '0');
  await store.createRun({ runId, experimentId: '0', runName: runId, userId: 'u', startTime: 1, tags: [] });
  for (let i = 0; i < metrics.length; i += 1000) {
    await store.logBatch(runId, metrics.slice(i, i + 1000), [{ key: 'p', value: `"${i}"` }], []);
  }
  return runId;
}

/** Every page of a history, read with the given split threshold; the texts joined as one array. */
async function readAll(runId: string, maxResults: number | undefined, splitAt: number) {
  const texts: string[] = [];
  const counts: number[] = [];
  let pageToken: string | undefined;
  do {
    const page = await getMetricHistoryJson(
      store.db,
      store.db.dialect,
      { runId, metricKey: 'm', maxResults, pageToken },
      splitAt,
    );
    if (page.metricsJson.length > 0) texts.push(page.metricsJson.toString());
    counts.push(page.count);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { text: `[${texts.join(',')}]`, counts };
}

// Steps and timestamps rise together (a key-ordered series), with repeats of one step, NaN and ±Inf.
const crowded: Metric[] = [];
for (let i = 0; i < 300; i++) {
  const step = Math.floor(i / 7) - 5;
  const value = i % 11 === 0 ? NaN : i % 13 === 0 ? Infinity : i % 17 === 0 ? -Infinity : i / 3;
  crowded.push({ key: 'm', value, timestamp: 1000 + i, step });
}
// Every point at the same step and time, values differing (order by is_nan, value).
crowded.push(
  { key: 'm', value: NaN, timestamp: 5000, step: 900 },
  { key: 'm', value: 2, timestamp: 5000, step: 900 },
  { key: 'm', value: -Infinity, timestamp: 5000, step: 900 },
  { key: 'm', value: 1, timestamp: 5000, step: 900 },
);
// Nearly all points below the middle step, one far above it.
const skewed: Metric[] = Array.from({ length: 120 }, (_, i) => ({
  key: 'm',
  value: i,
  timestamp: 10 + i,
  step: i,
}));
skewed.push({ key: 'm', value: 0.5, timestamp: 100_000, step: 1_000_000 });

describe('split history reads', () => {
  for (const [name, points] of [
    ['repeated steps, NaN and ±Inf', crowded],
    ['steps skewed to one end', skewed],
  ] as const) {
    it(`give the one-query text, unpaged and paged (${name})`, async () => {
      const runId = await newRun(points);
      const whole = await readAll(runId, undefined, NEVER);
      expect(whole.counts).toEqual([points.length]);
      const parsed = JSON.parse(whole.text) as { value: number | string }[];
      expect(parsed).toHaveLength(points.length);
      // Split unpaged (by step), and paged (by position) with page sizes that cut through repeats.
      expect(await readAll(runId, undefined, 1)).toEqual(whole);
      for (const size of [1, 2, 7, 50, points.length, points.length + 3]) {
        const oneQuery = await readAll(runId, size, NEVER);
        expect(oneQuery.text).toBe(whole.text);
        expect(await readAll(runId, size, 2)).toEqual(oneQuery);
      }
    });
  }

  it('plan pages by position and unpaged reads by step', () => {
    const base = { offset: 0, firstStep: -5, lastStep: 95, splitAt: 10 };
    expect(historyParts({ ...base, limit: 9 })).toEqual([{ where: '', params: [], limit: 9, offset: 0 }]);
    expect(historyParts({ ...base, limit: 11, offset: 4 })).toEqual([
      { where: '', params: [], limit: 6, offset: 4 },
      { where: '', params: [], limit: 5, offset: 10 },
    ]);
    expect(historyParts(base)).toEqual([
      { where: 'AND step <= ?', params: [45], limit: NEVER, offset: 0 },
      { where: 'AND step > ?', params: [45], limit: NEVER, offset: 0 },
    ]);
    // An offset counts rows of the whole series, so it is not split by step; nor is a short span.
    expect(historyParts({ ...base, offset: 3 })).toHaveLength(1);
    expect(historyParts({ ...base, lastStep: 4 })).toHaveLength(1);
  });
});

describe('split search pages', () => {
  it('give the one-query JSON, in key order, leaving out runs that no longer exist', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await newRun([{ key: 'm', value: i, timestamp: i, step: i }]));
    const pks = (
      await store.db.values<[number]>(
        `SELECT run_pk FROM runs WHERE run_id IN (${ids.map(() => '?').join(',')}) ORDER BY run_id DESC`,
        ids,
      )
    ).map((r) => Number(r[0]));
    const whole = (await runsJson(store.db, pks, NEVER)).toString();
    const runs = JSON.parse(whole) as { info: { run_id: string } }[];
    expect(runs.map((r) => r.info.run_id)).toEqual([...ids].reverse());
    expect(String(await runsJson(store.db, pks, 2))).toBe(whole);
    // Unknown keys in one half, and a half with none that exist.
    expect(String(await runsJson(store.db, [...pks, -1, -2], 2))).toBe(whole);
    expect(String(await runsJson(store.db, [-1, -2, ...pks.slice(0, 1)], 2))).toBe(
      String(await runsJson(store.db, pks.slice(0, 1), NEVER)),
    );
    expect(String(await runsJson(store.db, [-1, -2, -3, -4], 2))).toBe('[]');
  });
});
