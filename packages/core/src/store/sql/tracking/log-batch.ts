/**
 * The ingest hot path: one transaction per batch, multi-row inserts from cached statements, the
 * latest-metric table maintained by a guarded upsert. All or nothing: a param conflict rolls back
 * the whole batch (MLflow may keep part of it).
 */
import { invalidParameter } from '@loom/protocol';
import type { KeyValue, Metric } from '../../../tracking/entities';
import type { Dialect, Queryable, SqlDriver, SqlValue } from '../driver';
import { numberArray, textArray } from '../postgres/array-literal';
import { binaryCopyData, type CopyColumn, type CopyValue } from '../postgres/copy-binary';
import { chunks, isUniqueViolation, num, placeholders } from '../sql-util';
import { activeRunRow, upsertTags } from './runs';

const METRIC_WIDTH = 9;
// Plain points (no model or dataset link), the common case, bind 6 values instead of 9.
const NARROW_WIDTH = 6;
const METRIC_CHUNK = 250;
const METRIC_INSERT =
  'INSERT INTO metrics (run_pk, key, step, timestamp, is_nan, value, model_id, dataset_name, dataset_digest) VALUES ';
const NARROW_INSERT = 'INSERT INTO metrics (run_pk, key, step, timestamp, is_nan, value) VALUES ';
/** Whether the incoming row (`excluded`) is later than the stored latest: step, then time, then value. */
const LATER = `(excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step
  AND (excluded.timestamp > latest_metrics.timestamp
  OR (excluded.timestamp = latest_metrics.timestamp AND excluded.value > latest_metrics.value))))`;

const LATEST_UPSERT_TAIL = `
  ON CONFLICT (run_pk, key) DO UPDATE SET time_ordered = latest_metrics.time_ordered * excluded.time_ordered,
    step = excluded.step, timestamp = excluded.timestamp,
    is_nan = excluded.is_nan, value = excluded.value, model_id = excluded.model_id,
    dataset_name = excluded.dataset_name, dataset_digest = excluded.dataset_digest
  WHERE ${LATER}`;

const sqlCache = new Map<string, string>();

/** SQL text for `rows` rows, built once per size so the driver's statement cache hits. */
function cached(kind: string, rows: number, build: () => string): string {
  const key = `${kind}:${rows}`;
  let sql = sqlCache.get(key);
  if (!sql) sqlCache.set(key, (sql = build()));
  return sql;
}

function metricRow(runPk: number, m: Metric, out: SqlValue[]): void {
  out.push(runPk);
  metricValues(m, out);
}

/** A point's columns after run_pk: key, step, timestamp, is_nan, value and its three links. */
function metricValues(m: Metric, out: SqlValue[]): void {
  const nan = Number.isNaN(m.value);
  out.push(
    m.key,
    m.step,
    m.timestamp,
    nan ? 1 : 0,
    nan ? 0 : m.value,
    m.modelId ?? null,
    m.datasetName ?? null,
    m.datasetDigest ?? null,
  );
}

/** Per key of a batch: its earliest step and timestamp, and whether step order equals time order. */
interface KeyShape {
  latest: Metric;
  minStep: number;
  minTimestamp: number;
  timeOrdered: boolean;
  /** The (step, timestamp) of the previous point seen, to detect the common already-sorted case. */
  lastStep: number;
  lastTimestamp: number;
  sorted: boolean;
}

