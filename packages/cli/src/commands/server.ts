/** `loom server` / `loom ui`: the tracking server with MLflow's flags. */
import cluster from 'node:cluster';
import { Command, Option } from 'commander';
import { redactStoreUri, type ServerConfig } from '@loom/core';
import { startServer } from '@loom/server';
import { runClusterPrimary, runClusterWorker } from './server-cluster';
import { toServerConfig, type ServerFlags } from './server-options';

/** One listening server on `config`: the whole server with one process, one worker with several. */
function start(config: ServerConfig) {
  // A debugging aid for load balancing (and the scale-out tests): which process answered.
  return startServer(config, { identifyProcess: process.env.LOOM_DEBUG_WORKER_PID === '1' });
}

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
    .option(
      '--app-name <name>',
      'basic-auth: require sign-in (users, permissions and tokens; config from MLFLOW_AUTH_CONFIG_PATH)',
    )
    .option('-w, --workers <n>', 'number of server processes sharing the port (PostgreSQL; SQLite keeps 1)')
    .option('--pool-size <n>', 'PostgreSQL connections per server process (default 10)')
    .option(
      '--allowed-hosts <hosts>',
      'comma-separated Host headers to serve, * wildcards (default: localhost, private networks and --host)',
    )
    .option(
      '--cors-allowed-origins <origins>',
      'comma-separated browser origins that may call the API, * wildcards (localhost always may)',
    )
    .option('--x-frame-options <value>', 'SAMEORIGIN (default), DENY, or NONE to allow framing')
    .option(
      '--disable-security-middleware',
      'drop the Host check, CORS checks and security headers (behind a proxy that does them)',
    )
    .option('--max-body-bytes <n>', 'largest request body outside artifact uploads (default 33554432)')
    .addOption(new Option('--gunicorn-opts <opts>', 'accepted for MLflow compatibility; ignored').hideHelp())
    .addOption(new Option('--uvicorn-opts <opts>', 'accepted for MLflow compatibility; ignored').hideHelp())
    .action(async (flags: ServerFlags) => {
      const config = toServerConfig(flags, process.env, process.cwd());
      // node:cluster forks this same command line: a worker is one server under the primary.
      if (cluster.isWorker) return runClusterWorker(config, start);
      if (config.workers > 1 && config.backendStoreUri.startsWith('sqlite:')) {
        console.warn(
          'loom: SQLite has one writer; --workers > 1 buys nothing on it, serving with 1 process.',
        );
      } else if (config.workers > 1) {
        return runClusterPrimary(config);
      }
      const server = await start(config);
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
