/**
 * Request schemas with protobuf-JSON decoding rules, as MLflow's server applies them:
 * snake_case or lowerCamelCase names, int64 as number or decimal string, enums by name or number,
 * doubles as numbers or "NaN"/"Infinity"/"-Infinity", unknown fields ignored, null = absent.
 */
import { invalidParameter } from './errors';

type Scalar =
  | { kind: 'string' }
  | { kind: 'int64' }
  | { kind: 'int32' }
  | { kind: 'double' }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[]; numbers: Readonly<Record<number, string>> }
  | { kind: 'message'; fields: Fields }
  | { kind: 'custom'; decode: (value: unknown, path: () => string) => unknown };

/** One field of a request message. `P` says whether the decoded value is always present. */
export interface Field<T, P extends boolean = boolean> {
  readonly type: Scalar;
  readonly repeated: boolean;
  readonly isRequired: boolean;
  readonly present: P;
  /** Type carrier only; never set at run time. */
  readonly __value?: T;
}

export type Fields = Readonly<Record<string, Field<unknown>>>;

type ValueOf<F> = F extends Field<infer T, boolean> ? T : never;
type PresentKeys<F extends Fields> = { [K in keyof F]: F[K]['present'] extends true ? K : never }[keyof F];
type OptionalKeys<F extends Fields> = Exclude<keyof F, PresentKeys<F>>;

/** The decoded TypeScript type of a message schema. */
export type Infer<F extends Fields> = { [K in PresentKeys<F>]: ValueOf<F[K]> } & {
  [K in OptionalKeys<F>]?: ValueOf<F[K]>;
};

/** A field that may still be made required or repeated. */
export interface FieldBuilder<T> extends Field<T, false> {
  /** Rejects the request when absent or "" (MLflow's "required" rule). */
  required(): Field<T, true>;
  /** A repeated field; decodes to an array, empty when absent. */
  list(): Field<T[], true>;
}

function build<T>(type: Scalar): FieldBuilder<T> {
  return {
    type,
    repeated: false,
    isRequired: false,
    present: false,
    required() {
      return { type, repeated: false, isRequired: true, present: true };
    },
    list() {
      return { type, repeated: true, isRequired: false, present: true };
    },
  };
}

/** Field constructors. */
export const f = {
  string: () => build<string>({ kind: 'string' }),
  int64: () => build<number>({ kind: 'int64' }),
  int32: () => build<number>({ kind: 'int32' }),
  double: () => build<number>({ kind: 'double' }),
  bool: () => build<boolean>({ kind: 'bool' }),
  /** An enum given by name or number; `numbers` maps proto numbers to names. */
  enum: <const V extends readonly string[]>(values: V, numbers: Readonly<Record<number, V[number]>>) =>
    build<V[number]>({ kind: 'enum', values, numbers }),
  message: <F extends Fields>(fields: F) => build<Infer<F>>({ kind: 'message', fields }),
  /**
   * A message decoded by a hand-written function, for hot paths (log-batch's metrics). It must
   * accept and reject exactly what `message` with the same fields would; a test holds them together.
   */
  custom: <T>(decode: (value: unknown, path: () => string) => T) => build<T>({ kind: 'custom', decode }),
};

const HELP = 'See the API docs for more information about request parameters.';

function pyType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'object') return 'dict';
  return typeof value;
}

// An error message quotes the bad value; a huge or absurdly nested one is cut, not echoed whole.
const MAX_QUOTED_VALUE = 1000;

/** The bad value as JSON for an error message: at most MAX_QUOTED_VALUE characters, never a throw. */
function quoteValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Nesting deeper than the stack (or a value JSON cannot write): name its type instead.
    text = `<${pyType(value)}>`;
  }
  return text.length > MAX_QUOTED_VALUE ? `${text.slice(0, MAX_QUOTED_VALUE)}...` : text;
}

/** Throws MLflow's "Invalid value … for parameter" error. */
export function invalid(path: string, value: unknown): never {
  throw invalidParameter(
    `Invalid value ${quoteValue(value)} for parameter '${path}' supplied: ` +
      `Hint: Value was of type '${pyType(value)}'. ${HELP}`,
  );
}

/** Throws MLflow's "Missing value for required parameter" error. */
export function missing(path: string): never {
  throw invalidParameter(`Missing value for required parameter '${path}'. ${HELP}`);
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const INT_TEXT = /^-?\d+$/;

const INT64_LIMIT = 2 ** 63;

/**
 * An int64 from a JSON number or decimal string; undefined when it is not one, or not in int64's
 * range as the double it becomes (so 2^63 - 1, which rounds to 2^63, is refused too): such a value
 * cannot be stored, and PostgreSQL refused it only at the write, as an internal error.
 */
export function int64Value(value: unknown): number | undefined {
  let n: number | undefined;
  if (typeof value === 'number') n = Number.isInteger(value) ? value : undefined;
  else if (typeof value === 'string' && INT_TEXT.test(value.trim())) n = Number(value.trim());
  return n !== undefined && n < INT64_LIMIT && n >= -INT64_LIMIT ? n : undefined;
}

/** A double from a JSON number, a numeric string or "NaN"/"Infinity"/"-Infinity"; else undefined. */
export function doubleValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity' || value === 'inf') return Infinity;
    if (value === '-Infinity' || value === '-inf') return -Infinity;
    const n = Number(value);
    if (value.trim() !== '' && !Number.isNaN(n)) return n;
  }
  return undefined;
}

