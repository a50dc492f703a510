import { describe, expect, it } from 'vitest';
import { exitCodeOf, startProjectProcess } from './project-process';

const shell = (script: string) => ({
  file: 'bash',
  args: ['-c', script],
  env: process.env,
  cwd: process.cwd(),
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(grandchild)).toBe(false);
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
