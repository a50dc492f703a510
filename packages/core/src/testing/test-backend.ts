/**
 * Test helper: a fresh, empty store on the backend this test run targets. `LOOM_TEST_BACKEND=postgres`
 * (the vitest `postgres` project) gives each store its own schema in the `loom_test` database,
 * dropped afterwards; otherwise a SQLite file in the caller's temp folder.
 */
import { join } from 'node:path';
import pg from 'pg';
import { TEST_POSTGRES_SERVER } from './postgres-availability';

export type TestBackendName = 'sqlite' | 'postgres';

export const TEST_POSTGRES_DATABASE = 'loom_test';
/** Schemas of test stores start with this; stale ones (a killed run) are dropped by the global setup. */
export const TEST_SCHEMA_PREFIX = 'loom_t_';

export interface TestBackend {
  name: TestBackendName;
  /** A `--backend-store-uri` naming an empty store. */
  uri: string;
  /** Removes the store (the schema on PostgreSQL; the caller removes its SQLite folder). */
  drop(): Promise<void>;
}

/** The backend this test run targets. */
export function testBackendName(): TestBackendName {
  return process.env.LOOM_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
}

let admin: pg.Pool | undefined;
let counter = 0;

/** A fresh store URI: a SQLite file in `dir`, or a new PostgreSQL schema. */
export async function createTestBackend(dir: string): Promise<TestBackend> {
  if (testBackendName() === 'sqlite') {
    return { name: 'sqlite', uri: `sqlite:///${join(dir, 'mlflow.db')}`, drop: () => Promise.resolve() };
  }
  const database = `${TEST_POSTGRES_SERVER}/${TEST_POSTGRES_DATABASE}`;
  admin ??= new pg.Pool({ connectionString: database, max: 2, allowExitOnIdle: true });
  // Seconds since the epoch first, so the global setup can tell a stale schema by its name.
  const schema = `${TEST_SCHEMA_PREFIX}${Math.floor(Date.now() / 1000)}_${process.pid}_${++counter}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = admin;
  return {
    name: 'postgres',
    uri: `${database}?options=${encodeURIComponent(`-c search_path=${schema} -c synchronous_commit=off`)}`,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}
