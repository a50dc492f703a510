/** Runs `examples/train-logistic-regression.ts` as a user would (`tsx`), with extra environment. */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './cli-server';

export function runExample(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/train-logistic-regression.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}
