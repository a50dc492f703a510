/**
 * Loom's downsampled metric history: a step range cut into equal buckets, and per run per bucket
 * the first, last, minimum and maximum finite point plus the first NaN / +Inf / -Inf point, all
 * computed by the database (`GROUP BY (step - start) / width`). A million points become a few
 * thousand and a chart drawn from them still shows every spike.
 */
import type { MetricBucket, MetricBuckets } from '../../../tracking/entities';
import type { BucketQuery } from '../../../tracking/tracking-store';
import type { Dialect, Queryable, SqlValue } from '../driver';
import { num, placeholders } from '../sql-util';
import { runPks } from './metric-history';

/** The kinds of point a bucket names, as the SQL below labels its rows. */
type PointKind = 'first' | 'last' | 'min' | 'max' | 'nan' | 'posInf' | 'negInf';

/** One row of the bucket query: a labelled point, or (kind 'count') the bucket's size in `step`. */
type BucketRow = [
  kind: PointKind | 'count',
  runPk: number | string,
  bucket: number | string,
  step: number | string,
  timestamp: number | string | null,
  value: number | string | null,
];

/** Bucket width for `buckets` buckets over the inclusive range [start, end]: at least one step. */
export function bucketWidth(start: number, end: number, buckets: number): number {
  return Math.max(1, Math.ceil((end - start + 1) / buckets));
}

/**
 * The rows of every run's buckets. SQLite returns the other columns of the row a lone MIN()/MAX()
 * picked ("bare columns"), so each kind is one grouped scan; PostgreSQL has no such rule, so one
 * grouped scan takes the smallest/largest array of (ordering value, step, timestamp, value).
 */
function bucketSql(dialect: Dialect, runCount: number): string {
  const source = `SELECT run_pk, (step - CAST(? AS BIGINT)) / CAST(? AS BIGINT) AS b, step, timestamp, is_nan, value
    FROM metrics WHERE run_pk IN ${placeholders(runCount)} AND key = ? AND step >= ? AND step <= ?`;
  if (dialect === 'sqlite') {
    const finite = 'is_nan = 0 AND value > -9e999 AND value < 9e999';
    const nonFinite = `CASE WHEN is_nan = 1 THEN 'nan' WHEN value > 0 THEN 'posInf' ELSE 'negInf' END`;
    // When several points share the bucket's first/last step or its extreme value, SQLite picks
    // any one of them; PostgreSQL below picks the earliest (latest for `last`).
    return `WITH f AS (${source})
      SELECT 'count', run_pk, b, COUNT(*), NULL, NULL FROM f GROUP BY run_pk, b
      UNION ALL SELECT 'first', run_pk, b, MIN(step), timestamp, value FROM f WHERE ${finite} GROUP BY run_pk, b
      UNION ALL SELECT 'last', run_pk, b, MAX(step), timestamp, value FROM f WHERE ${finite} GROUP BY run_pk, b
      UNION ALL SELECT 'min', run_pk, b, step, timestamp, MIN(value) FROM f WHERE ${finite} GROUP BY run_pk, b
      UNION ALL SELECT 'max', run_pk, b, step, timestamp, MAX(value) FROM f WHERE ${finite} GROUP BY run_pk, b
      UNION ALL SELECT ${nonFinite}, run_pk, b, MIN(step), timestamp, value FROM f WHERE NOT (${finite})
        GROUP BY run_pk, b, ${nonFinite}`;
  }
  const finite = `is_nan = 0 AND value > '-Infinity'::float8 AND value < 'Infinity'::float8`;
  const point = 'step::float8, timestamp::float8, value';
  // Each aggregate is an array [step, timestamp, value] (or [value, step, timestamp] for min/max):
  // arrays compare element by element, so the smallest is the earliest point / the lowest value.
  return `SELECT run_pk, b, COUNT(*),
      MIN(ARRAY[${point}]) FILTER (WHERE ${finite}),
      MAX(ARRAY[${point}]) FILTER (WHERE ${finite}),
      MIN(ARRAY[value, step::float8, timestamp::float8]) FILTER (WHERE ${finite}),
      MAX(ARRAY[value, -step::float8, -timestamp::float8]) FILTER (WHERE ${finite}),
      MIN(ARRAY[${point}]) FILTER (WHERE is_nan = 1),
      MIN(ARRAY[${point}]) FILTER (WHERE is_nan = 0 AND value = 'Infinity'::float8),
      MIN(ARRAY[${point}]) FILTER (WHERE is_nan = 0 AND value = '-Infinity'::float8)
    FROM (${source}) f GROUP BY run_pk, b`;
}

type PgArray = (number | string)[] | null;
type PgRow = [
  runPk: number | string,
  bucket: number | string,
  count: number | string,
  first: PgArray,
  last: PgArray,
  min: PgArray,
  max: PgArray,
  nan: PgArray,
  posInf: PgArray,
  negInf: PgArray,
];

