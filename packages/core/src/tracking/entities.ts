/** Tracking domain types (camelCase). The server turns them into MLflow's wire JSON with presenters. */
import type { LifecycleStage, LoggedModelStatus, RunStatus, ViewType } from '@loom/protocol';

export type { LifecycleStage, LoggedModelStatus, RunStatus, ViewType };

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: KeyValue[];
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  modelId?: string | undefined;
  datasetName?: string | undefined;
  datasetDigest?: string | undefined;
}

export interface MetricWithRunId extends Metric {
  runId: string;
}

/** One logged point of a metric, as a bucket summary names it. */
export interface BucketPoint {
  step: number;
  timestamp: number;
  value: number;
}

/**
 * A run's metric over one step bucket: how many points fell in it, the first and last finite
 * point (by step), a point holding the finite minimum and one holding the maximum, and the first
 * NaN, +Infinity and -Infinity point, so a chart keeps every spike and every non-finite value.
 */
export interface MetricBucket {
  runId: string;
  /** The bucket's first step: `startStep + index * width`. */
  startStep: number;
  count: number;
  first?: BucketPoint;
  last?: BucketPoint;
  min?: BucketPoint;
  max?: BucketPoint;
  nan?: BucketPoint;
  posInf?: BucketPoint;
  negInf?: BucketPoint;
}

/** Buckets of one metric over a step range for several runs. */
export interface MetricBuckets {
  /** First step of bucket 0 (undefined when no run has a point of the metric). */
  startStep?: number;
  /** Last step covered. */
  endStep?: number;
  /** Steps per bucket (1: every step its own bucket, i.e. full resolution). */
  bucketWidth: number;
  buckets: MetricBucket[];
}

export interface RunInfo {
  runId: string;
  runName: string;
  experimentId: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

export interface Dataset {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string | undefined;
  profile?: string | undefined;
}

export interface DatasetInput {
  tags: KeyValue[];
  dataset: Dataset;
}

export interface Run {
  info: RunInfo;
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
  datasetInputs: DatasetInput[];
  modelInputs: string[];
  modelOutputs: { modelId: string; step: number }[];
}

export interface DatasetSummary {
  experimentId: string;
  name: string;
  digest: string;
  context?: string | undefined;
}

export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  artifactUri: string;
  status: LoggedModelStatus;
  statusMessage?: string | undefined;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  creationTimestampMs: number;
  lastUpdatedTimestampMs: number;
  tags: KeyValue[];
  params: KeyValue[];
  metrics: (Metric & { runId: string })[];
}

/** One page of a search. `nextPageToken` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string | undefined;
}
