/**
 * The `MLmodel` file: YAML naming a model's flavors, signature and provenance. Known keys are typed;
 * every other key is kept as read, so a rewrite never drops what a newer MLflow (or a plugin) wrote.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { invalidParameter } from '@loom/protocol';

/** One flavor's configuration, e.g. `{ loader_module: 'mlflow.onnx', data: 'model.onnx' }`. */
export type FlavorConfig = Record<string, unknown>;

/** The signature as stored: JSON strings (lists of specs), exactly as MLflow writes them. */
export interface StoredSignature {
  inputs?: string | undefined;
  outputs?: string | undefined;
  params?: string | null | undefined;
}

/** `saved_input_example_info`. */
export interface InputExampleInfo {
  artifact_path: string;
  type: string;
  pandas_orient?: string;
  serving_input_path?: string;
  [key: string]: unknown;
}

/** A parsed MLmodel. `rest` holds the keys this reader does not model, written back unchanged. */
export interface MLmodel {
  flavors: Record<string, FlavorConfig>;
  artifactPath?: string | undefined;
  runId?: string | undefined;
  modelId?: string | undefined;
  modelUuid?: string | undefined;
  utcTimeCreated?: string | undefined;
  mlflowVersion?: string | undefined;
  modelSizeBytes?: number | undefined;
  signature?: StoredSignature | undefined;
  savedInputExampleInfo?: InputExampleInfo | undefined;
  metadata?: Record<string, unknown> | undefined;
  rest: Record<string, unknown>;
}

/** The file name inside a model directory. */
export const MLMODEL_FILE = 'MLmodel';

// YAML key ↔ typed field; everything else goes to `rest`.
const KNOWN = {
  flavors: 'flavors',
  artifact_path: 'artifactPath',
  run_id: 'runId',
  model_id: 'modelId',
  model_uuid: 'modelUuid',
  utc_time_created: 'utcTimeCreated',
  mlflow_version: 'mlflowVersion',
  model_size_bytes: 'modelSizeBytes',
  signature: 'signature',
  saved_input_example_info: 'savedInputExampleInfo',
  metadata: 'metadata',
} as const satisfies Record<string, keyof MLmodel>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses MLmodel YAML; INVALID_PARAMETER_VALUE when it is not a mapping with a `flavors` mapping. */
export function parseMLmodel(text: string): MLmodel {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw invalidParameter(`MLmodel is not valid YAML: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw invalidParameter('MLmodel must be a YAML mapping');
  if (!isRecord(doc.flavors)) throw invalidParameter('MLmodel has no `flavors` mapping');
  const model: MLmodel = { flavors: {}, rest: {} };
  const typed = model as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(doc)) {
    const field = (KNOWN as Record<string, string>)[key];
    if (field === undefined) model.rest[key] = value;
    else if (value !== null) typed[field] = value;
  }
  for (const [name, config] of Object.entries(model.flavors)) {
    model.flavors[name] = isRecord(config) ? config : {};
  }
  return model;
}

/** MLmodel YAML for `model`: keys sorted as Python's `yaml.safe_dump` sorts them; null fields left out. */
export function stringifyMLmodel(model: MLmodel): string {
  const doc: Record<string, unknown> = { ...model.rest };
  const typed = model as unknown as Record<string, unknown>;
  for (const [key, field] of Object.entries(KNOWN)) {
    const value = typed[field];
    if (value !== undefined && value !== null) doc[key] = value;
  }
  // YAML 1.1 output quotes what PyYAML would read as another type (timestamps, yes/no).
  return stringify(sortKeys(doc), { lineWidth: 0, indentSeq: false, singleQuote: true, version: '1.1' });
}

/** A copy with every mapping's keys sorted, as PyYAML's `safe_dump` writes them. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

/** Reads `<dir>/MLmodel`; RESOURCE_DOES_NOT_EXIST-style message when the folder holds no model. */
export async function readMLmodel(dir: string): Promise<MLmodel> {
  let text: string;
  try {
    text = await readFile(join(dir, MLMODEL_FILE), 'utf8');
  } catch {
    throw invalidParameter(`No MLmodel file in '${dir}': it is not a model directory`);
  }
  return parseMLmodel(text);
}

/** Writes `<dir>/MLmodel`. */
export async function writeMLmodel(dir: string, model: MLmodel): Promise<void> {
  await writeFile(join(dir, MLMODEL_FILE), stringifyMLmodel(model));
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, the form MLflow stamps `utc_time_created` with. */
export function utcTimeCreated(now = new Date()): string {
  return `${now.toISOString().replace('T', ' ').replace('Z', '')}000`;
}
