/**
 * vitest global setup of the `postgres` project: makes sure the `loom_test` database exists and drops
 * test schemas left behind by killed runs. The project only runs when PostgreSQL answered
 * (vitest.config.ts), or under CI=true, where an unreachable server must fail the run.
 */
import pg from 'pg';
import { TEST_POSTGRES_SERVER } from './postgres-availability';
import { TEST_POSTGRES_DATABASE, TEST_SCHEMA_PREFIX } from './test-backend';

const STALE_SECONDS = 3600;

/** Creates the test database if needed and clears stale schemas. */
export default async function setup(): Promise<void> {
  const server = new pg.Client({
    connectionString: `${TEST_POSTGRES_SERVER}/postgres`,
    connectionTimeoutMillis: 5000,
  });
  try {
    await server.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL not reachable at ${TEST_POSTGRES_SERVER}: ${(err as Error).message}. ` +
        'CI must run the PostgreSQL suite: start it (see .ci/run).',
    );
  }
  try {
    const exists = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      TEST_POSTGRES_DATABASE,
    ]);
    if (exists.rowCount === 0) {
      await server.query(`CREATE DATABASE ${TEST_POSTGRES_DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by a concurrent run
      });
    }
  } finally {
    await server.end();
  }
  const db = new pg.Client({ connectionString: `${TEST_POSTGRES_SERVER}/${TEST_POSTGRES_DATABASE}` });
  await db.connect();
  try {
    const { rows } = await db.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`,
      [TEST_SCHEMA_PREFIX],
    );
    const cutoff = Date.now() / 1000 - STALE_SECONDS;
    for (const { nspname } of rows) {
      const created = Number(nspname.slice(TEST_SCHEMA_PREFIX.length).split('_')[0]);
      if (created < cutoff) await db.query(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`);
    }
  } finally {
    await db.end();
  }
}
