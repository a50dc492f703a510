/**
 * The fluent tracking API, MLflow's `mlflow.start_run()` / `log_metric()` for TypeScript: a session
 * bound to one server keeps a stack of active runs (nested runs on top of their parent), resolves the
 * experiment from arguments or MLflow's variables, and flushes and ends runs when the script finishes.
 *
 *   const loom = new Tracking();                 // MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_NAME, ...
 *   await loom.withRun({ runName: 'lr-0.1' }, async (run) => {
 *     run.logParams({ lr: 0.1 });
 *     for (let epoch = 0; epoch < 10; epoch++) run.logMetric('loss', loss, { step: epoch });
 *   });
 */
import { LoomError, type KeyValue, type RunInfoJson, type RunStatus } from '@loom/protocol';
import { createClient, type LoomClient } from '../client';
import { ActiveRun } from './active-run';
import { clientOptionsFor, readTrackingEnv, type TrackingEnv } from './env';
import { isNode, keepAliveFetch } from './node-fetch';
import { experimentIdNamed } from './experiment-by-name';
import { processIdentity } from './files';
import { isRetryable, withRetries, type LogQueueOptions } from './log-queue';
import { spoolNewRun, spoolRestOfRun } from './offline-runs';
import { defaultOfflineDir, type ExperimentRef, type SpoolWriter } from './offline-spool';
import { FallbackSink, serverSink, type RetryOptions, type RunSink } from './run-sink';

export interface TrackingOptions {
  /** A client to use; else one for `env` (MLflow's variables by default). */
  client?: LoomClient;
  env?: Partial<TrackingEnv>;
  batching?: LogQueueOptions;
  /** Flush and end active runs when a Node script finishes (default true). */
  endRunsOnExit?: boolean;
  offline?: OfflineOptions;
}

/** Offline mode: runs spooled to a local folder and uploaded later by `loom sync` (Node only). */
export interface OfflineOptions {
  /** Spool every run without contacting the server (also LOOM_OFFLINE=1). */
  always?: boolean;
  /** The spool folder (also LOOM_OFFLINE_DIR); default `~/.loom/offline`. */
  dir?: string;
  /**
   * Spool a run when the server cannot be reached: at startRun after `startRetryForMs`, and mid-run
   * once a request has failed for the whole retry window (`batching.retryForMs`). Default true in Node.
   */
  fallback?: boolean;
  /** How long startRun retries an unreachable server before spooling the run. Default 10 s. */
  startRetryForMs?: number;
}

export interface StartRunArgs {
  experimentId?: string | undefined;
  /** Created when missing. */
  experimentName?: string | undefined;
  runName?: string | undefined;
  tags?: Readonly<Record<string, string>> | undefined;
  /** Start as a child of the active run (tag `mlflow.parentRunId`). */
  nested?: boolean | undefined;
  /** Resume this run instead of creating one (also MLFLOW_RUN_ID for the first run). */
  runId?: string | undefined;
  /**
   * Log `system/...` metrics (CPU, memory, disk, network, GPUs) while the run is active, as MLflow's
   * `log_system_metrics` (also MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING=true). Node only.
   */
  logSystemMetrics?: boolean | undefined;
  /** Sampling interval; default MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL seconds, else 10 s. */
  systemMetricsIntervalMs?: number | undefined;
}

const sessions = new Set<Tracking>();
let exitHookInstalled = false;

/** On `beforeExit` (the event loop ran dry), flush and end every session's runs, innermost first. */
function installExitHook(): void {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (exitHookInstalled || !proc?.once) return;
  exitHookInstalled = true;
  proc.once('beforeExit', () => {
    void Promise.all([...sessions].map((s) => s.endAllRuns())).catch((err: unknown) => {
      console.error(`loom: could not finish the active runs: ${(err as Error).message}`);
      proc.exitCode = 1;
    });
  });
}

export class Tracking {
  readonly client: LoomClient;
  private readonly env: TrackingEnv;
  private readonly stack: ActiveRun[] = [];
  private handedOverRunUsed = false;

  constructor(private readonly options: TrackingOptions = {}) {
    this.env = { ...readTrackingEnv(), ...options.env };
    this.client =
      options.client ??
      createClient({ ...clientOptionsFor(this.env), ...(isNode() ? { fetch: keepAliveFetch() } : {}) });
    if (options.endRunsOnExit ?? true) {
      sessions.add(this);
      installExitHook();
    }
  }

  /** The innermost active run, if any. */
  activeRun(): ActiveRun | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Starts (or resumes) a run and makes it the active one. */
  async startRun(args: StartRunArgs = {}): Promise<ActiveRun> {
    const parent = this.activeRun();
    if (parent && !args.nested) {
      throw new LoomError(
        'BAD_REQUEST',
        `Run ${parent.runId} is already active. End it first, or start this run with { nested: true }.`,
      );
    }
    let runId = args.runId;
    if (!runId && !parent && !this.handedOverRunUsed && this.env.runId) {
      runId = this.env.runId;
      this.handedOverRunUsed = true;
    }
    const run = runId ? await this.resume(runId, args) : await this.create(args, parent);
    this.stack.push(run);
    return run;
  }

