/**
 * On PostgreSQL a big batch's points go by binary COPY (a repeated point falls back to the `unnest`
 * insert that skips it). These compare that path with the `unnest` one on the same batches: the
 * points, the latest-metric rows and their time-order flag must be identical. SQLite has no COPY;
 * there both sides take its one path, and the checks still hold.
 */
import { join } from 'node:path';
import { openTestTrackingStore, type TestTrackingStore } from '../../../testing/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../../../tracking/entities';
import { testBackendName } from '../../../testing/test-backend';
import { createTestDatabase } from '../../../testing/test-database';
import { openTrackingStore } from '../../open-tracking-store';
import type { Queryable, SqlDriver } from '../driver';
import { logBatch } from './log-batch';
import type { SqlTrackingStore } from './sql-tracking-store';

let dir: string;
let store: SqlTrackingStore;
let opened: TestTrackingStore;

beforeAll(async () => {
  opened = await openTestTrackingStore('loom-copy-');
  ({ dir, store } = opened);
});

afterAll(async () => {
  await opened.close();
});

const postgres = () => store.db.dialect === 'postgres';

/** `tx` with its four queries passed on, `overrides` replacing any of them (the tests' hooks). */
function forwarding(tx: Queryable, overrides: Partial<Queryable> = {}): Queryable {
  return {
    all: (sql, params) => tx.all(sql, params),
    values: (sql, params) => tx.values(sql, params),
    get: (sql, params) => tx.get(sql, params),
    run: (sql, params) => tx.run(sql, params),
    ...overrides,
  };
}

/** `db` with each transaction's queryable replaced by `wrap(tx)`. */
function wrappingTransactions(db: SqlDriver, wrap: (tx: Queryable) => Queryable): SqlDriver {
  return {
    ...forwarding(db),
    dialect: db.dialect,
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
  };
}

/** The store's driver, its transactions' COPY counted (`hide`: withheld, so points go by `unnest`). */
function driver(mode: 'count' | 'hide'): { db: SqlDriver; copies: () => number } {
  let copies = 0;
  const db = wrappingTransactions(store.db, (tx) => {
    const copyFrom = tx.copyFrom;
    if (mode !== 'count' || !copyFrom) return forwarding(tx);
    return forwarding(tx, {
      copyFrom: (sql, data) => {
        copies++;
        return copyFrom(sql, data);
      },
    });
  });
  return { db, copies: () => copies };
}

let runCounter = 0;

async function newRun(): Promise<string> {
  const runId = `copy${++runCounter}`.padEnd(32, '0');
  await store.createRun({ runId, experimentId: '0', runName: runId, userId: 'u', startTime: 1, tags: [] });
  return runId;
}

const point = (key: string, step: number, timestamp: number, value: number): Metric => ({
  key,
  step,
  timestamp,
  value,
});

interface PointRow {
  key: string;
  step: number;
  timestamp: number;
  is_nan: number;
  value: number;
}

/** Stored points of a run in a fixed order, without the run's key; NaN as is_nan = 1. */
function points(runId: string) {
  return store.db.all<PointRow>(
    `SELECT m.key, m.step, m.timestamp, m.is_nan, m.value, m.model_id, m.dataset_name, m.dataset_digest
     FROM metrics m JOIN runs r ON r.run_pk = m.run_pk WHERE r.run_id = ?
     ORDER BY m.key, m.step, m.timestamp, m.is_nan, m.value`,
    [runId],
  );
}

function latest(runId: string) {
  return store.db.all<PointRow & { time_ordered: number }>(
    `SELECT l.key, l.step, l.timestamp, l.is_nan, l.value, l.model_id, l.dataset_name, l.dataset_digest, l.time_ordered
     FROM latest_metrics l JOIN runs r ON r.run_pk = l.run_pk WHERE r.run_id = ? ORDER BY l.key`,
    [runId],
  );
}

const ODD = [NaN, Infinity, -Infinity, -0, 1e-300, -1.5e308, 0.1 + 0.2];

/**
 * A 1200-point batch over five keys: one in step order, one shuffled, one whose steps go up while
 * its times go down, one whose last step ties on time and differs in value (NaN and ±Infinity among
 * them), and one with model and dataset links; steps beyond 2^53 and negative steps too.
 */
