/**
 * A real S3-compatible server for tests: s3rver on loopback, on a free port, storing in a temp
 * folder, in a child process (see s3rver-process.ts). Credentials are s3rver's fixed `S3RVER`/`S3RVER`.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../artifacts/s3-client';
import type { S3Settings } from '../config';

/** A running test S3 server. */
export interface TestS3 {
  /** `http://127.0.0.1:<port>`, what MLFLOW_S3_ENDPOINT_URL would hold. */
  endpoint: string;
  settings: S3Settings;
  /** The same settings as the environment variables the CLI reads. */
  env: Record<string, string>;
  /** Creates a bucket with a fresh name (or `name`) and returns the name. */
  createBucket(name?: string): Promise<string>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./s3rver-process.ts', import.meta.url));
let buckets = 0;

/** Starts s3rver on 127.0.0.1 (port 0) in a temp folder, in a child process. */
export async function startTestS3(): Promise<TestS3> {
  const dir = mkdtempSync(path.join(tmpdir(), 'loom-s3-'));
  const child = fork(SCRIPT, [dir], {
    execArgv: ['--openssl-legacy-provider', '--no-warnings', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code} before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const settings: S3Settings = Object.freeze({
    endpointUrl: endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  });
  const admin = createS3Client(settings);
  return {
    endpoint,
    settings,
    env: {
      MLFLOW_S3_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    async createBucket(name = `loom-test-${process.pid}-${++buckets}`) {
      await admin.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async close() {
      admin.destroy();
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