  /** Resumes a run on the server, or in the spool when offline or the server is unreachable. */
  private async resume(runId: string, args: StartRunArgs): Promise<ActiveRun> {
    if (this.offlineAlways) return this.spool({ experimentId: '' }, args, undefined, runId);
    try {
      const info = await this.reachServer(async () => {
        const existing = await this.client.getRun(runId);
        return existing.info.status === 'RUNNING'
          ? existing.info
          : await this.client.updateRun(runId, { status: 'RUNNING' });
      });
      return this.track(info, args);
    } catch (err) {
      if (!this.mayFallBack(err)) throw err;
      this.warnUnreachable(err);
      return this.spool({ experimentId: '' }, args, undefined, runId);
    }
  }

  private async create(args: StartRunArgs, parent: ActiveRun | undefined): Promise<ActiveRun> {
    const tags: KeyValue[] = [{ key: 'mlflow.source.type', value: 'LOCAL' }];
    const identity = processIdentity();
    if (identity.source) tags.push({ key: 'mlflow.source.name', value: identity.source });
    if (identity.user) tags.push({ key: 'mlflow.user', value: identity.user });
    // An offline parent's id is local: sync puts its server id in the tag.
    if (parent && !parent.offlineDir) tags.push({ key: 'mlflow.parentRunId', value: parent.runId });
    for (const [key, value] of Object.entries(args.tags ?? {})) tags.push({ key, value });
    if (this.offlineAlways || parent?.offlineDir)
      return this.spool(this.experimentRef(args, parent), args, tags);
    try {
      const info = await this.reachServer(async () => {
        const experimentId = await this.experimentIdFor(args, parent);
        const run = await this.client.createRun({
          experimentId,
          runName: args.runName,
          startTime: Date.now(),
          userId: identity.user,
          tags,
        });
        return run.info;
      });
      return this.track(info, args);
    } catch (err) {
      if (!this.mayFallBack(err)) throw err;
      this.warnUnreachable(err);
      return this.spool(this.experimentRef(args, parent), args, tags);
    }
  }

  private get offlineAlways(): boolean {
    return Boolean(this.options.offline?.always ?? this.env.offline);
  }

  private get retry(): RetryOptions {
    const b = this.options.batching ?? {};
    return {
      initialBackoffMs: b.initialBackoffMs ?? 200,
      maxBackoffMs: b.maxBackoffMs ?? 5000,
      retryForMs: b.retryForMs ?? 10 * 60_000,
    };
  }