function shapeOf(metrics: readonly Metric[]): Map<string, KeyShape> {
  const shapes = new Map<string, KeyShape>();
  for (const m of metrics) {
    const s = shapes.get(m.key);
    if (!s) {
      shapes.set(m.key, {
        latest: m,
        minStep: m.step,
        minTimestamp: m.timestamp,
        timeOrdered: true,
        lastStep: m.step,
        lastTimestamp: m.timestamp,
        sorted: true,
      });
      continue;
    }
    if (isLater(m, s.latest)) s.latest = m;
    if (m.step < s.minStep) s.minStep = m.step;
    if (m.timestamp < s.minTimestamp) s.minTimestamp = m.timestamp;
    if (m.step < s.lastStep || (m.step === s.lastStep && m.timestamp < s.lastTimestamp)) s.sorted = false;
    else if (m.timestamp < s.lastTimestamp) s.timeOrdered = false;
    s.lastStep = m.step;
    s.lastTimestamp = m.timestamp;
  }
  for (const [key, s] of shapes) {
    if (s.sorted) continue;
    // Arrived out of step order: sort this key's points by (step, timestamp) and check the times.
    const points = metrics
      .filter((m) => m.key === key)
      .sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
    s.timeOrdered = points.every((p, i) => i === 0 || p.timestamp >= points[i - 1]!.timestamp);
  }
  return shapes;
}

/** True when `a` is later than `b` in MLflow's "latest" order (step, timestamp, value). */
function isLater(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  const av = Number.isNaN(a.value) ? 0 : a.value;
  const bv = Number.isNaN(b.value) ? 0 : b.value;
  return av > bv;
}

function narrowRow(runPk: number, m: Metric, out: SqlValue[]): void {
  const nan = Number.isNaN(m.value);
  out.push(runPk, m.key, m.step, m.timestamp, nan ? 1 : 0, nan ? 0 : m.value);
}

/**
 * How points already stored are handled. SQLite skips them in the insert (cheap there). PostgreSQL
 * inserts plainly first, because ON CONFLICT's speculative insertion costs ~4× per row; a repeated
 * point (a client's retry, a duplicate in the batch) fails that attempt, and the batch runs again with
 * `skip`.
 */
type Duplicates = 'skip' | 'fail';

/** Thrown out of a PostgreSQL `fail` attempt whose batch repeats a stored point: run it again with `skip`. */
class RepeatedPoint extends Error {}

async function insertMetrics(
  q: Queryable,
  dialect: Dialect,
  runPk: number,
  metrics: readonly Metric[],
  duplicates: Duplicates,
): Promise<void> {
  const shapes = shapeOf(metrics);
  if (dialect === 'postgres') {
    await insertMetricArrays(q, runPk, metrics, shapes, duplicates);
  } else {
    await markUnordered(q, runPk, shapes);
    await insertMetricRows(q, runPk, metrics);
  }
  await upsertLatest(q, runPk, shapes);
}

/** SQLite: multi-row VALUES statements of at most METRIC_CHUNK rows. */
async function insertMetricRows(q: Queryable, runPk: number, metrics: readonly Metric[]): Promise<void> {
  const narrow = isNarrow(metrics);
  const [kind, width, prefix, write] = narrow
    ? (['narrow', NARROW_WIDTH, NARROW_INSERT, narrowRow] as const)
    : (['metrics', METRIC_WIDTH, METRIC_INSERT, metricRow] as const);
  for (const part of chunks(metrics, METRIC_CHUNK)) {
    const sql = cached(kind, part.length, () => {
      const row = placeholders(width);
      return `${prefix}${new Array<string>(part.length).fill(row).join(', ')} ON CONFLICT DO NOTHING`;
    });
    const values: SqlValue[] = [];
    for (const m of part) write(runPk, m, values);
    await q.run(sql, values);
  }
}

function isNarrow(metrics: readonly Metric[]): boolean {
  return metrics.every((m) => !m.modelId && !m.datasetName && !m.datasetDigest);
}

// One statement for the whole batch whatever its size: each column one array parameter.
const NARROW_UNNEST = `INSERT INTO metrics (run_pk, key, step, timestamp, is_nan, value)
  SELECT ?::bigint, * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[])`;
const WIDE_UNNEST = `INSERT INTO metrics (run_pk, key, step, timestamp, is_nan, value, model_id, dataset_name, dataset_digest)
  SELECT ?::bigint, * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::text[], ?::text[], ?::text[])`;
