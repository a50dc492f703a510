/**
 * Test helper: whole PostgreSQL databases (not schemas) for suites that copy a store between servers'
 * databases, and the reason such suites skip, decided once by vitest.config.ts.
 */
import pg from 'pg';
import { TEST_POSTGRES_SERVER } from './postgres-availability';

/**
 * Why tests that need PostgreSQL cannot run here, or undefined when they must run. vitest.config.ts
 * decides: it passes the connection error when the server is unreachable and neither CI=true nor
 * LOOM_TEST_REQUIRE_POSTGRES=1 is set (there an unreachable server fails the tests instead).
 */
export function postgresSkipReason(): string | undefined {
  const error = process.env.LOOM_TEST_POSTGRES_UNREACHABLE;
  return error ? `skipped: PostgreSQL not reachable at ${TEST_POSTGRES_SERVER} (${error})` : undefined;
}

export interface TestDatabase {
  name: string;
  /** A `--backend-store-uri` naming the new, empty database. */
  uri: string;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

let counter = 0;

/** Creates the empty database `<prefix>_<pid>_<n>` on the test server. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${++counter}`;
  await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${name}`);
  return {
    name,
    uri: `${TEST_POSTGRES_SERVER}/${name}`,
    drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({
    connectionString: `${TEST_POSTGRES_SERVER}/postgres`,
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