/** A field with its lowerCamelCase alias, computed once per schema (log-batch decodes 1000s of messages). */
interface Entry {
  name: string;
  alias: string | undefined;
  field: Field<unknown>;
}

const compiled = new WeakMap<Fields, Entry[]>();

function entriesOf(fields: Fields): Entry[] {
  let entries = compiled.get(fields);
  if (!entries) {
    entries = Object.entries(fields).map(([name, field]) => {
      const alias = camel(name);
      return { name, alias: alias === name ? undefined : alias, field };
    });
    compiled.set(fields, entries);
  }
  return entries;
}

/**
 * Where a value sits in the request, for error messages only: kept as parts (no string or closure
 * per field, which log-batch would pay 8,000 times a request) and joined when an error is raised.
 */
interface Where {
  parent: Where | undefined;
  name: string;
  index: number;
}

function pathOf(where: Where | undefined): string {
  if (!where) return '';
  const parent = pathOf(where.parent);
  const own = parent ? `${parent}.${where.name}` : where.name;
  return where.index >= 0 ? `${own}[${where.index}]` : own;
}

function decodeScalar(
  type: Scalar,
  value: unknown,
  parent: Where | undefined,
  name: string,
  index: number,
  fromQuery: boolean,
): unknown {
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      return invalid(pathOf({ parent, name, index }), value);
    case 'int64':
    case 'int32': {
      const n = int64Value(value);
      if (n === undefined) return invalid(pathOf({ parent, name, index }), value);
      if (type.kind === 'int32' && (n > 2147483647 || n < -2147483648))
        return invalid(pathOf({ parent, name, index }), value);
      return n;
    }
    case 'double': {
      const n = doubleValue(value);
      if (n === undefined) return invalid(pathOf({ parent, name, index }), value);
      return n;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (fromQuery && typeof value === 'string') {
        const lower = value.toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
      }
      return invalid(pathOf({ parent, name, index }), value);
    case 'enum':
      if (typeof value === 'string' && type.values.includes(value)) return value;
      if (typeof value === 'number' && type.numbers[value] !== undefined) return type.numbers[value];
      if (typeof value === 'string' && INT_TEXT.test(value) && type.numbers[Number(value)] !== undefined)
        return type.numbers[Number(value)];
      return invalid(pathOf({ parent, name, index }), value);
    case 'custom':
      return type.decode(value, () => pathOf({ parent, name, index }));
    case 'message':
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return invalid(pathOf({ parent, name, index }), value);
      return decodeFields(type.fields, value as Record<string, unknown>, { parent, name, index }, false);
  }
}

function decodeFields(
  fields: Fields,
  input: Record<string, unknown>,
  parent: Where | undefined,
  fromQuery: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, alias, field } of entriesOf(fields)) {
    let raw = input[name];
    if (raw === undefined && alias !== undefined) raw = input[alias];
    if (raw === null) raw = undefined;
    if (field.repeated) {
      if (raw === undefined) {
        out[name] = [];
        continue;
      }
      const items = Array.isArray(raw)
        ? raw
        : fromQuery
          ? [raw]
          : invalid(pathOf({ parent, name, index: -1 }), raw);
      const list = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) {
        list[i] = decodeScalar(field.type, items[i], parent, name, i, fromQuery);
      }
      out[name] = list;
      continue;
    }
    if (fromQuery && Array.isArray(raw)) raw = raw[raw.length - 1];
    if (raw === undefined || (field.isRequired && raw === '')) {
      if (field.isRequired) missing(pathOf({ parent, name, index: -1 }));
      continue;
    }
    out[name] = decodeScalar(field.type, raw, parent, name, -1, fromQuery);
  }
  return out;
}

/** Decodes a JSON request body (already parsed) against a message schema. */
export function decodeJson<F extends Fields>(fields: F, body: unknown): Infer<F> {
  const input = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  return decodeFields(fields, input as Record<string, unknown>, undefined, false) as Infer<F>;
}

/** Decodes a GET query string (repeated keys are lists) against a message schema. */
export function decodeQuery<F extends Fields>(fields: F, query: URLSearchParams): Infer<F> {
  const input: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    input[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return decodeFields(fields, input, undefined, true) as Infer<F>;
}
