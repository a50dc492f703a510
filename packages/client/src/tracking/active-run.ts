/**
 * A run being logged to: metrics, params and tags go through its LogQueue; artifacts are written at
 * once. Both go to the run's sink: the server (artifacts through its proxy), or the offline spool.
 * Obtained from `Tracking.startRun`.
 */
import type { DatasetJson, KeyValue, RunInfoJson, RunStatus } from '@loom/protocol';
import { wireDouble } from '../metrics';
import { LogQueue, type LogQueueOptions } from './log-queue';
import { localFiles, readLocalFile } from './files';
import type { RunSink } from './run-sink';
import { SystemMetricsSampler, type SystemMetricsOptions } from './system-metrics';
import { toYaml } from './yaml';

export interface MetricOptions {
  /** Default 0, as MLflow. */
  step?: number | undefined;
  /** Epoch ms; default now. */
  timestamp?: number | undefined;
}

export interface DatasetArgs {
  name: string;
  digest: string;
  sourceType: string;
  /** JSON text describing where the data came from (e.g. `{"uri": "..."}`). */
  source: string;
  schema?: string | undefined;
  profile?: string | undefined;
}

type Scalar = string | number | boolean;

const joinPath = (...parts: (string | undefined)[]) =>
  parts
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .join('/');

export interface ActiveRunOptions {
  queue?: LogQueueOptions | undefined;
  /** Called when the run starts ending (the session drops it from its stack). */
  onEnd?: ((run: ActiveRun) => void) | undefined;
  /** The spool folder of a run logged offline from its start. */
  offlineDir?: string | undefined;
  /** Whether the sink has switched to the spool (a run that went offline mid-way). */
  switchedOffline?: (() => boolean) | undefined;
  /** Sample system metrics (`system/...`) while the run is active. */
  systemMetrics?: SystemMetricsOptions | undefined;
}

export class ActiveRun {
  private readonly queue: LogQueue;
  private readonly sampler: SystemMetricsSampler | undefined;
  private readonly samplerStarted: Promise<void> | undefined;
  private ended = false;

  constructor(
    private readonly sink: RunSink,
    readonly info: RunInfoJson,
    private readonly options: ActiveRunOptions = {},
  ) {
    this.queue = new LogQueue((batch) => sink.logBatch(batch), options.queue);
    if (options.systemMetrics) {
      this.sampler = new SystemMetricsSampler(
        (metrics, step) => this.logMetrics(metrics, { step }),
        options.systemMetrics,
      );
      this.samplerStarted = this.sampler.start().catch((err: unknown) => {
        console.warn(`loom: system metrics are off for run ${info.run_id}: ${(err as Error).message}`);
      });
    }
  }

  /** The local spool folder when the run is logged offline (its id is then a local one until `loom sync`). */
  get offlineDir(): string | undefined {
    return this.options.offlineDir;
  }

  /** Whether the run's data is going to the offline spool (from its start, or since the server went away). */
  get offline(): boolean {
    return this.options.offlineDir !== undefined || (this.options.switchedOffline?.() ?? false);
  }

  get runId(): string {
    return this.info.run_id;
  }

  get experimentId(): string {
    return this.info.experiment_id;
  }

  /** Items logged so far, acknowledged by the server, still queued; requests retried. */
  get progress(): { queued: number; acknowledged: number; pending: number; retries: number } {
    const q = this.queue;
    return {
      queued: q.queued,
      acknowledged: q.acknowledged,
      pending: q.pending,
      retries: q.retries + (this.sink.retries ?? 0),
    };
  }

  logParam(key: string, value: Scalar): void {
    this.queue.add({ params: [{ key, value: String(value) }] });
  }

  logParams(params: Readonly<Record<string, Scalar>>): void {
    this.queue.add({ params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })) });
  }

  logMetric(key: string, value: number, options: MetricOptions = {}): void {
    this.queue.add({
      metrics: [
        {
          key,
          value: wireDouble(value),
          step: options.step ?? 0,
          timestamp: options.timestamp ?? Date.now(),
        },
      ],
    });
  }

  logMetrics(metrics: Readonly<Record<string, number>>, options: MetricOptions = {}): void {
    const timestamp = options.timestamp ?? Date.now();
    const step = options.step ?? 0;
    this.queue.add({
      metrics: Object.entries(metrics).map(([key, value]) => ({
        key,
        value: wireDouble(value),
        step,
        timestamp,
      })),
    });
  }

  setTag(key: string, value: Scalar): void {
    this.queue.add({ tags: [{ key, value: String(value) }] });
  }

  setTags(tags: Readonly<Record<string, Scalar>>): void {
    this.queue.add({ tags: Object.entries(tags).map(([key, value]) => ({ key, value: String(value) })) });
  }

  /** Stores `text` as the artifact file `artifactFile` (e.g. `notes/summary.txt`). */
  async logText(text: string, artifactFile: string): Promise<void> {
    await this.sink.uploadArtifact(artifactFile, text, 'text/plain; charset=utf-8');
  }

  /** Stores a dictionary as JSON, or as YAML when `artifactFile` ends in .yaml/.yml. */
  async logDict(dict: unknown, artifactFile: string): Promise<void> {
    const yaml = /\.ya?ml$/i.test(artifactFile);
    const text = yaml ? toYaml(dict) : `${JSON.stringify(dict, null, 2)}\n`;
    await this.sink.uploadArtifact(artifactFile, text, yaml ? 'application/x-yaml' : 'application/json');
  }

  /** Stores image bytes (PNG) as `artifactFile`. */
  async logImage(png: Uint8Array, artifactFile: string): Promise<void> {
    await this.sink.uploadArtifact(artifactFile, png, 'image/png');
  }

  /** Uploads a local file (Node) into the run's artifacts, under `artifactPath` when given. */
  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    const [file] = await localFiles(localPath);
    if (!file) return;
    await this.upload(file.absolute, joinPath(artifactPath, file.relative));
  }

  /** Uploads every file under a local folder (Node), keeping its layout, under `artifactPath`. */
  async logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
    for (const file of await localFiles(localDir)) {
      await this.upload(file.absolute, joinPath(artifactPath, file.relative));
    }
  }

  private async upload(absolute: string, target: string): Promise<void> {
    await this.sink.uploadArtifact(target, await readLocalFile(absolute));
  }

  /** Records a dataset the run used, with MLflow's `mlflow.data.context` tag (e.g. `training`). */
  async logInput(dataset: DatasetArgs, context?: string, tags: readonly KeyValue[] = []): Promise<void> {
    const wire: DatasetJson = {
      name: dataset.name,
      digest: dataset.digest,
      source_type: dataset.sourceType,
      source: dataset.source,
      ...(dataset.schema !== undefined ? { schema: dataset.schema } : {}),
      ...(dataset.profile !== undefined ? { profile: dataset.profile } : {}),
    };
    const inputTags = context ? [{ key: 'mlflow.data.context', value: context }, ...tags] : [...tags];
    await this.sink.logInputs([{ dataset: wire, tags: inputTags }]);
  }

  /** Sends everything queued; throws the server's error for items it refused. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /**
   * Flushes, then marks the run ended with `status`. A refusal found by the flush is thrown after
   * the run is ended, so the run is never left RUNNING.
   */
  async end(status: RunStatus = 'FINISHED'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.options.onEnd?.(this);
    await this.samplerStarted;
    await this.sampler?.stop();
    let refused: unknown;
    try {
      await this.queue.flush();
    } catch (err) {
      refused = err;
    }
    await this.sink.end(status, Date.now());
    if (refused !== undefined) throw refused;
  }
}
