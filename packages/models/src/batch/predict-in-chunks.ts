/**
 * Batch scoring (`loom models predict`): one parsed request scored a chunk of rows at a time so a big
 * file shows progress and never becomes one giant tensor, the chunks' predictions joined back into the
 * answer a single `/invocations` call would give.
 */
import { invalidParameter } from '@loom/protocol';
import type { Model } from '../load-model';
import type { DataFrame, ModelInput, NdArray } from '../model-input';
import type { ScoringRequest } from '../serve/parse-request';

export interface ChunkOptions {
  /** Rows per prediction (default 1000). */
  chunkRows?: number;
  /** Called after each chunk with the rows scored so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Rows in `input`: a frame's rows, or a tensor's first dimension (1 for a scalar). */
export function inputRows(input: ModelInput): number {
  if (input.kind === 'dataframe') return input.frame.rowCount;
  if (input.kind === 'tensor') return input.array.shape[0] ?? 1;
  const first = Object.values(input.arrays)[0];
  return first?.shape[0] ?? 1;
}

/** Rows `start` up to `end` of `input`. */
export function sliceInput(input: ModelInput, start: number, end: number): ModelInput {
  if (input.kind === 'dataframe') return { kind: 'dataframe', frame: sliceFrame(input.frame, start, end) };
  if (input.kind === 'tensor') return { kind: 'tensor', array: sliceRows(input.array, start, end) };
  const arrays = Object.fromEntries(
    Object.entries(input.arrays).map(([name, a]) => [name, sliceRows(a, start, end)]),
  );
  return { kind: 'tensors', arrays };
}

function sliceFrame(frame: DataFrame, start: number, end: number): DataFrame {
  const values = new Map([...frame.values].map(([c, v]) => [c, v.slice(start, end)]));
  return { columns: frame.columns, values, rowCount: Math.min(end, frame.rowCount) - start };
}

function sliceRows(array: NdArray, start: number, end: number): NdArray {
  const [rows = 1, ...rest] = array.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const stop = Math.min(end, rows);
  return { shape: [stop - start, ...rest], data: array.data.slice(start * width, stop * width) };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Joins chunk predictions: lists end to end, dicts of lists key by key. */
export function joinPredictions(parts: unknown[]): unknown {
  if (parts.length === 1) return parts[0];
  if (parts.every(Array.isArray)) return parts.flat(1);
  if (parts.every(isRecord)) {
    const keys = Object.keys(parts[0]!);
    if (parts.every((p) => keys.every((k) => Array.isArray(p[k])))) {
      return Object.fromEntries(keys.map((k) => [k, parts.flatMap((p) => p[k] as unknown[])]));
    }
  }
  throw invalidParameter(
    'The model does not answer one prediction per input row, so its chunks cannot be joined; ' +
      'score the whole input at once with a larger --batch-size',
  );
}

/** Scores `request` on `model` in chunks of rows; the result is what one `predict` call returns. */
export async function predictInChunks(
  model: Model,
  request: ScoringRequest,
  { chunkRows = 1000, onProgress }: ChunkOptions = {},
): Promise<unknown> {
  const total = inputRows(request.input);
  const params = request.params ?? undefined;
  onProgress?.(0, total); // starts the clock for the rate
  // A scalar or an empty input is one prediction, as the scoring server would make it.
  if (total <= chunkRows || total === 0) {
    const predictions = await model.predict(request.input, params);
    onProgress?.(total, total);
    return predictions;
  }
  const parts: unknown[] = [];
  for (let start = 0; start < total; start += chunkRows) {
    const end = Math.min(total, start + chunkRows);
    parts.push(await model.predict(sliceInput(request.input, start, end), params));
    onProgress?.(end, total);
  }
  return joinPredictions(parts);
}
