/** Request schemas of MLflow's tracking service (service.proto), one per endpoint. */
import {
  LOGGED_MODEL_STATUSES,
  LOGGED_MODEL_STATUS_NUMBERS,
  RUN_STATUSES,
  RUN_STATUS_NUMBERS,
  VIEW_TYPES,
  VIEW_TYPE_NUMBERS,
} from './entities';
import { doubleValue, f, int64Value, invalid, missing, type Infer } from './schema';

const keyValue = f.message({ key: f.string(), value: f.string() });
const viewType = () => f.enum(VIEW_TYPES, VIEW_TYPE_NUMBERS);

const metricFields = {
  key: f.string().required(),
  value: f.double().required(),
  timestamp: f.int64().required(),
  step: f.int64(),
  model_id: f.string(),
  dataset_name: f.string(),
  dataset_digest: f.string(),
  run_id: f.string(),
};
/** The generic form of a log-batch metric; `decodeMetric` must decode exactly like it. */
export const metricMessage = f.message(metricFields);
export type MetricJsonIn = Infer<typeof metricFields>;

function optionalString(o: Record<string, unknown>, name: string, alias: string, path: () => string) {
  let v = o[name];
  if (v === undefined) v = o[alias];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return invalid(`${path()}.${name}`, v);
  return v;
}

/** A required field: absent, null or "" is missing. */
function required(o: Record<string, unknown>, name: string, path: () => string): unknown {
  const v = o[name] ?? undefined;
  if (v === undefined || v === '') return missing(`${path()}.${name}`);
  return v;
}

/**
 * log-batch carries up to 1000 metrics: decoded with direct property reads instead of the generic
 * schema walk (a third of the request's CPU). Accepts and rejects what `metricMessage` does.
 */
export function decodeMetric(value: unknown, path: () => string): MetricJsonIn {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return invalid(path(), value);
  const o = value as Record<string, unknown>;
  const key = required(o, 'key', path);
  if (typeof key !== 'string') return invalid(`${path()}.key`, key);
  const rawValue = required(o, 'value', path);
  const v = doubleValue(rawValue);
  if (v === undefined) return invalid(`${path()}.value`, rawValue);
  const rawTimestamp = required(o, 'timestamp', path);
  const timestamp = int64Value(rawTimestamp);
  if (timestamp === undefined) return invalid(`${path()}.timestamp`, rawTimestamp);
  const out: MetricJsonIn = { key, value: v, timestamp };
  const rawStep = o.step ?? undefined;
  if (rawStep !== undefined) {
    const step = int64Value(rawStep);
    if (step === undefined) return invalid(`${path()}.step`, rawStep);
    out.step = step;
  }
  const modelId = optionalString(o, 'model_id', 'modelId', path);
  if (modelId !== undefined) out.model_id = modelId;
  const datasetName = optionalString(o, 'dataset_name', 'datasetName', path);
  if (datasetName !== undefined) out.dataset_name = datasetName;
  const datasetDigest = optionalString(o, 'dataset_digest', 'datasetDigest', path);
  if (datasetDigest !== undefined) out.dataset_digest = datasetDigest;
  const runId = optionalString(o, 'run_id', 'runId', path);
  if (runId !== undefined) out.run_id = runId;
  return out;
}

const metric = f.custom(decodeMetric);

const dataset = f.message({
  name: f.string(),
  digest: f.string(),
  source_type: f.string(),
  source: f.string(),
  schema: f.string(),
  profile: f.string(),
});

export const createExperiment = {
  name: f.string().required(),
  artifact_location: f.string(),
  tags: keyValue.list(),
};
export const getExperiment = { experiment_id: f.string().required() };
export const getExperimentByName = { experiment_name: f.string().required() };
export const searchExperiments = {
  max_results: f.int64(),
  page_token: f.string(),
  filter: f.string(),
  order_by: f.string().list(),
  view_type: viewType(),
};
export const updateExperiment = { experiment_id: f.string().required(), new_name: f.string().required() };
export const deleteExperiment = { experiment_id: f.string().required() };
export const restoreExperiment = { experiment_id: f.string().required() };
export const setExperimentTag = {
  experiment_id: f.string().required(),
  key: f.string().required(),
  value: f.string(),
};
export const deleteExperimentTag = { experiment_id: f.string().required(), key: f.string().required() };
export const listExperiments = { view_type: viewType(), max_results: f.int64(), page_token: f.string() };

