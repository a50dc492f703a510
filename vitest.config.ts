/**
 * Two projects, one suite: `sqlite` runs every test; `postgres` runs the store and HTTP suites again
 * with LOOM_TEST_BACKEND=postgres (each store a fresh schema in the `loom_test` database). Without a
 * reachable PostgreSQL the second project is skipped with a line saying so, except under CI=true (or
 * LOOM_TEST_REQUIRE_POSTGRES=1, which .ci/run sets), where it runs and fails.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import {
  postgresRequired,
  postgresSkipLine,
  postgresUnreachable,
} from './packages/core/src/testing/postgres-availability.ts';

// The suites that take their store from createTestBackend (packages/core/src/testing).
const BACKEND_SUITES = [
  'packages/server/src/**/*.test.ts',
  'packages/core/src/store/**/*.test.ts',
  'packages/core/src/tracking/search/*-sql.test.ts',
  // The model SDK against a listening server on the test backend.
  'packages/models/src/log-model.test.ts',
];

const unreachable = await postgresUnreachable();
// CI must not pass without the PostgreSQL suite: there an unreachable server fails the run.
const runPostgres = unreachable === undefined || postgresRequired();
// scripts/test.mjs repeats this line next to its final count, where it cannot be missed.
const SKIP_NOTE = '.tmp/postgres-skipped.txt';
if (runPostgres || unreachable === undefined) {
  rmSync(SKIP_NOTE, { force: true });
} else {
  const line = postgresSkipLine(unreachable, 'the postgres project');
  // vitest may evaluate this file more than once in one run; say it once.
  if (!existsSync(SKIP_NOTE) || readFileSync(SKIP_NOTE, 'utf8') !== line) console.log(line);
  mkdirSync('.tmp', { recursive: true });
  writeFileSync(SKIP_NOTE, line);
}

const projects: TestProjectInlineConfiguration[] = [
  {
    extends: true,
    test: {
      name: 'sqlite',
      // e2e/*.spec.ts: browser journeys through the UI (Debian chromium, installed by .ci/run).
      include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.spec.ts'],
      exclude: ['**/node_modules/**', 'packages/core/src/store/sql/postgres/pg-driver.test.ts'],
      // Suites that bring their own PostgreSQL databases (store copies) skip when this is set.
      env: runPostgres ? {} : { LOOM_TEST_POSTGRES_UNREACHABLE: String(unreachable) },
    },
  },
];
if (runPostgres) {
  projects.push({
    extends: true,
    test: {
      name: 'postgres',
      include: BACKEND_SUITES,
      // The S3 suites (s3rver on loopback) do not touch the database: once, in `sqlite`, is enough.
      // The store-copy suite makes its own SQLite files and PostgreSQL databases: once is enough too.
      exclude: [
        '**/node_modules/**',
        'packages/core/src/store/sql/sqlite/**',
        'packages/core/src/store/sql/copy/**',
        '**/*-s3.test.ts',
      ],
      env: { LOOM_TEST_BACKEND: 'postgres' },
      globalSetup: ['packages/core/src/testing/postgres-global-setup.ts'],
    },
  });
}

export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks', projects },
});
