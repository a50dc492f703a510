/**
 * `getModelInfo(uri)` and `validateServingInput(uri, payload)`, as `mlflow.models.get_model_info`
 * and `mlflow.models.validate_serving_input`: what a model's MLmodel says about it, and whether a
 * scoring request would succeed — parsed, enforced and predicted exactly as `/invocations` does.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { LoadOptions } from './flavors/flavor';
import { loadModelDir } from './load-model';
import { readMLmodel, type FlavorConfig, type InputExampleInfo } from './mlmodel';
import { parseJsonRequest } from './serve/parse-request';
import { predictionFailure } from './serve/scoring-server';
import { parseSignature, type Signature } from './signature';
import { downloadModel, REGISTERED_MODEL_META_FILE, type DownloadOptions } from './uri/download-model';

export interface ModelInfo {
  modelUri: string;
  flavors: Record<string, FlavorConfig>;
  signature: Signature | undefined;
  /** MLflow 3 logged model id (`m-…`). */
  modelId: string | undefined;
  runId: string | undefined;
  /** MLflow 2: the run-relative path; MLflow 3: the logged model's artifact URI. */
  artifactPath: string | undefined;
  utcTimeCreated: string | undefined;
  modelUuid: string | undefined;
  modelSizeBytes: number | undefined;
  mlflowVersion: string | undefined;
  metadata: Record<string, unknown> | undefined;
  savedInputExampleInfo: InputExampleInfo | undefined;
  /** The registered version this copy came from (`registered_model_meta`), for `models:/<name>/…` URIs. */
  registeredModelVersion: number | undefined;
}

/** What the MLmodel of the model at `uri` says (local path, runs:/, models:/). */
export async function getModelInfo(uri: string, options: DownloadOptions = {}): Promise<ModelInfo> {
  const dir = await downloadModel(uri, options);
  const mlmodel = await readMLmodel(dir);
  return {
    modelUri: uri,
    flavors: mlmodel.flavors,
    signature: parseSignature(mlmodel.signature),
    modelId: mlmodel.modelId,
    runId: mlmodel.runId,
    artifactPath: mlmodel.artifactPath,
    utcTimeCreated: mlmodel.utcTimeCreated,
    modelUuid: mlmodel.modelUuid,
    modelSizeBytes: mlmodel.modelSizeBytes,
    mlflowVersion: mlmodel.mlflowVersion,
    metadata: mlmodel.metadata,
    savedInputExampleInfo: mlmodel.savedInputExampleInfo,
    registeredModelVersion: await registeredVersion(dir),
  };
}

async function registeredVersion(dir: string): Promise<number | undefined> {
  const file = join(dir, REGISTERED_MODEL_META_FILE);
  if (!existsSync(file)) return undefined;
  const meta = parse(await readFile(file, 'utf8')) as { model_version?: unknown } | null;
  const version = Number(meta?.model_version);
  return Number.isInteger(version) ? version : undefined;
}

/**
 * The predictions `/invocations` would answer for `payload` (a JSON body, as text or parsed); throws
 * the LoomError (BAD_REQUEST...) the scoring server would answer with otherwise.
 */
export async function validateServingInput(
  uri: string,
  payload: string | Record<string, unknown>,
  options: DownloadOptions & LoadOptions = {},
): Promise<unknown> {
  const request = parseJsonRequest(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const model = await loadModelDir(await downloadModel(uri, options), { batching: false, ...options });
  try {
    return await model.predict(request.input, request.params);
  } catch (err) {
    throw predictionFailure(err).error;
  } finally {
    await model.close();
  }
}
