/**
 * Runs the real `loom server` CLI as a child process, for black-box tests (client compatibility, crash
 * recovery, browser e2e). Each server gets a data folder (a temp dir unless one is given) holding the
 * SQLite file and the artifact store, listens on loopback on a free port, and is ready once GET /health
 * answers `OK`. Everything the process prints is kept so a failing start or stop can say why.
 *
 *   const server = await startCliServer();
 *   await fetch(`${server.url}/api/2.0/mlflow/experiments/search`, ...);
 *   await server.kill();                      // SIGKILL, like a crash
 *   const again = await server.restart();     // same folder (and port when it is still free)
 *   await again.stop();                       // SIGTERM, resolves with the exit code
 *   await again.dispose();                    // never throws: kills if alive, removes the temp folder
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI entry point (`loom` bin): runs the TypeScript sources through tsx. */
export const CLI_BIN = fileURLToPath(new URL('../../packages/cli/bin/loom.js', import.meta.url));
/** The repository root, the CLI's working directory unless `cwd` is given. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliServerOptions {
  /** Data folder (created if missing). Default: a fresh temp dir, removed by `dispose()`. */
  dir?: string;
  /** `--backend-store-uri`. Default `sqlite:///<dir>/mlflow.db` (absolute path, so four slashes). */
  backendStoreUri?: string;
  /** `--default-artifact-root`. Default `mlflow-artifacts:/` (the proxy, as `mlflow server` does). */
  defaultArtifactRoot?: string;
  /** `--artifacts-destination`. Default `<dir>/mlartifacts`. */
  artifactsDestination?: string;
  /** Default 127.0.0.1: tests only talk over loopback. */
  host?: string;
  /** Fixed port. Default: a free port, picked again if another process grabs it first. */
  port?: number;
  /** More CLI flags, appended after the ones above (e.g. `['--no-serve-artifacts']`). */
  extraArgs?: string[];
  /** Extra environment for the child (merged over this process's environment). */
  env?: Record<string, string | undefined>;
  /** Working directory of the child. Default: the repository root. */
  cwd?: string;
  /** How long to wait for /health. Default 60 s (tsx compiles the sources on a cold start). */
  startTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** The data folder. */
  readonly dir: string;
  /** The SQLite file when the store is `sqlite:///...`, else undefined. */
  readonly dbPath: string | undefined;
  readonly backendStoreUri: string;
  readonly artifactsDestination: string;
  /** The full argument list passed to the CLI (after `loom`). */
  readonly args: readonly string[];
  /** Everything the process has written to stdout and stderr so far (the last 256 KiB). */
  output(): string;
  /** True until the process has exited. */
  isRunning(): boolean;
  /** Resolves when the process exits (also if it crashes on its own). */
  exited(): Promise<ExitInfo>;
  /**
   * SIGTERM and wait for a clean exit. If it has not exited after `timeoutMs` (default 20 s) it is
   * SIGKILLed and the promise rejects, since a server that ignores SIGTERM is a bug.
   */
  stop(timeoutMs?: number): Promise<ExitInfo>;
  /** SIGKILL (a crash: no cleanup, no checkpoint) and wait until the process is gone. */
  kill(): Promise<ExitInfo>;
  /**
   * Starts a new process on the same folder and store. The old one must have exited (call stop() or
   * kill() first). Reuses the same port when it is free, else picks another.
   */
  restart(overrides?: Partial<CliServerOptions>): Promise<CliServer>;
  /** Best-effort cleanup that never throws: SIGKILL if still running, remove the folder if we made it. */
  dispose(): Promise<void>;
}

const OUTPUT_LIMIT = 256 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Never leave a server behind when the test process ends, whatever happened to the test. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** A port nobody listens on right now (the OS picks it; it may be taken again before we use it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `url` until it answers 200 `OK`, `stillAlive()` turns false, or `deadline` passes. */
async function waitForHealth(url: string, deadline: number, stillAlive: () => boolean): Promise<boolean> {
  let delay = 50;
  while (Date.now() < deadline && stillAlive()) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      const text = await res.text();
      if (res.status === 200 && text.trim() === 'OK') return true;
    } catch {
      // not listening yet
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 500);
  }
  return false;
}

interface Resolved {
  dir: string;
  ownsDir: boolean;
  backendStoreUri: string;
  defaultArtifactRoot: string;
  artifactsDestination: string;
  host: string;
  extraArgs: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  startTimeoutMs: number;
}

function resolveOptions(options: CliServerOptions, ownsDir?: boolean): Resolved {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'loom-cli-'));
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    ownsDir: ownsDir ?? options.dir === undefined,
    backendStoreUri: options.backendStoreUri ?? `sqlite:///${join(dir, 'mlflow.db')}`,
    defaultArtifactRoot: options.defaultArtifactRoot ?? 'mlflow-artifacts:/',
    artifactsDestination: options.artifactsDestination ?? join(dir, 'mlartifacts'),
    host: options.host ?? '127.0.0.1',
    extraArgs: options.extraArgs ?? [],
    env: options.env ?? {},
    cwd: options.cwd ?? REPO_ROOT,
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
  };
}

