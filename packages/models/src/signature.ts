/**
 * Model signatures (MLmodel `signature`): column specs, tensor specs and the params schema, parsed
 * from and written to MLflow's JSON strings.
 */
import { invalidParameter } from '@loom/protocol';
import type { StoredSignature } from './mlmodel';
import { pyJson } from './py-json';

/** A column of a data frame. `type` is a scalar dtype or a nested one (array, object, map, any). */
export interface ColumnSpec {
  kind: 'column';
  name?: string | undefined;
  type: string;
  required: boolean;
  /** The spec as written (nested types keep their `items`/`properties`/`values` here). */
  raw: Record<string, unknown>;
}

/** A tensor: a numpy dtype and a shape where -1 is a free dimension. */
export interface TensorSpec {
  kind: 'tensor';
  name?: string | undefined;
  dtype: string;
  shape: number[];
}

/** A schema is all columns or all tensors. */
export type Schema = { kind: 'columns'; specs: ColumnSpec[] } | { kind: 'tensors'; specs: TensorSpec[] };

/** One inference parameter with its default. */
export interface ParamSpec {
  name: string;
  type: string;
  default: unknown;
  shape: number[] | null;
}

export interface Signature {
  inputs?: Schema | undefined;
  outputs?: Schema | undefined;
  params?: ParamSpec[] | undefined;
}

/** The scalar column types MLflow knows. */
export const COLUMN_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'];
const NESTED_TYPES = ['array', 'object', 'map', 'any', 'sparkml_vector'];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseList(json: string, what: string): unknown[] {
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    throw invalidParameter(`The signature's ${what} are not valid JSON`);
  }
  if (!Array.isArray(list)) throw invalidParameter(`The signature's ${what} must be a JSON list`);
  return list;
}

/** Parses one schema (a JSON list of specs); all-column or all-tensor. */
export function parseSchema(json: string, what = 'inputs'): Schema {
  const specs = parseList(json, what).map((raw, i): ColumnSpec | TensorSpec => {
    if (!isRecord(raw) || typeof raw.type !== 'string') {
      throw invalidParameter(`Spec ${i} of the signature's ${what} has no type`);
    }
    const name = typeof raw.name === 'string' ? raw.name : undefined;
    if (raw.type === 'tensor') {
      const ts = raw['tensor-spec'];
      if (!isRecord(ts) || typeof ts.dtype !== 'string' || !Array.isArray(ts.shape)) {
        throw invalidParameter(
          `Tensor spec ${i} of the signature's ${what} needs tensor-spec.dtype and shape`,
        );
      }
      return { kind: 'tensor', name, dtype: ts.dtype, shape: ts.shape.map(Number) } satisfies TensorSpec;
    }
    if (!COLUMN_TYPES.includes(raw.type) && !NESTED_TYPES.includes(raw.type)) {
      throw invalidParameter(`Unknown column type '${raw.type}' in the signature's ${what}`);
    }
    return {
      kind: 'column',
      name,
      type: raw.type,
      required: raw.required !== false,
      raw,
    } satisfies ColumnSpec;
  });
  const tensors = specs.filter((s): s is TensorSpec => s.kind === 'tensor');
  if (tensors.length === specs.length) return { kind: 'tensors', specs: tensors };
  if (tensors.length > 0) throw invalidParameter(`The signature's ${what} mix column and tensor specs`);
  return { kind: 'columns', specs: specs as ColumnSpec[] };
}

/** Parses the params schema. */
export function parseParams(json: string): ParamSpec[] {
  return parseList(json, 'params').map((raw, i) => {
    if (!isRecord(raw) || typeof raw.name !== 'string' || typeof raw.type !== 'string') {
      throw invalidParameter(`Param spec ${i} needs a name and a type`);
    }
    const shape = Array.isArray(raw.shape) ? raw.shape.map(Number) : null;
    return { name: raw.name, type: raw.type, default: raw.default ?? null, shape };
  });
}

/** The typed signature of an MLmodel `signature` block. */
export function parseSignature(stored: StoredSignature | undefined): Signature | undefined {
  if (!stored) return undefined;
  return {
    inputs: stored.inputs ? parseSchema(stored.inputs, 'inputs') : undefined,
    outputs: stored.outputs ? parseSchema(stored.outputs, 'outputs') : undefined,
    params: stored.params ? parseParams(stored.params) : undefined,
  };
}

function specJson(spec: ColumnSpec | TensorSpec): Record<string, unknown> {
  if (spec.kind === 'tensor') {
    const out: Record<string, unknown> = { type: 'tensor' };
    if (spec.name !== undefined) out.name = spec.name;
    out['tensor-spec'] = { dtype: spec.dtype, shape: spec.shape };
    return out;
  }
  return {
    ...spec.raw,
    type: spec.type,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    required: spec.required,
  };
}

/** The MLmodel form of a signature: JSON strings, as MLflow writes them. */
export function storeSignature(signature: Signature): StoredSignature {
  const schema = (s: Schema | undefined) => (s ? pyJson(s.specs.map(specJson)) : undefined);
  return {
    inputs: schema(signature.inputs),
    outputs: schema(signature.outputs),
    params: signature.params ? pyJson(signature.params) : null,
  };
}

/** Shorthand for building column specs in code: `column('x', 'double')`. */
export function column(name: string, type: string, required = true): ColumnSpec {
  return { kind: 'column', name, type, required, raw: {} };
}

/** Shorthand for building tensor specs in code: `tensor('x', 'float32', [-1, 4])`. */
export function tensor(name: string | undefined, dtype: string, shape: number[]): TensorSpec {
  return { kind: 'tensor', name, dtype, shape };
}
