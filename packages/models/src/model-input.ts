/**
 * What a model is asked to predict on, between the wire and the flavor: a data frame (named columns),
 * one tensor, or named tensors — the three shapes MLflow's pyfunc passes to `predict`.
 */
import { LoomError, invalidParameter } from '@loom/protocol';

/** A rectangular nested array flattened: `data` in row-major order, `shape` its dimensions. */
export interface NdArray {
  shape: number[];
  data: unknown[];
}

/** Columns in order, values column by column (all of one length). */
export interface DataFrame {
  columns: string[];
  values: Map<string, unknown[]>;
  rowCount: number;
}

export type ModelInput =
  | { kind: 'dataframe'; frame: DataFrame }
  | { kind: 'tensor'; array: NdArray }
  | { kind: 'tensors'; arrays: Record<string, NdArray> };

/** A data frame from rows (lists of cells, in `columns` order). */
export function frameFromRows(columns: string[], rows: unknown[][]): DataFrame {
  const values = new Map<string, unknown[]>(columns.map((c) => [c, new Array<unknown>(rows.length)]));
  rows.forEach((row, r) => {
    if (row.length !== columns.length) {
      throw new LoomError(
        'BAD_REQUEST',
        `Row ${r} has ${row.length} values but there are ${columns.length} columns`,
      );
    }
    columns.forEach((c, i) => (values.get(c)![r] = row[i]));
  });
  return { columns, values, rowCount: rows.length };
}

/** Flattens a nested JSON array; BAD_REQUEST naming `what` when it is ragged. */
export function toNdArray(value: unknown, what: string): NdArray {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const data: unknown[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw ragged(what);
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw ragged(what);
    for (const item of v) walk(item, depth + 1);
  };
  walk(value, 0);
  return { shape, data };
}

const ragged = (what: string) =>
  new LoomError(
    'BAD_REQUEST',
    `The tensor for ${what} is ragged: every nested list must have the same length`,
  );

/** The nested JSON array of a flat array (the inverse of `toNdArray`). */
export function toNested(shape: readonly number[], data: ArrayLike<unknown>): unknown {
  if (shape.length === 0) return data[0];
  let at = 0;
  const build = (depth: number): unknown[] => {
    const n = shape[depth]!;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = depth === shape.length - 1 ? data[at++] : build(depth + 1);
    return out;
  };
  return build(0);
}

/** A frame as one matrix: [rows, columns], or [rows] for a rank-1 model input fed one column. */
export function frameMatrix(frame: DataFrame, rank: number): NdArray {
  const data: unknown[] = [];
  for (let r = 0; r < frame.rowCount; r++) for (const c of frame.columns) data.push(frame.values.get(c)![r]);
  const cols = frame.columns.length;
  return { shape: rank === 1 && cols === 1 ? [frame.rowCount] : [frame.rowCount, cols], data };
}

/**
 * Cells as numbers for a numeric tensor: booleans as 0/1, null as NaN, numeric strings parsed;
 * anything else is INVALID_PARAMETER_VALUE naming `target` (e.g. "float32 for ONNX input 'x'").
 */
export function numericCells(data: readonly unknown[], target: string): number[] {
  return data.map((v) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return Number(v);
    if (v === null) return Number.NaN;
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    throw invalidParameter(`Can not convert ${JSON.stringify(v)} to ${target}`);
  });
}