export const createRun = {
  experiment_id: f.string(),
  user_id: f.string(),
  run_name: f.string(),
  start_time: f.int64(),
  tags: keyValue.list(),
};
/** Endpoints addressed by run: MLflow accepts the deprecated `run_uuid` where `run_id` is missing. */
export const runRef = { run_id: f.string(), run_uuid: f.string() };
export const updateRun = {
  ...runRef,
  status: f.enum(RUN_STATUSES, RUN_STATUS_NUMBERS),
  end_time: f.int64(),
  run_name: f.string(),
};
export const deleteRun = runRef;
export const restoreRun = runRef;
export const getRun = runRef;
export const searchRuns = {
  experiment_ids: f.string().list(),
  filter: f.string(),
  run_view_type: viewType(),
  max_results: f.int32(),
  order_by: f.string().list(),
  page_token: f.string(),
};
// The same fields as a log-batch metric, addressed by run_id or run_uuid.
export const logMetric = { ...metricFields, ...runRef };
export const logParam = { ...runRef, key: f.string().required(), value: f.string() };
export const setTag = { ...runRef, key: f.string().required(), value: f.string() };
export const deleteTag = { ...runRef, key: f.string().required() };
export const logBatch = {
  ...runRef,
  metrics: metric.list(),
  params: f.message({ key: f.string().required(), value: f.string() }).list(),
  tags: f.message({ key: f.string().required(), value: f.string() }).list(),
};
export const logModel = { ...runRef, model_json: f.string().required() };
export const logInputs = {
  ...runRef,
  datasets: f.message({ tags: keyValue.list(), dataset }).list(),
  models: f.message({ model_id: f.string() }).list(),
};
export const logOutputs = {
  ...runRef,
  models: f.message({ model_id: f.string(), step: f.int64() }).list(),
};

export const getMetricHistory = {
  ...runRef,
  metric_key: f.string().required(),
  max_results: f.int32(),
  page_token: f.string(),
};
export const getMetricHistoryBulk = {
  run_id: f.string().list(),
  metric_key: f.string().required(),
  max_results: f.int32(),
};
export const getMetricHistoryBulkInterval = {
  run_ids: f.string().list(),
  metric_key: f.string().required(),
  start_step: f.int64(),
  end_step: f.int64(),
  max_results: f.int32(),
  /** Loom only: answer `buckets` step buckets of min/max/first/last instead of sampled points. */
  buckets: f.int32(),
};
export const listArtifacts = { ...runRef, path: f.string(), page_token: f.string() };
export const searchDatasets = { experiment_ids: f.string().list() };

const loggedModelStatus = () => f.enum(LOGGED_MODEL_STATUSES, LOGGED_MODEL_STATUS_NUMBERS);
export const createLoggedModel = {
  experiment_id: f.string().required(),
  name: f.string(),
  model_type: f.string(),
  source_run_id: f.string(),
  params: keyValue.list(),
  tags: keyValue.list(),
};
export const finalizeLoggedModel = { model_id: f.string(), status: loggedModelStatus().required() };
export const searchLoggedModels = {
  experiment_ids: f.string().list(),
  filter: f.string(),
  datasets: f.message({ dataset_name: f.string(), dataset_digest: f.string() }).list(),
  max_results: f.int32(),
  order_by: f
    .message({
      field_name: f.string(),
      ascending: f.bool(),
      dataset_name: f.string(),
      dataset_digest: f.string(),
    })
    .list(),
  page_token: f.string(),
};
export const setLoggedModelTags = { tags: keyValue.list() };
export const logLoggedModelParams = { params: keyValue.list() };
export const listLoggedModelArtifacts = { artifact_directory_path: f.string(), page_token: f.string() };

export type CreateExperimentRequest = Infer<typeof createExperiment>;
export type SearchExperimentsRequest = Infer<typeof searchExperiments>;
export type CreateRunRequest = Infer<typeof createRun>;
export type UpdateRunRequest = Infer<typeof updateRun>;
export type SearchRunsRequest = Infer<typeof searchRuns>;
export type LogMetricRequest = Infer<typeof logMetric>;
export type LogBatchRequest = Infer<typeof logBatch>;
export type LogInputsRequest = Infer<typeof logInputs>;
export type CreateLoggedModelRequest = Infer<typeof createLoggedModel>;
export type SearchLoggedModelsRequest = Infer<typeof searchLoggedModels>;
