/**
 * A whole PostgreSQL database per test file, for suites that start several `loom server` processes on
 * one database (test/scale-out). Whether they run at all is decided as for the `postgres` vitest project
 * (packages/core/src/testing/postgres-availability.ts): skipped with a printed reason when the server
 * is unreachable, failed instead under CI=true or LOOM_TEST_REQUIRE_POSTGRES=1.
 *
 *   const skip = await skipWithoutPostgres('test/scale-out/two-servers');
 *   const db = await createScratchDatabase();   // db.uri → --backend-store-uri
 *   await db.drop();
 */
import pg from 'pg';
import {
  TEST_POSTGRES_SERVER,
  postgresRequired,
  postgresSkipLine,
  postgresUnreachable,
} from '@loom/core/testing';

const PREFIX = 'loom_scale_';
/** A database of a run that was killed before it could drop it is removed by the next run. */
const STALE_SECONDS = 3600;
let counter = 0;

/**
 * True (after printing why) when PostgreSQL is unreachable here and not required; throws when it is
 * unreachable but required, so the file fails to load with the reason rather than failing in a hook.
 */
export async function skipWithoutPostgres(what: string): Promise<boolean> {
  const unreachable = await postgresUnreachable();
  if (unreachable === undefined) return false;
  if (postgresRequired()) {
    throw new Error(
      `PostgreSQL not reachable at ${TEST_POSTGRES_SERVER} (${unreachable}), and CI=true or ` +
        `LOOM_TEST_REQUIRE_POSTGRES=1 requires it: ${what} cannot run`,
    );
  }
  console.log(postgresSkipLine(unreachable, what));
  return true;
}

export interface ScratchDatabase {
  /** postgresql://… naming the new, empty database. */
  uri: string;
  /** Ends every session on the database, as a PostgreSQL restart would; returns how many. */
  terminateSessions(): Promise<number>;
  /** Drops the database, closing any connections a killed server left. */
  drop(): Promise<void>;
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

/** Creates `loom_scale_<epoch seconds>_<pid>_<n>` on the test server (dropping stale ones first). */
export function createScratchDatabase(): Promise<ScratchDatabase> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [PREFIX],
    );
    const cutoff = Date.now() / 1000 - STALE_SECONDS;
    for (const { datname } of rows) {
      const created = Number(datname.slice(PREFIX.length).split('_')[0]);
      if (created < cutoff) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
    const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${process.pid}_${++counter}`;
    await client.query(`CREATE DATABASE ${name}`);
    return {
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
