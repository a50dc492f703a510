import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDriver } from './sqlite-driver';

let dir: string;
let db: SqliteDriver;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-sqlite-'));
  db = new SqliteDriver(join(dir, 'test.db'));
  await db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteDriver', () => {
  it('commits transactions that arrive together as one group, rolling back only the failing one', async () => {
    await db.run("INSERT INTO t VALUES ('taken', 0)");
    const before = db.commitStats;
    const results = await Promise.allSettled([
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO t VALUES ('a', 1)");
        return 'a';
      }),
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO t VALUES ('b', 2)");
        await tx.run("INSERT INTO t VALUES ('taken', 2)"); // unique violation: all of this one goes
      }),
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO t VALUES ('c', 3)");
        throw new Error('application error');
      }),
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO t VALUES ('d', 4)");
        return 'd';
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    // All four shared one commit.
    expect(db.commitStats.commits - before.commits).toBe(1);
    expect(db.commitStats.transactions - before.transactions).toBe(4);
    expect((results[0] as PromiseFulfilledResult<string>).value).toBe('a');
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('application error');
    const rows = await db.all<{ k: string }>('SELECT k FROM t ORDER BY k');
    expect(rows.map((r) => r.k)).toEqual(['a', 'd', 'taken']);
  });

  it('rolls back a lone failing transaction completely', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO t VALUES ('x', 1)");
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await db.all('SELECT * FROM t')).toEqual([]);
  });

  it('lets readers see only committed data', async () => {
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO t VALUES ('inside', 1)");
      // The reader connection does not see the open transaction.
      expect(await db.all('SELECT * FROM t')).toEqual([]);
    });
    expect(await db.all('SELECT k FROM t')).toEqual([{ k: 'inside' }]);
  });

  it('returns rows as arrays from values()', async () => {
    await db.run("INSERT INTO t VALUES ('a', 1)");
    expect(await db.values('SELECT k, v FROM t')).toEqual([['a', 1]]);
  });

  it('keeps LIKE case-sensitive as MLflow does', async () => {
    await db.run("INSERT INTO t VALUES ('Abc', 1)");
    expect(await db.all("SELECT k FROM t WHERE k LIKE 'abc'")).toEqual([]);
    expect(await db.all("SELECT k FROM t WHERE k LIKE 'Ab%'")).toEqual([{ k: 'Abc' }]);
  });

  it('finishes queued writes before closing', async () => {
    const pending = Array.from({ length: 50 }, (_, i) => db.run('INSERT INTO t VALUES (?, ?)', [`k${i}`, i]));
    await db.close();
    await Promise.all(pending);
    db = new SqliteDriver(join(dir, 'test.db'));
    expect(await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')).toEqual({ n: 50 });
    expect(db.integrityCheck()).toBe('ok');
  });
});