const SKIP_DUPLICATES = ' ON CONFLICT DO NOTHING';
// markUnordered in the same statement (one round trip fewer): each key's earliest point of the batch
// against the stored latest. Runs before the upsert of the latest points, which is a later statement.
const PG_MARK_UNORDERED = `WITH unordered AS (UPDATE latest_metrics l SET time_ordered = 0
    FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS b (key, step, timestamp)
    WHERE l.run_pk = ? AND l.time_ordered = 1 AND l.key = b.key
      AND (l.step > b.step OR l.timestamp > b.timestamp)) `;

/**
 * From this many points a first attempt writes them with a binary `COPY` instead of the `unnest`
 * insert: PostgreSQL stores them in fewer, larger heap writes and parses no number text. Below it
 * the two take the same time (docs/benchmarks.md).
 */
const COPY_MIN_POINTS = 500;
const NARROW_COPY = 'COPY metrics (run_pk, key, step, timestamp, is_nan, value) FROM STDIN (FORMAT binary)';
const WIDE_COPY =
  'COPY metrics (run_pk, key, step, timestamp, is_nan, value, model_id, dataset_name, dataset_digest) FROM STDIN (FORMAT binary)';
const NARROW_COLUMNS: readonly CopyColumn[] = ['int8', 'text', 'int8', 'int8', 'int8', 'float8'];
const WIDE_COLUMNS: readonly CopyColumn[] = [...NARROW_COLUMNS, 'text', 'text', 'text'];

/** PostgreSQL: the batch as column arrays expanded by `unnest`, in one statement. */
async function insertMetricArrays(
  q: Queryable,
  runPk: number,
  metrics: readonly Metric[],
  shapes: Map<string, KeyShape>,
  duplicates: Duplicates,
): Promise<void> {
  const n = metrics.length;
  const keys = new Array<string>(n);
  const steps = new Array<number>(n);
  const times = new Array<number>(n);
  const nans = new Array<number>(n);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const m = metrics[i]!;
    const nan = Number.isNaN(m.value);
    keys[i] = m.key;
    steps[i] = m.step;
    times[i] = m.timestamp;
    nans[i] = nan ? 1 : 0;
    values[i] = nan ? 0 : m.value;
  }
  const firsts = [...shapes.values()];
  const params: SqlValue[] = [
    textArray([...shapes.keys()]),
    numberArray(firsts.map((f) => f.minStep)),
    numberArray(firsts.map((f) => f.minTimestamp)),
    runPk,
    runPk,
    textArray(keys),
    numberArray(steps),
    numberArray(times),
    numberArray(nans),
    numberArray(values),
  ];
  const narrow = isNarrow(metrics);
  if (!narrow) {
    params.push(
      textArray(metrics.map((m) => m.modelId ?? null)),
      textArray(metrics.map((m) => m.datasetName ?? null)),
      textArray(metrics.map((m) => m.datasetDigest ?? null)),
    );
  }
  const sql =
    PG_MARK_UNORDERED +
    (narrow ? NARROW_UNNEST : WIDE_UNNEST) +
    (duplicates === 'skip' ? SKIP_DUPLICATES : '');
  try {
    await q.run(sql, params);
  } catch (err) {
    throw duplicates === 'fail' && isUniqueViolation(err) ? new RepeatedPoint() : err;
  }
}

const INT64_LIMIT = 2 ** 63;

/**
 * Big enough for COPY, with steps and times a BIGINT holds (others take the `unnest` path, which
 * refuses them as before).
 */
function copyable(metrics: readonly Metric[]): boolean {
  if (metrics.length < COPY_MIN_POINTS) return false;
  for (const m of metrics) {
    if (m.step >= INT64_LIMIT || m.step < -INT64_LIMIT || m.timestamp >= INT64_LIMIT) return false;
  }
  return true;
}

/**
 * The points by binary `COPY`. A point already stored (or repeated in the batch) fails it with a
 * unique violation, and the batch runs again through the `unnest` insert that skips duplicates.
 */