function sqliteFile(uri: string): string | undefined {
  if (!uri.startsWith('sqlite:///')) return undefined;
  return uri.slice('sqlite:///'.length);
}

/** One attempt to start the CLI on `port`; rejects with the process output when it does not come up. */
async function launch(opts: Resolved, port: number): Promise<CliServer> {
  installExitHook();
  const args = [
    'server',
    '--backend-store-uri',
    opts.backendStoreUri,
    '--default-artifact-root',
    opts.defaultArtifactRoot,
    '--artifacts-destination',
    opts.artifactsDestination,
    '--host',
    opts.host,
    '--port',
    String(port),
    ...opts.extraArgs,
  ];
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);

  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > OUTPUT_LIMIT) out = out.slice(out.length - OUTPUT_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  let exit: ExitInfo | undefined;
  const exitPromise = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      live.delete(child);
      resolve(exit);
    });
    child.once('error', (err) => {
      append(Buffer.from(`\n[cli-server] spawn error: ${err.message}\n`));
      exit ??= { code: null, signal: null };
      live.delete(child);
      resolve(exit);
    });
  });
  // Let the exit event drain the pipes first so output() is complete once exited() resolves.
  const exited = () => exitPromise.then(async (info) => (await sleep(10), info));

  const host = opts.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + opts.startTimeoutMs;
  // Ready = /health says OK *and* our process printed its listening line (not some other process
  // that happens to hold the port).
  const listening = () => /listening/i.test(out);
  let healthy = await waitForHealth(url, deadline, () => exit === undefined);
  while (healthy && !listening() && exit === undefined && Date.now() < deadline) await sleep(50);
  healthy = healthy && listening() && exit === undefined;
  if (!healthy) {
    const hung = exit === undefined;
    if (hung) child.kill('SIGKILL');
    const info = await exited();
    const why = hung
      ? `was not healthy after ${opts.startTimeoutMs} ms (killed)`
      : 'exited before it was healthy';
    const err = new Error(
      `loom server on port ${port} ${why} (code ${info.code}, signal ${info.signal}).\n` +
        `command: node ${CLI_BIN} ${args.join(' ')}\n--- output ---\n${out}`,
    ) as Error & { portInUse?: boolean };
    err.portInUse = /already in use|EADDRINUSE/i.test(out);
    throw err;
  }

  const server: CliServer = {
    url,
    host,
    port,
    pid: child.pid!,
    dir: opts.dir,
    dbPath: sqliteFile(opts.backendStoreUri),
    backendStoreUri: opts.backendStoreUri,
    artifactsDestination: opts.artifactsDestination,
    args,
    output: () => out,
    isRunning: () => exit === undefined,
    exited,
    async stop(timeoutMs = 20_000) {
      if (exit !== undefined) return exited();
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const result = await Promise.race([exited(), timedOut]);
      clearTimeout(timer);
      if (result !== 'timeout') return result;
      child.kill('SIGKILL');
      await exited();
      throw new Error(
        `loom server (pid ${child.pid}) ignored SIGTERM for ${timeoutMs} ms.\n--- output ---\n${out}`,
      );
    },
    async kill() {
      if (exit === undefined) child.kill('SIGKILL');
      return exited();
    },
    async restart(overrides = {}) {
      if (exit === undefined)
        throw new Error('restart() needs the old process to have exited: call stop() or kill()');
      const next = resolveOptions({ ...opts, ...overrides, dir: opts.dir }, opts.ownsDir);
      return start(next, overrides.port ?? port, overrides.port === undefined);
    },
    async dispose() {
      try {
        if (exit === undefined) {
          child.kill('SIGKILL');
          await exited();
        }
      } catch {
        // best effort
      }
      if (opts.ownsDir) {
        try {
          rmSync(opts.dir, { recursive: true, force: true });
        } catch {
          // best effort
        }
      }
    },
  };
  return server;
}

/** Starts on `preferredPort` (if any), falling back to fresh free ports while the port is taken. */
async function start(
  opts: Resolved,
  preferredPort: number | undefined,
  mayChangePort: boolean,
): Promise<CliServer> {
  let port = preferredPort ?? (await freePort(opts.host));
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(opts, port);
    } catch (err) {
      if (!(err as { portInUse?: boolean }).portInUse || !mayChangePort || attempt >= 5) throw err;
      port = await freePort(opts.host);
    }
  }
}

/** Spawns `loom server` and resolves once it answers GET /health. */
export function startCliServer(options: CliServerOptions = {}): Promise<CliServer> {
  const opts = resolveOptions(options);
  return start(opts, options.port, options.port === undefined);
}

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `loom <args>` to its end (for commands that should exit, e.g. a server that cannot start). */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<CliOutcome> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`loom ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
