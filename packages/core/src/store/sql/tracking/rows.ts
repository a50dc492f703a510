/** Row shapes of the tracking tables and their conversions to domain entities. */
import type {
  Experiment,
  KeyValue,
  LifecycleStage,
  Metric,
  RunInfo,
  RunStatus,
} from '../../../tracking/entities';
import { num, numOrNull } from '../sql-util';

export interface ExperimentRow {
  experiment_id: number | string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number | string;
  last_update_time: number | string;
}

export interface RunRow {
  run_pk: number | string;
  run_id: string;
  experiment_id: number | string;
  name: string;
  user_id: string;
  status: string;
  start_time: number | string;
  end_time: number | string | null;
  artifact_uri: string;
  lifecycle_stage: string;
}

export interface MetricRow {
  key: string;
  step: number | string;
  timestamp: number | string;
  is_nan: number | string;
  value: number;
  model_id?: string | null;
  dataset_name?: string | null;
  dataset_digest?: string | null;
}

export const RUN_COLUMNS =
  'run_pk, run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage';
export const EXPERIMENT_COLUMNS =
  'experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time';
export const METRIC_COLUMNS = 'key, step, timestamp, is_nan, value, model_id, dataset_name, dataset_digest';

/** An experiment row and its tags as the domain entity. */
export function toExperiment(row: ExperimentRow, tags: KeyValue[]): Experiment {
  return {
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    creationTime: num(row.creation_time),
    lastUpdateTime: num(row.last_update_time),
    tags,
  };
}

/** A runs row as RunInfo. */
export function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_id,
    runName: row.name,
    experimentId: String(row.experiment_id),
    userId: row.user_id,
    status: row.status as RunStatus,
    startTime: num(row.start_time),
    endTime: numOrNull(row.end_time),
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
  };
}

/** A metrics / latest_metrics row as a Metric; NaN is restored from the is_nan flag. */
export function toMetric(row: MetricRow): Metric {
  const m: Metric = {
    key: row.key,
    value: num(row.is_nan) ? NaN : row.value,
    timestamp: num(row.timestamp),
    step: num(row.step),
  };
  if (row.model_id) m.modelId = row.model_id;
  if (row.dataset_name) m.datasetName = row.dataset_name;
  if (row.dataset_digest) m.datasetDigest = row.dataset_digest;
  return m;
}

/** Groups rows that carry a `run_pk` by that key. */
export function groupByRun<R extends { run_pk: number | string }>(rows: R[]): Map<number, R[]> {
  const map = new Map<number, R[]>();
  for (const row of rows) {
    const pk = num(row.run_pk);
    let list = map.get(pk);
    if (!list) map.set(pk, (list = []));
    list.push(row);
  }
  return map;
}