async function copyMetrics(
  copyFrom: NonNullable<Queryable['copyFrom']>,
  runPk: number,
  metrics: readonly Metric[],
): Promise<void> {
  const narrow = isNarrow(metrics);
  // Encoded while the COPY command travels to the server.
  const data = () => {
    const rows = new Array<CopyValue[]>(metrics.length);
    for (let i = 0; i < metrics.length; i++) {
      const m = metrics[i]!;
      const nan = Number.isNaN(m.value);
      // `+ 0` turns -0 into 0, as the decimal text of the `unnest` path does.
      const row: CopyValue[] = [runPk, m.key, m.step, m.timestamp, nan ? 1 : 0, nan ? 0 : m.value + 0];
      if (!narrow) row.push(m.modelId ?? null, m.datasetName ?? null, m.datasetDigest ?? null);
      rows[i] = row;
    }
    return binaryCopyData(narrow ? NARROW_COLUMNS : WIDE_COLUMNS, rows);
  };
  try {
    await copyFrom(narrow ? NARROW_COPY : WIDE_COPY, data);
  } catch (err) {
    throw isUniqueViolation(err) ? new RepeatedPoint() : err;
  }
}

/**
 * A point earlier than the stored latest, in step or in time, breaks the step/time agreement of its
 * series. One statement per 100 keys of the batch (a new run's batch has nothing to update).
 */
async function markUnordered(q: Queryable, runPk: number, shapes: Map<string, KeyShape>): Promise<void> {
  for (const part of chunks([...shapes], 100)) {
    const conditions = part.map(() => '(key = ? AND (step > ? OR timestamp > ?))').join(' OR ');
    await q.run(
      `UPDATE latest_metrics SET time_ordered = 0 WHERE run_pk = ? AND time_ordered = 1 AND (${conditions})`,
      [runPk, ...part.flatMap(([key, shape]) => [key, shape.minStep, shape.minTimestamp])],
    );
  }
}

/**
 * The keys' shapes sorted by key: rows locked in that order, so two batches of one run upserting the
 * same keys wait for each other instead of deadlocking (PostgreSQL).
 */
function inKeyOrder(shapes: Map<string, KeyShape>): KeyShape[] {
  return [...shapes.values()].sort((a, b) => (a.latest.key < b.latest.key ? -1 : 1));
}

/** The time-order check's three array parameters: each key, its earliest step and timestamp. */
function firstPoints(shapes: readonly KeyShape[]): SqlValue[] {
  return [
    textArray(shapes.map((s) => s.latest.key)),
    numberArray(shapes.map((s) => s.minStep)),
    numberArray(shapes.map((s) => s.minTimestamp)),
  ];
}

// The upsert after a COPY, with the time-order check of PG_MARK_UNORDERED folded in (one round trip
// fewer): the stored row is always rewritten, its columns replaced only by a later point, and its
// time_ordered cleared when the batch's earliest point of the key (the unnest) precedes it. Same
// outcome as the check followed by LATEST_UPSERT_TAIL; every right-hand side sees the stored row.
const MARKING_UPSERT_TAIL = `
  ON CONFLICT (run_pk, key) DO UPDATE SET
    time_ordered = latest_metrics.time_ordered * CASE WHEN ${LATER} THEN excluded.time_ordered ELSE 1 END
      * (SELECT CASE WHEN latest_metrics.step > f.step OR latest_metrics.timestamp > f.timestamp THEN 0 ELSE 1 END
         FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS f (key, step, timestamp) WHERE f.key = excluded.key),
    ${['step', 'timestamp', 'is_nan', 'value', 'model_id', 'dataset_name', 'dataset_digest']
      .map((c) => `${c} = CASE WHEN ${LATER} THEN excluded.${c} ELSE latest_metrics.${c} END`)
      .join(',\n    ')}`;

/**
 * Each key's latest point, kept when later than the stored one; the batch's time order folded in.
 * With `markUnordered` (PostgreSQL, after a COPY) the statement also does PG_MARK_UNORDERED's check.
 */