function bigBatch(t0: number): Metric[] {
  const batch: Metric[] = [];
  for (let i = 0; i < 400; i++) batch.push(point('ordered', i, t0 + i, Math.sin(i)));
  const shuffled: Metric[] = [];
  for (let i = 0; i < 300; i++) shuffled.push(point('shuffled', (i * 7919) % 300, t0 + i, i / 3));
  batch.push(...shuffled);
  for (let i = 0; i < 200; i++) batch.push(point('backwards', i, t0 + 1000 - i, ODD[i % ODD.length]!));
  for (let i = 0; i < 200; i++) batch.push(point('ties', i % 50, t0 + (i % 50), ODD[i % ODD.length]! + i));
  // The latest of 'ties' is decided by value at one step and time: NaN counts as 0, above -1.
  batch.push(
    point('ties', 50, t0 + 50, -1),
    point('ties', 50, t0 + 50, NaN),
    point('ties', 50, t0 + 50, -Infinity),
  );
  for (let i = 0; i < 96; i++) {
    batch.push({
      ...point('linked', i - 50, t0 + i, i),
      datasetName: i % 2 ? 'train' : undefined,
      datasetDigest: i % 2 ? `d${i}` : undefined,
    });
  }
  batch.push(point('huge', 2 ** 53 + 2, t0, 1), point('huge', 2 ** 62, t0 + 1, 2));
  // Earlier than the stored latest of 'stale' (seeded at step 5000): the stored row stays, flagged.
  for (let i = 0; i < 4; i++) batch.push(point('stale', i, t0 + i, i));
  for (let i = 0; i < 10; i++) batch.push(point('steady', i, t0 + i, i));
  return batch;
}

describe('log-batch by COPY (PostgreSQL) against the unnest insert', () => {
  it('stores the same points and the same latest rows, NaN and ±Infinity included', async () => {
    const copy = driver('count');
    const plain = driver('hide');
    const a = await newRun();
    const b = await newRun();
    // A stored latest point for each key first (small batches: `unnest` on both), later than some of
    // the big batch's points, so the time-order flag has something to be cleared against.
    const seed = [
      point('ordered', 1, 5, 0),
      point('backwards', 0, 2_000, 1),
      point('ties', 20, 10, 1),
      point('stale', 5_000, 1, 1),
    ];
    await logBatch(copy.db, a, seed, [], []);
    await logBatch(plain.db, b, seed, [], []);
    expect(copy.copies()).toBe(0);

    const batch = bigBatch(1_000);
    await logBatch(copy.db, a, batch, [{ key: 'p', value: 'v' }], [{ key: 't', value: 'u' }]);
    await logBatch(plain.db, b, batch, [{ key: 'p', value: 'v' }], [{ key: 't', value: 'u' }]);
    expect(copy.copies()).toBe(postgres() ? 1 : 0);
    expect(plain.copies()).toBe(0);

    const stored = await points(a);
    expect(stored).toHaveLength(batch.length + seed.length);
    expect(stored).toEqual(await points(b));
    const rows = await latest(a);
    expect(rows).toEqual(await latest(b));
    expect(rows.map((r) => r.key)).toEqual([
      'backwards',
      'huge',
      'linked',
      'ordered',
      'shuffled',
      'stale',
      'steady',
      'ties',
    ]);
    // The flags themselves: cleared where the batch reached back before the stored latest, or its
    // own steps and times disagree; kept where the series is new and in order.
    const flags = Object.fromEntries(rows.map((r) => [r.key, r.time_ordered]));
    expect(flags).toEqual({
      backwards: 0,
      huge: 1,
      linked: 1,
      ordered: 0,
      shuffled: 0,
      stale: 0,
      steady: 1,
      ties: 0,
    });
    // A second big batch, later in step and time: COPY again, and both sides still agree.
    // 'linked' now has times running against its steps (all after the stored ones), and 'huge' reaches
    // back before its stored latest step.
    const next = bigBatch(5_000).map((m) => ({
      ...m,
      step: m.step + 10_000,
      timestamp: m.key === 'linked' ? 1_000_000 - m.step : m.timestamp,
    }));
    await logBatch(copy.db, a, next, [], []);
    await logBatch(plain.db, b, next, [], []);
    expect(copy.copies()).toBe(postgres() ? 2 : 0);
    expect(await points(a)).toEqual(await points(b));
    const after = await latest(a);
    expect(after).toEqual(await latest(b));
    const flagsAfter = Object.fromEntries(after.map((r) => [r.key, r.time_ordered]));
    expect(flagsAfter).toMatchObject({ huge: 0, linked: 0, steady: 1 });
  });

  it('stores each point once when a big batch repeats points, in itself or from before', async () => {
    const copy = driver('count');
    const id = await newRun();
    const first: Metric[] = [];
    for (let i = 0; i < 1000; i++) first.push(point('loss', i, 100 + i, ODD[i % ODD.length]! * i));
    await logBatch(copy.db, id, first, [], []);
    expect(await points(id)).toHaveLength(1000);
    // The same batch again (a client's retry), then one repeating 600 points within itself.
    await logBatch(copy.db, id, first, [], []);
    const inner: Metric[] = [];
    for (let i = 0; i < 1200; i++) inner.push(point('acc', i % 600, 5 + (i % 600), (i % 600) / 7));
    await logBatch(copy.db, id, inner, [], []);
    expect(copy.copies()).toBe(postgres() ? 3 : 0);
    const stored = await points(id);
    expect(stored.filter((r) => r.key === 'loss')).toHaveLength(1000);
    expect(stored.filter((r) => r.key === 'acc')).toHaveLength(600);
    const rows = await latest(id);
    expect(rows.map((r) => [r.key, r.is_nan, r.value])).toEqual([
      ['acc', 0, 599 / 7],
      ['loss', 0, -Infinity],
    ]);
    // NaN is stored as is_nan = 1 with value 0, -0 as 0 (as the `unnest` path writes it).
    const firstSeven = stored.filter((r) => r.key === 'loss').slice(0, 7);
    expect(firstSeven.map((r) => [r.is_nan, r.value])).toEqual([
      [1, 0],
      [0, Infinity],
      [0, -Infinity],
      [0, 0],
      [0, 4e-300],
      [0, -Infinity],
      [0, (0.1 + 0.2) * 6],
    ]);
    expect(Object.is(firstSeven[3]!.value, 0)).toBe(true);
  });

  it('answers a key the database cannot store (NUL) as the unnest path does', async () => {
    const outcome = async (mode: 'count' | 'hide') => {
      const id = await newRun();
      const batch: Metric[] = [];
      for (let i = 0; i < 600; i++) batch.push(point('a\u0000b', i, i, i));
      const error = await logBatch(driver(mode).db, id, batch, [], []).then(
        () => undefined,
        (err: unknown) => (err as { code?: string }).code ?? String(err),
      );
      return { error, stored: (await points(id)).length };
    };
    const viaCopy = await outcome('count');
    expect(viaCopy).toEqual(await outcome('hide'));
    // PostgreSQL refuses the text (a 400); SQLite stores it.
    expect(viaCopy).toEqual(
      postgres() ? { error: 'INVALID_PARAMETER_VALUE', stored: 0 } : { error: undefined, stored: 600 },
    );
  });

  it('refuses a big batch for a deleted run and stores none of it', async () => {
    const copy = driver('count');
    const id = await newRun();
    await store.deleteRun(id, Date.now());
    const batch: Metric[] = [];
    for (let i = 0; i < 1500; i++) batch.push(point('loss', i, i, i));
    await expect(logBatch(copy.db, id, batch, [], [])).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("must be in the 'active' state") as unknown,
    });
    expect(copy.copies()).toBe(0);
    expect(await points(id)).toEqual([]);
  });
});

