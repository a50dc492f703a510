import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, startProjectProcess } from './project-process';

const shell = (script: string) => ({
  file: 'bash',
  args: ['-c', script],
  env: process.env,
  cwd: process.cwd(),
});

/** Running (a zombie waiting for a reaper counts as gone: it runs nothing). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone or `ms` pass; answers whether it is gone. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return !alive(pid);
}

describe('startProjectProcess', () => {
  it('hands over stdout and stderr as they come and reports the exit code', async () => {
    const out: string[] = [];
    const proc = startProjectProcess(shell('echo one; echo two >&2; exit 7'), (chunk, stream) =>
      out.push(`${stream}:${chunk.toString().trim()}`),
    );
    const end = await proc.done;
    expect(end).toEqual({ code: 7, signal: null, stopped: false });
    expect(exitCodeOf(end)).toBe(7);
    expect(out.sort()).toEqual(['stderr:two', 'stdout:one']);
  });

  it('stop() ends the whole process group, grandchildren included', async () => {
    let grandchild = 0;
    let ready: () => void;
    const started = new Promise<void>((r) => (ready = r));
    // The grandchild ignores nothing but is not the leader: only a group signal reaches it.
    const proc = startProjectProcess(shell('sleep 300 & echo $!; wait'), (chunk) => {
      grandchild = Number(chunk.toString().trim());
      ready();
    });
    await started;
    expect(alive(grandchild)).toBe(true);
    proc.stop();
    const end = await proc.done;
    expect(end.stopped).toBe(true);
    expect(exitCodeOf(end)).toBe(143);
    expect(await goneWithin(grandchild, 2_000)).toBe(true);
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    let ready: () => void;
    const started = new Promise<void>((r) => (ready = r));
    const proc = startProjectProcess(shell("trap '' TERM; echo ready; while true; do sleep 0.1; done"), () =>
      ready(),
    );
    await started;
    proc.stop(200);
    const end = await proc.done;
    expect(end.signal).toBe('SIGKILL');
    expect(exitCodeOf(end)).toBe(137);
  });

  it('exit codes of signals follow the shell convention', () => {
    expect(exitCodeOf({ code: null, signal: 'SIGINT', stopped: true })).toBe(130);
  });
});
