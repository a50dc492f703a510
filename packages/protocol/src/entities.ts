/** MLflow's tracking entities exactly as they appear on the wire (snake_case, proto field names). */

export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewType = (typeof VIEW_TYPES)[number];
export const VIEW_TYPE_NUMBERS = { 1: 'ACTIVE_ONLY', 2: 'DELETED_ONLY', 3: 'ALL' } as const;

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_STATUS_NUMBERS = {
  1: 'RUNNING',
  2: 'SCHEDULED',
  3: 'FINISHED',
  4: 'FAILED',
  5: 'KILLED',
} as const;

export const LOGGED_MODEL_STATUSES = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const;
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];
export const LOGGED_MODEL_STATUS_NUMBERS = {
  0: 'LOGGED_MODEL_STATUS_UNSPECIFIED',
  1: 'LOGGED_MODEL_PENDING',
  2: 'LOGGED_MODEL_READY',
  3: 'LOGGED_MODEL_UPLOAD_FAILED',
} as const;

export type LifecycleStage = 'active' | 'deleted';

export interface KeyValue {
  key: string;
  value: string;
}

export interface ExperimentJson {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  last_update_time: number;
  creation_time: number;
  tags?: KeyValue[];
}

/** A metric value on the wire: a number, or "NaN" / "Infinity" / "-Infinity". */
export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity';

/** A point a metric bucket names (Loom's downsampled history). */
export interface BucketPointJson {
  step: number;
  timestamp: number;
  value: WireDouble;
}

/** One run's metric over one step bucket: its size and the points that shape its line. */
export interface MetricBucketJson {
  run_id: string;
  start_step: number;
  count: number;
  first?: BucketPointJson;
  last?: BucketPointJson;
  min?: BucketPointJson;
  max?: BucketPointJson;
  nan?: BucketPointJson;
  pos_inf?: BucketPointJson;
  neg_inf?: BucketPointJson;
}

/** get-history-bulk-interval's answer when `buckets` is given. */
export interface MetricBucketsJson {
  start_step?: number;
  end_step?: number;
  bucket_width: number;
  buckets?: MetricBucketJson[];
}

export interface MetricJson {
  key: string;
  value: WireDouble;
  timestamp: number;
  step: number;
  run_id?: string;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface RunInfoJson {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

export interface DatasetJson {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInputJson {
  tags?: KeyValue[];
  dataset: DatasetJson;
}

export interface RunJson {
  info: RunInfoJson;
  data: { metrics?: MetricJson[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: DatasetInputJson[]; model_inputs?: { model_id: string }[] };
  outputs?: { model_outputs?: { model_id: string; step: number }[] };
}

export interface FileInfoJson {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface LoggedModelJson {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    creation_timestamp_ms: number;
    last_updated_timestamp_ms: number;
    artifact_uri: string;
    status: LoggedModelStatus;
    creator_id?: number;
    model_type?: string;
    source_run_id?: string;
    status_message?: string;
    tags?: KeyValue[];
  };
  data: { params?: KeyValue[]; metrics?: MetricJson[] };
}

export interface DatasetSummaryJson {
  experiment_id: string;
  name: string;
  digest: string;
  context?: string;
}
