/**
 * The storage contract of the tracking domain. Implementations persist and query; MLflow's rules
 * (validation, naming, defaults) are applied before the store is called, in tracking-service.ts.
 * Method names are MLflow's operation names.
 */
import type {
  Dataset,
  DatasetSummary,
  Experiment,
  KeyValue,
  LoggedModel,
  LoggedModelStatus,
  Metric,
  MetricBuckets,
  MetricWithRunId,
  Page,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from './entities';
import type { JsonText } from './json-text';

export interface NewExperiment {
  name: string;
  /** When absent, the store assigns `<defaultArtifactRoot>/<id>`. */
  artifactLocation?: string | undefined;
  tags: KeyValue[];
  time: number;
}

export interface NewRun {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  startTime: number;
  tags: KeyValue[];
}

export interface RunUpdate {
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  runName?: string | undefined;
}

export interface SearchRunsQuery {
  experimentIds: string[];
  filter?: string | undefined;
  orderBy: string[];
  viewType: ViewType;
  maxResults: number;
  pageToken?: string | undefined;
}

export interface SearchExperimentsQuery {
  filter?: string | undefined;
  orderBy: string[];
  viewType: ViewType;
  maxResults: number;
  pageToken?: string | undefined;
}

export interface MetricHistoryQuery {
  runId: string;
  metricKey: string;
  /** 0 or absent = everything. */
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** One page of runs as a JSON array of MLflow `Run` objects, with the next page token. */
export interface RunsJsonPage {
  runsJson: JsonText;
  count: number;
  nextPageToken?: string | undefined;
}

/** One page of a metric history as JSON: the comma-joined `Metric` objects and the next page token. */
export interface MetricHistoryJson {
  metricsJson: JsonText;
  count: number;
  nextPageToken?: string | undefined;
}

export interface BulkIntervalQuery {
  runIds: string[];
  metricKey: string;
  startStep?: number | undefined;
  endStep?: number | undefined;
  maxResults: number;
}

/** Min/max/first/last per run per step bucket; `buckets` of equal width span [startStep, endStep]. */
export interface BucketQuery {
  runIds: string[];
  metricKey: string;
  startStep?: number | undefined;
  endStep?: number | undefined;
  buckets: number;
}

export interface NewLoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  params: KeyValue[];
  tags: KeyValue[];
  time: number;
}

export interface SearchLoggedModelsQuery {
  experimentIds: string[];
  filter?: string | undefined;
  maxResults: number;
  orderBy: { fieldName: string; ascending: boolean }[];
  pageToken?: string | undefined;
}

/** The persistence of experiments, runs and their data. */
export interface TrackingStore {
  createExperiment(e: NewExperiment): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  searchExperiments(q: SearchExperimentsQuery): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string, time: number): Promise<void>;
  deleteExperiment(experimentId: string, time: number): Promise<void>;
  restoreExperiment(experimentId: string, time: number): Promise<void>;
  setExperimentTag(experimentId: string, tag: KeyValue): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(run: NewRun): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  getRunInfo(runId: string): Promise<RunInfo>;
  updateRun(runId: string, update: RunUpdate): Promise<RunInfo>;
  deleteRun(runId: string, time: number): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  searchRuns(q: SearchRunsQuery): Promise<Page<Run>>;
  /** The same page as MLflow `Run` JSON text, written by the database (the search route's hot path). */
  searchRunsJson(q: SearchRunsQuery): Promise<RunsJsonPage>;

  /** Writes metrics, params and tags of one run in one transaction (all or nothing). */
  logBatch(runId: string, metrics: Metric[], params: KeyValue[], tags: KeyValue[]): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  logInputs(
    runId: string,
    datasets: { dataset: Dataset; tags: KeyValue[] }[],
    modelIds: string[],
  ): Promise<void>;
  logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void>;

  /** History as MLflow `Metric` JSON text: the hot read path builds no objects (see metric-json-sql.ts). */
  getMetricHistoryJson(q: MetricHistoryQuery): Promise<MetricHistoryJson>;
  getMetricHistoryBulk(runIds: string[], metricKey: string, maxResults: number): Promise<MetricWithRunId[]>;
  getMetricHistoryBulkInterval(q: BulkIntervalQuery): Promise<MetricWithRunId[]>;
  /** Loom's downsampled history: per run per step bucket, min/max/first/last computed in SQL. */
  getMetricHistoryBuckets(q: BucketQuery): Promise<MetricBuckets>;
  searchDatasets(experimentIds: string[]): Promise<DatasetSummary[]>;

  createLoggedModel(m: NewLoggedModel): Promise<LoggedModel>;
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus, time: number): Promise<LoggedModel>;
  deleteLoggedModel(modelId: string): Promise<void>;
  searchLoggedModels(q: SearchLoggedModelsQuery): Promise<Page<LoggedModel>>;
  setLoggedModelTags(modelId: string, tags: KeyValue[], time: number): Promise<LoggedModel>;
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void>;

  close(): Promise<void>;
}
