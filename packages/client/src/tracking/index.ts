/**
 * `@loom/client/tracking`: the fluent API. A default session reads MLflow's variables on first use;
 * the functions below act on its active run, as `mlflow.log_metric()` does in Python.
 *
 *   import * as loom from '@loom/client/tracking';
 *   await loom.startRun({ experimentName: 'iris' });
 *   loom.logMetric('loss', 0.3, { step: 1 });
 *   await loom.endRun();
 */
import type { ActiveRun } from './active-run';
import { Tracking, type StartRunArgs } from './tracking';

export { ActiveRun, type DatasetArgs, type MetricOptions } from './active-run';
export { Tracking, type OfflineOptions, type StartRunArgs, type TrackingOptions } from './tracking';
export {
  defaultOfflineDir,
  listSpooledRuns,
  OFFLINE_ID_TAG,
  type SpooledRun,
  type SpoolManifest,
  type SyncState,
} from './offline-spool';
export {
  syncOfflineRuns,
  type SyncOptions,
  type SyncOutcome,
  type SyncProgress,
  type SyncRunResult,
} from './offline-sync';
export { SystemMetricsSampler, gpuMetrics, type SystemMetricsOptions } from './system-metrics';
export { readTrackingEnv, clientOptionsFor, DEFAULT_TRACKING_URI, type TrackingEnv } from './env';
export { LogQueue, isRetryable, type LogQueueOptions, type RejectedItems } from './log-queue';
export { toYaml } from './yaml';

let session: Tracking | undefined;
/** The default session, created on first use. */
export function tracking(): Tracking {
  session ??= new Tracking();
  return session;
}

export const startRun = (args?: StartRunArgs): Promise<ActiveRun> => tracking().startRun(args);
export const endRun = (...a: Parameters<Tracking['endRun']>) => tracking().endRun(...a);
export const activeRun = (): ActiveRun | undefined => tracking().activeRun();
export const withRun = <T>(args: StartRunArgs, fn: (run: ActiveRun) => Promise<T> | T): Promise<T> =>
  tracking().withRun(args, fn);
export const logParam = (...a: Parameters<Tracking['logParam']>) => tracking().logParam(...a);
export const logParams = (...a: Parameters<Tracking['logParams']>) => tracking().logParams(...a);
export const logMetric = (...a: Parameters<Tracking['logMetric']>) => tracking().logMetric(...a);
export const logMetrics = (...a: Parameters<Tracking['logMetrics']>) => tracking().logMetrics(...a);
export const setTag = (...a: Parameters<Tracking['setTag']>) => tracking().setTag(...a);
export const setTags = (...a: Parameters<Tracking['setTags']>) => tracking().setTags(...a);
export const logText = (...a: Parameters<Tracking['logText']>) => tracking().logText(...a);
export const logDict = (...a: Parameters<Tracking['logDict']>) => tracking().logDict(...a);
export const logImage = (...a: Parameters<Tracking['logImage']>) => tracking().logImage(...a);
export const logArtifact = (...a: Parameters<Tracking['logArtifact']>) => tracking().logArtifact(...a);
export const logArtifacts = (...a: Parameters<Tracking['logArtifacts']>) => tracking().logArtifacts(...a);
export const logInput = (...a: Parameters<Tracking['logInput']>) => tracking().logInput(...a);
export const flush = () => tracking().flush();
