/** Run endpoints (service.proto), named after MLflow's operations. */
import type {
  DatasetInputJson,
  KeyValue,
  MetricJson,
  RunInfoJson,
  RunJson,
  RunStatus,
  ViewType,
} from '@loom/protocol';
import type { CallOptions, Http } from './http';

const BASE = '/api/2.0/mlflow/runs';

export interface SearchRunsArgs {
  experimentIds: string[];
  /** MLflow's run search grammar, e.g. `metrics.loss < 0.5 and params.lr = '0.01'`. */
  filter?: string | undefined;
  /** e.g. `['metrics.loss ASC', 'attributes.start_time DESC']`. */
  orderBy?: string[] | undefined;
  runViewType?: ViewType | undefined;
  /** At most 50,000 (MLflow's limit); the server's default is 1,000. */
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface RunsPage {
  runs: RunJson[];
  /** Absent on the last page. */
  nextPageToken: string | undefined;
}

/** One page of runs of `experimentIds` matching `filter`, ordered by `orderBy`. */
export async function searchRuns(http: Http, args: SearchRunsArgs, options?: CallOptions): Promise<RunsPage> {
  const res = await http.post<{ runs?: RunJson[]; next_page_token?: string }>(
    `${BASE}/search`,
    {
      experiment_ids: args.experimentIds,
      filter: args.filter || undefined,
      order_by: args.orderBy,
      run_view_type: args.runViewType,
      max_results: args.maxResults,
      page_token: args.pageToken || undefined,
    },
    options,
  );
  return { runs: res.runs ?? [], nextPageToken: res.next_page_token || undefined };
}

/** One run with its latest metrics, params, tags and inputs. */
export async function getRun(http: Http, runId: string, options?: CallOptions): Promise<RunJson> {
  const res = await http.get<{ run: RunJson }>(`${BASE}/get`, { run_id: runId }, options);
  return res.run;
}

export interface UpdateRunArgs {
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  runName?: string | undefined;
}

/** Changes a run's status, end time or name; answers the updated info. */
export async function updateRun(
  http: Http,
  runId: string,
  args: UpdateRunArgs,
  options?: CallOptions,
): Promise<RunInfoJson> {
  const res = await http.post<{ run_info: RunInfoJson }>(
    `${BASE}/update`,
    { run_id: runId, status: args.status, end_time: args.endTime, run_name: args.runName },
    options,
  );
  return res.run_info;
}

/** Marks a run deleted. */
export async function deleteRun(http: Http, runId: string, options?: CallOptions): Promise<void> {
  await http.post(`${BASE}/delete`, { run_id: runId }, options);
}

/** Brings a deleted run back. */
export async function restoreRun(http: Http, runId: string, options?: CallOptions): Promise<void> {
  await http.post(`${BASE}/restore`, { run_id: runId }, options);
}

/** Sets (or overwrites) a run tag. */
export async function setTag(
  http: Http,
  runId: string,
  key: string,
  value: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/set-tag`, { run_id: runId, key, value }, options);
}

/** Removes a run tag; RESOURCE_DOES_NOT_EXIST when it is not set. */
export async function deleteTag(
  http: Http,
  runId: string,
  key: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/delete-tag`, { run_id: runId, key }, options);
}

export interface CreateRunArgs {
  experimentId: string;
  runName?: string | undefined;
  /** Epoch ms; the server's clock when absent. */
  startTime?: number | undefined;
  userId?: string | undefined;
  tags?: KeyValue[] | undefined;
}

/** Starts a RUNNING run. */
export async function createRun(http: Http, args: CreateRunArgs, options?: CallOptions): Promise<RunJson> {
  const res = await http.post<{ run: RunJson }>(
    `${BASE}/create`,
    {
      experiment_id: args.experimentId,
      run_name: args.runName,
      start_time: args.startTime,
      user_id: args.userId,
      tags: args.tags,
    },
    options,
  );
  return res.run;
}

export interface LogBatchArgs {
  metrics?: readonly MetricJson[] | undefined;
  params?: readonly KeyValue[] | undefined;
  tags?: readonly KeyValue[] | undefined;
}

/**
 * Logs metrics, params and tags in one request, all or nothing. MLflow's limits: 1000 metrics,
 * 100 params, 100 tags, 1000 items in all (LOG_BATCH_LIMITS).
 */
export async function logBatch(
  http: Http,
  runId: string,
  args: LogBatchArgs,
  options?: CallOptions,
): Promise<void> {
  await http.post(
    `${BASE}/log-batch`,
    { run_id: runId, metrics: args.metrics ?? [], params: args.params ?? [], tags: args.tags ?? [] },
    options,
  );
}

/** MLflow's per-request limits of log-batch. */
export const LOG_BATCH_LIMITS = Object.freeze({ metrics: 1000, params: 100, tags: 100, total: 1000 });

/** Records datasets the run used (log-inputs). */
export async function logInputs(
  http: Http,
  runId: string,
  datasets: readonly DatasetInputJson[],
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/log-inputs`, { run_id: runId, datasets }, options);
}

/** Records logged models the run produced (MLflow 3 `runs/outputs`), shown as the run's model outputs. */
export async function logOutputs(
  http: Http,
  runId: string,
  models: readonly { modelId: string; step?: number | undefined }[],
  options?: CallOptions,
): Promise<void> {
  await http.post(
    `${BASE}/outputs`,
    { run_id: runId, models: models.map((m) => ({ model_id: m.modelId, step: m.step ?? 0 })) },
    options,
  );
}

/**
 * MLflow 2 `runs/log-model`: appends `modelJson` (the MLmodel as JSON) to the run's
 * `mlflow.log-model.history` tag, which lists the models logged under the run's artifacts.
 */
export async function logModel(
  http: Http,
  runId: string,
  modelJson: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/log-model`, { run_id: runId, model_json: modelJson }, options);
}
