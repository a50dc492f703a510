/**
 * Uploads spooled runs (offline-spool.ts) to a server, exactly once however often it is run or
 * wherever it was interrupted:
 * - the run is created with the tag `loom.offlineRunId`, and its server id is written to sync.json
 *   at once; a sync cut short between the two finds the run again by that tag;
 * - the journal is sent in order and sync.json records how many lines are done after each step; a
 *   resumed sync starts there, and the one step it may repeat is harmless (the same metric point is
 *   stored once, an equal param is accepted, tags and artifacts are overwritten).
 */
import { LoomError, type KeyValue, type MetricJson } from '@loom/protocol';
import type { LoomClient } from '../client';
import { experimentIdNamed } from './experiment-by-name';
import { isRetryable, LogQueue, withRetries } from './log-queue';
import {
  listSpooledRuns,
  LOCK_FILE,
  lockRunFolder,
  OFFLINE_ID_TAG,
  readSpooledRun,
  spooledArtifactFile,
  SYNC_FILE,
  writeJsonAtomic,
  type SpooledRun,
  type SpoolEvent,
  type SyncState,
} from './offline-spool';
import type { RetryOptions } from './run-sink';

export interface SyncProgress {
  localId: string;
  /** e.g. `lr-0.1 (3f2a9c1e)`. */
  label: string;
  /** Metrics, params and tags sent so far / in the journal. */
  done: number;
  total: number;
  finished: boolean;
}

export type SyncOutcome =
  /** Everything in the journal is on the server, the end included. */
  | 'synced'
  /** Sent up to the journal's end, but the run has no end yet (still running, or its script died). */
  | 'open'
  /** Nothing new since an earlier sync. */
  | 'unchanged'
  | 'failed';

export interface SyncRunResult {
  localId: string;
  label: string;
  serverRunId: string | undefined;
  outcome: SyncOutcome;
  /** Items sent by this sync. */
  sentItems: number;
  /** Items the server refused (this sync and earlier ones), kept in sync.json. */
  rejectedItems: number;
  error?: string | undefined;
}

export interface SyncOptions {
  onProgress?: (progress: SyncProgress) => void;
  /** How long a request is retried while the server is unreachable. Default 60 s. */
  retry?: Partial<RetryOptions>;
  /** Items sent between two sync.json checkpoints. Default 5000. */
  checkpointItems?: number;
}

type BatchEvent = Extract<SpoolEvent, { type: 'batch' }>;
const itemsOf = (e: BatchEvent) => e.metrics.length + e.params.length + e.tags.length;
const itemsIn = (events: readonly SpoolEvent[]) =>
  events.reduce((n, e) => n + (e.type === 'batch' ? itemsOf(e) : 0), 0);

function labelOf(run: SpooledRun): string {
  const short = run.manifest.localId.slice(0, 8);
  return run.manifest.runName ? `${run.manifest.runName} (${short})` : short;
}

/** Syncs every run under `offlineDir`, parents before their children. */
export async function syncOfflineRuns(
  offlineDir: string,
  client: LoomClient,
  options: SyncOptions = {},
): Promise<SyncRunResult[]> {
  const retry: RetryOptions = {
    initialBackoffMs: options.retry?.initialBackoffMs ?? 200,
    maxBackoffMs: options.retry?.maxBackoffMs ?? 5000,
    retryForMs: options.retry?.retryForMs ?? 60_000,
  };
  const runs = await listSpooledRuns(offlineDir);
  const serverIds = new Map<string, string>();
  for (const run of runs) {
    const id = run.sync?.serverRunId ?? run.manifest.serverRunId;
    if (id) serverIds.set(run.manifest.localId, id);
  }
  const results: SyncRunResult[] = [];
  for (const listed of parentsFirst(runs)) {
    const lock = await lockRunFolder(listed.dir);
    if ('heldBy' in lock) {
      results.push({
        localId: listed.manifest.localId,
        label: labelOf(listed),
        serverRunId: serverIds.get(listed.manifest.localId),
        outcome: 'failed',
        sentItems: 0,
        rejectedItems: 0,
        error:
          `another loom sync (pid ${lock.heldBy}) is sending it; if none is running, delete ` +
          `${listed.dir}/${LOCK_FILE}`,
      });
      continue;
    }
    try {
      // Read again under the lock: another sync may have moved on since the listing.
      const run = (await readSpooledRun(listed.dir)) ?? listed;
      const result = await new RunSyncer(run, client, retry, options, serverIds).sync();
      if (result.serverRunId) serverIds.set(run.manifest.localId, result.serverRunId);
      results.push(result);
    } finally {
      await lock();
    }
  }
  return results;
}

