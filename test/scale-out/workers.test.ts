/**
 * `loom server --workers N`: on PostgreSQL, N worker processes under one primary share the port. Which
 * process answered is read from `X-Loom-Worker-Pid` (sent only with LOOM_DEBUG_WORKER_PID=1) and
 * checked against /proc: a child of the primary, not the primary itself. A worker killed with SIGKILL
 * is replaced while the others keep answering; PostgreSQL ending every session costs no worker;
 * SIGTERM drains in-flight requests and exits 0 with every worker gone; start-up failures stay
 * one-line errors with exit code 1. On SQLite the flag is refused politely: one process, a warning.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { get } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startCliServer, type CliServer } from '../support/cli-server';
import {
  createScratchDatabase,
  skipWithoutPostgres,
  type ScratchDatabase,
} from '../support/scratch-postgres';

const DEBUG_ENV = { LOOM_DEBUG_WORKER_PID: '1' };

const skip = await skipWithoutPostgres('test/scale-out/workers.test.ts (the PostgreSQL part)');

/** GET `path` on a connection of its own (so the cluster hands it to the next worker). */
function getOnNewConnection(
  url: string,
  path: string,
): Promise<{ status: number; pid: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}${path}`, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, pid: Number(res.headers['x-loom-worker-pid']), body }),
      );
    });
    req.on('error', reject);
  });
}

/** The parent pid and state of `pid` from /proc, or undefined once it is gone. */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return undefined;
  try {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const text = readFileSync(path, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state: state! };
  } catch {
    return undefined; // exited between the two calls
  }
}

function alive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

async function pidsServing(url: string, requests: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < requests; i++) {
    const res = await getOnNewConnection(url, '/health');
    expect(res.status).toBe(200);
    pids.add(res.pid);
  }
  return pids;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `loom <args>` run to its end in a temp folder (where its artifact folder lands), then removed. */
async function runCliInTemp(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'loom-workers-'));
  try {
    return await runCli(args, { cwd });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The meaningful stderr lines (Node's own warnings aside). */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('(node:') && !l.includes('--trace-warnings'));
}

describe.skipIf(skip)('loom server --workers 2 on PostgreSQL', () => {
  let db: ScratchDatabase;
  let server: CliServer;
  let workers: Set<number>;
  let blocker: Server | undefined;

  beforeAll(async () => {
    db = await createScratchDatabase();
    // MLflow's variable, as `mlflow server` reads it; the flag is the same setting.
    server = await startCliServer({ backendStoreUri: db.uri, env: { ...DEBUG_ENV, MLFLOW_WORKERS: '2' } });
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = undefined;
  });

  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('serves requests from two worker processes under the primary', async () => {
    expect(server.output()).toMatch(/listening at .*2 worker processes/);
    workers = await pidsServing(server.url, 8);
    expect(workers.size).toBe(2);
    for (const pid of workers) {
      expect(pid).not.toBe(server.pid);
      expect(procStat(pid)?.ppid).toBe(server.pid);
    }
    // One database behind both: what one worker wrote, every worker reads.
    const created = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'seen-by-all' }),
    });
    expect(created.status).toBe(200);
    const readers = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const res = await getOnNewConnection(
        server.url,
        '/api/2.0/mlflow/experiments/get-by-name?experiment_name=seen-by-all',
      );
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ experiment: { name: 'seen-by-all' } });
      readers.add(res.pid);
    }
    expect(readers).toEqual(workers);
  });

  it('replaces a worker killed with SIGKILL and keeps answering meanwhile', async () => {
    const [victim, survivor] = [...workers] as [number, number];
    process.kill(victim, 'SIGKILL');
    await until('the primary to notice the death', 10_000, async () =>
      server.output().includes(`worker ${victim} exited with SIGKILL`) ? true : undefined,
    );
    // Every request is answered, first by the survivor alone, then by it and the replacement.
    const replacement = await until('a replacement worker to answer', 20_000, async () => {
      const res = await getOnNewConnection(server.url, '/health');
      expect(res.status).toBe(200);
      expect(res.pid).not.toBe(victim);
      return res.pid !== survivor ? res.pid : undefined;
    });
    expect(alive(victim)).toBe(false);
    expect(procStat(replacement)?.ppid).toBe(server.pid);
    expect(server.output()).toMatch(
      new RegExp(`worker ${victim} exited with SIGKILL; starting another in \\d+ ms`),
    );
    expect(await pidsServing(server.url, 4)).toEqual(new Set([survivor, replacement]));
    workers = new Set([survivor, replacement]);
  });

  it('survives PostgreSQL ending every session: at worst 503, then answers from the same workers', async () => {
    const search = () =>
      fetch(`${server.url}/api/2.0/mlflow/experiments/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ max_results: 10 }),
      });
    // Warm every worker's pool, then cut every session, as a database restart would. A pool usually
    // drops the dead connections before the next request; one that does not yet answers 503.
    for (let i = 0; i < 4; i++) expect((await search()).status).toBe(200);
    expect(await db.terminateSessions()).toBeGreaterThan(0);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await search();
      statuses.push(res.status);
      if (res.status !== 200) {
        expect(await res.json()).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE' });
      }
    }
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    // Recovered: both workers answer from the database again, and none was replaced.
    expect(statuses.slice(-2)).toEqual([200, 200]);
    expect(await pidsServing(server.url, 4)).toEqual(workers);
  });

  it('refuses a taken port with one line and exit code 1', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)),
    );
    const out = await runCliInTemp([
      'server',
      '--backend-store-uri',
      db.uri,
      '--workers',
      '2',
      '--port',
      String(port),
    ]);
    expect(out.code).toBe(1);
    expect(errorLines(out.stderr)).toEqual([`loom: port ${port} on 127.0.0.1 is already in use`]);
  });

  it('finishes an in-flight upload on SIGTERM, then exits 0 with every worker gone', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(7);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 20) return controller.close();
        if (sent === 5) process.kill(server.pid, 'SIGTERM');
        await new Promise((r) => setTimeout(r, 50));
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/slow/file.bin`, {
      method: 'PUT',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    const exit = await server.exited();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('SIGTERM received');
    expect(readFileSync(`${server.artifactsDestination}/0/slow/file.bin`).length).toBe(20 * chunk.length);
    for (const pid of workers) expect(alive(pid)).toBe(false);
  });
});

describe('loom server --workers without PostgreSQL', () => {
  let server: CliServer | undefined;

  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('serves SQLite from one process, with a warning', async () => {
    server = await startCliServer({ extraArgs: ['--workers', '2'], env: DEBUG_ENV });
    expect(server.output()).toContain('SQLite has one writer');
    expect(await pidsServing(server.url, 4)).toEqual(new Set([server.pid]));
    expect((await server.stop()).code).toBe(0);
  });

  it('refuses an unreachable database with one line and exit code 1', async () => {
    const uri = 'postgresql://loom:secret@127.0.0.1:1/mlflow';
    const port = await freePort();
    const out = await runCliInTemp([
      'server',
      '--backend-store-uri',
      uri,
      '--workers',
      '2',
      '--port',
      String(port),
    ]);
    expect(out.code).toBe(1);
    const lines = errorLines(out.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^loom: Cannot connect to PostgreSQL at '.*loom:\*\*\*@127\.0\.0\.1:1\/mlflow'/);
  });
});
