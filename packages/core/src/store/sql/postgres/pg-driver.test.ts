/** The PostgreSQL driver against a real server (vitest `postgres` project only). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoomError } from '@loom/protocol';
import { createTestBackend, type TestBackend } from '../../../testing/test-backend';
import { openTrackingStore, postgresConnectionString } from '../../open-tracking-store';
import { migrate } from '../migrate';
import { MIGRATIONS } from '../migrations';
import { PostgresDriver } from './pg-driver';

let dir: string;
let backend: TestBackend;
let db: PostgresDriver;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-pg-'));
  backend = await createTestBackend(dir);
  db = new PostgresDriver(postgresConnectionString(backend.uri), { poolSize: 4 });
  await db.exec(`CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT NOT NULL);
    CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);
    INSERT INTO counter VALUES (1, 0)`);
});

afterAll(async () => {
  await db.close();
  await backend.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('PostgresDriver', () => {
  it('runs ? SQL, returns BIGINT as numbers and rows as objects or arrays', async () => {
    expect(await db.run('INSERT INTO t (k, v) VALUES (?, ?), (?, ?)', ['a', 1, 'b', 2 ** 40])).toBe(2);
    expect(await db.all('SELECT k, v FROM t ORDER BY k')).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 ** 40 },
    ]);
    expect(await db.values('SELECT k, v FROM t ORDER BY k')).toEqual([
      ['a', 1],
      ['b', 2 ** 40],
    ]);
    expect(await db.get('SELECT COUNT(*) AS n FROM t')).toEqual({ n: 2 });
    expect(await db.get('SELECT k FROM t WHERE k = ?', ['none'])).toBeUndefined();
    expect(await db.get('SELECT ?::bigint AS big', [2n ** 62n])).toEqual({ big: 2 ** 62 });
  });

  it('prepares repeated SQL once per connection', async () => {
    // One transaction = one connection, whose prepared statements pg_prepared_statements lists.
    const prepared = await db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) expect(await tx.get('SELECT ?::int + 1 AS n', [i])).toEqual({ n: i + 1 });
      return tx.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1 AS n'`,
      );
    });
    expect(prepared).toEqual({ n: 1 });
  });

  it('commits a transaction, and rolls it back when it throws', async () => {
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (k, v) VALUES (?, ?)', ['c', 3]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (k, v) VALUES (?, ?)', ['d', 4]);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await db.values('SELECT k FROM t WHERE k IN (?, ?) ORDER BY k', ['c', 'd'])).toEqual([['c']]);
    // A unique violation surfaces with PostgreSQL's code, which the store maps to RESOURCE_ALREADY_EXISTS.
    await expect(db.run('INSERT INTO t (k, v) VALUES (?, ?)', ['c', 5])).rejects.toMatchObject({
      code: '23505',
    });
  });

  it('runs the first statement of a transaction, pipelined with its BEGIN, inside the transaction', async () => {
    const tricky = `it's \\ "q" ünï \n`;
    const [first, again, row, arrays] = await db.transaction(async (tx) => {
      const a = await tx.get<{ x: string }>('SELECT txid_current()::text AS x WHERE ?::text IS NOT NULL', [
        tricky,
      ]);
      const b = await tx.get<{ x: string }>('SELECT txid_current()::text AS x');
      await tx.run('INSERT INTO t (k, v) VALUES (?, ?)', [tricky, -(2 ** 53)]);
      return [a, b, await tx.get('SELECT k, v FROM t WHERE k = ?', [tricky]), null] as const;
    });
    expect(first).toEqual(again);
    expect(row).toEqual({ k: tricky, v: -(2 ** 53) });
    expect(arrays).toBeNull();
    // The first statement's rows, as objects and as arrays; a NULL parameter; then a failing one.
    expect(
      await db.transaction((tx) => tx.values('SELECT k, v, ?::text AS n FROM t WHERE k = ?', [null, tricky])),
    ).toEqual([[tricky, -(2 ** 53), null]]);
    await expect(
      db.transaction((tx) => tx.run('INSERT INTO t (k, v) VALUES (?, ?)', [tricky, 1])),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.transaction(() => Promise.resolve('nothing run'))).toBe('nothing run');
    expect(await db.get('SELECT v FROM t WHERE k = ?', [tricky])).toEqual({ v: -(2 ** 53) });
  });

  it('reads the text of a row as undecoded bytes, in a query and in a transaction, as the ordinary read has it', async () => {
    const sql = `SELECT ?::text || k AS t, v, NULL::text AS n FROM t WHERE k = ?`;
    const tricky = `it's \\ "q" ünï \n`;
    await db.run('INSERT INTO t (k, v) VALUES (?, ?)', ['raw', -(2 ** 40)]);
    for (const params of [
      [tricky, 'raw'],
      ['a\u0000b', 'raw'],
    ]) {
      const ordinary = await db.values<[string, number, null]>(sql, params).catch((err: unknown) => err);
      const raw = await db.rawRow(sql, params, ['text', 'int8', 'text']).catch((err: unknown) => err);
      if (ordinary instanceof Error) {
        // NUL: not written into a COPY, run as an ordinary query, refused the same way.
        expect(raw).toEqual(ordinary);
        continue;
      }
      const [text, v, n] = raw as [Buffer, number, null];
      expect([text.toString('utf8'), v, n]).toEqual((ordinary as unknown[][])[0]);
      const inTx = await db.transaction((tx) => tx.rawRow!(sql, params, ['text', 'int8', 'text']));
      expect(inTx).toEqual(raw);
    }
    expect(await db.rawRow('SELECT 1 AS x WHERE false', [], ['int8'])).toBeUndefined();
  });

  it('retries a transaction that fails with a serialization failure or a deadlock', async () => {
    let attempts = 0;
    const value = await db.transaction(async (tx) => {
      attempts++;
      await tx.run('UPDATE counter SET n = n + 1 WHERE id = 1');
      if (attempts < 3)
        throw Object.assign(new Error('conflict'), { code: attempts === 1 ? '40001' : '40P01' });
      return 'done';
    });
    expect(value).toBe('done');
    expect(attempts).toBe(3);
    // Only the attempt that committed left its update.
    expect(await db.get('SELECT n FROM counter WHERE id = 1')).toEqual({ n: 1 });
  });

  it('gets real serializable conflicts through by retrying', async () => {
    let attempts = 0;
    const bump = () =>
      db.transaction(async (tx) => {
        attempts++;
        await tx.run('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
        const row = await tx.get<{ n: number }>('SELECT n FROM counter WHERE id = 1');
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.run('UPDATE counter SET n = ? WHERE id = 1', [row!.n + 1]);
      });
    const before = (await db.get<{ n: number }>('SELECT n FROM counter WHERE id = 1'))!.n;
    await Promise.all([bump(), bump(), bump()]);
    expect(await db.get('SELECT n FROM counter WHERE id = 1')).toEqual({ n: before + 3 });
    expect(attempts).toBeGreaterThan(3);
  });
});

describe('text and numbers PostgreSQL cannot store', () => {
  it('is INVALID_PARAMETER_VALUE, in a query and in a transaction, and leaves the pool usable', async () => {
    const nul = (run: () => Promise<unknown>) =>
      run().then(
        () => undefined,
        (err: unknown) => err,
      );
    for (const err of [
      await nul(() => db.all('SELECT k FROM t WHERE k = ?', ['a\u0000b'])),
      await nul(() => db.transaction((tx) => tx.run('INSERT INTO t (k, v) VALUES (?, 1)', ['\u0000']))),
      // Values the column's type cannot hold: beyond BIGINT, or no number at all.
      await nul(() => db.all('SELECT k FROM t WHERE v = ?', ['9223372036854775808'])),
      await nul(() => db.transaction((tx) => tx.run('INSERT INTO t (k, v) VALUES (?, ?)', ['big', 2 ** 64]))),
      await nul(() => db.all('SELECT k FROM t WHERE v = ?', ['twelve'])),
    ]) {
      expect(err).toBeInstanceOf(LoomError);
      expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
      expect((err as LoomError).message).not.toMatch(/SELECT|INSERT|portal/);
    }
    expect(await db.get('SELECT COUNT(*) AS n FROM t WHERE k = ?', ['\u0000x'.slice(1)])).toEqual({ n: 0 });
  });
});

describe('session settings', () => {
  it('print doubles exactly and leave JIT off, even where the URI sets otherwise', async () => {
    const uri = new URL(postgresConnectionString(backend.uri));
    uri.searchParams.set('options', `${uri.searchParams.get('options')} -c extra_float_digits=0 -c jit=on`);
    const terse = new PostgresDriver(uri.toString(), { poolSize: 1 });
    try {
      expect(await terse.get('SELECT (1 / 3::float8)::text AS t, 1 / 3::float8 AS v')).toEqual({
        t: String(1 / 3),
        v: 1 / 3,
      });
      expect(await terse.get("SELECT current_setting('jit') AS jit")).toEqual({ jit: 'off' });
    } finally {
      await terse.close();
    }
  });
});

describe('a lost database', () => {
  it('answers TEMPORARILY_UNAVAILABLE, then recovers without a restart', async () => {
    const name = `loom_kill_${process.pid}`;
    const victim = new PostgresDriver(`${postgresConnectionString(backend.uri)}&application_name=${name}`, {
      poolSize: 2,
    });
    try {
      const slow = victim.get('SELECT pg_sleep(10)').catch((e: unknown) => e);
      const tx = victim
        .transaction(async (q) => {
          await q.get('SELECT pg_sleep(10)');
        })
        .catch((e: unknown) => e);
      // Wait until both sleep, then end their backends as a server restart would.
      for (let i = 0; i < 100; i++) {
        const row = await db.get<{ n: number }>(
          `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = ? AND query LIKE 'SELECT pg_sleep%'`,
          [name],
        );
        if (row?.n === 2) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await db.get(
        'SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?',
        [name],
      );
      for (const err of [await slow, await tx]) {
        expect(err).toBeInstanceOf(LoomError);
        expect((err as LoomError).code).toBe('TEMPORARILY_UNAVAILABLE');
      }
      expect(await victim.get('SELECT 1 AS one')).toEqual({ one: 1 });
      expect(await victim.transaction((q) => q.get('SELECT 2 AS two'))).toEqual({ two: 2 });
    } finally {
      await victim.close();
    }
  });

  it('keeps the connection after an ordinary SQL error', async () => {
    const name = `loom_keep_${process.pid}`;
    const one = new PostgresDriver(`${postgresConnectionString(backend.uri)}&application_name=${name}`, {
      poolSize: 1,
    });
    try {
      const pid = await one.get<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await expect(one.run('INSERT INTO t (k, v) VALUES (?, ?)', ['a', 1])).rejects.toMatchObject({
        code: '23505',
      });
      expect(await one.get('SELECT pg_backend_pid() AS pid')).toEqual(pid);
    } finally {
      await one.close();
    }
  });
});

describe('migrate on PostgreSQL', () => {
  it('is safe when several servers migrate one database at once', async () => {
    const target = await createTestBackend(dir);
    const drivers = [1, 2, 3].map(
      () => new PostgresDriver(postgresConnectionString(target.uri), { poolSize: 2 }),
    );
    try {
      const applied = await Promise.all(drivers.map((d) => migrate(d)));
      // Each migration is applied exactly once, in order, though not necessarily all by one server.
      const versions = applied.flat().map((m) => m.version);
      expect(versions.sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrate(drivers[0]!)).toEqual([]);
    } finally {
      await Promise.all(drivers.map((d) => d.close()));
      await target.drop();
    }
  });
});

describe('openTrackingStore on PostgreSQL', () => {
  it('accepts postgresql://, postgres:// and postgresql+psycopg2:// URIs', async () => {
    const target = await createTestBackend(dir);
    try {
      for (const scheme of ['postgresql+psycopg2', 'postgres', 'postgresql']) {
        const uri = target.uri.replace(/^postgresql:/, `${scheme}:`);
        const store = await openTrackingStore(uri, { defaultArtifactRoot: 'mlflow-artifacts:/' });
        expect((await store.getExperiment('0')).name).toBe('Default');
        await store.close();
      }
    } finally {
      await target.drop();
    }
  });

  it('opens as many connections as the pool size allows, and no more', async () => {
    const target = await createTestBackend(dir);
    const store = await openTrackingStore(target.uri, {
      defaultArtifactRoot: 'x',
      postgres: { poolSize: 2 },
    });
    try {
      // Six queries at once, each holding its connection a moment: they share exactly two backends.
      const rows = await Promise.all(
        Array.from({ length: 6 }, () =>
          store.db.get<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)'),
        ),
      );
      expect(new Set(rows.map((r) => r!.pid)).size).toBe(2);
    } finally {
      await store.close();
      await target.drop();
    }
  });

  it('takes concurrent batches to one run without a deadlock reaching the caller', async () => {
    const target = await createTestBackend(dir);
    const store = await openTrackingStore(target.uri, { defaultArtifactRoot: 'x' });
    try {
      await store.createRun({
        runId: 'r1',
        experimentId: '0',
        runName: 'r',
        userId: 'u',
        startTime: 1,
        tags: [],
      });
      const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
      await Promise.all(
        Array.from({ length: 8 }, (_, b) => {
          const order = b % 2 === 0 ? keys : [...keys].reverse();
          return store.logBatch(
            'r1',
            order.map((key) => ({ key, value: b, timestamp: 1, step: b })),
            [],
            [],
          );
        }),
      );
      const run = await store.getRun('r1');
      expect(run.metrics).toHaveLength(40);
      expect(run.metrics.every((m) => m.step === 7 && m.value === 7)).toBe(true);
    } finally {
      await store.close();
      await target.drop();
    }
  });

  it('refuses an unreachable server with one line, without the password', async () => {
    const err = await openTrackingStore('postgresql://loom:secret@127.0.0.1:1/db', {
      defaultArtifactRoot: 'x',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoomError);
    const message = (err as LoomError).message;
    expect(message).toMatch(
      /^Cannot connect to PostgreSQL at 'postgresql:\/\/loom:\*\*\*@127\.0\.0\.1:1\/db': /,
    );
    expect(message).not.toContain('secret');
    expect(message).not.toContain('\n');
  });

  it('refuses a database that does not exist with one line', async () => {
    const uri = backend.uri.replace(/\/loom_test\?.*$/, '/loom_no_such_database');
    await expect(openTrackingStore(uri, { defaultArtifactRoot: 'x' })).rejects.toThrow(
      /Cannot connect to PostgreSQL .*database "loom_no_such_database" does not exist/,
    );
  });
});