  /** `fn` retried while the server is unreachable, when a fallback to the spool is possible. */
  private reachServer<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.fallbackEnabled) return fn();
    return withRetries(fn, { ...this.retry, retryForMs: this.options.offline?.startRetryForMs ?? 10_000 });
  }

  private get fallbackEnabled(): boolean {
    return isNode() && (this.options.offline?.fallback ?? true);
  }

  private mayFallBack(err: unknown): boolean {
    return this.fallbackEnabled && isRetryable(err);
  }

  private warnUnreachable(err: unknown): void {
    console.warn(
      `loom: the tracking server is unreachable (${(err as Error).message}); logging this run offline ` +
        'instead: upload it later with `loom sync`',
    );
  }

  private async offlineDir(): Promise<string> {
    return defaultOfflineDir(this.options.offline?.dir ?? this.env.offlineDir);
  }

  /** Starts a run in the offline spool. */
  private async spool(
    experiment: ExperimentRef,
    args: StartRunArgs,
    tags: KeyValue[] = [],
    serverRunId?: string,
  ): Promise<ActiveRun> {
    if (!isNode()) throw new LoomError('NOT_IMPLEMENTED', 'Offline mode needs Node.js (a local folder)');
    const parent = this.activeRun();
    const { writer, info } = await spoolNewRun(await this.offlineDir(), {
      experiment,
      runName: args.runName,
      userId: processIdentity().user,
      tags,
      parentLocalId: args.nested && parent?.offlineDir ? parent.runId : undefined,
      serverRunId,
    });
    return this.track(info, args, writer, experiment);
  }

  /** The experiment of an offline run: by id or name as given, else the parent's, else MLflow's variables. */
  private experimentRef(args: StartRunArgs, parent: ActiveRun | undefined): ExperimentRef {
    if (args.experimentId) return { experimentId: args.experimentId };
    if (args.experimentName) return { experimentName: args.experimentName };
    if (parent) {
      const ref = this.experimentRefs.get(parent);
      return ref ?? { experimentId: parent.experimentId };
    }
    if (this.env.experimentId) return { experimentId: this.env.experimentId };
    if (this.env.experimentName) return { experimentName: this.env.experimentName };
    return { experimentId: '0' };
  }

  private readonly experimentRefs = new WeakMap<ActiveRun, ExperimentRef>();

  /** An ActiveRun writing to `spool` (offline from the start) or to the server with a fallback. */
  private track(info: RunInfoJson, args: StartRunArgs, spool?: SpoolWriter, ref?: ExperimentRef): ActiveRun {
    let sink: RunSink = spool ?? serverSink(this.client, info, this.retry);
    let switched: (() => boolean) | undefined;
    if (!spool && this.fallbackEnabled) {
      const fallback = new FallbackSink(
        sink,
        async (cause) => spoolRestOfRun(await this.offlineDir(), info, cause),
        this.retry,
      );
      sink = fallback;
      switched = () => fallback.offline;
    }
    const intervalMs = args.systemMetricsIntervalMs ?? this.env.systemMetricsIntervalMs ?? 10_000;
    const systemMetrics = (args.logSystemMetrics ?? this.env.systemMetrics) && isNode();
    const run = new ActiveRun(sink, info, {
      queue: this.options.batching,
      offlineDir: spool?.dir,
      switchedOffline: switched,
      systemMetrics: systemMetrics ? { intervalMs } : undefined,
      onEnd: (r) => {
        const at = this.stack.lastIndexOf(r);
        if (at !== -1) this.stack.splice(at, 1);
      },
    });
    if (ref) this.experimentRefs.set(run, ref);
    return run;
  }

  /** Argument, then the parent's experiment, then MLFLOW_EXPERIMENT_ID / _NAME, then the default '0'. */
  private async experimentIdFor(args: StartRunArgs, parent: ActiveRun | undefined): Promise<string> {
    if (args.experimentId) return args.experimentId;
    if (args.experimentName) return experimentIdNamed(this.client, args.experimentName);
    if (parent) return parent.experimentId;
    if (this.env.experimentId) return this.env.experimentId;
    if (this.env.experimentName) return experimentIdNamed(this.client, this.env.experimentName);
    return '0';
  }

  /** Ends the active run (flushing it first). */
  async endRun(status: RunStatus = 'FINISHED'): Promise<void> {
    await this.activeRun()?.end(status);
  }

  /** Flushes and ends every active run, innermost first. */
  async endAllRuns(status: RunStatus = 'FINISHED'): Promise<void> {
    while (this.stack.length > 0) await this.activeRun()!.end(status);
  }

  /** Runs `fn` in a new run: FINISHED when it resolves, FAILED when it throws (the error is rethrown). */
  async withRun<T>(args: StartRunArgs, fn: (run: ActiveRun) => Promise<T> | T): Promise<T> {
    const run = await this.startRun(args);
    let result: T;
    try {
      result = await fn(run);
    } catch (err) {
      await run.end('FAILED').catch(() => undefined);
      throw err;
    }
    await run.end('FINISHED');
    return result;
  }

  /** The active run, or an error saying to start one. */
  private run(): ActiveRun {
    const run = this.activeRun();
    if (!run) throw new LoomError('BAD_REQUEST', 'No active run: call startRun() first.');
    return run;
  }

  logParam(...args: Parameters<ActiveRun['logParam']>) {
    this.run().logParam(...args);
  }
  logParams(...args: Parameters<ActiveRun['logParams']>) {
    this.run().logParams(...args);
  }
  logMetric(...args: Parameters<ActiveRun['logMetric']>) {
    this.run().logMetric(...args);
  }
  logMetrics(...args: Parameters<ActiveRun['logMetrics']>) {
    this.run().logMetrics(...args);
  }
  setTag(...args: Parameters<ActiveRun['setTag']>) {
    this.run().setTag(...args);
  }
  setTags(...args: Parameters<ActiveRun['setTags']>) {
    this.run().setTags(...args);
  }
  logText(...args: Parameters<ActiveRun['logText']>) {
    return this.run().logText(...args);
  }
  logDict(...args: Parameters<ActiveRun['logDict']>) {
    return this.run().logDict(...args);
  }
  logImage(...args: Parameters<ActiveRun['logImage']>) {
    return this.run().logImage(...args);
  }
  logArtifact(...args: Parameters<ActiveRun['logArtifact']>) {
    return this.run().logArtifact(...args);
  }
  logArtifacts(...args: Parameters<ActiveRun['logArtifacts']>) {
    return this.run().logArtifacts(...args);
  }
  logInput(...args: Parameters<ActiveRun['logInput']>) {
    return this.run().logInput(...args);
  }
  /** Sends what the active run has queued. */
  flush(): Promise<void> {
    return this.activeRun()?.flush() ?? Promise.resolve();
  }
}
