/** Reads of metric history: paged history, bulk history for many runs, and step-sampled intervals. */
import { notFound } from '@loom/protocol';
import type { MetricWithRunId } from '../../../tracking/entities';
import { decodeCursorToken, encodeCursorToken, encodePageToken } from '../../../tracking/search';
import type {
  BulkIntervalQuery,
  MetricHistoryJson,
  MetricHistoryQuery,
} from '../../../tracking/tracking-store';
import type { Dialect, Queryable, SqlValue } from '../driver';
import { joinJsonText, type JsonText } from '../../../tracking/json-text';
import { jsonListAggregate, metricJsonExpression } from './metric-json-sql';
import { num, placeholders } from '../sql-util';
import { METRIC_COLUMNS, toMetric, type MetricRow } from './rows';
import { runRow } from './runs';

const HISTORY_ORDER = 'ORDER BY timestamp, step, value';
// The primary-key order. When a series' steps and timestamps agree (latest_metrics.time_ordered),
// it is also MLflow's (timestamp, step, value) order, and SQLite reads it without sorting.
const KEY_ORDER = 'ORDER BY step, timestamp, is_nan, value';

const KEY_COLUMNS = 'step, timestamp, is_nan, value';
const AFTER = `AND (${KEY_COLUMNS}) > (?, ?, ?, ?)`;
const RAW_COLUMNS = `${KEY_COLUMNS}, model_id, dataset_name, dataset_digest`;

/**
 * The rows of `from` (FROM … ORDER BY … LIMIT ? OFFSET ?) as `j`, their Metric JSON. PostgreSQL cuts
 * the page from raw rows first, so rows skipped by OFFSET (an offset page, the second half of a
 * split read) are never formatted; SQLite skips OFFSET rows before computing columns anyway.
 */
function formattedRows(dialect: Dialect, from: string): string {
  return dialect === 'postgres'
    ? `SELECT ${metricJsonExpression(dialect)} AS j FROM (SELECT ${RAW_COLUMNS} ${from}) raw`
    : `SELECT ${metricJsonExpression(dialect)} AS j ${from}`;
}

/**
 * On PostgreSQL a key-ordered read of at least this many points (the page size, or for an unpaged
 * read the steps spanned) is written in two halves on two pooled connections at once, so both cores
 * write JSON (100,000 points: ~0.6× the time, docs/benchmarks.md).
 */
export const HISTORY_SPLIT_AT = 10_000;

/** One query's share of a history read: extra conditions, and its LIMIT and OFFSET. */
interface HistoryPart {
  where: string;
  params: SqlValue[];
  limit: number;
  offset: number;
}

/**
 * How a key-ordered read is divided. A page of `limit` rows splits by row position (the second
 * half skips the first half's rows); an unpaged read from the start splits by step at the middle
 * of [firstStep, lastStep]: both halves are exact for any spread of steps, only their balance varies.
 */
export function historyParts(read: {
  limit?: number;
  offset: number;
  firstStep: number;
  lastStep: number;
  splitAt: number;
}): HistoryPart[] {
  const { limit, offset, firstStep, lastStep, splitAt } = read;
  if (limit !== undefined) {
    if (limit < splitAt) return [{ where: '', params: [], limit, offset }];
    const half = Math.ceil(limit / 2);
    return [
      { where: '', params: [], limit: half, offset },
      { where: '', params: [], limit: limit - half, offset: offset + half },
    ];
  }
  const all = Number.MAX_SAFE_INTEGER;
  if (offset > 0 || lastStep - firstStep < splitAt) return [{ where: '', params: [], limit: all, offset }];
  const middle = Math.floor((firstStep + lastStep) / 2);
  return [
    { where: 'AND step <= ?', params: [middle], limit: all, offset: 0 },
    { where: 'AND step > ?', params: [middle], limit: all, offset: 0 },
  ];
}

/**
 * A metric's history in MLflow's order (timestamp, step, value) as MLflow `Metric` JSON, paged when
 * `maxResults` is set. The text is built by the database (metric-json-sql.ts). A series read in key
 * order pages by keyset: the token carries the last row's key, so page N costs what page 1 does
 * (MLflow's Python client reads every history 25,000 points at a time).
 */
