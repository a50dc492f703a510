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
  /** Ends every session on the database, as a PostgreSQL restart would; returns how many. */
  terminateSessions(): Promise<number>;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/** A database of a run that was killed before it could drop it is removed by a later run. */
const STALE_SECONDS = 3600;
let counter = 0;

/**
 * Creates the empty database `<prefix>_<epoch seconds>_<pid>_<n>` on the test server, first dropping
 * databases of the same prefix that are more than an hour old (left by killed runs).
 */
export function createTestDatabase(prefix: string): Promise<TestDatabase> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [`${prefix}_`],
    );
    const cutoff = Date.now() / 1000 - STALE_SECONDS;
    for (const { datname } of rows) {
      const created = Number(datname.slice(prefix.length + 1).split('_')[0]);
      if (created < cutoff) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
    const name = `${prefix}_${Math.floor(Date.now() / 1000)}_${process.pid}_${++counter}`;
    await client.query(`CREATE DATABASE ${name}`);
    return {
      name,
      uri: `${TEST_POSTGRES_SERVER}/${name}`,
      terminateSessions: () =>
        withAdmin(async (admin) => {
          const ended = await admin.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          return ended.rowCount ?? 0;
        }),
      drop: () =>
        withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
          () => undefined,
        ),
    };
  });
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: `${TEST_POSTGRES_SERVER}/postgres`,
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
