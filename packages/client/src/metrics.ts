/** Metric history endpoints: one run's paged history and the bulk-interval route charts use. */
import type { MetricBucketsJson, MetricJson, WireDouble } from '@loom/protocol';
import type { CallOptions, Http } from './http';

const BASE = '/api/2.0/mlflow/metrics';

/** A metric value as a JS number: the wire's "NaN" / "Infinity" / "-Infinity" strings decoded. */
export function metricValue(value: WireDouble): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return NaN;
}

/** A number as a wire double: NaN and the infinities as MLflow's strings. */
export function wireDouble(value: number): WireDouble {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

export interface GetMetricHistoryArgs {
  runId: string;
  metricKey: string;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface MetricHistoryPage {
  metrics: MetricJson[];
  nextPageToken: string | undefined;
}

/** One page of every logged value of a run's metric, in step order. */
export async function getMetricHistory(
  http: Http,
  args: GetMetricHistoryArgs,
  options?: CallOptions,
): Promise<MetricHistoryPage> {
  const res = await http.get<{ metrics?: MetricJson[]; next_page_token?: string }>(
    `${BASE}/get-history`,
    {
      run_id: args.runId,
      metric_key: args.metricKey,
      max_results: args.maxResults,
      page_token: args.pageToken,
    },
    options,
  );
  return { metrics: res.metrics ?? [], nextPageToken: res.next_page_token || undefined };
}

export interface GetMetricHistoryBulkIntervalArgs {
  /** 1..100 runs. */
  runIds: string[];
  metricKey: string;
  startStep?: number | undefined;
  endStep?: number | undefined;
  /** Points per run, at most 2,500 (the server samples steps evenly beyond that). */
  maxResults?: number | undefined;
}

/** A metric of several runs sampled over a step interval; every point carries its `run_id`. */
export async function getMetricHistoryBulkInterval(
  http: Http,
  args: GetMetricHistoryBulkIntervalArgs,
  options?: CallOptions,
): Promise<MetricJson[]> {
  const res = await http.get<{ metrics?: MetricJson[] }>(
    `${BASE}/get-history-bulk-interval`,
    {
      run_ids: args.runIds,
      metric_key: args.metricKey,
      start_step: args.startStep,
      end_step: args.endStep,
      max_results: args.maxResults,
    },
    options,
  );
  return res.metrics ?? [];
}

export interface GetMetricHistoryBucketsArgs {
  /** 1..100 runs. */
  runIds: string[];
  metricKey: string;
  /** Both or neither; default: every step the runs logged. */
  startStep?: number | undefined;
  endStep?: number | undefined;
  /** 1..5,000 equal step buckets (about one per pixel of a chart). */
  buckets: number;
}

/**
 * Loom's downsampled history (get-history-bulk-interval with `buckets`): per run per step bucket,
 * the first, last, min and max finite point and the first NaN/±Infinity point.
 */
export async function getMetricHistoryBuckets(
  http: Http,
  args: GetMetricHistoryBucketsArgs,
  options?: CallOptions,
): Promise<MetricBucketsJson> {
  const res = await http.get<MetricBucketsJson>(
    `${BASE}/get-history-bulk-interval`,
    {
      run_ids: args.runIds,
      metric_key: args.metricKey,
      start_step: args.startStep,
      end_step: args.endStep,
      buckets: args.buckets,
    },
    options,
  );
  return { ...res, buckets: res.buckets ?? [] };
}
