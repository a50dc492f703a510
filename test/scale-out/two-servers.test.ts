/**
 * Many servers, one database: two separate `loom server` processes on one fresh PostgreSQL database
 * take 8 concurrent clients that create experiments and runs and stream log-batch to both servers
 * alternately (two batches of one run at a time, one to each server, so the same rows are contended
 * across processes). In every round all 8 clients race, through both servers, to create one
 * experiment name, one registered model name, and one param key with 8 different values.
 *
 * Afterwards: each race had exactly one winner and the rest got MLflow's error (400
 * RESOURCE_ALREADY_EXISTS, or INVALID_PARAMETER_VALUE for the param), the param holds the winner's
 * value, every acknowledged write is present exactly once (experiments, runs, every metric point by
 * get-history, params, tags), and no client ever saw a 5xx or a serialization/deadlock message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, type CliServer } from '../support/cli-server';
import {
  createScratchDatabase,
  skipWithoutPostgres,
  type ScratchDatabase,
} from '../support/scratch-postgres';

const CLIENTS = 8;
const ROUNDS = 3;
const RUNS_PER_EXPERIMENT = 2;
const BATCH_PAIRS = 2; // per run: batches 2p and 2p+1 go at once, one to each server
const KEYS = 5;
const STEPS = 20; // KEYS * STEPS = 100 points per batch

const skip = await skipWithoutPostgres('test/scale-out/two-servers.test.ts');

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** Every answer any client got that no client should ever see. */
const problems: string[] = [];

async function call(server: CliServer, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 500 || /serializ|deadlock|40001|40P01/i.test(text)) {
    problems.push(`${server.port} ${path}: ${res.status} ${text.slice(0, 300)}`);
  }
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}

/** `call` for a request that must succeed. */
async function ok(server: CliServer, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const answer = await call(server, path, body);
  if (answer.status !== 200) throw new Error(`${path} → ${answer.status} ${answer.text}`);
  return answer.body;
}

/** Resolves when `parties` callers are waiting, releasing them together (reusable round after round). */
function barrier(parties: number): () => Promise<void> {
  let waiting: (() => void)[] = [];
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length === parties) {
        const release = waiting;
        waiting = [];
        for (const go of release) go();
      }
    });
}

interface Point {
  step: number;
  value: number;
  timestamp: number;
}

/** What the servers acknowledged, to be found exactly once afterwards. */
interface Ledger {
  experiments: Map<string, string>; // id → name
  runs: Map<string, string>; // run id → experiment id
  points: Map<string, Map<string, Point[]>>; // run id → key → points
  params: Map<string, Map<string, string>>; // run id → key → value
  tags: Map<string, Map<string, string>>;
}

/** One race's answers: who won, and what everyone else was told. */
interface RaceAnswer {
  client: number;
  status: number;
  errorCode: unknown;
}

const races = {
  experiment: new Map<number, RaceAnswer[]>(),
  model: new Map<number, RaceAnswer[]>(),
  param: new Map<number, RaceAnswer[]>(),
};

function record(into: Map<number, RaceAnswer[]>, round: number, client: number, answer: Answer): void {
  const list = into.get(round) ?? [];
  list.push({ client, status: answer.status, errorCode: answer.body.error_code });
  into.set(round, list);
}

function batchFor(client: number, batch: number) {
  const timestamp = 1_700_000_000_000 + batch;
  const metrics = [];
  for (let k = 0; k < KEYS; k++) {
    for (let s = 0; s < STEPS; s++) {
      const step = batch * STEPS + s;
      metrics.push({ key: `m${k}`, value: step * 0.5 + k + client / 100, timestamp, step });
    }
  }
  return {
    metrics,
    params: [
      { key: `p${batch}`, value: `c${client}-b${batch}` },
      { key: `q${batch}`, value: String(batch) },
    ],
    tags: [{ key: `t${batch}`, value: `tag ${client}/${batch}` }],
  };
}

