/**
 * The offline spool (Node only): one folder per run under the offline dir, holding
 *   run.json      how to create the run on the server (experiment, name, tags, start time, parent);
 *   events.jsonl  an append-only journal: batches of metrics/params/tags, artifacts, inputs, the end;
 *   artifacts/    copies of the files logged as artifacts;
 *   sync.json     written by `loom sync`: the server run id and how much of the journal it has sent.
 * Every journal line is fsynced before the write resolves, so a crash loses at most the batch being
 * written (a torn last line is ignored when read back).
 */
import type { DatasetInputJson, KeyValue, MetricJson, RunStatus } from '@loom/protocol';
import { invalidParameter } from '@loom/protocol';
import type { Dirent } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { LogBatchArgs } from '../runs';
import type { RunSink } from './run-sink';

export const SPOOL_FORMAT = 1;
/** The tag sync puts on each run it creates, so a sync cut short after creating it finds it again. */
export const OFFLINE_ID_TAG = 'loom.offlineRunId';

/** Which experiment an offline run belongs to, as known when it started. */
export type ExperimentRef = { experimentId: string } | { experimentName: string };

export interface SpoolManifest {
  format: typeof SPOOL_FORMAT;
  localId: string;
  experiment: ExperimentRef;
  runName?: string | undefined;
  startTime: number;
  userId?: string | undefined;
  tags: KeyValue[];
  /** An offline parent: its server id is known only after it is synced. */
  parentLocalId?: string | undefined;
  /** Set when the run already exists on the server (resumed offline, or switched offline mid-run). */
  serverRunId?: string | undefined;
}

export type SpoolEvent =
  | { type: 'batch'; metrics: MetricJson[]; params: KeyValue[]; tags: KeyValue[] }
  | { type: 'artifact'; path: string; contentType?: string | undefined }
  | { type: 'inputs'; datasets: DatasetInputJson[] }
  | { type: 'end'; status: RunStatus; endTime: number };

/** What `loom sync` has done for a run folder. */
export interface SyncState {
  serverRunId: string;
  /** Journal lines sent (a prefix of events.jsonl). */
  sentEvents: number;
  /** Metrics, params and tags sent. */
  sentItems: number;
  ended: boolean;
  /** Items the server refused, with its message (kept so nothing is dropped silently). */
  rejected: { message: string; batch: LogBatchArgs }[];
}

export const MANIFEST_FILE = 'run.json';
export const EVENTS_FILE = 'events.jsonl';
export const SYNC_FILE = 'sync.json';
export const ARTIFACTS_DIR = 'artifacts';

const fsp = () => import('node:fs/promises');
const pathMod = () => import('node:path');

/** LOOM_OFFLINE_DIR, else `~/.loom/offline`. */
export async function defaultOfflineDir(configured?: string): Promise<string> {
  if (configured) return configured;
  const { homedir } = await import('node:os');
  return (await pathMod()).join(homedir(), '.loom', 'offline');
}

/** A fresh run id in MLflow's shape (32 hex digits), unique without a server. */
export function newLocalRunId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '');
}

/** Writes JSON so a reader sees the old or the new file, never half of one (temp file, fsync, rename). */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const fs = await fsp();
  const tmp = `${file}.tmp-${process.pid}`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  // The rename itself must survive a crash too.
  const { dirname } = await pathMod();
  const dir = await fs.open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export const LOCK_FILE = 'sync.lock';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes a run folder's sync lock (a file holding our pid), so two `loom sync` processes never send
 * one run at once. A lock left by a process that is gone (a killed sync) is taken over. Returns the
 * release function, or the pid of the live process holding it.
 */
export async function lockRunFolder(dir: string): Promise<(() => Promise<void>) | { heldBy: number }> {
  const fs = await fsp();
  const { join } = await pathMod();
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => fs.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = Number(await fs.readFile(file, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return { heldBy: holder };
      await fs.rm(file, { force: true });
    }
  }
}

/** An artifact path kept inside the run's artifacts folder. */
function safeArtifactPath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..' || p.includes('\\'))) {
    throw invalidParameter(`Artifact path '${path}' must be a relative path inside the run`);
  }
  return parts.join('/');
}