/** The [lowest, highest] step of the metric over the runs, or undefined when none logged it. */
async function stepRange(
  q: Queryable,
  pks: readonly number[],
  metricKey: string,
): Promise<[number, number] | undefined> {
  // One indexed seek per run beats one MIN/MAX over an IN list, which may scan every point.
  const ranges = await Promise.all(
    pks.map((pk) =>
      q.get<{ lo: number | string | null; hi: number | string | null }>(
        'SELECT MIN(step) AS lo, MAX(step) AS hi FROM metrics WHERE run_pk = ? AND key = ?',
        [pk, metricKey],
      ),
    ),
  );
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of ranges) {
    if (r?.lo === null || r?.lo === undefined || r.hi === null) continue;
    lo = Math.min(lo, num(r.lo));
    hi = Math.max(hi, num(r.hi));
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Per run per bucket summaries of one metric, buckets ordered by run (as asked) then by step. */
export async function getMetricHistoryBuckets(
  q: Queryable,
  dialect: Dialect,
  query: BucketQuery,
): Promise<MetricBuckets> {
  const pks = await runPks(q, query.runIds);
  const pkList = [...pks.keys()];
  const range =
    query.startStep !== undefined && query.endStep !== undefined
      ? ([query.startStep, query.endStep] as [number, number])
      : await stepRange(q, pkList, query.metricKey);
  if (!range) return { bucketWidth: 1, buckets: [] };
  const [start, end] = range;
  const width = bucketWidth(start, end, query.buckets);
  const params: SqlValue[] = [start, width, ...pkList, query.metricKey, start, end];
  const byKey = new Map<string, MetricBucket>();
  const bucketOf = (pk: number | string, b: number | string): MetricBucket => {
    const key = `${num(pk)}:${num(b)}`;
    let bucket = byKey.get(key);
    if (!bucket) {
      bucket = { runId: pks.get(num(pk))!, startStep: start + num(b) * width, count: 0 };
      byKey.set(key, bucket);
    }
    return bucket;
  };
  if (dialect === 'sqlite') {
    for (const [kind, pk, b, step, timestamp, value] of await q.values<BucketRow>(
      bucketSql(dialect, pkList.length),
      params,
    )) {
      const bucket = bucketOf(pk, b);
      if (kind === 'count') bucket.count = num(step);
      else bucket[kind] = { step: num(step), timestamp: num(timestamp), value: pointValue(kind, value) };
    }
  } else {
    for (const [pk, b, count, first, last, min, max, nan, posInf, negInf] of await q.values<PgRow>(
      bucketSql(dialect, pkList.length),
      params,
    )) {
      const bucket = bucketOf(pk, b);
      bucket.count = num(count);
      setPoint(bucket, 'first', first, [0, 1, 2]);
      setPoint(bucket, 'last', last, [0, 1, 2]);
      setPoint(bucket, 'min', min, [1, 2, 0]);
      setPoint(bucket, 'max', max, [1, 2, 0], true);
      setPoint(bucket, 'nan', nan, [0, 1, 2]);
      setPoint(bucket, 'posInf', posInf, [0, 1, 2]);
      setPoint(bucket, 'negInf', negInf, [0, 1, 2]);
    }
  }
  const runOrder = new Map(query.runIds.map((id, i) => [id, i]));
  const buckets = [...byKey.values()].sort(
    (a, b) => runOrder.get(a.runId)! - runOrder.get(b.runId)! || a.startStep - b.startStep,
  );
  return { startStep: start, endStep: end, bucketWidth: width, buckets };
}

/** A SQLite point's value: NaN rows store a placeholder value; ±Infinity comes back as itself. */
function pointValue(kind: PointKind, value: number | string | null): number {
  if (kind === 'nan') return NaN;
  return num(value);
}

/**
 * Stores a PostgreSQL array aggregate as a point; `at` names the array positions of step,
 * timestamp and value; `negated` marks the max array, which holds -step and -timestamp so the
 * largest array is the earliest point among equal values.
 */
function setPoint(
  bucket: MetricBucket,
  kind: PointKind,
  array: PgArray,
  at: [step: number, timestamp: number, value: number],
  negated = false,
): void {
  if (!array) return;
  const [s, t, v] = at.map((i) => pgDouble(array[i]!));
  const step = negated ? -s! : s!;
  const timestamp = negated ? -t! : t!;
  bucket[kind] = { step, timestamp, value: kind === 'nan' ? NaN : v! };
}

/** node-postgres hands float8[] elements over as numbers, or as text for the special values. */
function pgDouble(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === 'NaN') return NaN;
  return Number(v);
}