async function upsertLatest(
  q: Queryable,
  runPk: number,
  shapes: Map<string, KeyShape>,
  markUnordered = false,
): Promise<void> {
  for (const part of chunks(inKeyOrder(shapes), METRIC_CHUNK)) {
    const sql = cached(markUnordered ? 'latest-marking' : 'latest', part.length, () => {
      const row = placeholders(METRIC_WIDTH + 1);
      return `INSERT INTO latest_metrics (run_pk, key, step, timestamp, is_nan, value, model_id, dataset_name, dataset_digest, time_ordered)
        VALUES ${new Array<string>(part.length).fill(row).join(', ')}${markUnordered ? MARKING_UPSERT_TAIL : LATEST_UPSERT_TAIL}`;
    });
    const values: SqlValue[] = [];
    for (const shape of part) {
      metricRow(runPk, shape.latest, values);
      values.push(shape.timeOrdered ? 1 : 0);
    }
    if (markUnordered) {
      values.push(...firstPoints(part));
    }
    await q.run(sql, values);
  }
}

const LATEST_VALUES_ROW =
  '(?::text, ?::bigint, ?::bigint, ?::bigint, ?::float8, ?::text, ?::text, ?::text, ?::bigint)';

/**
 * The COPY path's first statement: the batch's latest points upserted (as `upsertLatest` with the
 * time-order check) for the run `runId` when it exists and is active, returning its run_pk: the run
 * check rides along with the upsert, one round trip fewer. Undefined when the run is missing or not
 * active (nothing written), or the batch has more keys than one statement takes (nothing run).
 */
async function upsertLatestOfActiveRun(
  q: Queryable,
  runId: string,
  shapes: Map<string, KeyShape>,
): Promise<number | undefined> {
  if (shapes.size > METRIC_CHUNK) return undefined;
  const latest = inKeyOrder(shapes);
  const sql = cached('latest-of-run', latest.length, () => {
    return `INSERT INTO latest_metrics (run_pk, key, step, timestamp, is_nan, value, model_id, dataset_name, dataset_digest, time_ordered)
      SELECT r.run_pk, v.* FROM runs r,
        (VALUES ${new Array<string>(latest.length).fill(LATEST_VALUES_ROW).join(', ')})
          AS v (key, step, timestamp, is_nan, value, model_id, dataset_name, dataset_digest, time_ordered)
      WHERE r.run_id = ? AND r.lifecycle_stage = 'active'${MARKING_UPSERT_TAIL}
      RETURNING run_pk`;
  });
  const values: SqlValue[] = [];
  for (const shape of latest) {
    metricValues(shape.latest, values);
    values.push(shape.timeOrdered ? 1 : 0);
  }
  values.push(runId, ...firstPoints(latest));
  const row = await q.get<{ run_pk: number | string }>(sql, values);
  return row ? num(row.run_pk) : undefined;
}

/**
 * PostgreSQL's first attempt at a batch of many points: latest points and run check in one statement,
 * params and tags, then the points by binary COPY (which a repeated point fails: see Duplicates).
 */
async function writeByCopy(
  tx: Queryable,
  copyFrom: NonNullable<Queryable['copyFrom']>,
  runId: string,
  metrics: readonly Metric[],
  params: readonly KeyValue[],
  tags: readonly KeyValue[],
): Promise<void> {
  const shapes = shapeOf(metrics);
  let runPk = await upsertLatestOfActiveRun(tx, runId, shapes);
  if (runPk === undefined) {
    // Refuses a missing or deleted run with its proper error; else the batch had too many keys.
    runPk = num((await activeRunRow(tx, runId)).run_pk);
    await upsertLatest(tx, runPk, shapes, true);
  }
  await insertParams(tx, runPk, runId, params);
  await upsertTags(tx, runPk, tags);
  await copyMetrics(copyFrom, runPk, metrics);
  await insertModelMetrics(tx, runId, metrics);
}

