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
import {
  TEST_POSTGRES_SERVER,
  createTestDatabase,
  type TestDatabase,
  postgresRequired,
  postgresSkipLine,
  postgresUnreachable,
} from '@loom/core/testing';

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

/** A whole database for a scale-out test file: `loom_scale_<epoch>_<pid>_<n>`, stale ones dropped. */
export type { TestDatabase as ScratchDatabase };
export const createScratchDatabase = (): Promise<TestDatabase> => createTestDatabase('loom_scale');
