/**
 * Logging a model to a run through the tracking server, as MLflow's `log_model` does.
 *
 * MLflow 3 (the default): a logged model is created (PENDING) for the run's experiment and linked to
 * the run as one of its outputs; MLmodel is stamped with `model_id`, `run_id`, `artifact_path` (the
 * logged model's artifact URI), creation time and size; every file goes to the logged model's
 * artifact folder through the proxy; the model is finalized READY, or UPLOAD_FAILED when anything
 * failed (and the error is rethrown). Its URI is `models:/<model_id>`.
 *
 * MLflow 2 (`artifactPath` given): the files go under `<run artifacts>/<artifactPath>` and the run's
 * `mlflow.log-model.history` tag records the MLmodel. Its URI is `runs:/<run>/<artifactPath>`.
 *
 * The model is a saved directory, an ONNX graph, a TF.js model or a js_function module (saved to a
 * temp folder first). A signature not given is inferred from the input example and the model's prediction on it.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { LOG_BATCH_LIMITS, type LoomClient } from '@loom/client';
import type { KeyValue, MetricJson, ModelVersionJson, RunJson } from '@loom/protocol';
import { saveJsFunctionModel } from './flavors/js-function';
import { saveOnnxModel } from './flavors/onnx-save';
import { saveTfjsModel, type TfjsModelSource } from './flavors/tfjs-save';
import {
  exampleData,
  inferSignature,
  isInputExample,
  toInputExample,
  type ExampleData,
} from './infer-signature';
import { loadModelDir } from './load-model';
import {
  MLMODEL_FILE,
  readMLmodel,
  stringifyMLmodel,
  utcTimeCreated,
  writeMLmodel,
  type MLmodel,
} from './mlmodel';
import { directorySize, writeInputExample, type InputExample } from './model-files';
import { parseJsonRequest } from './serve/parse-request';
import { storeSignature, type Signature } from './signature';

/** What is logged: a directory a flavor's save function wrote, an ONNX graph, a TF.js model, or a js_function module. */
export type ModelSource =
  | { dir: string }
  | { flavor: 'onnx'; /** The graph's bytes, or the path of a `.onnx` file. */ model: Uint8Array | string }
  | {
      flavor: 'tfjs';
      /** A LayersModel/GraphModel, its artifacts, or a converter output folder. */ model: TfjsModelSource;
    }
  | {
      flavor: 'js_function';
      /** An ES module exporting `predict(input, params)`. */
      module: string;
      /** Exact versions of the packages the module imports. */
      dependencies?: Record<string, string> | undefined;
    };

export type LogModelArgs = ModelSource & {
  runId: string;
  /** MLflow 2 mode: log under the run's artifacts at this path instead of as a logged model. */
  artifactPath?: string | undefined;
  /** The logged model's name (MLflow 3 mode); default `model`. */
  name?: string | undefined;
  /** The signature; inferred from `inputExample` when absent; `false` logs none. */
  signature?: Signature | false | undefined;
  /** Saved as `input_example.json` and `serving_input_example.json`. */
  inputExample?: ExampleData | InputExample | undefined;
  /** Free-form MLmodel `metadata`. */
  metadata?: Record<string, unknown> | undefined;
  /** The logged model's params, tags and type (MLflow 3 mode). */
  params?: Readonly<Record<string, Scalar>> | undefined;
  tags?: Readonly<Record<string, Scalar>> | undefined;
  modelType?: string | undefined;
  /** The run's step the model was logged at (its output link); default 0. */
  step?: number | undefined;
  /** Also register it as a new version of this registered model (created if absent). */
  registeredModelName?: string | undefined;
};

export interface LoggedModel {
  /** `models:/<model_id>` (MLflow 3 mode) or `runs:/<run>/<artifactPath>` (MLflow 2 mode). */
  modelUri: string;
  /** The logged model's id, `m-<32 hex>` (MLflow 3 mode). */
  modelId?: string | undefined;
  /** The MLmodel as uploaded. */
  mlmodel: MLmodel;
  modelVersion?: ModelVersionJson | undefined;
}

type Scalar = string | number | boolean;

const keyValues = (m: Readonly<Record<string, Scalar>> | undefined): KeyValue[] | undefined =>
  m && Object.entries(m).map(([key, value]) => ({ key, value: String(value) }));

