/**
 * The background sender of one run's metrics, params and tags. Logging calls only queue; batches go
 * out as log-batch requests within MLflow's limits, when a batch is full or `maxDelayMs` after the
 * first queued item, one request at a time so the server sees them in order.
 *
 * Nothing is dropped silently:
 * - 5xx answers and network errors are retried with exponential backoff (log-batch is idempotent:
 *   the same point, param value or tag logged twice is stored once);
 * - a batch the server rejects (a bad key, a changed param) is split in halves and resent until the
 *   bad items are isolated, so the good items around them still land; the rejected ones are kept in
 *   `failures` and the first error is thrown by the next `flush()` (and so by `endRun`).
 */
import { LoomError, type KeyValue, type MetricJson } from '@loom/protocol';
import { LOG_BATCH_LIMITS, type LogBatchArgs } from '../runs';

export interface LogQueueOptions {
  /** How long the first queued item may wait for companions. Default 500 ms. */
  maxDelayMs?: number;
  /** First retry delay; doubles up to `maxBackoffMs`. Defaults 200 ms and 5 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long one batch is retried before it counts as failed. Default 10 minutes. */
  retryForMs?: number;
  /** Metric-only batches sent at once. Default 2: one is encoded and sent while the server stores the other. */
  maxInFlight?: number;
}

/** Items the server refused, with its error. */
export interface RejectedItems {
  error: LoomError;
  batch: LogBatchArgs;
}

type Batch = { metrics: MetricJson[]; params: KeyValue[]; tags: KeyValue[] };

const RETRYABLE = new Set(['TEMPORARILY_UNAVAILABLE', 'INTERNAL_ERROR', 'REQUEST_LIMIT_EXCEEDED']);

/** Whether sending `err`'s request again may succeed (server or network trouble, not bad input). */
export function isRetryable(err: unknown): boolean {
  return err instanceof LoomError ? RETRYABLE.has(err.code) : true;
}

const size = (b: Batch) => b.metrics.length + b.params.length + b.tags.length;

export class LogQueue {
  private readonly metrics = new Fifo<MetricJson>();
  private readonly params = new Fifo<KeyValue>();
  private readonly tags = new Fifo<KeyValue>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | undefined;
  /** Everything the server refused; the first is thrown by `flush()`. */
  readonly failures: RejectedItems[] = [];
  private reported = 0;
  readonly options: Required<LogQueueOptions>;
  /** Items queued since creation, and items the server has acknowledged. */
  queued = 0;
  acknowledged = 0;
  /** Requests sent again after a retryable failure. */
  retries = 0;

  constructor(
    private readonly send: (batch: LogBatchArgs) => Promise<void>,
    options: LogQueueOptions = {},
  ) {
    this.options = {
      maxDelayMs: options.maxDelayMs ?? 500,
      initialBackoffMs: options.initialBackoffMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 5000,
      retryForMs: options.retryForMs ?? 10 * 60_000,
      maxInFlight: options.maxInFlight ?? 2,
    };
  }

  /** Items waiting to be sent (not counting a batch in flight). */
  get pending(): number {
    return this.metrics.length + this.params.length + this.tags.length;
  }

  add(items: { metrics?: readonly MetricJson[]; params?: readonly KeyValue[]; tags?: readonly KeyValue[] }) {
    if (items.metrics) for (const m of items.metrics) this.metrics.push(m);
    if (items.params) for (const p of items.params) this.params.push(p);
    if (items.tags) for (const t of items.tags) this.tags.push(t);
    this.queued += (items.metrics?.length ?? 0) + (items.params?.length ?? 0) + (items.tags?.length ?? 0);
    if (this.pending >= LOG_BATCH_LIMITS.total) this.kick();
    else this.timer ??= unref(setTimeout(() => this.kick(), this.options.maxDelayMs));
  }

