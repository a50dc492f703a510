/**
 * What the UI shows of an `MLmodel` file (the registry's version page and the run page's artifact
 * preview): its flavors, its signature as rows of a table, where its input example is, and where the
 * model came from. Pure, so every odd shape MLflow has written over the years is testable.
 */
import { load } from 'js-yaml';

/** One input or output of a signature: a named column (or an unnamed tensor) and its type. */
export interface SignatureColumn {
  name: string | undefined;
  /** `double`, `array<string>`, `tensor float32 (-1, 28, 28)`, … */
  type: string;
  required: boolean;
}

/** One inference parameter of a signature (`signature.params`). */
export interface SignatureParam {
  name: string;
  type: string;
  /** The default as JSON text; `null` when MLflow wrote none. */
  defaultValue: string;
}

export interface ModelSignature {
  inputs: SignatureColumn[];
  outputs: SignatureColumn[];
  params: SignatureParam[];
}

export interface Flavor {
  name: string;
  /** Its scalar settings (loader module, library version, …); nested ones are summarised as JSON. */
  settings: { key: string; value: string }[];
}

export interface MLmodelSummary {
  flavors: Flavor[];
  signature: ModelSignature | undefined;
  /** Files that may hold an input example, most specific first. */
  inputExamplePaths: string[];
  mlflowVersion: string | undefined;
  createdAt: string | undefined;
  artifactPath: string | undefined;
  runId: string | undefined;
  modelUuid: string | undefined;
  sizeBytes: number | undefined;
  /** Parts that could not be read; the rest is still shown. */
  problems: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** Reads an MLmodel file; throws only when it is not YAML at all (or not a mapping). */
export function parseMLmodel(source: string): MLmodelSummary {
  const doc: unknown = load(source);
  if (!isObject(doc)) throw new Error('MLmodel is not a YAML mapping');
  const problems: string[] = [];
  const flavors = isObject(doc.flavors)
    ? Object.entries(doc.flavors).map(([name, body]) => ({ name, settings: flavorSettings(body) }))
    : [];
  let signature: ModelSignature | undefined;
  if (isObject(doc.signature)) {
    signature = {
      inputs: schemaPart(doc.signature.inputs, 'inputs', problems),
      outputs: schemaPart(doc.signature.outputs, 'outputs', problems),
      params: paramsPart(doc.signature.params, problems),
    };
  }
  return {
    flavors,
    signature,
    inputExamplePaths: inputExamplePaths(doc.saved_input_example_info),
    mlflowVersion: text(doc.mlflow_version),
    createdAt: text(doc.utc_time_created),
    artifactPath: text(doc.artifact_path),
    runId: text(doc.run_id),
    modelUuid: text(doc.model_uuid),
    sizeBytes: typeof doc.model_size_bytes === 'number' ? doc.model_size_bytes : undefined,
    problems,
  };
}

function flavorSettings(body: unknown): Flavor['settings'] {
  if (!isObject(body)) return [];
  return Object.entries(body)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([key, v]) => ({ key, value: text(v) ?? JSON.stringify(v) }));
}

/** MLflow writes each schema as a JSON string inside the YAML; older writers may inline the list. */
function jsonList(value: unknown, what: string, problems: string[]): unknown[] {
  if (value === null || value === undefined) return [];
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      problems.push(`signature ${what} is not valid JSON`);
      return [];
    }
  }
  if (!Array.isArray(list)) {
    problems.push(`signature ${what} is not a list`);
    return [];
  }
  return list;
}

function schemaPart(value: unknown, what: string, problems: string[]): SignatureColumn[] {
  return jsonList(value, what, problems)
    .filter(isObject)
    .map((spec) => ({
      name: text(spec.name),
      type: describeType(spec),
      // `required` arrived in MLflow 2.10; columns written before it were always required.
      required: spec.required !== false,
    }));
}

function paramsPart(value: unknown, problems: string[]): SignatureParam[] {
  return jsonList(value, 'params', problems)
    .filter(isObject)
    .map((spec) => ({
      name: text(spec.name) ?? '',
      type: describeType(spec) + (Array.isArray(spec.shape) ? ` ${shapeText(spec.shape)}` : ''),
      defaultValue: JSON.stringify(spec.default ?? null),
    }));
}

const shapeText = (shape: unknown[]): string => `(${shape.map((d) => String(d)).join(', ')})`;

/** A column or tensor spec's type as one readable phrase, recursing into arrays, objects and maps. */
export function describeType(spec: Json): string {
  const tensor = spec['tensor-spec'];
  if (spec.type === 'tensor' && isObject(tensor)) {
    const shape = Array.isArray(tensor.shape) ? ` ${shapeText(tensor.shape)}` : '';
    return `tensor ${text(tensor.dtype) ?? '?'}${shape}`;
  }
  if (spec.type === 'array') return `array<${isObject(spec.items) ? describeType(spec.items) : '?'}>`;
  if (spec.type === 'map') return `map<string, ${isObject(spec.values) ? describeType(spec.values) : '?'}>`;
  if (spec.type === 'object' && isObject(spec.properties)) {
    const fields = Object.entries(spec.properties).map(([key, prop]) => {
      const optional = isObject(prop) && prop.required === false ? '?' : '';
      return `${key}${optional}: ${isObject(prop) ? describeType(prop) : '?'}`;
    });
    return `object{${fields.join(', ')}}`;
  }
  return text(spec.type) ?? 'unknown';
}

/** The file MLflow recorded, then the names it uses by default (`serving_input_example.json` since 2.15). */
function inputExamplePaths(info: unknown): string[] {
  const paths: string[] = [];
  if (isObject(info)) {
    const recorded = text(info.artifact_path);
    if (recorded) paths.push(recorded);
    const serving = text(info.serving_input_path);
    if (serving) paths.push(serving);
  }
  paths.push('input_example.json', 'serving_input_example.json');
  return [...new Set(paths)];
}
