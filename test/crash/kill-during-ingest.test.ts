/**
 * Crash safety of metric ingest: the real `loom server` CLI (SQLite in a temp dir) takes concurrent
 * log-batch streams and is SIGKILLed in the middle of them. After a restart on the same files:
 *  - every batch the server acknowledged with HTTP 200 is there, point for point;
 *  - no batch is half-written (each is all-or-nothing), and the only unacknowledged batch that may be
 *    present is the one each client had in flight at the kill;
 *  - `latest_metrics` agrees with the greatest-step point of every key;
 *  - `PRAGMA integrity_check` is `ok`, both on the files exactly as the crash left them and after restart.
 * Every point is identifiable: loop `l`, key `crash.l<l>.k<k>`, batch `b` holds steps
 * `b*STEPS .. b*STEPS+STEPS-1` with timestamp `t0 + b` and a value computed from (step, k).
 */
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../support/cli-server';

const LOOPS = 4;
const KEYS = 10;
const STEPS = 20; // KEYS * STEPS = 200 metrics per batch
const POINTS_PER_BATCH = KEYS * STEPS;
const MAX_BATCHES_PER_LOOP = 5_000;
const LOOP_TIME_LIMIT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 1_500;
const MIN_ACKED_BEFORE_KILL = 2 * LOOPS;
const MAX_WAIT_FOR_ACKS_MS = 45_000;

const keyOf = (loop: number, k: number) => `crash.l${loop}.k${k}`;
const valueOf = (step: number, k: number) => step * 0.25 + k;

function parseKey(key: string): { loop: number; k: number } | undefined {
  const m = /^crash\.l(\d+)\.k(\d+)$/.exec(key);
  return m ? { loop: Number(m[1]), k: Number(m[2]) } : undefined;
}

function batchMetrics(loop: number, batch: number, t0: number) {
  const metrics: { key: string; value: number; timestamp: number; step: number }[] = [];
  for (let k = 0; k < KEYS; k++) {
    for (let s = 0; s < STEPS; s++) {
      const step = batch * STEPS + s;
      metrics.push({ key: keyOf(loop, k), value: valueOf(step, k), timestamp: t0 + batch, step });
    }
  }
  return metrics;
}

interface LoopResult {
  loop: number;
  /** Batches answered with HTTP 200. */
  acked: number[];
  /** Non-200 answers (none expected). */
  rejected: { batch: number; status: number; body: string }[];
  /** The request that failed at the network level (the one in flight at the kill), if any. */
  failed?: { batch: number; at: number; error: string };
  stoppedBy: 'network-error' | 'rejected' | 'limit';
}