export async function getMetricHistoryJson(
  q: Queryable,
  dialect: Dialect,
  query: MetricHistoryQuery,
  splitAt = HISTORY_SPLIT_AT,
): Promise<MetricHistoryJson> {
  const run = await runRow(q, query.runId);
  // The latest point's step is the series' last step; the first is one index probe.
  const series = await q.get<{
    time_ordered: number | string;
    last_step: number | string;
    first_step: number | string;
  }>(
    `SELECT time_ordered, step AS last_step,
       (SELECT MIN(step) FROM metrics m WHERE m.run_pk = l.run_pk AND m.key = l.key) AS first_step
     FROM latest_metrics l WHERE run_pk = ? AND key = ?`,
    [run.run_pk, query.metricKey],
  );
  const { offset, after } = decodeCursorToken(query.pageToken, 4);
  if (!series) return { metricsJson: '', count: 0 };
  const keyOrdered = num(series.time_ordered) === 1;
  const order = keyOrdered ? KEY_ORDER : HISTORY_ORDER;
  const limit = query.maxResults && query.maxResults > 0 ? query.maxResults : undefined;
  // Seek past the cursor when the token has one and the series is read in key order; else skip rows.
  const seek = keyOrdered && after !== undefined;
  const where = `FROM metrics WHERE run_pk = ? AND key = ? ${seek ? AFTER : ''}`;
  const whereParams: SqlValue[] = [run.run_pk, query.metricKey, ...(seek ? after : [])];
  const skip = seek ? 0 : offset;
  const parts =
    dialect === 'postgres' && keyOrdered
      ? historyParts({
          limit,
          offset: skip,
          firstStep: seek ? num(after[0]!) : num(series.first_step),
          lastStep: num(series.last_step),
          splitAt,
        })
      : [{ where: '', params: [], limit: limit ?? Number.MAX_SAFE_INTEGER, offset: skip }];
  const keyJson = JSON.stringify(query.metricKey);
  const pages = await Promise.all(
    parts.map(async (part): Promise<{ body: JsonText | null; n: number | string } | undefined> => {
      const sql = `SELECT ${jsonListAggregate(dialect)} AS body, COUNT(*) AS n FROM (
           ${formattedRows(dialect, `${where} ${part.where} ${order} LIMIT ? OFFSET ?`)}) page`;
      const params = [keyJson, ...whereParams, ...part.params, part.limit, part.offset];
      // A big read (split in parts) comes from PostgreSQL as bytes, which go to the answer as they are
      // (~0.8× the time of a 100,000-point read, docs/benchmarks.md). A small one stays a prepared
      // statement: the COPY's query is planned afresh each time.
      if (!q.rawRow || parts.length === 1) return q.get(sql, params);
      const row = await q.rawRow(sql, params, ['text', 'int8']);
      return row && { body: row[0] as Buffer | null, n: row[1] as number };
    }),
  );
  const bodies = pages.map((p) => p?.body).filter((b): b is JsonText => !!b && b.length > 0);
  const count = pages.reduce((n, p) => n + num(p?.n ?? 0), 0);
  let nextPageToken: string | undefined;
  if (limit !== undefined && count === limit) {
    if (keyOrdered) {
      // The page's last key is in its text; one index probe past it says whether a row follows.
      const last = lastKey(bodies[bodies.length - 1]!);
      const more = await q.get(
        `SELECT 1 AS more FROM metrics WHERE run_pk = ? AND key = ? ${AFTER} LIMIT 1`,
        [run.run_pk, query.metricKey, ...last],
      );
      if (more) nextPageToken = encodeCursorToken(offset + limit, last);
    } else {
      const rows = await q.values<[number]>(`SELECT 1 ${where} ${order} LIMIT 1 OFFSET ?`, [
        ...whereParams,
        skip + limit,
      ]);
      if (rows.length > 0) nextPageToken = encodePageToken(offset + limit);
    }
  }
  return { metricsJson: joinJsonText(bodies, ','), count, nextPageToken };
}

/**
 * The key (step, timestamp, is_nan, value) of the last metric in JSON text written by
 * metricJsonExpression. Its objects start with `{"key":`, which a string value cannot hold unescaped;
 * doubles are written as round-trip text and NaN's stored value is 0.
 */
function lastKey(body: JsonText): number[] {
  const last =
    typeof body === 'string'
      ? body.slice(body.lastIndexOf('{"key":'))
      : body.subarray(body.lastIndexOf('{"key":')).toString('utf8');
  const m = JSON.parse(last) as {
    value: number | string;
    timestamp: number;
    step: number;
  };
  const nan = m.value === 'NaN';
  return [m.step, m.timestamp, nan ? 1 : 0, nan ? 0 : Number(m.value)];
}

