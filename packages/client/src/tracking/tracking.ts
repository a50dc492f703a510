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
import { LoomError, type KeyValue, type RunStatus } from '@loom/protocol';
import { createClient, type LoomClient } from '../client';
import { ActiveRun } from './active-run';
import { clientOptionsFor, readTrackingEnv, type TrackingEnv } from './env';
import { processIdentity } from './files';
import type { LogQueueOptions } from './log-queue';

export interface TrackingOptions {
  /** A client to use; else one for `env` (MLflow's variables by default). */
  client?: LoomClient;
  env?: Partial<TrackingEnv>;
  batching?: LogQueueOptions;
  /** Flush and end active runs when a Node script finishes (default true). */
  endRunsOnExit?: boolean;
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
    this.client = options.client ?? createClient(clientOptionsFor(this.env));
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
    const run = runId ? await this.resume(runId) : await this.create(args, parent);
    this.stack.push(run);
    return run;
  }

  private async resume(runId: string): Promise<ActiveRun> {
    const existing = await this.client.getRun(runId);
    const info =
      existing.info.status === 'RUNNING'
        ? existing.info
        : await this.client.updateRun(runId, { status: 'RUNNING' });
    return this.track(info);
  }

  private async create(args: StartRunArgs, parent: ActiveRun | undefined): Promise<ActiveRun> {
    const experimentId = await this.experimentIdFor(args, parent);
    const identity = processIdentity();
    const tags: KeyValue[] = [{ key: 'mlflow.source.type', value: 'LOCAL' }];
    if (identity.source) tags.push({ key: 'mlflow.source.name', value: identity.source });
    if (identity.user) tags.push({ key: 'mlflow.user', value: identity.user });
    if (parent) tags.push({ key: 'mlflow.parentRunId', value: parent.runId });
    for (const [key, value] of Object.entries(args.tags ?? {})) tags.push({ key, value });
    const run = await this.client.createRun({
      experimentId,
      runName: args.runName,
      startTime: Date.now(),
      userId: identity.user,
      tags,
    });
    return this.track(run.info);
  }

  private track(info: ActiveRun['info']): ActiveRun {
    return new ActiveRun(this.client, info, this.options.batching, (run) => {
      const at = this.stack.lastIndexOf(run);
      if (at !== -1) this.stack.splice(at, 1);
    });
  }

  /** Argument, then the parent's experiment, then MLFLOW_EXPERIMENT_ID / _NAME, then the default '0'. */
  private async experimentIdFor(args: StartRunArgs, parent: ActiveRun | undefined): Promise<string> {
    if (args.experimentId) return args.experimentId;
    if (args.experimentName) return this.experimentNamed(args.experimentName);
    if (parent) return parent.experimentId;
    if (this.env.experimentId) return this.env.experimentId;
    if (this.env.experimentName) return this.experimentNamed(this.env.experimentName);
    return '0';
  }

  /** The id of the experiment called `name`, created if missing (a concurrent creator may win). */
  private async experimentNamed(name: string): Promise<string> {
    const find = async () => {
      try {
        return (await this.client.getExperimentByName(name)).experiment_id;
      } catch (err) {
        if (err instanceof LoomError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
        throw err;
      }
    };
    const found = await find();
    if (found) return found;
    try {
      return await this.client.createExperiment({ name });
    } catch (err) {
      if (err instanceof LoomError && err.code === 'RESOURCE_ALREADY_EXISTS') {
        const raced = await find();
        if (raced) return raced;
      }
      throw err;
    }
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
