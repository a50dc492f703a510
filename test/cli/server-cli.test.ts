/** The `loom` command line as a user meets it: clear one-line failures, clean shutdown, db upgrade. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../packages/core/src/store/sql/migrations';
import { freePort, runCli as runLoom, startCliServer, type CliServer } from '../support/cli-server';

/** `loom <args>` run to its end in `cwd`. */
const runCli = (args: string[], cwd: string, timeoutMs?: number) =>
  runLoom(args, { cwd, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });

/** The meaningful stderr lines (Node's own warnings aside). */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('(node:') && !l.includes('--trace-warnings'));
}

const dirs: string[] = [];
let server: CliServer | undefined;
let blocker: Server | undefined;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'loom-cli-test-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await server?.dispose();
  server = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loom server', () => {
  it('refuses a bad backend store URI with one line and exit code 1', async () => {
    const dir = tempDir();
    const port = await freePort();
    const out = await runCli(['server', '--backend-store-uri', 'nosuchdb://x', '--port', String(port)], dir);
    expect(out.code).toBe(1);
    const lines = errorLines(out.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^loom: Unsupported backend store URI 'nosuchdb:\/\/x'/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unreachable PostgreSQL with one line that hides the password', async () => {
    const dir = tempDir();
    const port = await freePort();
    const uri = 'postgresql+psycopg2://loom:secret@127.0.0.1:1/mlflow';
    const out = await runCli(['server', '--backend-store-uri', uri, '--port', String(port)], dir);
    expect(out.code).toBe(1);
    const lines = errorLines(out.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^loom: Cannot connect to PostgreSQL at '.*loom:\*\*\*@127\.0\.0\.1:1\/mlflow'/);
    expect(out.stderr).not.toContain('secret');
  });

  it('refuses a SQLite file it cannot open with one line', async () => {
    const dir = tempDir();
    const port = await freePort();
    const out = await runCli(
      ['server', '--backend-store-uri', `sqlite:///${dir}`, '--port', String(port)],
      dir,
    );
    expect(out.code).toBe(1);
    expect(errorLines(out.stderr)).toHaveLength(1);
    expect(out.stderr).toMatch(/^loom: /);
  });

  it('refuses a taken port with one line and exit code 1', async () => {
    const dir = tempDir();
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)),
    );
    const out = await runCli(['server', '--port', String(port)], dir);
    expect(out.code).toBe(1);
    expect(errorLines(out.stderr)).toEqual([`loom: port ${port} on 127.0.0.1 is already in use`]);
  });

  it('starts on the embedded default in the current folder', async () => {
    const dir = tempDir();
    server = await startCliServer({
      cwd: dir,
      dir,
      backendStoreUri: 'sqlite:///mlflow.db',
      artifactsDestination: './mlartifacts',
    });
    const res = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`);
    expect((await res.json()) as unknown).toMatchObject({ experiment: { name: 'Default' } });
    expect(existsSync(join(dir, 'mlflow.db'))).toBe(true);
    // The Model Registry is served on the same store.
    const created = await fetch(`${server.url}/api/2.0/mlflow/registered-models/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'reg' }),
    });
    expect((await created.json()) as unknown).toMatchObject({ registered_model: { name: 'reg' } });
  });

  it("takes MLflow's security flags: allowed hosts, CORS origins, X-Frame-Options", async () => {
    server = await startCliServer({
      extraArgs: [
        '--allowed-hosts',
        'mlflow.test.example',
        '--cors-allowed-origins',
        'https://app.test.example',
        '--x-frame-options',
        'DENY',
      ],
    });
    const url = new URL(server.url);
    /** A request over the socket with the Host (and Origin) a browser would send. */
    const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
      new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const search = '/api/2.0/mlflow/experiments/search?max_results=1';
    // The list replaces the loopback defaults.
    expect((await send('GET', search, { host: url.host })).status).toBe(403);
    expect((await send('GET', '/health', { host: url.host })).status).toBe(200);
    const listed = await send('GET', search, { host: `mlflow.test.example:${url.port}` });
    expect(listed.status).toBe(200);
    expect(listed.headers['x-frame-options']).toBe('DENY');
    const create = (origin: string, name: string) =>
      send(
        'POST',
        '/api/2.0/mlflow/experiments/create',
        { host: 'mlflow.test.example', origin, 'content-type': 'application/json' },
        JSON.stringify({ name }),
      );
    expect((await create('https://app.test.example', 'from-app')).status).toBe(200);
    expect((await create('https://evil.test.example', 'from-evil')).status).toBe(403);
  });

  it('finishes an in-flight upload on SIGTERM, then exits 0 and leaves a sound store', async () => {
    server = await startCliServer();
    const chunk = new Uint8Array(64 * 1024).fill(7);
    let sent = 0;
    let signalled = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 20) {
          controller.close();
          return;
        }
        if (sent === 5 && !signalled) {
          signalled = true;
          process.kill(server!.pid, 'SIGTERM');
        }
        await new Promise((r) => setTimeout(r, 50));
        sent++;
        controller.enqueue(chunk);
      },
    });
    const upload = fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/slow/file.bin`, {
      method: 'PUT',
      body,
      duplex: 'half',
    } as RequestInit);
    const res = await upload;
    expect(res.status).toBe(200);
    const exit = await server.exited();
    expect(exit.code).toBe(0);
    expect(server.output()).toContain('SIGTERM received');
    const stored = readFileSync(join(server.artifactsDestination, '0/slow/file.bin'));
    expect(stored.length).toBe(20 * chunk.length);
    const db = new Database(server.dbPath!, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});

describe('loom db upgrade', () => {
  it('creates the schema in a new database', async () => {
    const dir = tempDir();
    const out = await runCli(['db', 'upgrade', 'sqlite:///fresh.db'], dir);
    expect(out.code).toBe(0);
    const db = new Database(join(dir, 'fresh.db'), { readonly: true });
    try {
      const versions = db.prepare('SELECT version FROM loom_schema_migrations ORDER BY version').all();
      // Every migration the code knows, whichever were added since.
      const known = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
      expect(versions).toEqual(known.map((version) => ({ version })));
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[];
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining([
          'runs',
          'metrics',
          'latest_metrics',
          'registered_models',
          'model_versions',
          'model_version_activities',
          'registry_audit_log',
        ]),
      );
    } finally {
      db.close();
    }
  });
});
