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
