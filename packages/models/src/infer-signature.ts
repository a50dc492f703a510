/**
 * `inferSignature(input, output?, params?)`, as `mlflow.models.infer_signature` infers one: data
 * frames (records, split frames, one record) give column specs; typed arrays and arrays of numbers
 * give tensor specs whose first dimension is -1 (the batch); params give the params schema with
 * their values as defaults. JavaScript numbers carry no width, so whole numbers read as `long` /
 * `int64` and others as `double` / `float64`; pass typed arrays for other tensor dtypes.
 */
import { invalidParameter } from '@loom/protocol';
import type { InputExample } from './model-files';
import type { ColumnSpec, ParamSpec, Schema, Signature, TensorSpec } from './signature';

type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** Example data: records, a split frame, one record, a tensor (typed or nested array) or named tensors. */
export type ExampleData =
  | Record<string, unknown>[]
  | { columns: string[]; data: unknown[][] }
  | Record<string, unknown>
  | TypedArray
  | unknown[];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Date);
const isTyped = (v: unknown): v is TypedArray => ArrayBuffer.isView(v) && !(v instanceof DataView);
const isSplit = (v: unknown): v is { columns: string[]; data: unknown[][] } =>
  isRecord(v) && Array.isArray(v.columns) && Array.isArray(v.data) && Object.keys(v).length === 2;

const TYPED_DTYPES: [new (n: number) => TypedArray, string][] = [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [Int8Array, 'int8'],
  [Int16Array, 'int16'],
  [Int32Array, 'int32'],
  [Uint8Array, 'uint8'],
  [Uint16Array, 'uint16'],
  [Uint32Array, 'uint32'],
  [BigInt64Array, 'int64'],
  [BigUint64Array, 'uint64'],
];

/** The dtype and shape of a typed array or a rectangular nested array of numbers; undefined otherwise. */
function tensorOf(value: unknown): { dtype: string; shape: number[] } | undefined {
  if (isTyped(value)) {
    // Buffer is a Uint8Array too, so instanceof (not the exact constructor) decides.
    return { dtype: TYPED_DTYPES.find(([ctor]) => value instanceof ctor)![1], shape: [value.length] };
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const inner = value.map((v) =>
    typeof v === 'number' ? { dtype: Number.isInteger(v) ? 'int64' : 'float64', shape: [] } : tensorOf(v),
  );
  if (inner.some((t) => t === undefined)) return undefined;
  const first = inner[0]!;
  if (inner.some((t) => t!.shape.join() !== first.shape.join())) return undefined;
  const dtypes = new Set(inner.map((t) => t!.dtype));
  const dtype =
    dtypes.size === 1
      ? first.dtype
      : [...dtypes].every((d) => d === 'int64' || d === 'float64')
        ? 'float64'
        : undefined;
  return dtype ? { dtype, shape: [value.length, ...first.shape] } : undefined;
}

/** A tensor spec with the batch dimension free. */
function tensorSpec(name: string | undefined, t: { dtype: string; shape: number[] }): TensorSpec {
  return { kind: 'tensor', name, dtype: t.dtype, shape: [-1, ...t.shape.slice(1)] };
}

/** The MLflow type of one value, as the JSON a column spec holds (`{type, items|properties}`). */
function typeOf(value: unknown, where: string): Record<string, unknown> {
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'long' : 'double' };
  if (typeof value === 'bigint') return { type: 'long' };
  if (typeof value === 'string') return { type: 'string' };
  if (value instanceof Date) return { type: 'datetime' };
  if (value instanceof Uint8Array) return { type: 'binary' };
  if (Array.isArray(value)) {
    const items = mergeAll(
      value.filter((v) => v !== null && v !== undefined).map((v) => typeOf(v, where)),
      where,
    );
    return { type: 'array', items: items ?? { type: 'any' } };
  }
  if (isRecord(value)) return { type: 'object', properties: propertiesOf([value], where) };
  throw invalidParameter(`Cannot infer a type for ${where}: unsupported value ${String(value)}`);
}

/** Merges the types of several values of one column (long and double make double). */
function merge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  where: string,
): Record<string, unknown> {
  if (a.type === b.type) {
    if (a.type === 'array')
      return {
        type: 'array',
        items: merge(a.items as Record<string, unknown>, b.items as Record<string, unknown>, where),
      };
    if (a.type === 'object') {
      const pa = a.properties as Record<string, Record<string, unknown>>;
      const pb = b.properties as Record<string, Record<string, unknown>>;
      const properties: Record<string, Record<string, unknown>> = {};
      for (const key of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
        const x = pa[key];
        const y = pb[key];
        properties[key] =
          x && y
            ? { ...merge(x, y, where), required: x.required !== false && y.required !== false }
            : { ...(x ?? y)!, required: false };
      }
      return { type: 'object', properties };
    }
    return a;
  }
  if (a.type === 'any') return b;
  if (b.type === 'any') return a;
  const numbers = new Set([a.type, b.type]);
  if (numbers.size === 2 && numbers.has('long') && numbers.has('double')) return { type: 'double' };
  throw invalidParameter(
    `Cannot infer one type for ${where}: it holds both ${String(a.type)} and ${String(b.type)} values`,
  );
}

function mergeAll(types: Record<string, unknown>[], where: string): Record<string, unknown> | undefined {
  return types.reduce<Record<string, unknown> | undefined>(
    (acc, t) => (acc ? merge(acc, t, where) : t),
    undefined,
  );
}

