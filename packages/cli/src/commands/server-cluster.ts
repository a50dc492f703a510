/**
 * `loom server --workers N` (PostgreSQL): one primary process that migrates the database once and
 * forks N workers sharing the listening port (node:cluster hands each new connection to the next
 * worker). The primary replaces a worker that dies, backing off while deaths come quickly, and on
 * SIGTERM/SIGINT lets every worker finish its in-flight requests, then exits 0. A worker is an ordinary
 * stateless server: whatever it holds in memory is a cache it may lose with the process.
 */
import cluster, { type Worker } from 'node:cluster';
import { openArtifactDestination, openTrackingStore, redactStoreUri, type ServerConfig } from '@loom/core';
import type { RunningServer } from '@loom/server';
import { nextRestartDelay } from './restart-delay';

/** Starts one listening server on `config`: the same function the single-process path calls. */
export type StartServer = (config: ServerConfig) => Promise<RunningServer>;

/** What a worker tells the primary: it listens, or it could not start (and is about to exit). */
type WorkerReport = { type: 'listening'; url: string } | { type: 'failed'; message: string };
/** What the primary tells a worker: drain and exit. */
const STOP = 'loom:stop';

/** Error codes of a send on the IPC channel of a worker that has just exited. */
const CLOSED_CHANNEL = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED']);

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').trim();
}

function report(message: WorkerReport): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

/** The worker side: serve, report to the primary, drain on its word (or on a signal of our own). */
export async function runClusterWorker(config: ServerConfig, start: StartServer): Promise<void> {
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Still starting: the code after `start` below sees the flag and closes at once.
    if (server) void server.close().then(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === STOP) stop();
  });
  // Ctrl-C reaches the whole process group: a worker drains on it like on the primary's word.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    server = await start(config);
  } catch (err) {
    // The primary prints it: once at start-up (then exits 1), or with the restart it schedules.
    await report({ type: 'failed', message: oneLine(err) });
    process.exit(1);
  }
  if (stopping) {
    await server.close();
    process.exit(0);
  }
  await report({ type: 'listening', url: server.url });
}

/** One of the N places a worker runs in, kept filled by forking a replacement when one dies. */
interface Slot {
  worker?: Worker | undefined;
  startedAt: number;
  /** The delay used for this slot's last restart, the base of the back-off. */
  restartDelay?: number | undefined;
  restartTimer?: NodeJS.Timeout | undefined;
}

type Phase = 'starting' | 'running' | 'stopping';

/** N workers on one port: started together, replaced when they die, drained together. */
class WorkerPool {
  private readonly slots: Slot[];
  private phase: Phase = 'starting';
  private listening = 0;
  private url: string | undefined;
  private startup?: { resolve(url: string): void; reject(err: Error): void };
  private allExited?: () => void;

  constructor(size: number) {
    this.slots = Array.from({ length: size }, () => ({ startedAt: 0 }));
  }

  /** Forks every worker; resolves with the URL once all listen, rejects with the first start-up error. */
  start(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.startup = { resolve, reject };
      for (const slot of this.slots) this.fork(slot);
    });
  }

  /** Tells every worker to finish its in-flight requests and exit; resolves once all have exited. */
  stop(): Promise<void> {
    this.phase = 'stopping';
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
      const worker = slot.worker;
      // A worker whose channel is already closing gets the same word as a signal.
      if (worker?.isConnected()) worker.send(STOP);
      else worker?.process.kill('SIGTERM');
    }
    return this.whenAllExited();
  }

  private whenAllExited(): Promise<void> {
    if (this.slots.every((s) => !s.worker)) return Promise.resolve();
    return new Promise((resolve) => (this.allExited = resolve));
  }

  private fork(slot: Slot): void {
    const worker = cluster.fork();
    slot.worker = worker;
    slot.startedAt = Date.now();
    let failure: string | undefined;
    worker.on('message', (message: WorkerReport) => {
      if (message.type === 'failed') failure = message.message;
      else this.onListening(worker, message.url);
    });
    // A send to a worker that is dying at that moment (two failing to start at once, say) fails with
    // a closed channel; its exit is what we act on, so only other errors are worth a line.
    worker.on('error', (err: NodeJS.ErrnoException) => {
      if (!CLOSED_CHANNEL.has(err.code ?? ''))
        console.error(`loom: worker ${worker.process.pid}: ${oneLine(err)}`);
    });
    worker.once('exit', (code, signal) => {
      slot.worker = undefined;
      this.onExit(slot, worker, failure, `exited with ${signal ?? `code ${code}`}`);
    });
  }

  private onListening(worker: Worker, url: string): void {
    if (this.phase === 'running') {
      console.log(`loom: worker ${worker.process.pid} is serving`);
      return;
    }
    this.url ??= url;
    if (this.phase === 'starting' && ++this.listening === this.slots.length) {
      this.phase = 'running';
      this.startup?.resolve(this.url);
    }
  }

  /** `failure` is what the worker reported before exiting, if it could not start; `how` how it ended. */
  private onExit(slot: Slot, worker: Worker, failure: string | undefined, how: string): void {
    if (this.phase === 'starting') {
      // A start-up error (port taken, database gone) is the server's error: stop the others and say it.
      const why = failure ?? `a worker process ${how} before it was listening`;
      void this.stop().then(() => this.startup?.reject(new Error(why)));
      return;
    }
    if (this.phase === 'stopping') {
      if (this.slots.every((s) => !s.worker)) this.allExited?.();
      return;
    }
    const delay = nextRestartDelay(slot.restartDelay, Date.now() - slot.startedAt);
    slot.restartDelay = delay;
    const what = failure ? `could not start (${failure})` : how;
    console.error(`loom: worker ${worker.process.pid} ${what}; starting another in ${delay} ms`);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (this.phase === 'running') this.fork(slot);
    }, delay);
  }
}

/** Checks what a worker would open (bucket, database) and applies migrations, once, before forking. */
async function preflight(config: ServerConfig): Promise<void> {
  if (config.serveArtifacts) await openArtifactDestination(config.artifactsDestination, config.s3);
  const store = await openTrackingStore(config.backendStoreUri, {
    defaultArtifactRoot: config.defaultArtifactRoot,
  });
  await store.close();
}

/** The primary side: preflight, fork `config.workers` workers, supervise them until a signal. */
export async function runClusterPrimary(config: ServerConfig): Promise<void> {
  await preflight(config);
  // Round-robin (Node's default except on Windows): the primary deals connections out evenly, where
  // the OS would tend to wake the same busy process again.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const pool = new WorkerPool(config.workers);
  const url = await pool.start();
  console.log(
    `Loom tracking server listening at ${url} (store ${redactStoreUri(config.backendStoreUri)}, ` +
      `${config.workers} worker processes)`,
  );
  const stop = (signal: string) => {
    console.log(`loom: ${signal} received, finishing in-flight requests...`);
    void pool.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
