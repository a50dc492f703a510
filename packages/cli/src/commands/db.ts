/** `loom db upgrade <url>`: apply pending schema migrations. */
import { Command } from 'commander';
import { openTrackingStore, redactStoreUri } from '@loom/core';

/** Builds the `db` command group. */
export function dbCommand(): Command {
  const db = new Command('db').description('Manage the tracking database schema.');
  db.command('upgrade')
    .description('Upgrade the schema of a tracking database to the latest version.')
    .argument('<url>', 'backend store URI, e.g. sqlite:///mlflow.db or postgresql://user:pass@host:5432/db')
    .action(async (url: string) => {
      const store = await openTrackingStore(url, { defaultArtifactRoot: 'mlflow-artifacts:/' });
      await store.close();
      console.log(`loom: ${redactStoreUri(url)} is at the latest schema version.`);
    });
  return db;
}