/** The properties of an object type from several objects: a key some lack is not required. */
function propertiesOf(
  objects: Record<string, unknown>[],
  where: string,
): Record<string, Record<string, unknown>> {
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))].sort();
  return Object.fromEntries(
    keys.map((k) => {
      const present = objects.map((o) => o[k]).filter((v) => v !== null && v !== undefined);
      const type = mergeAll(
        present.map((v) => typeOf(v, `${where}.${k}`)),
        `${where}.${k}`,
      ) ?? { type: 'any' };
      return [k, { ...type, required: present.length === objects.length }];
    }),
  );
}

/** Column specs of a frame given as column names and rows; a column with a missing value is optional. */
function columnSpecs(columns: string[], rows: unknown[][]): ColumnSpec[] {
  return columns.map((name, i) => {
    const present = rows.map((r) => r[i]).filter((v) => v !== null && v !== undefined);
    const raw = mergeAll(
      present.map((v) => typeOf(v, `column '${name}'`)),
      `column '${name}'`,
    ) ?? { type: 'any' };
    return { kind: 'column', name, type: raw.type as string, required: present.length === rows.length, raw };
  });
}

/** The data of an example as a frame (columns + rows), a tensor or named tensors. */
type Shaped =
  | { kind: 'frame'; columns: string[]; rows: unknown[][] }
  | { kind: 'tensor'; value: unknown }
  | { kind: 'tensors'; value: Record<string, unknown> }
  | { kind: 'list'; value: unknown[] };

function shape(data: ExampleData): Shaped {
  if (isSplit(data)) return { kind: 'frame', columns: data.columns, rows: data.data };
  if (tensorOf(data)) return { kind: 'tensor', value: data };
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every(isRecord)) {
      const records = data as Record<string, unknown>[];
      const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
      return { kind: 'frame', columns, rows: records.map((r) => columns.map((c) => r[c] ?? null)) };
    }
    return { kind: 'list', value: data };
  }
  if (isRecord(data)) {
    const values = Object.values(data);
    if (values.length > 0 && values.every((v) => tensorOf(v))) return { kind: 'tensors', value: data };
    const columns = Object.keys(data);
    return { kind: 'frame', columns, rows: [columns.map((c) => data[c])] };
  }
  throw invalidParameter('Cannot infer a schema: give records, a split frame, a record, or a (typed) array');
}

/** The schema of example data. */
export function inferSchema(data: ExampleData): Schema {
  const s = shape(data);
  if (s.kind === 'frame') return { kind: 'columns', specs: columnSpecs(s.columns, s.rows) };
  if (s.kind === 'tensor') return { kind: 'tensors', specs: [tensorSpec(undefined, tensorOf(s.value)!)] };
  if (s.kind === 'tensors') {
    return { kind: 'tensors', specs: Object.entries(s.value).map(([k, v]) => tensorSpec(k, tensorOf(v)!)) };
  }
  // A list of scalars (strings, booleans...) is one unnamed column, as MLflow infers a Python list.
  const present = s.value.filter((v) => v !== null && v !== undefined);
  const raw = mergeAll(
    present.map((v) => typeOf(v, 'the list')),
    'the list',
  ) ?? { type: 'any' };
  return { kind: 'columns', specs: [{ kind: 'column', type: raw.type as string, required: true, raw }] };
}

/** The params schema: each value is its param's default; arrays are 1-D params of their element type. */
export function inferParams(params: Record<string, unknown>): ParamSpec[] {
  return Object.entries(params).map(([name, value]) => {
    const list = Array.isArray(value);
    const items = list ? value : [value];
    const type = mergeAll(
      items.map((v) => typeOf(v, `param '${name}'`)),
      `param '${name}'`,
    )?.type;
    if (typeof type !== 'string' || type === 'array' || type === 'object') {
      throw invalidParameter(`Param '${name}' must be a scalar or a list of scalars`);
    }
    const dflt = value instanceof Date ? value.toISOString() : value;
    return { name, type, default: dflt, shape: list ? [-1] : null };
  });
}

/** A signature from example input, and optionally the model's output on it and inference params. */
export function inferSignature(
  input: ExampleData,
  output?: unknown,
  params?: Record<string, unknown>,
): Signature {
  return {
    inputs: inferSchema(input),
    outputs: output === undefined || output === null ? undefined : inferSchema(output as ExampleData),
    params: params && Object.keys(params).length ? inferParams(params) : undefined,
  };
}

/** True for an `InputExample` (kind-tagged) rather than raw example data. */
export function isInputExample(value: unknown): value is InputExample {
  return (
    isRecord(value) &&
    ((value.kind === 'dataframe' && Array.isArray(value.columns)) ||
      (value.kind === 'ndarray' && 'value' in value))
  );
}

/** Plain JSON of a tensor-like value (typed arrays become lists). */
function plain(value: unknown): unknown {
  if (isTyped(value))
    return Array.from(value as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? Number(v) : v));
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return value.toISOString();
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** The input example files' form of example data: a split frame, or `inputs` for tensors and lists. */
export function toInputExample(data: ExampleData | InputExample): InputExample {
  if (isInputExample(data)) return data;
  const s = shape(data);
  if (s.kind === 'frame') {
    // A frame's bytes are base64 in JSON, as MLflow writes binary columns.
    const cell = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : plain(v));
    return { kind: 'dataframe', columns: s.columns, data: s.rows.map((r) => r.map(cell)) };
  }
  return { kind: 'ndarray', value: plain(s.value) };
}

/** The example data an `InputExample` holds (what `inferSignature` reads). */
export function exampleData(example: InputExample): ExampleData {
  return example.kind === 'dataframe'
    ? { columns: example.columns, data: example.data }
    : (example.value as ExampleData);
}
