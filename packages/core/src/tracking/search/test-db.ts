/**
 * Test helper: a migrated, empty database on the backend of this test run (a SQLite file in a temp
 * dir, or a PostgreSQL schema: see testing/test-backend.ts), filled with plain SQL, removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { LoomError } from '@loom/protocol';
import type { SqlDriver, SqlValue } from '../../store/sql/driver';
import { migrate } from '../../store/sql/migrate';
import { postgresConnectionString } from '../../store/open-tracking-store';
import { PostgresDriver } from '../../store/sql/postgres/pg-driver';
import { SqliteDriver } from '../../store/sql/sqlite/sqlite-driver';
import { createTestBackend } from '../../testing/test-backend';

export interface TestDb {
  db: SqlDriver;
  /** Inserts rows: `insert('runs', { run_id: 'a', … }, …)`. */
  insert(table: string, ...rows: Record<string, SqlValue>[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens a fresh migrated database. */
export async function openTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-search-'));
  const backend = await createTestBackend(dir);
  const db: SqlDriver =
    backend.name === 'postgres'
      ? new PostgresDriver(postgresConnectionString(backend.uri), { poolSize: 2 })
      : new SqliteDriver(join(dir, 'mlflow.db'));
  await migrate(db);
  return {
    db,
    async insert(table, ...rows) {
      for (const row of rows) {
        const cols = Object.keys(row);
        await db.run(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          Object.values(row),
        );
      }
    },
    async close() {
      await db.close();
      await backend.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The message of the INVALID_PARAMETER_VALUE error `run` must reject with; `what` names the input. */
export async function invalidParameterMessage(run: () => Promise<unknown>, what: string): Promise<string> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(LoomError);
    expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
    return (err as LoomError).message;
  }
  throw new Error(`no error for ${what}`);
}
