/** `loom server` on an S3 artifact destination (s3rver on loopback): one-line start failures, a working proxy. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3, type TestS3 } from '@loom/core/testing';
import { CLI_BIN, freePort, startCliServer, type CliServer } from '../support/cli-server';

let s3: TestS3;
let server: CliServer | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(() => s3.close());
afterEach(async () => {
  await server?.dispose();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs `loom server` with `env` added and resolves with its exit code and stderr once it exits. */
async function failedStart(destination: string, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'loom-cli-s3-'));
  dirs.push(dir);
  const args = ['server', '--artifacts-destination', destination, '--port', String(await freePort())];
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = stderr
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('(node:') && !l.includes('--trace-warnings'));
  return { code, lines, stderr };
}

describe('loom server --artifacts-destination s3://', () => {
  it('refuses a missing bucket with one line and exit code 1', async () => {
    const out = await failedStart('s3://no-such-bucket/artifacts', s3.env);
    expect(out.code).toBe(1);
    expect(out.lines).toEqual([
      `loom: artifact destination s3://no-such-bucket/artifacts: S3 bucket 'no-such-bucket' at ${s3.endpoint}: bucket does not exist (404)`,
    ]);
  });

  it('refuses an unreachable endpoint with one line and exit code 1', async () => {
    const out = await failedStart('s3://bucket', { ...s3.env, MLFLOW_S3_ENDPOINT_URL: 'http://127.0.0.1:1' });
    expect(out.code).toBe(1);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(
      /^loom: artifact destination s3:\/\/bucket: S3 bucket 'bucket' at http:\/\/127\.0\.0\.1:1: ECONNREFUSED/,
    );
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('proxies uploads and downloads into the bucket', async () => {
    const bucket = await s3.createBucket();
    server = await startCliServer({ artifactsDestination: `s3://${bucket}/mlartifacts`, env: s3.env });
    const url = `${server.url}/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/notes.txt`;
    expect((await fetch(url, { method: 'PUT', body: 'hello s3' })).status).toBe(200);
    expect(await (await fetch(url)).text()).toBe('hello s3');
    const listed = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts?path=0/r/artifacts`);
    expect(await listed.json()).toEqual({ files: [{ path: 'notes.txt', is_dir: false, file_size: 8 }] });
  });
});
