/**
 * Micro-batching without a timer: a job runs at once when nothing is running; jobs that arrive while
 * an inference is in flight wait, and the next inference takes all of them together. At concurrency 1
 * this adds no latency; under load one inference serves many requests.
 */

/** Runs many jobs as one; must return one result per job, in order. */
export type BatchRun<J, R> = (jobs: J[]) => Promise<R[]>;

/** Queues jobs behind the running inference and runs each queue as one batch. */
export class MicroBatcher<J, R> {
  private running = false;
  private queue: { job: J; resolve(r: R): void; reject(e: unknown): void }[] = [];

  /**
   * @param runBatch runs a batch of compatible jobs
   * @param sameBatch whether two jobs may share one inference
   * @param maxBatch the most jobs in one inference
   */
  constructor(
    private readonly runBatch: BatchRun<J, R>,
    private readonly sameBatch: (a: J, b: J) => boolean,
    private readonly maxBatch = 256,
  ) {}

  /** Resolves with this job's result once the batch holding it has run. */
  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) {
      const first = this.queue[0]!;
      const batch = [first];
      const rest: typeof this.queue = [];
      for (const item of this.queue.slice(1)) {
        if (batch.length < this.maxBatch && this.sameBatch(first.job, item.job)) batch.push(item);
        else rest.push(item);
      }
      this.queue = rest;
      try {
        const results = await this.runBatch(batch.map((b) => b.job));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        if (batch.length === 1) first.reject(err);
        // One bad job must not fail its neighbours: run each alone so only the culprit sees the error.
        else for (const b of batch) await this.runBatch([b.job]).then(([r]) => b.resolve(r!), b.reject);
      }
    }
    this.running = false;
  }
}
