/**
 * The SQL of the downsampled metric history, one form per database. Both answer, per run per
 * bucket of `width` steps from `start`, the count and the first, last, minimum and maximum finite
 * point. When several points share a bucket's extreme value, SQLite names any one of them,
 * PostgreSQL the earliest.
 */
import { placeholders } from '../sql-util';

const SQLITE_FINITE = 'm.is_nan = 0 AND m.value > -9e999 AND m.value < 9e999';
const SQLITE_IN_BUCKET = `m.run_pk = r.pk AND m.key = p.k
  AND m.step >= p.a + k.i * p.w AND m.step < p.a + (k.i + 1) * p.w AND m.step <= p.e`;

/**
 * SQLite: a GROUP BY over a computed bucket sorts every point into a temp B-tree first (five such
 * grouped scans took 6–9 s for a million points), so the buckets are enumerated instead and each
 * is read as a primary-key range: one pass for the count and the minimum, one for the maximum, a
 * seek each for the first and last finite point. The point of a lone MIN()/MAX() comes from
 * SQLite's "bare column" rule, packed by json_array. Parameters: start, width, end, key, run pks.
 */
export function sqliteBucketSql(runCount: number): string {
  const runs = Array.from({ length: runCount }, () => '(?)').join(', ');
  return `WITH RECURSIVE p(a, w, e, k) AS (SELECT CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), ?),
    r(pk) AS (VALUES ${runs}),
    k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k, p WHERE (i + 1) * p.w <= p.e - p.a)
    SELECT r.pk, k.i,
      (SELECT json_array(COUNT(*), m.step, m.timestamp, MIN(CASE WHEN ${SQLITE_FINITE} THEN m.value END),
          SUM(m.is_nan), SUM(m.is_nan = 0 AND m.value = 9e999), SUM(m.is_nan = 0 AND m.value = -9e999))
        FROM metrics m WHERE ${SQLITE_IN_BUCKET}),
      (SELECT json_array(m.step, m.timestamp, MAX(CASE WHEN ${SQLITE_FINITE} THEN m.value END))
        FROM metrics m WHERE ${SQLITE_IN_BUCKET}),
      (SELECT json_array(m.step, m.timestamp, m.value) FROM metrics m
        WHERE ${SQLITE_IN_BUCKET} AND ${SQLITE_FINITE} ORDER BY m.step, m.timestamp LIMIT 1),
      (SELECT json_array(m.step, m.timestamp, m.value) FROM metrics m
        WHERE ${SQLITE_IN_BUCKET} AND ${SQLITE_FINITE} ORDER BY m.step DESC, m.timestamp DESC LIMIT 1)
    FROM r, k, p`;
}

export type SqliteRow = [
  runPk: number,
  bucket: number,
  /** [count, step, timestamp, min, nan count, +inf count, -inf count] */
  countAndMin: string,
  /** [step, timestamp, max] */
  max: string,
  first: string | null,
  last: string | null,
];

/** The first non-finite point of each kind, asked only of the buckets that hold one. */
export const SQLITE_NON_FINITE: Record<'nan' | 'posInf' | 'negInf', string> = {
  nan: 'is_nan = 1',
  posInf: 'is_nan = 0 AND value = 9e999',
  negInf: 'is_nan = 0 AND value = -9e999',
};

/**
 * PostgreSQL: one grouped pass (hash aggregate); each point is the smallest/largest array of it.
 * Parameters: start, width, run pks, key, start, end.
 */
export function postgresBucketSql(runCount: number): string {
  const finite = `is_nan = 0 AND value > '-Infinity'::float8 AND value < 'Infinity'::float8`;
  const point = 'step::float8, timestamp::float8, value';
  // Arrays compare element by element: the smallest [step, timestamp, value] is the earliest
  // point, the smallest [value, step, timestamp] the earliest lowest one.
  return `SELECT run_pk, b, COUNT(*),
      MIN(ARRAY[${point}]) FILTER (WHERE ${finite}),
      MAX(ARRAY[${point}]) FILTER (WHERE ${finite}),
      MIN(ARRAY[value, step::float8, timestamp::float8]) FILTER (WHERE ${finite}),
      MAX(ARRAY[value, -step::float8, -timestamp::float8]) FILTER (WHERE ${finite}),
      MIN(ARRAY[${point}]) FILTER (WHERE is_nan = 1),
      MIN(ARRAY[${point}]) FILTER (WHERE is_nan = 0 AND value = 'Infinity'::float8),
      MIN(ARRAY[${point}]) FILTER (WHERE is_nan = 0 AND value = '-Infinity'::float8)
    FROM (SELECT run_pk, (step - CAST(? AS BIGINT)) / CAST(? AS BIGINT) AS b, step, timestamp, is_nan, value
      FROM metrics WHERE run_pk IN ${placeholders(runCount)} AND key = ? AND step >= ? AND step <= ?) f
    GROUP BY run_pk, b`;
}

export type PgArray = (number | string)[] | null;
export type PgRow = [
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