// PostgreSQL only (SQLite has no COPY and no connection to lose); a database of its own, because
// ending its sessions must not touch other suites' schemas. The session ends between two statements
// of the batch's transaction: before the COPY, or (on the `unnest` path) before the latest upsert.
describe.runIf(testBackendName() === 'postgres')('log-batch when the connection is lost', () => {
  it.each(['before the COPY', 'between two statements of the unnest path'])(
    '%s: answers TEMPORARILY_UNAVAILABLE, stores nothing, and the next batch goes through',
    async (where) => {
      const viaCopy = where === 'before the COPY';
      const database = await createTestDatabase('loom_copy_lost');
      const own = await openTrackingStore(database.uri, { defaultArtifactRoot: join(dir, 'artifacts') });
      try {
        const runId = 'lost'.padEnd(32, '0');
        await own.createRun({
          runId,
          experimentId: '0',
          runName: 'lost',
          userId: 'u',
          startTime: 1,
          tags: [],
        });
        const db = own.db;
        let cuts = 0;
        const cut = async () => {
          cuts++;
          await database.terminateSessions();
        };
        const cutting = wrappingTransactions(db, (tx) =>
          forwarding(tx, {
            run: async (sql, params) => {
              if (!viaCopy && sql.includes('INSERT INTO latest_metrics')) await cut();
              return tx.run(sql, params);
            },
            ...(viaCopy && {
              copyFrom: async (sql: string, data: Parameters<NonNullable<Queryable['copyFrom']>>[1]) => {
                await cut();
                return tx.copyFrom!(sql, data);
              },
            }),
          }),
        );
        const batch: Metric[] = [];
        for (let i = 0; i < 1000; i++) batch.push(point('loss', i, i, i));
        await expect(logBatch(cutting, runId, batch, [], [])).rejects.toMatchObject({
          code: 'TEMPORARILY_UNAVAILABLE',
        });
        expect(cuts).toBe(1);
        expect(await db.get('SELECT count(*)::int AS n FROM metrics')).toEqual({ n: 0 });
        await logBatch(db, runId, batch, [], []);
        expect(await db.get('SELECT count(*)::int AS n FROM metrics')).toEqual({ n: 1000 });
      } finally {
        await own.db.close();
        await database.drop();
      }
    },
  );
});