/** Run ids to their primary keys; NOT_FOUND names the first unknown run. */
export async function runPks(q: Queryable, runIds: readonly string[]): Promise<Map<number, string>> {
  const rows = await q.all<{ run_pk: number | string; run_id: string }>(
    `SELECT run_pk, run_id FROM runs WHERE run_id IN ${placeholders(runIds.length)}`,
    [...runIds],
  );
  const found = new Map(rows.map((r) => [num(r.run_pk), r.run_id]));
  const known = new Set(found.values());
  const unknown = runIds.find((id) => !known.has(id));
  if (unknown) throw notFound(`Run with id=${unknown} not found`);
  return found;
}

/** History of one metric for up to 100 runs, sorted by run id then (timestamp, step, value). */
export async function getMetricHistoryBulk(
  q: Queryable,
  runIds: readonly string[],
  metricKey: string,
  maxResults: number,
): Promise<MetricWithRunId[]> {
  const pks = await runPks(q, runIds);
  const ordered = [...pks].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const out: MetricWithRunId[] = [];
  for (const [pk, runId] of ordered) {
    const rows = await q.all<MetricRow>(
      `SELECT ${METRIC_COLUMNS} FROM metrics WHERE run_pk = ? AND key = ? ${HISTORY_ORDER} LIMIT ?`,
      [pk, metricKey, maxResults - out.length],
    );
    for (const r of rows) out.push({ ...toMetric(r), runId });
    if (out.length >= maxResults) break;
  }
  return out;
}

/** Evenly spaced picks of `max` items from sorted `steps`, always keeping the first and last. */
export function sampleSteps(steps: readonly number[], max: number): number[] {
  if (steps.length <= max) return [...steps];
  if (max === 1) return [steps[0]!];
  const out = new Set<number>();
  for (let i = 0; i < max; i++) out.add(steps[Math.round((i * (steps.length - 1)) / (max - 1))]!);
  return [...out];
}

/**
 * MLflow's get-history-bulk-interval: the union of steps over the runs in [start, end], sampled
 * evenly down to `maxResults` when larger, each run's first and last step always kept; every run's
 * points at those steps, sorted by step then timestamp.
 */
export async function getMetricHistoryBulkInterval(
  q: Queryable,
  query: BulkIntervalQuery,
): Promise<MetricWithRunId[]> {
  const pks = await runPks(q, query.runIds);
  const pkList = [...pks.keys()];
  const range: SqlValue[] = [];
  let rangeSql = '';
  if (query.startStep !== undefined && query.endStep !== undefined) {
    rangeSql = ' AND step >= ? AND step <= ?';
    range.push(query.startStep, query.endStep);
  }
  const runIn = placeholders(pkList.length);
  const stepRows = await q.all<{ step: number | string }>(
    `SELECT DISTINCT step FROM metrics WHERE run_pk IN ${runIn} AND key = ?${rangeSql} ORDER BY step`,
    [...pkList, query.metricKey, ...range],
  );
  const steps = stepRows.map((r) => num(r.step));
  let rows: (MetricRow & { run_pk: number | string })[];
  if (steps.length <= query.maxResults) {
    rows = await q.all(
      `SELECT run_pk, ${METRIC_COLUMNS} FROM metrics WHERE run_pk IN ${runIn} AND key = ?${rangeSql}
       ORDER BY run_pk, step, timestamp`,
      [...pkList, query.metricKey, ...range],
    );
  } else {
    const bounds = await q.all<{ lo: number | string; hi: number | string }>(
      `SELECT MIN(step) AS lo, MAX(step) AS hi FROM metrics WHERE run_pk IN ${runIn} AND key = ?${rangeSql} GROUP BY run_pk`,
      [...pkList, query.metricKey, ...range],
    );
    const picked = new Set(sampleSteps(steps, query.maxResults));
    for (const b of bounds) picked.add(num(b.lo)).add(num(b.hi));
    const stepList = [...picked].sort((a, b) => a - b);
    rows = await q.all(
      `SELECT run_pk, ${METRIC_COLUMNS} FROM metrics WHERE run_pk IN ${runIn} AND key = ?
       AND step IN ${placeholders(stepList.length)} ORDER BY run_pk, step, timestamp`,
      [...pkList, query.metricKey, ...stepList],
    );
  }
  const perRun = new Map<number, number>();
  const out: MetricWithRunId[] = [];
  for (const r of rows) {
    const pk = num(r.run_pk);
    const n = perRun.get(pk) ?? 0;
    if (n >= query.maxResults) continue;
    perRun.set(pk, n + 1);
    out.push({ ...toMetric(r), runId: pks.get(pk)! });
  }
  return out;
}
