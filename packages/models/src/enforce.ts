/**
 * Input enforcement: a request's input checked and cast against the signature before `predict`, as
 * MLflow's pyfunc does. Column schemas give a data frame of the declared columns, each value coerced
 * to its type; tensor schemas give one tensor or named tensors cast to their dtype with the declared
 * shape. Failures are INVALID_PARAMETER_VALUE and name the column or input.
 */
import { invalidParameter } from '@loom/protocol';
import type { DataFrame, ModelInput, NdArray } from './model-input';
import type { ColumnSpec, ParamSpec, Schema, TensorSpec } from './signature';

const describe = (v: unknown) => (typeof v === 'string' ? `'${v.slice(0, 40)}'` : JSON.stringify(v));
const list = (names: string[]) => `[${names.map((n) => `'${n}'`).join(', ')}]`;

/** The input the model's `predict` receives; unchanged when there is no input schema. */
export function enforceInput(input: ModelInput, schema: Schema | undefined): ModelInput {
  if (!schema) return input;
  return schema.kind === 'columns'
    ? enforceColumns(input, schema.specs)
    : enforceTensors(input, schema.specs);
}

// ---- column schemas -------------------------------------------------------------------------------

function asFrame(input: ModelInput, specs: ColumnSpec[]): DataFrame {
  if (input.kind === 'dataframe') return input.frame;
  if (input.kind === 'tensors') {
    const columns = Object.keys(input.arrays);
    const rowCount = input.arrays[columns[0]!]?.shape[0] ?? 0;
    const values = new Map<string, unknown[]>();
    for (const c of columns) {
      const a = input.arrays[c]!;
      if (a.shape.length > 1 || (a.shape[0] ?? 1) !== rowCount) {
        throw invalidParameter(`Input '${c}' must be a list of ${rowCount} values to become a column`);
      }
      values.set(c, a.shape.length === 0 ? [a.data[0]] : a.data);
    }
    return { columns, values, rowCount: columns.length ? Math.max(rowCount, 1) : 0 };
  }
  // A bare tensor: rows of values in the schema's column order.
  const { shape, data } = input.array;
  const names = specs.map((s, i) => s.name ?? String(i));
  const width = shape.length === 1 ? 1 : shape[1];
  if (shape.length > 2 || width !== names.length) {
    throw invalidParameter(
      `The input tensor has shape ${JSON.stringify(shape)} but the model expects ${names.length} columns ${list(names)}`,
    );
  }
  const rowCount = shape[0] ?? 0;
  const values = new Map(
    names.map((n, j) => [n, Array.from({ length: rowCount }, (_, r) => data[r * width + j])]),
  );
  return { columns: names, values, rowCount };
}

function enforceColumns(input: ModelInput, specs: ColumnSpec[]): ModelInput {
  const frame = asFrame(input, specs);
  const names = specs.map((s, i) => s.name ?? String(i));
  // Unnamed columns (dataframe_split without `columns`, CSV without our names) bind by position.
  const byPosition = frame.columns.length === specs.length && !names.some((n) => frame.values.has(n));
  const missing = specs.filter(
    (s, i) => s.required && !frame.values.has(byPosition ? frame.columns[i]! : names[i]!),
  );
  if (missing.length) {
    const extra = frame.columns.filter((c) => !names.includes(c));
    throw invalidParameter(
      `Model is missing inputs ${list(missing.map((s, i) => s.name ?? String(i)))}.` +
        (extra.length ? ` Note that there were extra inputs: ${list(extra)}` : ''),
    );
  }
  const values = new Map<string, unknown[]>();
  const columns: string[] = [];
  specs.forEach((spec, i) => {
    const source = frame.values.get(byPosition ? frame.columns[i]! : names[i]!);
    if (!source) return;
    columns.push(names[i]!);
    values.set(
      names[i]!,
      source.map((v) => coerceCell(v, spec, names[i]!)),
    );
  });
  return { kind: 'dataframe', frame: { columns, values, rowCount: frame.rowCount } };
}

