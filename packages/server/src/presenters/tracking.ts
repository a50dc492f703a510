/** Domain entities → MLflow's wire JSON: one explicit converter per entity, empty lists omitted. */
import { encodeDouble } from '@loom/protocol';
import type {
  BucketPointJson,
  DatasetSummaryJson,
  ExperimentJson,
  KeyValue as KeyValueJson,
  LoggedModelJson,
  MetricBucketJson,
  MetricBucketsJson,
  MetricJson,
  RunInfoJson,
  RunJson,
} from '@loom/protocol';
import type {
  BucketPoint,
  DatasetSummary,
  Experiment,
  KeyValue,
  MetricBucket,
  MetricBuckets,
  LoggedModel,
  Metric,
  MetricWithRunId,
  Run,
  RunInfo,
} from '@loom/core';

function keyValues(items: readonly KeyValue[]): KeyValueJson[] | undefined {
  return items.length > 0 ? items.map((i) => ({ key: i.key, value: i.value })) : undefined;
}

/** An experiment as MLflow's `Experiment` message. */
export function presentExperiment(e: Experiment): ExperimentJson {
  const out: ExperimentJson = {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
  };
  const tags = keyValues(e.tags);
  if (tags) out.tags = tags;
  return out;
}

/** A metric as MLflow's `Metric` message (non-finite values as strings). */
export function presentMetric(m: Metric, runId?: string): MetricJson {
  const out: MetricJson = { key: m.key, value: encodeDouble(m.value), timestamp: m.timestamp, step: m.step };
  if (runId !== undefined) out.run_id = runId;
  if (m.modelId) out.model_id = m.modelId;
  if (m.datasetName) out.dataset_name = m.datasetName;
  if (m.datasetDigest) out.dataset_digest = m.datasetDigest;
  return out;
}

/** A metric point with its run, for the bulk history routes. */
export function presentMetricWithRunId(m: MetricWithRunId): MetricJson {
  return presentMetric(m, m.runId);
}

function presentBucketPoint(p: BucketPoint): BucketPointJson {
  return { step: p.step, timestamp: p.timestamp, value: encodeDouble(p.value) };
}

/** One metric bucket; absent points stay absent. */
export function presentMetricBucket(b: MetricBucket): MetricBucketJson {
  const out: MetricBucketJson = { run_id: b.runId, start_step: b.startStep, count: b.count };
  if (b.first) out.first = presentBucketPoint(b.first);
  if (b.last) out.last = presentBucketPoint(b.last);
  if (b.min) out.min = presentBucketPoint(b.min);
  if (b.max) out.max = presentBucketPoint(b.max);
  if (b.nan) out.nan = presentBucketPoint(b.nan);
  if (b.posInf) out.pos_inf = presentBucketPoint(b.posInf);
  if (b.negInf) out.neg_inf = presentBucketPoint(b.negInf);
  return out;
}

/** A downsampled history: the range, the bucket width and the buckets (omitted when none). */
export function presentMetricBuckets(m: MetricBuckets): MetricBucketsJson {
  const out: MetricBucketsJson = { bucket_width: m.bucketWidth };
  if (m.startStep !== undefined) out.start_step = m.startStep;
  if (m.endStep !== undefined) out.end_step = m.endStep;
  if (m.buckets.length > 0) out.buckets = m.buckets.map(presentMetricBucket);
  return out;
}

/** RunInfo, with the deprecated `run_uuid` twin MLflow still sends. */
export function presentRunInfo(info: RunInfo): RunInfoJson {
  const out: RunInfoJson = {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  };
  if (info.endTime !== null) out.end_time = info.endTime;
  return out;
}

/** A whole run: info, latest metrics, params, tags, inputs and outputs. */
export function presentRun(run: Run): RunJson {
  const data: RunJson['data'] = {};
  if (run.metrics.length > 0) data.metrics = run.metrics.map((m) => presentMetric(m));
  const params = keyValues(run.params);
  if (params) data.params = params;
  const tags = keyValues(run.tags);
  if (tags) data.tags = tags;
  const out: RunJson = { info: presentRunInfo(run.info), data };
  const inputs: NonNullable<RunJson['inputs']> = {};
  if (run.datasetInputs.length > 0) {
    inputs.dataset_inputs = run.datasetInputs.map((d) => {
      return {
        dataset: {
          name: d.dataset.name,
          digest: d.dataset.digest,
          source_type: d.dataset.sourceType,
          source: d.dataset.source,
          ...(d.dataset.schema !== undefined ? { schema: d.dataset.schema } : {}),
          ...(d.dataset.profile !== undefined ? { profile: d.dataset.profile } : {}),
        },
        ...(d.tags.length > 0 ? { tags: keyValues(d.tags) } : {}),
      };
    });
  }
  if (run.modelInputs.length > 0) inputs.model_inputs = run.modelInputs.map((model_id) => ({ model_id }));
  out.inputs = inputs;
  if (run.modelOutputs.length > 0) {
    out.outputs = { model_outputs: run.modelOutputs.map((m) => ({ model_id: m.modelId, step: m.step })) };
  }
  return out;
}

/** A logged model as MLflow 3's `LoggedModel` message. */
export function presentLoggedModel(m: LoggedModel): LoggedModelJson {
  const info: LoggedModelJson['info'] = {
    model_id: m.modelId,
    experiment_id: m.experimentId,
    name: m.name,
    creation_timestamp_ms: m.creationTimestampMs,
    last_updated_timestamp_ms: m.lastUpdatedTimestampMs,
    artifact_uri: m.artifactUri,
    status: m.status,
  };
  if (m.modelType) info.model_type = m.modelType;
  if (m.sourceRunId) info.source_run_id = m.sourceRunId;
  if (m.statusMessage) info.status_message = m.statusMessage;
  const tags = keyValues(m.tags);
  if (tags) info.tags = tags;
  const data: LoggedModelJson['data'] = {};
  const params = keyValues(m.params);
  if (params) data.params = params;
  if (m.metrics.length > 0) data.metrics = m.metrics.map((x) => presentMetric(x, x.runId));
  return { info, data };
}

/** A dataset summary for the UI's dataset filter. */
export function presentDatasetSummary(d: DatasetSummary): DatasetSummaryJson {
  const out: DatasetSummaryJson = { experiment_id: d.experimentId, name: d.name, digest: d.digest };
  if (d.context) out.context = d.context;
  return out;
}
