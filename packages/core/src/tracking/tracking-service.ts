/**
 * The tracking engine's front door: MLflow's rules and defaults applied once, then the store.
 * Method names are MLflow's operation names; the HTTP routes are thin wrappers around them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { invalidParameter, notFound } from '@loom/protocol';
import type {
  Dataset,
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
import { generateRunName } from './run-names';
import type { MetricHistoryJson, RunsJsonPage, SearchRunsQuery, TrackingStore } from './tracking-store';
import {
  LIMITS,
  normalizeParam,
  normalizeRunTag,
  validateArtifactLocation,
  validateBatchLimits,
  validateExperimentName,
  validateExperimentTag,
  validateInterval,
  validateKey,
  validateLength,
  validateMaxResults,
  validateMetric,
  validateNoDuplicateParams,
  validateRunId,
} from './validation';

/** Most buckets one downsampled history may ask for: a wide screen, twice over. */
export const MAX_METRIC_BUCKETS = 5000;

const RUN_NAME_TAG = 'mlflow.runName';
const USER_TAG = 'mlflow.user';
const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';
const LOGGED_MODEL_NAME_FORBIDDEN = /[/:.%"']/;

export interface SearchArgs {
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  viewType?: ViewType | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** Tracking operations with MLflow's validation, defaults and messages. */
export class TrackingService {
  constructor(
    readonly store: TrackingStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates an experiment; returns its id. */
  async createExperiment(args: {
    name?: string | undefined;
    artifactLocation?: string | undefined;
    tags?: KeyValue[];
  }) {
    const name = validateExperimentName(args.name);
    if (args.artifactLocation) validateArtifactLocation(args.artifactLocation);
    const tags = (args.tags ?? []).map(validateExperimentTag);
    return this.store.createExperiment({
      name,
      artifactLocation: args.artifactLocation,
      tags,
      time: this.now(),
    });
  }

  getExperiment(experimentId: string): Promise<Experiment> {
    return this.store.getExperiment(experimentId);
  }

  /** The experiment with `name`; RESOURCE_DOES_NOT_EXIST when there is none. */
  async getExperimentByName(name: string): Promise<Experiment> {
    const experiment = await this.store.getExperimentByName(name);
    if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
    return experiment;
  }

  /** Searches experiments (max_results 1..50,000, default 1000). */
  searchExperiments(args: SearchArgs): Promise<Page<Experiment>> {
    const maxResults = args.maxResults ?? 1000;
    validateMaxResults(maxResults, LIMITS.searchExperimentsMaxResults);
    return this.store.searchExperiments({
      filter: args.filter,
      orderBy: args.orderBy ?? [],
      viewType: args.viewType ?? 'ACTIVE_ONLY',
      maxResults,
      pageToken: args.pageToken,
    });
  }

  /** Renames an active experiment. */
  updateExperiment(experimentId: string, newName: string): Promise<void> {
    validateExperimentName(newName);
    return this.store.renameExperiment(experimentId, newName, this.now());
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.store.deleteExperiment(experimentId, this.now());
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.store.restoreExperiment(experimentId, this.now());
  }

  setExperimentTag(experimentId: string, key: string, value: string | undefined): Promise<void> {
    return this.store.setExperimentTag(experimentId, validateExperimentTag({ key, value }));
  }

  deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return this.store.deleteExperimentTag(experimentId, key);
  }

  /** Starts a run: default experiment "0", generated name, `mlflow.runName` kept equal to the name. */
  async createRun(args: {
    experimentId?: string | undefined;
    userId?: string | undefined;
    runName?: string | undefined;
    startTime?: number | undefined;
    tags?: KeyValue[];
  }): Promise<Run> {
    const tags = (args.tags ?? []).map(normalizeRunTag);
    const tagName = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
    if (args.runName && tagName !== undefined && tagName !== args.runName) {
      throw invalidParameter(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values ` +
          `(run_name='${args.runName}', mlflow.runName='${tagName}').`,
      );
    }
    const runName = args.runName || tagName || generateRunName();
    validateLength('Run name', runName, LIMITS.tagValue);
    const withName = tags.filter((t) => t.key !== RUN_NAME_TAG);
    withName.push({ key: RUN_NAME_TAG, value: runName });
    const userId = args.userId || tags.find((t) => t.key === USER_TAG)?.value || '';
    return this.store.createRun({
      runId: randomUUID().replaceAll('-', ''),
      experimentId: args.experimentId || '0',
      runName,
      userId,
      startTime: args.startTime ?? this.now(),
      tags: withName,
    });
  }

  getRun(runId: string): Promise<Run> {
    return this.store.getRun(runId);
  }

  getRunInfo(runId: string): Promise<RunInfo> {
    return this.store.getRunInfo(runId);
  }

  /** Updates status, end time or name of a run. */
  updateRun(
    runId: string,
    update: { status?: RunStatus | undefined; endTime?: number | undefined; runName?: string | undefined },
  ): Promise<RunInfo> {
    if (update.runName !== undefined) validateLength('Run name', update.runName, LIMITS.tagValue);
    return this.store.updateRun(runId, update);
  }

  deleteRun(runId: string): Promise<void> {
    return this.store.deleteRun(runId, this.now());
  }

  restoreRun(runId: string): Promise<void> {
    return this.store.restoreRun(runId);
  }

  /** Searches runs (max_results ≤ 50,000, default 1000). */
  searchRuns(args: SearchArgs & { experimentIds: string[] }): Promise<Page<Run>> {
    return this.store.searchRuns(this.runQuery(args));
  }

  /** Searches runs, answering with MLflow `Run` JSON text written by the store. */
  searchRunsJson(args: SearchArgs & { experimentIds: string[] }): Promise<RunsJsonPage> {
    return this.store.searchRunsJson(this.runQuery(args));
  }

  private runQuery(args: SearchArgs & { experimentIds: string[] }): SearchRunsQuery {
    const maxResults = args.maxResults ?? 1000;
    validateMaxResults(maxResults, LIMITS.searchRunsMaxResults);
    return {
      experimentIds: args.experimentIds,
      filter: args.filter,
      orderBy: args.orderBy ?? [],
      viewType: args.viewType ?? 'ACTIVE_ONLY',
      maxResults,
      pageToken: args.pageToken,
    };
  }

  /** Logs one metric point. */
  logMetric(runId: string, metric: Metric): Promise<void> {
    validateMetric(metric);
    return this.store.logBatch(runId, [metric], [], []);
  }

  /** Logs one param; the same value again is fine, a different one is an error. */
  logParam(runId: string, key: string, value: string | undefined): Promise<void> {
    return this.store.logBatch(runId, [], [normalizeParam({ key, value })], []);
  }

  /** Sets a run tag (`mlflow.runName` also renames the run). */
  setTag(runId: string, key: string, value: string | undefined): Promise<void> {
    return this.store.logBatch(runId, [], [], [normalizeRunTag({ key, value })]);
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.store.deleteTag(runId, key);
  }

  /** Logs metrics, params and tags together: validated whole, then written in one transaction. */
  logBatch(
    runId: string,
    metrics: Metric[],
    params: { key: string; value?: string | undefined }[],
    tags: { key: string; value?: string | undefined }[],
  ): Promise<void> {
    validateRunId(runId);
    validateBatchLimits(metrics.length, params.length, tags.length);
    const checkedKeys = new Set<string>();
    for (const m of metrics) validateMetric(m, checkedKeys);
    const normalizedParams = params.map(normalizeParam);
    validateNoDuplicateParams(normalizedParams);
    return this.store.logBatch(runId, metrics, normalizedParams, tags.map(normalizeRunTag));
  }

  /** MLflow 2 `runs/log-model`: appends the MLmodel dict to the run's `mlflow.log-model.history` tag. */
  async logModel(runId: string, modelJson: string): Promise<void> {
    let model: unknown;
    try {
      model = JSON.parse(modelJson);
    } catch {
      throw invalidParameter(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
    }
    const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter(
      (k) => !(model !== null && typeof model === 'object' && k in model),
    );
    if (missing.length > 0) {
      throw invalidParameter(`Model json is missing mandatory fields: ${JSON.stringify(missing)}`);
    }
    const run = await this.store.getRun(runId);
    const previous = run.tags.find((t) => t.key === LOG_MODEL_HISTORY_TAG)?.value;
    let history: unknown[] = [];
    try {
      history = previous ? (JSON.parse(previous) as unknown[]) : [];
    } catch {
      history = [];
    }
    history.push(model);
    await this.store.logBatch(
      runId,
      [],
      [],
      [{ key: LOG_MODEL_HISTORY_TAG, value: JSON.stringify(history) }],
    );
  }

  /** Records dataset and model inputs of a run, with MLflow's dataset limits. */
  logInputs(
    runId: string,
    datasets: { dataset?: Partial<Dataset> | undefined; tags?: KeyValue[] }[],
    modelIds: string[],
  ): Promise<void> {
    const checked = datasets.map((input, i) => {
      const d = input.dataset;
      if (!d) throw invalidParameter(`Missing value for required parameter 'datasets[${i}].dataset'.`);
      for (const field of ['name', 'digest', 'sourceType', 'source'] as const) {
        if (!d[field]) {
          const wire = field === 'sourceType' ? 'source_type' : field;
          throw invalidParameter(`Missing value for required parameter 'datasets[${i}].dataset.${wire}'.`);
        }
      }
      validateLength('Dataset name', d.name!, LIMITS.datasetName);
      validateLength('Dataset digest', d.digest!, LIMITS.datasetDigest);
      validateLength('Dataset source', d.source!, LIMITS.datasetSource);
      if (d.schema) validateLength('Dataset schema', d.schema, LIMITS.datasetSchema);
      if (d.profile) validateLength('Dataset profile', d.profile, LIMITS.datasetProfile);
      const tags = (input.tags ?? []).map((t) => {
        if (!t.key) throw invalidParameter(`Missing value for required parameter 'datasets[${i}].tags.key'.`);
        validateLength('Input tag key', t.key, LIMITS.inputTagKey);
        validateLength('Input tag value', t.value ?? '', LIMITS.inputTagValue);
        return { key: t.key, value: t.value ?? '' };
      });
      return { dataset: d as Dataset, tags };
    });
    return this.store.logInputs(runId, checked, modelIds);
  }

  /** Links models a run produced (MLflow 3 `runs/outputs`). */
  logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    return this.store.logOutputs(runId, models);
  }

  /** History of one metric of one run, as MLflow `Metric` JSON (absent or 0 `maxResults` = all). */
  getMetricHistoryJson(args: {
    runId: string;
    metricKey: string;
    maxResults?: number | undefined;
    pageToken?: string | undefined;
  }): Promise<MetricHistoryJson> {
    if (args.maxResults !== undefined && args.maxResults < 0)
      validateMaxResults(args.maxResults, 2_147_483_647, 0);
    return this.store.getMetricHistoryJson(args);
  }

  /** History of one metric for up to 100 runs (UI). */
  getMetricHistoryBulk(runIds: string[], metricKey: string, maxResults = 25_000): Promise<MetricWithRunId[]> {
    if (runIds.length === 0)
      throw invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    if (runIds.length > 100) {
      throw invalidParameter(
        `GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    validateMaxResults(maxResults, 25_000);
    return this.store.getMetricHistoryBulk(runIds, metricKey, maxResults);
  }

  /** Step-sampled history of one metric for up to 100 runs (UI charts). */
  getMetricHistoryBulkInterval(args: {
    runIds: string[];
    metricKey: string;
    startStep?: number | undefined;
    endStep?: number | undefined;
    maxResults?: number | undefined;
  }): Promise<MetricWithRunId[]> {
    if (args.runIds.length === 0) throw invalidParameter("Missing value for required parameter 'run_ids'.");
    if (args.runIds.length > 100) {
      throw invalidParameter(
        `GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received ${args.runIds.length} run_ids.`,
      );
    }
    const maxResults = args.maxResults ?? 2500;
    validateMaxResults(maxResults, 2500);
    validateInterval(args.startStep, args.endStep);
    return this.store.getMetricHistoryBulkInterval({ ...args, maxResults });
  }

  /**
   * Loom's downsampled history for charts: `buckets` equal step buckets over [startStep, endStep]
   * (default: every step the runs logged), with min/max/first/last per run per bucket.
   */
  getMetricHistoryBuckets(args: {
    runIds: string[];
    metricKey: string;
    startStep?: number | undefined;
    endStep?: number | undefined;
    buckets: number;
  }): Promise<MetricBuckets> {
    if (args.runIds.length === 0) throw invalidParameter("Missing value for required parameter 'run_ids'.");
    if (args.runIds.length > 100) {
      throw invalidParameter(
        `GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received ${args.runIds.length} run_ids.`,
      );
    }
    if (!Number.isInteger(args.buckets) || args.buckets < 1 || args.buckets > MAX_METRIC_BUCKETS) {
      throw invalidParameter(
        `Invalid value ${args.buckets} for parameter 'buckets' supplied. It must be at least 1 and at most ${MAX_METRIC_BUCKETS}.`,
      );
    }
    validateInterval(args.startStep, args.endStep);
    return this.store.getMetricHistoryBuckets(args);
  }

  /** Datasets used by runs of 1..20 experiments. */
  searchDatasets(experimentIds: string[]) {
    if (experimentIds.length === 0 || experimentIds.length > 20) {
      throw invalidParameter(
        `SearchDatasets request must specify at least one experiment_id and at most 20 experiment_ids. Received ${experimentIds.length} experiment_ids.`,
      );
    }
    return this.store.searchDatasets(experimentIds);
  }

  /** Creates a PENDING logged model (`m-` + 32 hex id; random name when none is given). */
  createLoggedModel(args: {
    experimentId: string;
    name?: string | undefined;
    modelType?: string | undefined;
    sourceRunId?: string | undefined;
    params?: KeyValue[];
    tags?: KeyValue[];
  }): Promise<LoggedModel> {
    const name = args.name ?? generateRunName();
    if (name === '' || LOGGED_MODEL_NAME_FORBIDDEN.test(name)) {
      throw invalidParameter(
        `Invalid model name '${name}'. Names cannot be empty or contain any of the following characters: '/', ':', '.', '%', '"', "'".`,
      );
    }
    for (const t of args.tags ?? []) validateKey('tag', t.key);
    for (const p of args.params ?? []) validateKey('param', p.key);
    return this.store.createLoggedModel({
      modelId: `m-${randomBytes(16).toString('hex')}`,
      experimentId: args.experimentId,
      name,
      modelType: args.modelType,
      sourceRunId: args.sourceRunId,
      params: (args.params ?? []).map((p) => ({ key: p.key, value: p.value ?? '' })),
      tags: (args.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' })),
      time: this.now(),
    });
  }

  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.store.getLoggedModel(modelId);
  }

  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    return this.store.finalizeLoggedModel(modelId, status, this.now());
  }

  deleteLoggedModel(modelId: string): Promise<void> {
    return this.store.deleteLoggedModel(modelId);
  }

  /** Searches logged models (default 50 per page). */
  searchLoggedModels(args: {
    experimentIds: string[];
    filter?: string | undefined;
    maxResults?: number | undefined;
    orderBy?: { fieldName: string; ascending: boolean }[];
    pageToken?: string | undefined;
  }): Promise<Page<LoggedModel>> {
    const maxResults = args.maxResults ?? 50;
    validateMaxResults(maxResults, 50_000);
    return this.store.searchLoggedModels({ ...args, maxResults, orderBy: args.orderBy ?? [] });
  }

  setLoggedModelTags(modelId: string, tags: KeyValue[]): Promise<LoggedModel> {
    for (const t of tags) validateKey('tag', t.key);
    return this.store.setLoggedModelTags(modelId, tags, this.now());
  }

  deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    return this.store.deleteLoggedModelTag(modelId, key);
  }

  logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void> {
    for (const p of params) validateKey('param', p.key);
    return this.store.logLoggedModelParams(modelId, params);
  }
}