  /** Sends everything queued; throws the first refusal not thrown before. */
  async flush(): Promise<void> {
    this.kick();
    while (this.sending) await this.sending;
    if (this.failures.length > this.reported) {
      const failure = this.failures[this.reported]!;
      this.reported = this.failures.length;
      throw failure.error;
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
      // Items queued while the last batch was in flight.
      if (this.pending > 0) this.kick();
    });
  }

  /**
   * Sends batches until the queue is empty. Metric-only batches go out up to `maxInFlight` at a time
   * (their order does not matter: points are keyed by step and timestamp, and the latest value is
   * kept by the server whatever the arrival order); a batch with params or tags waits for those in
   * flight and goes alone, so a tag set twice ends with the later value.
   */
  private async drain(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (this.pending > 0) {
      const batch = this.takeBatch();
      if (batch.params.length > 0 || batch.tags.length > 0) {
        await Promise.all(inFlight);
        await this.sendSplitting(batch);
        continue;
      }
      const sending = this.sendSplitting(batch).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if (inFlight.size >= this.options.maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  /** The next batch within MLflow's limits: params and tags first, then metrics. */
  private takeBatch(): Batch {
    const params = this.params.take(LOG_BATCH_LIMITS.params);
    const tags = this.tags.take(LOG_BATCH_LIMITS.tags);
    const room = Math.min(LOG_BATCH_LIMITS.metrics, LOG_BATCH_LIMITS.total - params.length - tags.length);
    return { metrics: this.metrics.take(room), params, tags };
  }

  /** Sends a batch; when the server refuses it, halves it until the refused items are alone. */
  private async sendSplitting(batch: Batch): Promise<void> {
    try {
      await this.sendRetrying(batch);
      this.acknowledged += size(batch);
    } catch (err) {
      const error = err instanceof LoomError ? err : new LoomError('INTERNAL_ERROR', String(err));
      if (size(batch) <= 1 || isRetryable(error)) {
        this.failures.push({ error, batch });
        return;
      }
      for (const half of split(batch)) await this.sendSplitting(half);
    }
  }

  private sendRetrying(batch: Batch): Promise<void> {
    return withRetries(
      () => this.send(batch),
      this.options,
      () => this.retries++,
    );
  }
}

/**
 * Calls `fn` until it succeeds, retrying retryable failures with exponential backoff (full jitter,
 * so many clients of one restarted server do not retry in step) for at most `retryForMs`.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  options: Pick<Required<LogQueueOptions>, 'initialBackoffMs' | 'maxBackoffMs' | 'retryForMs'>,
  onRetry: () => void = () => undefined,
): Promise<T> {
  const started = Date.now();
  let delay = options.initialBackoffMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || Date.now() - started + delay > options.retryForMs) throw err;
      await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random() / 2)));
      onRetry();
      delay = Math.min(delay * 2, options.maxBackoffMs);
    }
  }
}

/** Two batches holding the items of `b`, in order. */
function split(b: Batch): [Batch, Batch] {
  const items: (['m', MetricJson] | ['p', KeyValue] | ['t', KeyValue])[] = [
    ...b.params.map((p) => ['p', p] as ['p', KeyValue]),
    ...b.tags.map((t) => ['t', t] as ['t', KeyValue]),
    ...b.metrics.map((m) => ['m', m] as ['m', MetricJson]),
  ];
  const half = Math.ceil(items.length / 2);
  const build = (part: typeof items): Batch => ({
    metrics: part.flatMap(([k, v]) => (k === 'm' ? [v] : [])),
    params: part.flatMap(([k, v]) => (k === 'p' ? [v] : [])),
    tags: part.flatMap(([k, v]) => (k === 't' ? [v] : [])),
  });
  return [build(items.slice(0, half)), build(items.slice(half))];
}

/** Timers must not keep a finished Node script alive; `beforeExit` flushes instead. */
function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * A first-in first-out list whose `take` costs the items taken, not the items left: a script may queue
 * a million points faster than they are sent, and `Array.splice(0, n)` would move them all each time.
 */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    // Drop the taken prefix once it is most of the array, so memory follows what is still queued.
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