/** Writes one run's spool folder; a RunSink for an ActiveRun. */
export class SpoolWriter implements RunSink {
  private appending: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly manifest: SpoolManifest,
    private readonly handle: FileHandle,
  ) {}

  /** Creates `<offlineDir>/<localId>/` with its run.json and an empty journal. */
  static async create(offlineDir: string, manifest: SpoolManifest): Promise<SpoolWriter> {
    const fs = await fsp();
    const { join } = await pathMod();
    const dir = join(offlineDir, manifest.localId);
    await fs.mkdir(join(dir, ARTIFACTS_DIR), { recursive: true });
    await writeJsonAtomic(join(dir, MANIFEST_FILE), manifest);
    const handle = await fs.open(join(dir, EVENTS_FILE), 'a');
    return new SpoolWriter(dir, manifest, handle);
  }

  /** Appends one journal line and fsyncs it; lines are written one at a time, in call order. */
  private append(event: SpoolEvent): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`The offline run ${this.manifest.localId} has ended`));
    const line = `${JSON.stringify(event)}\n`;
    const write = this.appending.then(async () => {
      await this.handle.write(line);
      await this.handle.sync();
    });
    this.appending = write.catch(() => undefined);
    return write;
  }

  logBatch(batch: LogBatchArgs): Promise<void> {
    return this.append({
      type: 'batch',
      metrics: [...(batch.metrics ?? [])],
      params: [...(batch.params ?? [])],
      tags: [...(batch.tags ?? [])],
    });
  }

  async uploadArtifact(path: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    const fs = await fsp();
    const { dirname, join } = await pathMod();
    const relative = safeArtifactPath(path);
    const file = join(this.dir, ARTIFACTS_DIR, ...relative.split('/'));
    await fs.mkdir(dirname(file), { recursive: true });
    const handle = await fs.open(file, 'w');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.append({ type: 'artifact', path: relative, contentType });
  }

  logInputs(datasets: readonly DatasetInputJson[]): Promise<void> {
    return this.append({ type: 'inputs', datasets: [...datasets] });
  }

  async end(status: RunStatus, endTime: number): Promise<void> {
    await this.append({ type: 'end', status, endTime });
    this.closed = true;
    await this.appending;
    await this.handle.close();
  }
}

export interface SpooledRun {
  dir: string;
  manifest: SpoolManifest;
  /** Complete journal lines, in order (a torn last line from a crash is left out). */
  events: SpoolEvent[];
  sync: SyncState | undefined;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  const fs = await fsp();
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads one run folder back. */
export async function readSpooledRun(dir: string): Promise<SpooledRun | undefined> {
  const fs = await fsp();
  const { join } = await pathMod();
  const manifest = await readJson<SpoolManifest>(join(dir, MANIFEST_FILE));
  if (!manifest) return undefined;
  if (manifest.format !== SPOOL_FORMAT) {
    throw invalidParameter(`${dir}: spool format ${String(manifest.format)} is not supported by this loom`);
  }
  let text = '';
  try {
    text = await fs.readFile(join(dir, EVENTS_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const events = complete
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SpoolEvent);
  return { dir, manifest, events, sync: await readJson<SyncState>(join(dir, SYNC_FILE)) };
}

/** Every run folder under `offlineDir`, oldest first (so parents come before their children). */
export async function listSpooledRuns(offlineDir: string): Promise<SpooledRun[]> {
  const fs = await fsp();
  const { join } = await pathMod();
  let entries: Dirent[];
  try {
    entries = await fs.readdir(offlineDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const runs: SpooledRun[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const run = await readSpooledRun(join(offlineDir, e.name));
    if (run) runs.push(run);
  }
  return runs.sort(
    (a, b) =>
      a.manifest.startTime - b.manifest.startTime ||
      (a.manifest.localId < b.manifest.localId ? -1 : a.manifest.localId > b.manifest.localId ? 1 : 0),
  );
}

/** The absolute path of a spooled artifact. */
export async function spooledArtifactFile(runDir: string, path: string): Promise<string> {
  const { join } = await pathMod();
  return join(runDir, ARTIFACTS_DIR, ...safeArtifactPath(path).split('/'));
}
