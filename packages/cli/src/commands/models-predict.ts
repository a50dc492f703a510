/**
 * `loom models predict`: batch scoring of a file (or stdin) with a model URI, as `mlflow models
 * predict` does. The input is parsed exactly as `/invocations` parses a body (JSON in any MLflow
 * format, or CSV), scored in chunks with progress on stderr, and written as `{"predictions": …}`
 * JSON or as a CSV table.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import {
  loadModel,
  parseCsvRequest,
  parseJsonRequest,
  predictInChunks,
  predictionFailure,
  predictionsCsv,
} from '@loom/models';
import { progressReporter } from './copy-progress';

interface PredictFlags {
  modelUri: string;
  inputPath?: string;
  outputPath?: string;
  contentType?: 'json' | 'csv';
  outputFormat?: 'json' | 'csv';
  batchSize: string;
  envManager?: string;
}

const format = (flag: string) => (value: string) => {
  if (value !== 'json' && value !== 'csv') throw new InvalidArgumentError(`${flag} must be json or csv`);
  return value;
};

function positiveInt(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('--batch-size must be a positive integer');
  return value;
}

/** json unless the file name ends in .csv; stdin and stdout (`-` or none) are json. */
const formatOf = (path: string | undefined): 'json' | 'csv' =>
  path && path !== '-' && /\.csv$/i.test(path) ? 'csv' : 'json';

/** Adds `predict` to the `models` command group. */
export function addPredictCommand(models: Command): void {
  models
    .command('predict')
    .description(
      'Score a file with a model: JSON in any /invocations format (dataframe_split, dataframe_records, ' +
        'instances, inputs) or CSV with a header row; writes {"predictions": ...} JSON or a CSV table.',
    )
    .requiredOption(
      '-m, --model-uri <uri>',
      'runs:/<run>/<path>, models:/<name>/<version|stage|latest>, models:/<name>@<alias> or a local path',
    )
    .option('-i, --input-path <file>', 'input file; - or none reads stdin')
    .option('-o, --output-path <file>', 'output file; - or none writes stdout')
    .option(
      '-t, --content-type <type>',
      'input format, json or csv (default: csv for a .csv input file, else json)',
      format('--content-type'),
    )
    .option(
      '--output-format <type>',
      'output format, json or csv (default: csv for a .csv output file, else json)',
      format('--output-format'),
    )
    .option('--batch-size <rows>', 'rows scored per prediction', positiveInt, '1000')
    .option(
      '--env-manager <name>',
      'accepted for compatibility with mlflow; Loom runs models in this Node process',
    )
    .action((flags: PredictFlags) => predict(flags));
}

async function readInput(path: string | undefined): Promise<string> {
  if (path && path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function predict(flags: PredictFlags): Promise<void> {
  const inputType = flags.contentType ?? formatOf(flags.inputPath);
  const outputType = flags.outputFormat ?? formatOf(flags.outputPath);
  const [text, model] = await Promise.all([
    readInput(flags.inputPath),
    loadModel(flags.modelUri, {
      trackingUri: process.env.MLFLOW_TRACKING_URI,
      cacheDir: process.env.LOOM_MODEL_CACHE,
    }),
  ]);
  try {
    const request =
      inputType === 'csv' ? parseCsvRequest(text, model.signature?.inputs) : parseJsonRequest(text);
    const progress = progressReporter(process.stderr, Date.now, { unit: 'rows' });
    let predictions: unknown;
    try {
      predictions = await predictInChunks(model, request, {
        chunkRows: Number(flags.batchSize),
        onProgress: (done, total) => progress({ table: 'predict', done, total, finished: done === total }),
      });
    } catch (err) {
      throw predictionFailure(err).error;
    }
    const out = outputType === 'csv' ? predictionsCsv(predictions) : JSON.stringify({ predictions }) + '\n';
    if (flags.outputPath && flags.outputPath !== '-') await writeFile(flags.outputPath, out);
    else process.stdout.write(out);
  } finally {
    await model.close();
  }
}
