/**
 * Whether the PostgreSQL suites can run here, decided one way for the whole repository: vitest.config.ts
 * asks it for the `postgres` project, and the suites that start their own servers on PostgreSQL
 * (test/scale-out) ask it again. It imports nothing of ours, so the vitest config can load it. Unreachable means skipped with a printed reason, except where the
 * PostgreSQL suites are required (CI=true, or LOOM_TEST_REQUIRE_POSTGRES=1 as `.ci/run` sets), where
 * they run and fail.
 */
import pg from 'pg';

/** The server that holds the test databases (trust auth, as `.ci/run` sets it up). */
export const TEST_POSTGRES_SERVER =
  process.env.LOOM_TEST_POSTGRES_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';

/** Why the test PostgreSQL server cannot be reached, or undefined when it answers. */
export async function postgresUnreachable(server = TEST_POSTGRES_SERVER): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: `${server}/postgres`, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True where a missing PostgreSQL must fail the run rather than skip its suites. */
export function postgresRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.LOOM_TEST_REQUIRE_POSTGRES === '1';
}

/** The line printed when PostgreSQL suites are skipped. */
export function postgresSkipLine(unreachable: string, what: string, server = TEST_POSTGRES_SERVER): string {
  return `skipped: PostgreSQL not reachable at ${server} (${unreachable}); ${what} did not run`;
}