/** `runs` (oldest first) reordered so that a parent comes before its children. */
function parentsFirst(runs: SpooledRun[]): SpooledRun[] {
  const byId = new Map(runs.map((r) => [r.manifest.localId, r]));
  const out: SpooledRun[] = [];
  const placed = new Set<string>();
  const place = (run: SpooledRun, seen: Set<string>) => {
    if (placed.has(run.manifest.localId) || seen.has(run.manifest.localId)) return;
    seen.add(run.manifest.localId);
    const parent = run.manifest.parentLocalId ? byId.get(run.manifest.parentLocalId) : undefined;
    if (parent) place(parent, seen);
    placed.add(run.manifest.localId);
    out.push(run);
  };
  for (const run of runs) place(run, new Set());
  return out;
}

class RunSyncer {
  private state: SyncState | undefined;
  private readonly label: string;
  private readonly total: number;
  private sentNow = 0;

  constructor(
    private readonly run: SpooledRun,
    private readonly client: LoomClient,
    private readonly retry: RetryOptions,
    private readonly options: SyncOptions,
    private readonly serverIds: ReadonlyMap<string, string>,
  ) {
    this.state = run.sync;
    this.label = labelOf(run);
    this.total = itemsIn(run.events);
  }

  private result(outcome: SyncOutcome, error?: string): SyncRunResult {
    return {
      localId: this.run.manifest.localId,
      label: this.label,
      serverRunId: this.state?.serverRunId,
      outcome,
      sentItems: this.sentNow,
      rejectedItems: (this.state?.rejected ?? []).reduce(
        (n, r) =>
          n + (r.batch.metrics?.length ?? 0) + (r.batch.params?.length ?? 0) + (r.batch.tags?.length ?? 0),
        0,
      ),
      error,
    };
  }

  async sync(): Promise<SyncRunResult> {
    const { events } = this.run;
    if (this.state && this.state.sentEvents >= events.length) {
      return this.result(this.state.ended ? 'unchanged' : 'open');
    }
    try {
      const state = (this.state ??= await this.serverRun());
      await this.save();
      this.progress(false);
      const { artifact_uri: artifactUri } = (await this.retried(() => this.client.getRun(state.serverRunId)))
        .info;
      while (state.sentEvents < events.length) {
        const event = events[state.sentEvents]!;
        if (event.type === 'batch') {
          const group = this.batchGroup(state.sentEvents);
          await this.sendBatches(group);
          state.sentEvents += group.length;
        } else {
          await this.sendOther(event, artifactUri);
          state.sentEvents += 1;
          if (event.type === 'end') state.ended = true;
        }
        await this.save();
        this.progress(false);
      }
      this.progress(true);
      if (state.rejected.length > 0) {
        return this.result('failed', `${state.rejected[0]!.message} (see ${SYNC_FILE})`);
      }
      return this.result(state.ended ? 'synced' : 'open');
    } catch (err) {
      return this.result('failed', err instanceof Error ? err.message : String(err));
    }
  }

  private retried<T>(fn: () => Promise<T>): Promise<T> {
    return withRetries(fn, this.retry);
  }

  private progress(finished: boolean): void {
    const done = Math.min(this.total, this.state?.sentItems ?? 0);
    this.options.onProgress?.({
      localId: this.run.manifest.localId,
      label: this.label,
      done,
      total: this.total,
      finished,
    });
  }