function incompatible(name: string, type: string, v: unknown): Error {
  return invalidParameter(
    `Incompatible input types for column '${name}'. Can not safely convert ${describe(v)} to ${type}.`,
  );
}

/** One cell cast to its column type (MLflow's safe conversions only). */
export function coerceCell(v: unknown, spec: ColumnSpec, name: string): unknown {
  if (v === null || v === undefined) {
    if (spec.required && spec.type !== 'float' && spec.type !== 'double') {
      throw invalidParameter(`Column '${name}' is required but has a missing value`);
    }
    return spec.type === 'float' || spec.type === 'double' ? Number.NaN : null;
  }
  switch (spec.type) {
    case 'integer':
    case 'long':
      if (typeof v === 'number' && Number.isInteger(v)) {
        if (spec.type === 'integer' && (v > 2147483647 || v < -2147483648))
          throw incompatible(name, 'int32', v);
        return v;
      }
      throw incompatible(name, spec.type === 'integer' ? 'int32' : 'int64', v);
    case 'float':
    case 'double':
      if (typeof v === 'number') return v;
      throw incompatible(name, spec.type === 'float' ? 'float32' : 'float64', v);
    case 'boolean':
      if (typeof v === 'boolean') return v;
      throw incompatible(name, 'bool', v);
    case 'string':
      if (typeof v === 'string') return v;
      throw incompatible(name, 'string', v);
    case 'binary':
      if (typeof v === 'string') return Buffer.from(v, 'base64');
      throw incompatible(name, 'binary (base64)', v);
    case 'datetime': {
      const t = typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
      if (t && !Number.isNaN(t.getTime())) return t;
      throw incompatible(name, 'datetime', v);
    }
    default:
      return v; // nested types (array, object, map, any) are passed through as JSON
  }
}

// ---- tensor schemas -------------------------------------------------------------------------------

/** The row matrix of a frame: shape [rows, columns] (plus the cells' own dims when they are lists). */
function frameMatrix(frame: DataFrame): NdArray {
  const data: unknown[] = [];
  for (let r = 0; r < frame.rowCount; r++) for (const c of frame.columns) data.push(frame.values.get(c)![r]);
  return { shape: [frame.rowCount, frame.columns.length], data };
}

function enforceTensors(input: ModelInput, specs: TensorSpec[]): ModelInput {
  const named = specs.every((s) => s.name !== undefined);
  if (!named || specs.length === 1) {
    const spec = specs[0]!;
    if (specs.length > 1) throw invalidParameter('Unnamed tensor inputs: the schema must have exactly one');
    let array: NdArray | undefined;
    if (input.kind === 'tensor') array = input.array;
    else if (input.kind === 'dataframe') {
      const col = spec.name !== undefined ? input.frame.values.get(spec.name) : undefined;
      array =
        col && input.frame.columns.length === 1
          ? { shape: [col.length], data: col }
          : frameMatrix(input.frame);
    } else {
      const keys = Object.keys(input.arrays);
      array = spec.name !== undefined ? input.arrays[spec.name] : undefined;
      if (!array && keys.length === 1) array = input.arrays[keys[0]!];
      if (!array) throw invalidParameter(`Model is missing inputs ${list([spec.name ?? '0'])}`);
    }
    const label = spec.name ?? '';
    const cast = castTensor(array, spec, label);
    return spec.name !== undefined
      ? { kind: 'tensors', arrays: { [spec.name]: cast } }
      : { kind: 'tensor', array: cast };
  }
  // Several named inputs: a dict of tensors, or one column of the frame per input.
  let arrays: Record<string, NdArray>;
  if (input.kind === 'tensors') arrays = input.arrays;
  else if (input.kind === 'dataframe') {
    arrays = {};
    for (const c of input.frame.columns) arrays[c] = columnArray(input.frame.values.get(c)!, c);
  } else {
    throw invalidParameter(
      `Model has ${specs.length} named inputs ${list(specs.map((s) => s.name!))}: send them by name, not as one tensor`,
    );
  }
  const missing = specs.filter((s) => !(s.name! in arrays)).map((s) => s.name!);
  if (missing.length) throw invalidParameter(`Model is missing inputs ${list(missing)}`);
  const out: Record<string, NdArray> = {};
  for (const s of specs) out[s.name!] = castTensor(arrays[s.name!]!, s, s.name!);
  return { kind: 'tensors', arrays: out };
}