/** Files under `dir`, `/`-separated; symlinks are followed, as MLflow's uploads follow them. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() || entry.isSymbolicLink()) {
      out.push(relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
    }
  }
  return out.sort();
}

/** Logs the model to the run and returns its URI (and version, when registered). */
export async function logModel(client: LoomClient, args: LogModelArgs): Promise<LoggedModel> {
  const run = await client.getRun(args.runId);
  const staged = await stage(args);
  try {
    const mlmodel = await readMLmodel(staged.dir);
    if (staged.temporary) await applySignature(staged.dir, mlmodel, args);
    const logged =
      args.artifactPath === undefined
        ? await logLoggedModel(client, run, staged.dir, mlmodel, args)
        : await logToRun(client, run.info.artifact_uri, staged.dir, mlmodel, args, args.artifactPath);
    if (!args.registeredModelName) return logged;
    const version = await register(client, args.registeredModelName, logged, args);
    return { ...logged, modelVersion: version };
  } finally {
    if (staged.temporary) await rm(staged.dir, { recursive: true, force: true });
  }
}

/** The local folder to upload: saved now for in-memory models, copied when it will be changed. */
async function stage(args: LogModelArgs): Promise<{ dir: string; temporary: boolean }> {
  const changes = args.signature !== undefined || args.inputExample !== undefined || args.metadata;
  if ('dir' in args && !changes) return { dir: args.dir, temporary: false };
  const dir = await mkdtemp(join(tmpdir(), 'loom-log-model-'));
  try {
    if ('dir' in args) await cp(args.dir, dir, { recursive: true });
    else if (args.flavor === 'onnx') {
      const graph = typeof args.model === 'string' ? await readFile(args.model) : args.model;
      await saveOnnxModel(dir, graph);
    } else if (args.flavor === 'tfjs') await saveTfjsModel(dir, args.model);
    else await saveJsFunctionModel(dir, args.module, { dependencies: args.dependencies });
    return { dir, temporary: true };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Writes the input example, metadata and signature (given, or inferred) into the staged MLmodel. */
async function applySignature(dir: string, mlmodel: MLmodel, args: LogModelArgs): Promise<void> {
  if (args.metadata) mlmodel.metadata = { ...mlmodel.metadata, ...args.metadata };
  const example = args.inputExample === undefined ? undefined : toInputExample(args.inputExample);
  if (example) mlmodel.savedInputExampleInfo = await writeInputExample(dir, example);
  if (args.signature === false) mlmodel.signature = undefined;
  else if (args.signature) mlmodel.signature = storeSignature(args.signature);
  const infer = example !== undefined && args.signature === undefined && !mlmodel.signature;
  await writeMLmodel(dir, mlmodel);
  if (example) {
    // As MLflow: the example is predicted on (checked against the signature when there is one);
    // a failure only warns, and a model without a signature then gets an input-only one.
    const outcome = await predictExample(dir);
    if ('error' in outcome) {
      console.warn(`loom: the input example failed to predict, the model is logged anyway: ${outcome.error}`);
    }
    if (infer) {
      // Typed arrays in the caller's data say the tensor dtype; the saved JSON has lost it.
      const raw = isInputExample(args.inputExample) ? exampleData(example) : args.inputExample!;
      mlmodel.signature = storeSignature(
        inferSignature(raw, 'output' in outcome ? outcome.output : undefined),
      );
    }
  }
  // The example files added to the folder count too.
  if (mlmodel.modelSizeBytes !== undefined) mlmodel.modelSizeBytes = await directorySize(dir);
  await writeMLmodel(dir, mlmodel);
}

/** The model in `dir` run on its serving input example, as `/invocations` would run it. */
async function predictExample(dir: string): Promise<{ output: unknown } | { error: string }> {
  try {
    const model = await loadModelDir(dir, { batching: false });
    try {
      const request = parseJsonRequest(await readFile(join(dir, 'serving_input_example.json'), 'utf8'));
      return { output: await model.predict(request.input, request.params) };
    } finally {
      await model.close();
    }
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Uploads every file of `dir` under `root/prefix`, with MLmodel replaced by `mlmodel`. */
async function upload(client: LoomClient, dir: string, root: string, prefix: string, mlmodel: MLmodel) {
  for (const file of await listFiles(dir)) {
    const body = file === MLMODEL_FILE ? stringifyMLmodel(mlmodel) : await readFile(join(dir, file));
    await client.uploadArtifact(root, prefix ? `${prefix}/${file}` : file, body);
  }
}

/** MLflow 3: a logged model of the run's experiment, linked to the run, finalized by the outcome. */
async function logLoggedModel(
  client: LoomClient,
  run: RunJson,
  dir: string,
  mlmodel: MLmodel,
  args: LogModelArgs,
): Promise<LoggedModel> {
  // MLflow copies the run's params onto the model (the run's value wins on a clash).
  const params = {
    ...args.params,
    ...Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value])),
  };
  const created = await client.createLoggedModel({
    experimentId: run.info.experiment_id,
    name: args.name ?? 'model',
    modelType: args.modelType,
    sourceRunId: args.runId,
    params: keyValues(params),
    tags: keyValues(args.tags),
  });
  const { model_id: modelId, artifact_uri: artifactUri } = created.info;
  try {
    const step = args.step ?? 0;
    await client.logOutputs(args.runId, [{ modelId, step }]);
    await linkRunMetrics(client, run, modelId, step);
    Object.assign(mlmodel, {
      modelId,
      // MLflow 3 makes the uuid the model id.
      modelUuid: modelId,
      runId: args.runId,
      artifactPath: artifactUri,
      utcTimeCreated: utcTimeCreated(),
      modelSizeBytes: await directorySize(dir),
    } satisfies Partial<MLmodel>);
    await upload(client, dir, artifactUri, '', mlmodel);
    await client.finalizeLoggedModel(modelId, 'LOGGED_MODEL_READY');
  } catch (err) {
    await client.finalizeLoggedModel(modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(() => undefined);
    throw err;
  }
  return { modelUri: `models:/${modelId}`, modelId, mlmodel };
}

/**
 * The run's metric points at `step` logged again with `model_id`, so they show as the model's
 * metrics, as MLflow 3 does when a model is logged from a run.
 */
async function linkRunMetrics(
  client: LoomClient,
  run: RunJson,
  modelId: string,
  step: number,
): Promise<void> {
  const keys = [...new Set((run.data.metrics ?? []).map((m) => m.key))];
  const points: MetricJson[] = [];
  for (const metricKey of keys) {
    const history = await client.getMetricHistoryBulkInterval({
      runIds: [run.info.run_id],
      metricKey,
      startStep: step,
      endStep: step,
      maxResults: LOG_BATCH_LIMITS.metrics,
    });
    for (const m of history) if (!m.model_id) points.push({ ...m, run_id: undefined, model_id: modelId });
  }
  for (let i = 0; i < points.length; i += LOG_BATCH_LIMITS.metrics) {
    await client.logBatch(run.info.run_id, { metrics: points.slice(i, i + LOG_BATCH_LIMITS.metrics) });
  }
}

/** MLflow 2: the files under the run's artifacts, recorded in the run's log-model history. */
async function logToRun(
  client: LoomClient,
  runRoot: string,
  dir: string,
  mlmodel: MLmodel,
  args: LogModelArgs,
  artifactPath: string,
): Promise<LoggedModel> {
  mlmodel.runId = args.runId;
  mlmodel.artifactPath = artifactPath;
  mlmodel.utcTimeCreated ??= utcTimeCreated();
  await upload(client, dir, runRoot, artifactPath, mlmodel);
  await client.logModel(args.runId, JSON.stringify(parse(stringifyMLmodel(mlmodel))));
  return { modelUri: `runs:/${args.runId}/${artifactPath}`, mlmodel };
}

/** A new version of `name` (created if absent) from the logged model, as MLflow registers one. */
async function register(
  client: LoomClient,
  name: string,
  logged: LoggedModel,
  args: LogModelArgs,
): Promise<ModelVersionJson> {
  try {
    await client.createRegisteredModel({ name });
  } catch (err) {
    if ((err as { code?: string }).code !== 'RESOURCE_ALREADY_EXISTS') throw err;
  }
  let version = await client.createModelVersion({
    name,
    source: logged.modelUri,
    runId: args.runId,
    modelId: logged.modelId,
    // MLflow 3 gives the version the logged model's tags.
    tags: logged.modelId ? keyValues(args.tags) : undefined,
  });
  // The registry copies the files before the version is READY; wait as MLflow's register_model does.
  const deadline = Date.now() + REGISTRATION_WAIT_MS;
  for (let delay = 20; version.status === 'PENDING_REGISTRATION' && Date.now() < deadline; delay *= 2) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, 1000)));
    version = await client.getModelVersion(name, version.version);
  }
  return version;
}

/** MLflow's default `await_registration_for`: 300 s. */
const REGISTRATION_WAIT_MS = 300_000;