function remember(ledger: Ledger, runId: string, batch: ReturnType<typeof batchFor>): void {
  const points = ledger.points.get(runId)!;
  for (const m of batch.metrics) {
    const list = points.get(m.key) ?? [];
    list.push({ step: m.step, value: m.value, timestamp: m.timestamp });
    points.set(m.key, list);
  }
  for (const p of batch.params) ledger.params.get(runId)!.set(p.key, p.value);
  for (const t of batch.tags) ledger.tags.get(runId)!.set(t.key, t.value);
}

describe.skipIf(skip)('two loom servers on one PostgreSQL database', () => {
  let db: ScratchDatabase;
  let servers: [CliServer, CliServer];

  beforeAll(async () => {
    db = await createScratchDatabase();
    // Both start (and migrate) at once: the migration lock makes one wait for the other.
    servers = (await Promise.all([
      startCliServer({ backendStoreUri: db.uri }),
      startCliServer({ backendStoreUri: db.uri }),
    ])) as [CliServer, CliServer];
  });

  afterAll(async () => {
    for (const server of servers ?? []) {
      if (server.isRunning()) expect((await server.stop()).code).toBe(0);
      await server.dispose();
    }
    await db?.drop();
  });

  it('keeps every acknowledged write exactly once and lets one of each race win', async () => {
    const ledger: Ledger = {
      experiments: new Map(),
      runs: new Map(),
      points: new Map(),
      params: new Map(),
      tags: new Map(),
    };
    const raceRun = (await ok(servers[0], 'runs/create', { experiment_id: '0', start_time: 1 })) as {
      run: { info: { run_id: string } };
    };
    const raceRunId = raceRun.run.info.run_id;
    const together = barrier(CLIENTS);
    const serverFor = (n: number) => servers[n % 2]!;

    async function client(c: number): Promise<void> {
      for (let round = 0; round < ROUNDS; round++) {
        await together();
        // Eight at once through both servers: one name, one model, one param key with eight values.
        const [experiment, model, param] = await Promise.all([
          call(serverFor(c), 'experiments/create', { name: `race-exp-${round}` }),
          call(serverFor(c + 1), 'registered-models/create', { name: `race-model-${round}` }),
          call(serverFor(c), 'runs/log-parameter', {
            run_id: raceRunId,
            key: `race-p${round}`,
            value: `client-${c}`,
          }),
        ]);
        record(races.experiment, round, c, experiment);
        record(races.model, round, c, model);
        record(races.param, round, c, param);
        if (experiment.status === 200) {
          ledger.experiments.set(experiment.body.experiment_id as string, `race-exp-${round}`);
        }

        const name = `client-${c}-round-${round}`;
        const created = await ok(serverFor(c + round), 'experiments/create', { name });
        const experimentId = created.experiment_id as string;
        ledger.experiments.set(experimentId, name);
        for (let r = 0; r < RUNS_PER_EXPERIMENT; r++) {
          const run = (await ok(serverFor(c + r), 'runs/create', {
            experiment_id: experimentId,
            run_name: `${name}-run-${r}`,
            start_time: Date.now(),
          })) as { run: { info: { run_id: string } } };
          const runId = run.run.info.run_id;
          ledger.runs.set(runId, experimentId);
          ledger.points.set(runId, new Map());
          ledger.params.set(runId, new Map());
          ledger.tags.set(runId, new Map());
          for (let pair = 0; pair < BATCH_PAIRS; pair++) {
            const batches = [2 * pair, 2 * pair + 1].map((b) => batchFor(c, b));
            await Promise.all(
              batches.map(async (batch, i) => {
                await ok(servers[i]!, 'runs/log-batch', { run_id: runId, ...batch });
                remember(ledger, runId, batch);
              }),
            );
          }
        }
      }
    }

    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    expect(problems).toEqual([]);

    // Races: exactly one winner each, everyone else told MLflow's error, through either server.
    for (const [kind, rounds] of Object.entries(races)) {
      expect(rounds.size, kind).toBe(ROUNDS);
      const loserCode = kind === 'param' ? 'INVALID_PARAMETER_VALUE' : 'RESOURCE_ALREADY_EXISTS';
      for (const answers of rounds.values()) {
        expect(
          answers.filter((a) => a.status === 200),
          kind,
        ).toHaveLength(1);
        const losers = answers.filter((a) => a.status !== 200);
        expect(losers, kind).toHaveLength(CLIENTS - 1);
        for (const loser of losers) expect(loser, kind).toMatchObject({ status: 400, errorCode: loserCode });
      }
    }
    const raceRunNow = (await ok(servers[1], `runs/get?run_id=${raceRunId}`)) as {
      run: { data: { params?: { key: string; value: string }[] } };
    };
    const raceParams = new Map((raceRunNow.run.data.params ?? []).map((p) => [p.key, p.value]));
    for (const [round, answers] of races.param) {
      const winner = answers.find((a) => a.status === 200)!;
      expect(raceParams.get(`race-p${round}`)).toBe(`client-${winner.client}`);
    }
    expect(raceParams.size).toBe(ROUNDS);

    const models = await ok(servers[0], 'registered-models/search?max_results=1000');
    const modelNames = (models.registered_models as { name: string }[]).map((m) => m.name).sort();
    expect(modelNames).toEqual(Array.from({ length: ROUNDS }, (_, r) => `race-model-${r}`));

    // Experiments: each acknowledged one exactly once (plus Default), nothing else.
    const found = await ok(servers[1], 'experiments/search', { max_results: 1000 });
    const experiments = found.experiments as { experiment_id: string; name: string }[];
    const named = experiments.map(({ experiment_id, name }) => ({ experiment_id, name }));
    expect(named.filter((e) => e.experiment_id !== '0').sort(byId)).toEqual(
      [...ledger.experiments].map(([experiment_id, name]) => ({ experiment_id, name })).sort(byId),
    );
    expect(ledger.experiments.size).toBe(ROUNDS * (CLIENTS + 1));

    // Runs: exactly the acknowledged ones, each in its experiment once.
    const runs = await ok(servers[0], 'runs/search', {
      experiment_ids: [...ledger.experiments.keys()],
      max_results: 1000,
    });
    const runIds = (runs.runs as { info: { run_id: string; experiment_id: string } }[]).map((r) => [
      r.info.run_id,
      r.info.experiment_id,
    ]);
    expect(runIds.sort()).toEqual([...ledger.runs].sort());
    expect(ledger.runs.size).toBe(CLIENTS * ROUNDS * RUNS_PER_EXPERIMENT);

    // Every acknowledged point, param and tag exactly once, read back through both servers.
    let pointsChecked = 0;
    await Promise.all(
      [...ledger.runs.keys()].map(async (runId, i) => {
        const server = serverFor(i);
        for (const [key, expected] of ledger.points.get(runId)!) {
          const history = await ok(
            server,
            `metrics/get-history?run_id=${runId}&metric_key=${key}&max_results=25000`,
          );
          const got = (history.metrics as Point[]).map(({ step, value, timestamp }) => ({
            step,
            value,
            timestamp,
          }));
          expect(got.sort(byStep)).toEqual([...expected].sort(byStep));
          pointsChecked += got.length;
        }
        const run = (await ok(server, `runs/get?run_id=${runId}`)) as {
          run: {
            data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
          };
        };
        const params = run.run.data.params ?? [];
        expect(new Map(params.map((p) => [p.key, p.value]))).toEqual(ledger.params.get(runId));
        expect(params).toHaveLength(ledger.params.get(runId)!.size);
        const tags = (run.run.data.tags ?? []).filter((t) => !t.key.startsWith('mlflow.'));
        expect(new Map(tags.map((t) => [t.key, t.value]))).toEqual(ledger.tags.get(runId));
        expect(tags).toHaveLength(ledger.tags.get(runId)!.size);
      }),
    );
    expect(pointsChecked).toBe(CLIENTS * ROUNDS * RUNS_PER_EXPERIMENT * BATCH_PAIRS * 2 * KEYS * STEPS);
    expect(problems).toEqual([]);
  });
});

function byId(a: { experiment_id: string }, b: { experiment_id: string }): number {
  return Number(a.experiment_id) - Number(b.experiment_id);
}

function byStep(a: Point, b: Point): number {
  return a.step - b.step;
}
