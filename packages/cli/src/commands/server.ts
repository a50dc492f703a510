/** `loom server` / `loom ui`: the tracking server with MLflow's flags. */
import { Command, Option } from 'commander';
import { redactStoreUri } from '@loom/core';
import { startServer } from '@loom/server';
import { toServerConfig, type ServerFlags } from './server-options';

/** Builds the `server` (or `ui`) command. */
export function serverCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .helpOption('--help', 'display help for command')
    .option(
      '--backend-store-uri <uri>',
      'where runs are stored: sqlite:///path.db (default sqlite:///mlflow.db) or postgresql://user:pass@host:5432/db',
    )
    .option(
      '--default-artifact-root <uri>',
      'artifact root for new experiments (default mlflow-artifacts:/ when serving artifacts)',
    )
    .option('--artifacts-destination <uri>', 'where the artifact proxy stores files (default ./mlartifacts)')
    .option('--serve-artifacts', 'proxy artifact uploads and downloads (default)', true)
    .option('--no-serve-artifacts', 'do not proxy artifacts')
    .option('--artifacts-only', 'serve only the artifact proxy, no tracking routes')
    .option('-h, --host <host>', 'network address to listen on (default 127.0.0.1)')
    .option('-p, --port <port>', 'port to listen on (default 5000)')
    .option('-w, --workers <n>', 'number of server processes (SQLite: 1; see README)')
    .option('--pool-size <n>', 'PostgreSQL connections per server process (default 10)')
    .addOption(new Option('--gunicorn-opts <opts>', 'accepted for MLflow compatibility; ignored').hideHelp())
    .addOption(new Option('--uvicorn-opts <opts>', 'accepted for MLflow compatibility; ignored').hideHelp())
    .action(async (flags: ServerFlags) => {
      const config = toServerConfig(flags, process.env, process.cwd());
      if (config.workers > 1 && config.backendStoreUri.startsWith('sqlite:')) {
        console.warn(
          'loom: SQLite has one writer; --workers > 1 buys nothing on it, serving with 1 process.',
        );
      }
      const server = await startServer(config);
      console.log(
        `Loom tracking server listening at ${server.url} (store ${redactStoreUri(config.backendStoreUri)})`,
      );
      const stop = (signal: string) => {
        console.log(`loom: ${signal} received, finishing in-flight requests...`);
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