/** A frame column as a tensor: [rows], or [rows, ...] when its cells are lists. */
function columnArray(cells: unknown[], name: string): NdArray {
  if (!Array.isArray(cells[0])) return { shape: [cells.length], data: cells };
  const inner = (cells[0] as unknown[]).length;
  const data: unknown[] = [];
  for (const c of cells) {
    if (!Array.isArray(c) || c.length !== inner)
      throw invalidParameter(`Column '${name}' has lists of different lengths`);
    data.push(...(c as unknown[]));
  }
  return { shape: [cells.length, inner], data };
}

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** Checks a tensor's shape against the spec and casts each value to its dtype (numpy's casts). */
export function castTensor(array: NdArray, spec: TensorSpec, label: string): NdArray {
  const { shape } = array;
  const fits = shape.length === spec.shape.length && spec.shape.every((d, i) => d === -1 || d === shape[i]);
  // A single example for a batch model: numpy would reject it too, but a 1-D row for a [-1, n]
  // model is what clients send most; MLflow reshapes only through the frame path, so we do not.
  if (!fits) {
    throw invalidParameter(
      `Shape of input ${label ? `'${label}' ` : ''}${JSON.stringify(shape)} does not match expected shape ${JSON.stringify(spec.shape)}`,
    );
  }
  const dtype = spec.dtype;
  if (dtype.startsWith('float')) {
    return { shape, data: array.data.map((v) => toFloat(v, label, dtype)) };
  }
  const range = INT_RANGES[dtype];
  if (range) {
    return {
      shape,
      data: array.data.map((v) => {
        const n = typeof v === 'boolean' ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < range[0] || n > range[1]) {
          throw invalidParameter(
            `Can not convert ${describe(v)} to ${dtype}${label ? ` for input '${label}'` : ''}`,
          );
        }
        return n;
      }),
    };
  }
  if (dtype === 'bool') {
    return {
      shape,
      data: array.data.map((v) => {
        if (typeof v === 'boolean') return v;
        if (v === 0 || v === 1) return v === 1;
        throw invalidParameter(
          `Can not convert ${describe(v)} to bool${label ? ` for input '${label}'` : ''}`,
        );
      }),
    };
  }
  return array; // str, object, bytes: the values as sent
}

function toFloat(v: unknown, label: string, dtype: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  if (v === null) return Number.NaN;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw invalidParameter(`Can not convert ${describe(v)} to ${dtype}${label ? ` for input '${label}'` : ''}`);
}

// ---- params ---------------------------------------------------------------------------------------

/** Params checked against the params schema, defaults filled; undeclared params are dropped. */
export function enforceParams(
  params: Record<string, unknown> | undefined,
  specs: ParamSpec[] | undefined,
): Record<string, unknown> | undefined {
  if (!specs) return params && Object.keys(params).length ? params : undefined;
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = params && spec.name in params ? params[spec.name] : spec.default;
    out[spec.name] = spec.shape ? checkParamList(value, spec) : coerceParam(value, spec);
  }
  return out;
}

function checkParamList(value: unknown, spec: ParamSpec): unknown {
  if (value === null) return value;
  if (!Array.isArray(value)) throw invalidParameter(`Param '${spec.name}' must be a list of ${spec.type}`);
  return value.map((v) => coerceParam(v, spec));
}

function coerceParam(value: unknown, spec: ParamSpec): unknown {
  if (value === null || value === undefined) return null;
  const column: ColumnSpec = { kind: 'column', name: spec.name, type: spec.type, required: true, raw: {} };
  try {
    return coerceCell(value, column, spec.name);
  } catch {
    throw invalidParameter(`Param '${spec.name}' must be of type ${spec.type}, got ${describe(value)}`);
  }
}
