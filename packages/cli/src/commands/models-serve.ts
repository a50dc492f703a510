/**
 * `loom models serve`: MLflow's scoring server for a model URI (local path, runs:/, models:/),
 * resolved through MLFLOW_TRACKING_URI. With `--workers N` the model is downloaded once, then N
 * processes (node:cluster) each load it and share the port. The Docker image's entry
 * (`model-server-entry.ts`) defines its command with this same function, so flags and defaults match.
 */
import cluster from 'node:cluster';
import { InvalidArgumentError, type Command } from 'commander';
import { chooseFlavor, downloadModel, loadModelDir, readMLmodel, startScoringServer } from '@loom/models';

interface ServeFlags {
  modelUri: string;
  host: string;
  port: string;
  timeout: string;
  workers: string;
  maxBodySize: string;
  batching: boolean;
  envManager?: string;
}

/** Where a worker finds the model its primary downloaded. */
const MODEL_DIR_ENV = 'LOOM_SCORING_MODEL_DIR';

function positiveInt(what: string) {
  return (value: string): string => {
    if (!/^\d+$/.test(value) || Number(value) < 1)
      throw new InvalidArgumentError(`${what} must be a positive integer`);
    return value;
  };
}

function portNumber(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('--port must be 0-65535');
  return value;
}

/** Gives `command` the options and action of `loom models serve`. */
export function defineServeCommand(command: Command): Command {
  return command
    .description(
      'Serve a model over HTTP: /invocations scores MLflow payloads (dataframe_split, dataframe_records, ' +
        'instances, inputs, CSV); /ping, /health and /version report status. Flavors: onnx, js_function.',
    )
    .helpOption('--help', 'display help for command') // -h is the host, as in `mlflow models serve`
    .requiredOption(
      '-m, --model-uri <uri>',
      'runs:/<run>/<path>, models:/<name>/<version|stage|latest>, models:/<name>@<alias> or a local path',
    )
    .option('-h, --host <host>', 'interface to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', portNumber, '5000')
    .option(
      '-t, --timeout <seconds>',
      'answer 504 when a request takes longer',
      positiveInt('--timeout'),
      process.env.MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT ?? '60',
    )
    .option(
      '-w, --workers <n>',
      'processes serving the model',
      positiveInt('--workers'),
      process.env.MLFLOW_MODELS_WORKERS ?? '1',
    )
    .option(
      '--max-body-size <bytes>',
      'largest request body accepted (413 above it)',
      positiveInt('--max-body-size'),
      String(100 * 1024 * 1024),
    )
    .option(
      '--no-batching',
      'run every request as its own inference (by default concurrent requests share one)',
    )
    .option(
      '--env-manager <name>',
      'accepted for compatibility with mlflow; Loom runs models in this Node process',
    )
    .action((flags: ServeFlags) => serve(flags));
}

async function serve(flags: ServeFlags): Promise<void> {
  const workers = Number(flags.workers);
  const dir =
    process.env[MODEL_DIR_ENV] ??
    (await downloadModel(flags.modelUri, {
      trackingUri: process.env.MLFLOW_TRACKING_URI,
      cacheDir: process.env.LOOM_MODEL_CACHE,
    }));
  if (workers > 1 && cluster.isPrimary) {
    // Refuse a model no worker could load here, once, rather than in every worker.
    chooseFlavor(await readMLmodel(dir));
    return runPrimary(dir, workers, flags);
  }

  const model = await loadModelDir(dir, { batching: flags.batching });
  const server = await startScoringServer(
    model,
    { host: flags.host, port: Number(flags.port) },
    { timeoutMs: Number(flags.timeout) * 1000, maxBodyBytes: Number(flags.maxBodySize) },
  );
  const stop = () =>
    void server
      .close()
      .then(() => model.close())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (cluster.isWorker) process.send?.({ type: 'listening', url: server.url });
  else console.log(`loom: serving ${flags.modelUri} (flavor ${model.flavor}), listening at ${server.url}`);
}

/** Forks `count` workers on the downloaded model, replaces one that dies, stops them on a signal. */
function runPrimary(dir: string, count: number, flags: ServeFlags): void {
  let stopping = false;
  let listening = 0;
  const fork = () => {
    const worker = cluster.fork({ [MODEL_DIR_ENV]: dir });
    worker.on('message', (msg: { type?: string; url?: string }) => {
      if (msg.type === 'listening' && ++listening === count) {
        console.log(`loom: serving ${flags.modelUri} with ${count} workers, listening at ${msg.url}`);
      }
    });
  };
  cluster.on('exit', (_worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // A worker that dies before the first one listens means the model does not serve: give up.
    if (listening === 0) {
      console.error(`loom: a scoring worker exited with code ${code} before serving; stopping`);
      process.exit(1);
    }
    console.error(`loom: a scoring worker exited with code ${code}; starting another`);
    setTimeout(fork, 1000);
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  for (let i = 0; i < count; i++) fork();
}
