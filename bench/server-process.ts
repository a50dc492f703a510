/**
 * Runs the real `loom server` CLI as a separate process (so client and server never share an event
 * loop), on a SQLite file and an artifact folder in a temp directory, and reads its CPU time and
 * memory from /proc (Linux) so each phase can say how much of the wall time the server spent on CPU.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerOptions {
  repoRoot: string;
  /** `--backend-store-uri` passed to the server. */
  backendStoreUri: string;
  artifactDir: string;
  /** `--default-artifact-root`; default `artifactDir` (`mlflow-artifacts:/` to go through the proxy). */
  defaultArtifactRoot?: string;
  /** Extra flags for the server's `node` (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
}

export interface ServerUsage {
  /** Server user+system CPU time so far, ms (undefined off Linux). */
  cpuMs?: number;
  /** Resident set size now and at its peak, MB. */
  rssMb?: number;
  peakRssMb?: number;
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ, 100 on every mainstream Linux build

export class ServerProcess {
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly log: string[],
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Spawns the server on port 0 and resolves with its URL once GET /health answers OK. */
  static async start(opts: ServerOptions): Promise<ServerProcess> {
    const args = [
      ...(opts.nodeFlags ?? []),
      join(opts.repoRoot, 'packages/cli/bin/loom.js'),
      'server',
      '--backend-store-uri',
      opts.backendStoreUri,
      '--default-artifact-root',
      opts.defaultArtifactRoot ?? opts.artifactDir,
      '--artifacts-destination',
      opts.artifactDir,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
    ];
    const child = spawn(process.execPath, args, { cwd: opts.repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not start in 60 s:\n${log.join('')}`)),
        60_000,
      );
      const onData = (chunk: Buffer) => {
        log.push(chunk.toString());
        const m = /listening at (http:\/\/\S+)/.exec(log.join(''));
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (c: Buffer) => log.push(c.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before listening:\n${log.join('')}`));
      });
    });
    const server = new ServerProcess(child, url, log);
    // The listening line comes first; /health is the contract that it serves.
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`${url}/health`);
        if (res.ok && (await res.text()) === 'OK') return server;
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.stop();
    throw new Error(`GET ${url}/health never answered OK`);
  }

  /** CPU and memory of the server process so far, from /proc. */
  usage(): ServerUsage {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command name: state is field 3, utime 14, stime 15 (1-based in proc(5)).
      const utime = Number(fields[11]);
      const stime = Number(fields[12]);
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return {
        cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_S,
        rssMb: kb('VmRSS') / 1024,
        peakRssMb: kb('VmHWM') / 1024,
      };
    } catch {
      return {};
    }
  }

  /** SIGTERM (the server finishes in-flight requests and exits), SIGKILL after 15 s. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
