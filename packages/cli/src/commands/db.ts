/** `loom db upgrade <url>`: apply pending schema migrations; `loom db migrate`: copy a store. */
import { Command } from 'commander';
import { openTrackingStore, redactStoreUri } from '@loom/core';
import { migrateStore, type MigrateFlags } from './db-migrate';

const URI_HELP = 'e.g. sqlite:///mlflow.db or postgresql://user:pass@host:5432/db';

/** Builds the `db` command group. */
export function dbCommand(): Command {
  const db = new Command('db').description('Manage the tracking database schema.');
  db.command('upgrade')
    .description('Upgrade the schema of a tracking database to the latest version.')
    .argument('<url>', `backend store URI, ${URI_HELP}`)
    .action(async (url: string) => {
      const store = await openTrackingStore(url, { defaultArtifactRoot: 'mlflow-artifacts:/' });
      await store.close();
      console.log(`loom: ${redactStoreUri(url)} is at the latest schema version.`);
    });
  db.command('migrate')
    .description(
      'Copy a whole store (experiments, runs, metrics, registry) into a new, empty database, e.g. from ' +
        "SQLite to PostgreSQL, then compare every table's row count. Stop servers using the source first.",
    )
    .requiredOption('--from <uri>', `the store to copy, ${URI_HELP}`)
    .requiredOption('--to <uri>', 'an empty database to copy into (its schema is created first)')
    .option('--batch-size <n>', 'rows per read and per insert (default 5000)')
    .action((flags: MigrateFlags) => migrateStore(flags));
  return db;
}
