/**
 * Where a run's data goes: the tracking server, or the offline spool (`offline-spool.ts`). An
 * ActiveRun writes through one of these, so logging code does not care whether the server is there.
 */
import type { DatasetInputJson, RunInfoJson, RunStatus } from '@loom/protocol';
import type { LoomClient } from '../client';
import type { LogBatchArgs } from '../runs';
import { isRetryable, withRetries, type LogQueueOptions } from './log-queue';

export interface RunSink {
  logBatch(batch: LogBatchArgs): Promise<void>;
  uploadArtifact(path: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  logInputs(datasets: readonly DatasetInputJson[]): Promise<void>;
  end(status: RunStatus, endTime: number): Promise<void>;
  /** Requests this sink sent again itself (beyond the LogQueue's own retries). */
  readonly retries?: number;
}

export type RetryOptions = Pick<
  Required<LogQueueOptions>,
  'initialBackoffMs' | 'maxBackoffMs' | 'retryForMs'
>;

/** The server itself; only the final status update is retried here (the LogQueue retries batches). */
export function serverSink(client: LoomClient, info: RunInfoJson, retry: RetryOptions): RunSink {
  return {
    logBatch: (batch) => client.logBatch(info.run_id, batch),
    uploadArtifact: (path, body, contentType) =>
      client.uploadArtifact(info.artifact_uri, path, body, contentType),
    logInputs: (datasets) => client.logInputs(info.run_id, datasets),
    end: async (status, endTime) => {
      await withRetries(() => client.updateRun(info.run_id, { status, endTime }), retry);
    },
  };
}

/**
 * The server while it answers; once a request has failed with server or network trouble for the
 * whole retry window, the spool for the rest of the run (opened on first need, with a warning).
 * Refusals (bad input) are still thrown: spooling them would only fail again at sync.
 */
export class FallbackSink implements RunSink {
  private spool: Promise<RunSink> | undefined;
  retries = 0;

  constructor(
    private readonly server: RunSink,
    private readonly openSpool: (cause: unknown) => Promise<RunSink>,
    private readonly retry: RetryOptions,
  ) {}

  /** Whether the run has switched to the spool. */
  get offline(): boolean {
    return this.spool !== undefined;
  }

  private async either(online: (s: RunSink) => Promise<void>, retried = true): Promise<void> {
    if (!this.spool) {
      try {
        await (retried
          ? withRetries(
              () => online(this.server),
              this.retry,
              () => this.retries++,
            )
          : online(this.server));
        return;
      } catch (err) {
        if (!isRetryable(err)) throw err;
        this.spool ??= this.openSpool(err);
      }
    }
    await online(await this.spool);
  }

  logBatch(batch: LogBatchArgs): Promise<void> {
    return this.either((s) => s.logBatch(batch));
  }
  uploadArtifact(path: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    return this.either((s) => s.uploadArtifact(path, body, contentType));
  }
  logInputs(datasets: readonly DatasetInputJson[]): Promise<void> {
    return this.either((s) => s.logInputs(datasets));
  }
  end(status: RunStatus, endTime: number): Promise<void> {
    // The server sink retries its status update itself.
    return this.either((s) => s.end(status, endTime), false);
  }
}