async function ingestLoop(
  url: string,
  runId: string,
  loop: number,
  t0: number,
  state: { inFlight: number; acked: number },
): Promise<LoopResult> {
  const result: LoopResult = { loop, acked: [], rejected: [], stoppedBy: 'limit' };
  const deadline = Date.now() + LOOP_TIME_LIMIT_MS;
  for (let batch = 0; batch < MAX_BATCHES_PER_LOOP && Date.now() < deadline; batch++) {
    const body = JSON.stringify({ run_id: runId, metrics: batchMetrics(loop, batch, t0) });
    state.inFlight++;
    let status: number | undefined;
    try {
      const res = await fetch(`${url}/api/2.0/mlflow/runs/log-batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      // The status line is the acknowledgement: the server answers only after its commit.
      status = res.status;
      if (status === 200) {
        result.acked.push(batch);
        state.acked++;
      }
      const text = await res.text().catch(() => '');
      if (status !== 200) {
        result.rejected.push({ batch, status, body: text });
        result.stoppedBy = 'rejected';
        return result;
      }
    } catch (err) {
      if (status === undefined) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        result.failed = {
          batch,
          at: Date.now(),
          error: `${e.message} (${e.cause?.code ?? e.cause?.message ?? ''})`,
        };
        result.stoppedBy = 'network-error';
        return result;
      }
    } finally {
      state.inFlight--;
    }
  }
  return result;
}

interface Inspection {
  integrity: string;
  foreignKeyProblems: number;
  /** loop -> batch -> number of rows found for that batch. */
  batches: Map<number, Map<number, number>>;
  /** Rows whose timestamp/value do not match their (key, step). */
  corruptRows: string[];
  /** key -> latest_metrics row. */
  latest: Map<string, { step: number; timestamp: number; value: number; is_nan: number }>;
  /** key -> the greatest (step, timestamp, value) point in the metrics table. */
  maxPoint: Map<string, { step: number; timestamp: number; value: number }>;
}

/** Reads the SQLite file directly. `readonly` false lets SQLite replay a WAL left by a crash (on a copy). */
function inspect(dbFile: string, runId: string, t0: number, readonly: boolean): Inspection {
  const db = new Database(dbFile, { readonly, fileMustExist: true });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const foreignKeyProblems = (db.pragma('foreign_key_check') as unknown[]).length;
    const run = db.prepare('SELECT run_pk FROM runs WHERE run_id = ?').get(runId) as
      { run_pk: number } | undefined;
    if (!run) throw new Error(`run ${runId} is missing from ${dbFile}`);
    const rows = db
      .prepare(
        "SELECT key, step, timestamp, value, is_nan FROM metrics WHERE run_pk = ? AND key LIKE 'crash.%'",
      )
      .all(run.run_pk) as { key: string; step: number; timestamp: number; value: number; is_nan: number }[];
    const batches = new Map<number, Map<number, number>>();
    const corruptRows: string[] = [];
    const maxPoint = new Map<string, { step: number; timestamp: number; value: number }>();
    for (const r of rows) {
      const id = parseKey(r.key);
      const batch = Math.floor(r.step / STEPS);
      if (!id || r.is_nan !== 0 || r.timestamp !== t0 + batch || r.value !== valueOf(r.step, id.k)) {
        corruptRows.push(JSON.stringify(r));
        continue;
      }
      const perLoop = batches.get(id.loop) ?? new Map<number, number>();
      perLoop.set(batch, (perLoop.get(batch) ?? 0) + 1);
      batches.set(id.loop, perLoop);
      const seen = maxPoint.get(r.key);
      if (!seen || r.step > seen.step || (r.step === seen.step && r.timestamp > seen.timestamp)) {
        maxPoint.set(r.key, { step: r.step, timestamp: r.timestamp, value: r.value });
      }
    }
    const latestRows = db
      .prepare(
        "SELECT key, step, timestamp, value, is_nan FROM latest_metrics WHERE run_pk = ? AND key LIKE 'crash.%'",
      )
      .all(run.run_pk) as { key: string; step: number; timestamp: number; value: number; is_nan: number }[];
    const latest = new Map(
      latestRows.map((r) => [
        r.key,
        { step: r.step, timestamp: r.timestamp, value: r.value, is_nan: r.is_nan },
      ]),
    );
    return { integrity, foreignKeyProblems, batches, corruptRows, latest, maxPoint };
  } finally {
    db.close();
  }
}

/** The checks shared by the crash-time copy and the restarted server's file. */
function checkInspection(label: string, found: Inspection, loops: LoopResult[], t0: number): void {
  expect(found.integrity, `${label}: PRAGMA integrity_check`).toBe('ok');
  expect(found.foreignKeyProblems, `${label}: PRAGMA foreign_key_check rows`).toBe(0);
  expect(found.corruptRows, `${label}: rows that match no logged point`).toEqual([]);

  for (const r of loops) {
    const present = found.batches.get(r.loop) ?? new Map<number, number>();
    // All or nothing per batch.
    const partial = [...present]
      .filter(([, n]) => n !== POINTS_PER_BATCH)
      .map(([b, n]) => `batch ${b}: ${n} rows`);
    expect(partial, `${label}: loop ${r.loop} half-written batches`).toEqual([]);
    // Every acknowledged batch is durable.
    const lost = r.acked.filter((b) => !present.has(b));
    expect(lost, `${label}: loop ${r.loop} acknowledged batches missing after the crash`).toEqual([]);
    // Anything else present can only be the request in flight at the kill (committed, answer lost).
    const acked = new Set(r.acked);
    const extra = [...present.keys()].filter((b) => !acked.has(b));
    const allowed = r.failed ? [r.failed.batch] : [];
    expect(
      extra.filter((b) => !allowed.includes(b)),
      `${label}: loop ${r.loop} batches never sent`,
    ).toEqual([]);

    // latest_metrics = the greatest-step point of every key, which is the last batch present.
    const lastBatch = present.size > 0 ? Math.max(...present.keys()) : undefined;
    for (let k = 0; k < KEYS; k++) {
      const key = keyOf(r.loop, k);
      const latest = found.latest.get(key);
      if (lastBatch === undefined) {
        expect(latest, `${label}: latest_metrics row for ${key} without any point`).toBeUndefined();
        continue;
      }
      const step = lastBatch * STEPS + STEPS - 1;
      const point = { step, timestamp: t0 + lastBatch, value: valueOf(step, k) };
      const expected = { ...point, is_nan: 0 };
      expect(found.maxPoint.get(key), `${label}: max point of ${key}`).toEqual(point);
      expect(latest, `${label}: latest_metrics row for ${key}`).toEqual(expected);
    }
  }
  const knownKeys = new Set(loops.flatMap((r) => Array.from({ length: KEYS }, (_, k) => keyOf(r.loop, k))));
  expect(
    [...found.latest.keys()].filter((k) => !knownKeys.has(k)),
    `${label}: stray latest_metrics rows`,
  ).toEqual([]);
}

async function api(server: CliServer, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>) {
  let url = `${server.url}/api/2.0/mlflow${path}`;
  const init: RequestInit = { method, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  if (method === 'GET' && body) url += `?${new URLSearchParams(body as Record<string, string>)}`;
  else if (body) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the server
  return JSON.parse(text) as any;
}

const cleanup: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const fn of cleanup.reverse()) {
    try {
      await fn();
    } catch {
      // best effort
    }
  }
});

describe('SIGKILL during concurrent log-batch ingest', () => {
  it('keeps every acknowledged point, no half-written batch, a consistent latest_metrics and a sound file', async () => {
    const server = await startCliServer();
    cleanup.push(() => server.dispose());
    const dbFile = server.dbPath!;

    const { experiment_id } = await api(server, 'POST', '/experiments/create', { name: 'crash-test' });
    const { run } = await api(server, 'POST', '/runs/create', { experiment_id, start_time: Date.now() });
    const runId: string = run.info.run_id;
    const t0 = Date.now();

    // --- stream, then kill -9 mid-stream ---
    const state = { inFlight: 0, acked: 0 };
    const started = Date.now();
    const loops = Array.from({ length: LOOPS }, (_, loop) => ingestLoop(server.url, runId, loop, t0, state));
    while (
      (Date.now() - started < KILL_AFTER_MS || state.acked < MIN_ACKED_BEFORE_KILL) &&
      Date.now() - started < MAX_WAIT_FOR_ACKS_MS
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const inFlightAtKill = state.inFlight;
    const ackedBeforeKill = state.acked;
    const killAt = Date.now();
    const exit = await server.kill();
    const results = await Promise.all(loops);

    expect(exit.signal, 'the server died of SIGKILL (it did not exit on its own)').toBe('SIGKILL');
    expect(ackedBeforeKill, 'batches acknowledged before the kill').toBeGreaterThanOrEqual(
      MIN_ACKED_BEFORE_KILL,
    );
    expect(inFlightAtKill, 'requests in flight at the kill').toBeGreaterThan(0);
    for (const r of results) {
      expect(r.rejected, `loop ${r.loop}: non-200 answers while streaming`).toEqual([]);
      expect(r.stoppedBy, `loop ${r.loop} should be stopped by the kill`).toBe('network-error');
      expect(
        r.failed!.at,
        `loop ${r.loop}: network error before the kill: ${r.failed!.error}`,
      ).toBeGreaterThanOrEqual(killAt);
    }

    // --- the files exactly as the crash left them (on a copy, so SQLite may replay the WAL there) ---
    const crashDir = mkdtempSync(join(tmpdir(), 'loom-crash-copy-'));
    cleanup.push(() => rmSync(crashDir, { recursive: true, force: true }));
    const crashCopy = join(crashDir, 'mlflow.db');
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(dbFile + suffix)) copyFileSync(dbFile + suffix, crashCopy + suffix);
    }
    checkInspection('crash-time copy', inspect(crashCopy, runId, t0, false), results, t0);

    // --- restart on the same files: the API sees every acknowledged point ---
    const again = await server.restart();
    cleanup.push(() => again.dispose());
    const got = await api(again, 'GET', '/runs/get', { run_id: runId });
    expect(got.run.info.status).toBe('RUNNING');
    const latestByKey = new Map<string, { step: number; value: number }>(
      (got.run.data.metrics ?? []).map((m: { key: string; step: number; value: number }) => [m.key, m]),
    );
    for (const r of results) {
      const acked = new Set(r.acked);
      const lastAcked = r.acked.length > 0 ? Math.max(...r.acked) : -1;
      for (let k = 0; k < KEYS; k++) {
        const key = keyOf(r.loop, k);
        const history = await api(again, 'GET', '/metrics/get-history', { run_id: runId, metric_key: key });
        expect(history.next_page_token ?? '', `${key}: history is one page`).toBe('');
        const steps = new Set<number>();
        for (const m of history.metrics ?? []) {
          expect(m.value, `${key} step ${m.step}`).toBe(valueOf(m.step, k));
          steps.add(m.step);
        }
        const missing: number[] = [];
        for (const b of acked) {
          for (let s = 0; s < STEPS; s++) if (!steps.has(b * STEPS + s)) missing.push(b * STEPS + s);
        }
        expect(missing, `${key}: acknowledged steps missing from get-history`).toEqual([]);
        if (lastAcked >= 0) {
          // runs/get reports the latest point: at least the last acknowledged batch.
          expect(latestByKey.get(key)?.step, `${key}: latest step in runs/get`).toBeGreaterThanOrEqual(
            lastAcked * STEPS + STEPS - 1,
          );
        }
      }
    }

    // The recovered server takes writes again.
    const after = [{ key: 'after-restart', value: 1, timestamp: Date.now(), step: 0 }];
    expect(await api(again, 'POST', '/runs/log-batch', { run_id: runId, metrics: after })).toEqual({});

    // --- clean stop, then the file itself ---
    const stopped = await again.stop();
    expect(stopped, again.output()).toEqual({ code: 0, signal: null });
    checkInspection('after restart', inspect(dbFile, runId, t0, true), results, t0);
  }, 240_000);
});
