/** TrackingStore over any SqlDriver: the same SQL for SQLite and PostgreSQL. */
import type { KeyValue, LoggedModelStatus, Metric } from '../../../tracking/entities';
import type {
  BucketQuery,
  BulkIntervalQuery,
  MetricHistoryQuery,
  NewExperiment,
  NewLoggedModel,
  NewRun,
  RunUpdate,
  SearchExperimentsQuery,
  SearchLoggedModelsQuery,
  SearchRunsQuery,
  TrackingStore,
} from '../../../tracking/tracking-store';
import type { Dataset } from '../../../tracking/entities';
import type { SqlDriver } from '../driver';
import { migrate } from '../migrate';
import * as experiments from './experiments';
import { logBatch } from './log-batch';
import * as inputs from './inputs';
import * as history from './metric-history';
import { getMetricHistoryBuckets } from './metric-buckets';
import * as models from './logged-models';
import { searchLoggedModels } from './search-logged-models';
import * as runs from './runs';

export interface SqlTrackingStoreOptions {
  /** Root under which experiments without an explicit location store artifacts. */
  defaultArtifactRoot: string;
}

/** The SQL tracking store. Open with `SqlTrackingStore.open`, which migrates first. */
export class SqlTrackingStore implements TrackingStore {
  private constructor(
    readonly db: SqlDriver,
    private readonly options: SqlTrackingStoreOptions,
  ) {}

  /** Applies pending migrations, ensures the Default experiment, and returns the store. */
  static async open(db: SqlDriver, options: SqlTrackingStoreOptions): Promise<SqlTrackingStore> {
    await migrate(db);
    await experiments.ensureDefaultExperiment(db, options.defaultArtifactRoot);
    return new SqlTrackingStore(db, options);
  }

  createExperiment(e: NewExperiment) {
    return experiments.createExperiment(this.db, e, this.options.defaultArtifactRoot);
  }
  getExperiment(id: string) {
    return experiments.getExperiment(this.db, id);
  }
  getExperimentByName(name: string) {
    return experiments.getExperimentByName(this.db, name);
  }
  searchExperiments(q: SearchExperimentsQuery) {
    return experiments.searchExperiments(this.db, q);
  }
  renameExperiment(id: string, newName: string, time: number) {
    return experiments.renameExperiment(this.db, id, newName, time);
  }
  deleteExperiment(id: string, time: number) {
    return experiments.deleteExperiment(this.db, id, time);
  }
  restoreExperiment(id: string, time: number) {
    return experiments.restoreExperiment(this.db, id, time);
  }
  setExperimentTag(id: string, tag: KeyValue) {
    return experiments.setExperimentTag(this.db, id, tag);
  }
  deleteExperimentTag(id: string, key: string) {
    return experiments.deleteExperimentTag(this.db, id, key);
  }

  createRun(run: NewRun) {
    return runs.createRun(this.db, run);
  }
  getRun(runId: string) {
    return runs.getRun(this.db, runId);
  }
  getRunInfo(runId: string) {
    return runs.getRunInfo(this.db, runId);
  }
  updateRun(runId: string, update: RunUpdate) {
    return runs.updateRun(this.db, runId, update);
  }
  deleteRun(runId: string, time: number) {
    return runs.deleteRun(this.db, runId, time);
  }
  restoreRun(runId: string) {
    return runs.restoreRun(this.db, runId);
  }
  searchRuns(q: SearchRunsQuery) {
    return runs.searchRuns(this.db, q);
  }
  searchRunsJson(q: SearchRunsQuery) {
    return runs.searchRunsJson(this.db, q);
  }
  logBatch(runId: string, metrics: Metric[], params: KeyValue[], tags: KeyValue[]) {
    return logBatch(this.db, runId, metrics, params, tags);
  }
  deleteTag(runId: string, key: string) {
    return runs.deleteTag(this.db, runId, key);
  }
  logInputs(runId: string, datasets: { dataset: Dataset; tags: KeyValue[] }[], modelIds: string[]) {
    return inputs.logInputs(this.db, runId, datasets, modelIds);
  }
  logOutputs(runId: string, outputs: { modelId: string; step: number }[]) {
    return inputs.logOutputs(this.db, runId, outputs);
  }

  getMetricHistoryJson(q: MetricHistoryQuery) {
    return history.getMetricHistoryJson(this.db, this.db.dialect, q);
  }
  getMetricHistoryBulk(runIds: string[], metricKey: string, maxResults: number) {
    return history.getMetricHistoryBulk(this.db, runIds, metricKey, maxResults);
  }
  getMetricHistoryBulkInterval(q: BulkIntervalQuery) {
    return history.getMetricHistoryBulkInterval(this.db, q);
  }
  getMetricHistoryBuckets(q: BucketQuery) {
    return getMetricHistoryBuckets(this.db, this.db.dialect, q);
  }
  searchDatasets(experimentIds: string[]) {
    return inputs.searchDatasets(this.db, experimentIds);
  }

  createLoggedModel(m: NewLoggedModel) {
    return models.createLoggedModel(this.db, m);
  }
  getLoggedModel(modelId: string) {
    return models.getLoggedModel(this.db, modelId);
  }
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus, time: number) {
    return models.finalizeLoggedModel(this.db, modelId, status, time);
  }
  deleteLoggedModel(modelId: string) {
    return models.deleteLoggedModel(this.db, modelId);
  }
  searchLoggedModels(q: SearchLoggedModelsQuery) {
    return searchLoggedModels(this.db, q);
  }
  setLoggedModelTags(modelId: string, tags: KeyValue[], time: number) {
    return models.setLoggedModelTags(this.db, modelId, tags, time);
  }
  deleteLoggedModelTag(modelId: string, key: string) {
    return models.deleteLoggedModelTag(this.db, modelId, key);
  }
  logLoggedModelParams(modelId: string, params: KeyValue[]) {
    return models.logLoggedModelParams(this.db, modelId, params);
  }

  close() {
    return this.db.close();
  }
}
