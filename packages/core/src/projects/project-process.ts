/**
 * The project's process: started in its own process group so stopping it (Ctrl-C, SIGTERM) reaches
 * every child it started; output is handed to the caller chunk by chunk as it arrives.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Launch } from './environments/environment';

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() ended it. */
  stopped: boolean;
}

export interface ProjectProcess {
  readonly pid: number;
  /** SIGTERM to the whole group, then SIGKILL after `graceMs` if it is still there. */
  stop(graceMs?: number): void;
  readonly done: Promise<ProcessEnd>;
}

export type OutputSink = (chunk: Buffer, stream: 'stdout' | 'stderr') => void;

/** Starts `launch` with stdout and stderr piped to `onOutput`; stdin is closed. */
export function startProjectProcess(launch: Launch, onOutput: OutputSink): ProjectProcess {
  const child = spawn(launch.file, launch.args, {
    cwd: launch.cwd,
    env: launch.env,
    detached: true, // its own process group, which stop() signals as a whole
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  child.stdout.on('data', (c: Buffer) => onOutput(c, 'stdout'));
  child.stderr.on('data', (c: Buffer) => onOutput(c, 'stderr'));
  const done = new Promise<ProcessEnd>((resolve, reject) => {
    child.once('error', reject);
    // 'close' waits for the pipes to drain, so no output is lost after the exit.
    child.once('close', (code, signal) => {
      clearTimeout(killTimer);
      // Grandchildren that outlive the leader would keep running unseen: end the group too.
      if (stopped) signalGroup('SIGKILL');
      resolve({ code, signal, stopped });
    });
  });
  return {
    pid: child.pid ?? -1,
    done,
    stop(graceMs = 10_000) {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      killTimer.unref();
    },
  };
}

/** The exit code a shell would report: the code, or 128 + the signal number. */
export function exitCodeOf(end: ProcessEnd): number {
  if (end.code !== null) return end.code;
  return 128 + (end.signal ? (constants.signals[end.signal] ?? 1) : 1);
}
