/** Reads of metric history: paged history, bulk history for many runs, and step-sampled intervals. */
import { notFound } from '@loom/protocol';
import type { Metric, MetricWithRunId, Page } from '../../../tracking/entities';
import { decodePageToken, encodePageToken } from '../../../tracking/search';
import type { BulkIntervalQuery, MetricHistoryQuery } from '../../../tracking/tracking-store';
import type { Queryable, SqlValue } from '../driver';
import { num, placeholders } from '../sql-util';
import { METRIC_COLUMNS, toMetric, type MetricRow } from './rows';
import { runRow } from './runs';

const HISTORY_ORDER = 'ORDER BY timestamp, step, value';

/** A metric's history in MLflow's order (timestamp, step, value), paged when `maxResults` is set. */
export async function getMetricHistory(q: Queryable, query: MetricHistoryQuery): Promise<Page<Metric>> {
  const run = await runRow(q, query.runId);
  const base = `SELECT ${METRIC_COLUMNS} FROM metrics WHERE run_pk = ? AND key = ? ${HISTORY_ORDER}`;
  const offset = query.pageToken ? decodePageToken(query.pageToken) : 0;
  const limit = query.maxResults && query.maxResults > 0 ? query.maxResults : undefined;
  if (limit === undefined) {
    const rows = offset
      ? await q.all<MetricRow>(`${base} LIMIT ? OFFSET ?`, [run.run_pk, query.metricKey, Number.MAX_SAFE_INTEGER, offset])
      : await q.all<MetricRow>(base, [run.run_pk, query.metricKey]);
    return { items: rows.map(toMetric) };
  }
  const rows = await q.all<MetricRow>(`${base} LIMIT ? OFFSET ?`, [run.run_pk, query.metricKey, limit + 1, offset]);
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(toMetric);
  return { items, nextPageToken: more ? encodePageToken(offset + limit) : undefined };
}

async function runPks(q: Queryable, runIds: readonly string[]): Promise<Map<number, string>> {
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