  private async save(): Promise<void> {
    const { join } = await import('node:path');
    await writeJsonAtomic(join(this.run.dir, SYNC_FILE), this.state);
  }

  /** The run on the server: known, found by its offline id tag, or created now. */
  private async serverRun(): Promise<SyncState> {
    const fresh = (serverRunId: string): SyncState => ({
      serverRunId,
      sentEvents: 0,
      sentItems: 0,
      ended: false,
      rejected: [],
    });
    const m = this.run.manifest;
    if (m.serverRunId) return fresh(m.serverRunId);
    const ref = m.experiment;
    const experimentId =
      'experimentId' in ref
        ? ref.experimentId
        : await this.retried(() => experimentIdNamed(this.client, ref.experimentName));
    const found = await this.retried(() =>
      this.client.searchRuns({
        experimentIds: [experimentId],
        filter: `tags.\`${OFFLINE_ID_TAG}\` = '${m.localId}'`,
        runViewType: 'ALL',
        maxResults: 1,
      }),
    );
    if (found.runs[0]) return fresh(found.runs[0].info.run_id);
    const tags: KeyValue[] = [...m.tags, { key: OFFLINE_ID_TAG, value: m.localId }];
    if (m.parentLocalId) {
      const parent = this.serverIds.get(m.parentLocalId);
      if (!parent)
        throw new LoomError('RESOURCE_DOES_NOT_EXIST', `its parent run ${m.parentLocalId} is not synced`);
      tags.push({ key: 'mlflow.parentRunId', value: parent });
    }
    const created = await this.retried(() =>
      this.client.createRun({
        experimentId,
        runName: m.runName,
        startTime: m.startTime,
        userId: m.userId,
        tags,
      }),
    );
    return fresh(created.info.run_id);
  }

  /** Consecutive batch events from `from`, up to about `checkpointItems` items. */
  private batchGroup(from: number): BatchEvent[] {
    const limit = this.options.checkpointItems ?? 5000;
    const group: BatchEvent[] = [];
    let items = 0;
    for (let i = from; i < this.run.events.length; i++) {
      const e = this.run.events[i]!;
      if (e.type !== 'batch' || (group.length > 0 && items + itemsOf(e) > limit)) break;
      group.push(e);
      items += itemsOf(e);
    }
    return group;
  }

  /**
   * Sends the batches through a LogQueue (batched to MLflow's limits, refused items isolated). Items
   * the server refuses are recorded; server or network trouble aborts, leaving the group unsent.
   */
  private async sendBatches(group: BatchEvent[]): Promise<void> {
    const state = this.state!;
    const queue = new LogQueue((batch) => this.client.logBatch(state.serverRunId, batch), this.retry);
    for (const e of group) {
      queue.add({ metrics: e.metrics as MetricJson[], params: e.params, tags: e.tags });
    }
    await queue.flush().catch(() => undefined);
    const trouble = queue.failures.find((f) => isRetryable(f.error));
    if (trouble) throw trouble.error;
    for (const f of queue.failures) state.rejected.push({ message: f.error.message, batch: f.batch });
    const items = group.reduce((n, e) => n + itemsOf(e), 0);
    state.sentItems += items;
    this.sentNow += items;
  }

  private async sendOther(event: Exclude<SpoolEvent, BatchEvent>, artifactUri: string): Promise<void> {
    const runId = this.state!.serverRunId;
    if (event.type === 'artifact') {
      const { readFile } = await import('node:fs/promises');
      const body = await readFile(await spooledArtifactFile(this.run.dir, event.path));
      await this.retried(() => this.client.uploadArtifact(artifactUri, event.path, body, event.contentType));
    } else if (event.type === 'inputs') {
      await this.retried(() => this.client.logInputs(runId, event.datasets));
    } else {
      await this.retried(() =>
        this.client.updateRun(runId, { status: event.status, endTime: event.endTime }),
      );
    }
  }
}
