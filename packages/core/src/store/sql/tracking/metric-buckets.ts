/**
 * Loom's downsampled metric history: a step range cut into equal buckets, and per run per bucket
 * the first, last, minimum and maximum finite point plus the first NaN / +Inf / -Inf point, all
 * computed by the database (metric-buckets-sql.ts). A million points become a few thousand and a
 * chart drawn from them still shows every spike.
 */
import type { BucketPoint, MetricBucket, MetricBuckets } from '../../../tracking/entities';
import type { BucketQuery } from '../../../tracking/tracking-store';
import type { Dialect, Queryable } from '../driver';
import { num } from '../sql-util';
import {
  SQLITE_NON_FINITE,
  postgresBucketSql,
  sqliteBucketSql,
  type PgArray,
  type PgRow,
  type SqliteRow,
} from './metric-buckets-sql';
import { runPks } from './metric-history';

/** The kinds of point a bucket names. */
type PointKind = 'first' | 'last' | 'min' | 'max' | 'nan' | 'posInf' | 'negInf';

/** Bucket width for `buckets` buckets over the inclusive range [start, end]: at least one step. */
export function bucketWidth(start: number, end: number, buckets: number): number {
  return Math.max(1, Math.ceil((end - start + 1) / buckets));
}

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
    const rows = await q.values<SqliteRow>(sqliteBucketSql(pkList.length), [
      start,
      width,
      end,
      query.metricKey,
      ...pkList,
    ]);
    for (const [pk, b, countAndMin, maxJson, first, last] of rows) {
      const [count, minStep, minTs, min, nans, posInfs, negInfs] = JSON.parse(countAndMin) as (
        number | null
      )[];
      if (!count) continue;
      const bucket = bucketOf(pk, b);
      bucket.count = count;
      if (min !== null && min !== undefined) bucket.min = { step: minStep!, timestamp: minTs!, value: min };
      const [maxStep, maxTs, max] = JSON.parse(maxJson) as (number | null)[];
      if (max !== null && max !== undefined) bucket.max = { step: maxStep!, timestamp: maxTs!, value: max };
      if (first) bucket.first = jsonPoint(first);
      if (last) bucket.last = jsonPoint(last);
      const kinds = { nan: nans, posInf: posInfs, negInf: negInfs };
      for (const [kind, n] of Object.entries(kinds) as [keyof typeof kinds, number | null][]) {
        if (!n) continue;
        const lo = bucket.startStep;
        const row = await q.get<{ step: number; timestamp: number; value: number }>(
          `SELECT step, timestamp, value FROM metrics WHERE run_pk = ? AND key = ? AND step >= ? AND step <= ?
           AND ${SQLITE_NON_FINITE[kind]} ORDER BY step, timestamp LIMIT 1`,
          [pk, query.metricKey, lo, Math.min(lo + width - 1, end)],
        );
        if (row)
          bucket[kind] = {
            step: row.step,
            timestamp: row.timestamp,
            value: kind === 'nan' ? NaN : row.value,
          };
      }
    }
  } else {
    const rows = await q.values<PgRow>(postgresBucketSql(pkList.length), [
      start,
      width,
      ...pkList,
      query.metricKey,
      start,
      end,
    ]);
    for (const [pk, b, count, first, last, min, max, nan, posInf, negInf] of rows) {
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

/** A point packed by SQLite's json_array(step, timestamp, value). */
function jsonPoint(text: string): BucketPoint {
  const [step, timestamp, value] = JSON.parse(text) as number[];
  return { step: step!, timestamp: timestamp!, value: value! };
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
