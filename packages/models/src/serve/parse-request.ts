/**
 * The scoring protocol's request bodies turned into a `ModelInput`: JSON with exactly one of
 * `dataframe_split`, `dataframe_records`, `instances`, `inputs` (plus optional `params`), or CSV with
 * a header row. Malformed bodies are BAD_REQUEST, with MLflow's messages.
 */
import { LoomError } from '@loom/protocol';
import { frameFromRows, toNdArray, type ModelInput, type NdArray } from '../model-input';
import type { Schema } from '../signature';
import { parseCsv } from './csv';

export interface ScoringRequest {
  input: ModelInput;
  params?: Record<string, unknown> | undefined;
}

const FIELDS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

const bad = (message: string) => new LoomError('BAD_REQUEST', message);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a JSON request body (the text). */
export function parseJsonRequest(text: string): ScoringRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bad(
      'Invalid input. Ensure that input is a valid JSON formatted string, e.g. ' +
        '{"dataframe_split": {"columns": ["a"], "data": [[1]]}}',
    );
  }
  if (!isRecord(body))
    throw bad(
      `Invalid input. The input must be a JSON dictionary, got ${Array.isArray(body) ? 'a list' : typeof body}`,
    );
  const present = FIELDS.filter((f) => f in body);
  if (present.length !== 1) {
    throw bad(
      `The input must be a JSON dictionary with exactly one of the input fields {${FIELDS.map((f) => `'${f}'`).join(', ')}}. ` +
        `Received dictionary with input fields: [${Object.keys(body)
          .map((k) => `'${k}'`)
          .join(', ')}].`,
    );
  }
  const params = body.params;
  if (params !== undefined && params !== null && !isRecord(params))
    throw bad('`params` must be a JSON dictionary');
  const field = present[0]!;
  const value = body[field];
  const input =
    field === 'dataframe_split'
      ? dataframeSplit(value)
      : field === 'dataframe_records'
        ? dataframeRecords(value)
        : field === 'instances'
          ? instances(value)
          : inputs(value);
  return { input, params: params ?? undefined };
}

function dataframeSplit(value: unknown): ModelInput {
  if (!isRecord(value)) throw bad('`dataframe_split` must be a JSON dictionary with a `data` list');
  const extra = Object.keys(value).filter((k) => !['columns', 'data', 'index'].includes(k));
  if (extra.length)
    throw bad(`\`dataframe_split\` has unknown keys [${extra.join(', ')}]; allowed: columns, data, index`);
  const { data, columns } = value;
  if (!Array.isArray(data)) throw bad('`dataframe_split.data` must be a list of rows');
  const rows = data.map((row) => (Array.isArray(row) ? row : [row]));
  const width = rows[0]?.length ?? 0;
  if (
    columns !== undefined &&
    (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string' && typeof c !== 'number'))
  ) {
    throw bad('`dataframe_split.columns` must be a list of names');
  }
  const names = columns ? columns.map(String) : Array.from({ length: width }, (_, i) => String(i));
  return { kind: 'dataframe', frame: frameFromRows(names, rows) };
}

function dataframeRecords(value: unknown): ModelInput {
  if (!Array.isArray(value)) throw bad('`dataframe_records` must be a list of records');
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const rec of value) {
    if (!isRecord(rec)) throw bad('Each item of `dataframe_records` must be a JSON dictionary');
    for (const k of Object.keys(rec)) {
      if (seen.has(k)) continue;
      seen.add(k);
      columns.push(k);
    }
  }
  const rows = value.map((rec: Record<string, unknown>) => columns.map((c) => rec[c] ?? null));
  return { kind: 'dataframe', frame: frameFromRows(columns, rows) };
}

/** TF-serving row format: a list of objects becomes named columns, anything else one tensor. */
function instances(value: unknown): ModelInput {
  if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) {
    const names = Object.keys(value[0] as Record<string, unknown>);
    const arrays: Record<string, NdArray> = {};
    for (const name of names) {
      const column = value.map((row: Record<string, unknown>) => {
        if (!(name in row)) throw bad(`Every instance must have the same keys; one lacks '${name}'`);
        return row[name];
      });
      arrays[name] = toNdArray(column, `'${name}'`);
    }
    return { kind: 'tensors', arrays };
  }
  return { kind: 'tensor', array: toNdArray(value, '`instances`') };
}

/** TF-serving columnar format: a dict of named tensors, or one tensor. */
function inputs(value: unknown): ModelInput {
  if (isRecord(value)) {
    const arrays: Record<string, NdArray> = {};
    for (const [name, v] of Object.entries(value)) arrays[name] = toNdArray(v, `'${name}'`);
    return { kind: 'tensors', arrays };
  }
  return { kind: 'tensor', array: toNdArray(value, '`inputs`') };
}

/** Parses a CSV body with a header row; cells become numbers unless the schema says otherwise. */
export function parseCsvRequest(text: string, schema: Schema | undefined): ScoringRequest {
  let table: string[][];
  try {
    table = parseCsv(text);
  } catch (err) {
    throw bad(`Failed to parse input as a CSV table: ${(err as Error).message}`);
  }
  const [header, ...rows] = table;
  if (!header) throw bad('Failed to parse input as a CSV table: it is empty');
  const typeOf = new Map<string, string>();
  if (schema?.kind === 'columns') schema.specs.forEach((s) => s.name && typeOf.set(s.name, s.type));
  const cells = rows.map((row, r) => {
    if (row.length !== header.length) {
      throw bad(
        `Failed to parse input as a CSV table: row ${r + 1} has ${row.length} fields, expected ${header.length}`,
      );
    }
    return row.map((cell, i) => csvCell(cell, typeOf.get(header[i]!)));
  });
  return { input: { kind: 'dataframe', frame: frameFromRows(header, cells) } };
}

/** A CSV cell typed the way pandas infers it, or as the schema's column type asks. */
function csvCell(cell: string, type: string | undefined): unknown {
  if (cell === '') return null;
  if (type === 'string' || type === 'binary' || type === 'datetime') return cell;
  if (type === 'boolean' || (type === undefined && /^(true|false)$/i.test(cell))) {
    return /^true$/i.test(cell) ? true : /^false$/i.test(cell) ? false : cell;
  }
  const n = Number(cell);
  return cell.trim() !== '' && !Number.isNaN(n) ? n : cell;
}