/** Metrics logged with a model id are also the logged model's metrics (MLflow 3). */
async function insertModelMetrics(q: Queryable, runId: string, metrics: readonly Metric[]): Promise<void> {
  const withModel = metrics.filter((m) => m.modelId);
  if (withModel.length === 0) return;
  const ids = [...new Set(withModel.map((m) => m.modelId!))];
  const known = new Set(
    (
      await q.all<{ model_id: string }>(
        `SELECT model_id FROM logged_models WHERE model_id IN ${placeholders(ids.length)}`,
        ids,
      )
    ).map((r) => r.model_id),
  );
  for (const m of withModel) {
    if (!known.has(m.modelId!)) continue;
    const nan = Number.isNaN(m.value);
    await q.run(
      `INSERT INTO logged_model_metrics (model_id, key, step, timestamp, is_nan, value, run_id, dataset_name, dataset_digest)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [
        m.modelId!,
        m.key,
        m.step,
        m.timestamp,
        nan ? 1 : 0,
        nan ? 0 : m.value,
        runId,
        m.datasetName ?? null,
        m.datasetDigest ?? null,
      ],
    );
  }
}

/**
 * Params are immutable: insert what is new, then read back every key of the batch and refuse the
 * batch if any stored value differs. Inserting first makes a concurrent writer of the same new key
 * (another server on PostgreSQL) wait on the key and then see the winner's value, so both can never
 * succeed with different values.
 */
async function insertParams(
  q: Queryable,
  runPk: number,
  runId: string,
  params: readonly KeyValue[],
): Promise<void> {
  if (params.length === 0) return;
  const stored = new Map<string, string>();
  for (const part of chunks(params, 300)) {
    const inserted = await q.run(
      `INSERT INTO params (run_pk, key, value) VALUES ${part.map(() => '(?, ?, ?)').join(', ')} ON CONFLICT DO NOTHING`,
      part.flatMap((p) => [runPk, p.key, p.value]),
    );
    // Every row new (the usual batch of a new run): nothing stored can differ, no need to read back.
    if (inserted === part.length) {
      for (const p of part) stored.set(p.key, p.value);
      continue;
    }
    const rows = await q.all<{ key: string; value: string }>(
      `SELECT key, value FROM params WHERE run_pk = ? AND key IN ${placeholders(part.length)}`,
      [runPk, ...part.map((p) => p.key)],
    );
    for (const r of rows) stored.set(r.key, r.value);
  }
  const conflicts = params.filter((p) => stored.get(p.key) !== p.value);
  if (conflicts.length > 0) {
    const shown = conflicts
      .map((p) => `{'key': '${p.key}', 'old_value': '${stored.get(p.key)}', 'new_value': '${p.value}'}`)
      .join(', ');
    throw invalidParameter(
      `Changing param values is not allowed. Params were already logged='[${shown}]' for run ID='${runId}'.`,
    );
  }
}

/** Writes a validated batch to an active run in one transaction. */
export async function logBatch(
  db: SqlDriver,
  runId: string,
  metrics: readonly Metric[],
  params: readonly KeyValue[],
  tags: readonly KeyValue[],
): Promise<void> {
  const write = (duplicates: Duplicates) =>
    db.transaction(async (tx) => {
      if (duplicates === 'fail' && tx.copyFrom && copyable(metrics)) {
        return writeByCopy(tx, tx.copyFrom, runId, metrics, params, tags);
      }
      const row = await activeRunRow(tx, runId);
      const runPk = num(row.run_pk);
      await insertParams(tx, runPk, runId, params);
      await upsertTags(tx, runPk, tags);
      if (metrics.length > 0) {
        await insertMetrics(tx, db.dialect, runPk, metrics, duplicates);
        await insertModelMetrics(tx, runId, metrics);
      }
    });
  if (db.dialect !== 'postgres') return write('skip');
  try {
    await write('fail');
  } catch (err) {
    if (!(err instanceof RepeatedPoint)) throw err;
    await write('skip');
  }
}
