/** Runs a set-up tool (git, python, npm, docker) to its end; a failure says which command and why. */
import { execFile } from 'node:child_process';
import { LoomError } from '@loom/protocol';

export interface ExecOptions {
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** Output of a finished command. */
export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** Runs `file args` and resolves with its output, or rejects with a LoomError holding its stderr. */
export function exec(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        const why = missing ? `'${file}' was not found on PATH` : lastLines(stderr || stdout || err.message);
        reject(new LoomError('INVALID_STATE', `\`${[file, ...args].join(' ')}\` failed: ${why}`));
      },
    );
  });
}

/** True when `file` can be started (found on PATH or as a path). */
export async function commandExists(
  file: string,
  args: readonly string[] = ['--version'],
  env?: NodeJS.ProcessEnv,
): Promise<boolean> {
  try {
    await exec(file, args, { env });
    return true;
  } catch (err) {
    return !(err instanceof LoomError && err.message.includes('was not found on PATH'));
  }
}

function lastLines(text: string, count = 5): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
