/**
 * Tensors on the JavaScript side of TF.js: JSON cells cast into typed buffers before a run (so a bad
 * cell fails only its own request), rows stacked and split for micro-batching, values back out.
 */
import { invalidParameter } from '@loom/protocol';
import { numericCells, type NdArray } from '../model-input';

/** The dtypes a TF.js model input can have. */
export type TfjsDtype = 'float32' | 'int32' | 'bool' | 'string';

/** A tensor's values outside TF.js, in row-major order. */
export interface HostTensor {
  dtype: TfjsDtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | string[];
}

/** `array` as a host tensor of `dtype` for the model input `input`. */
export function toHostTensor(array: NdArray, dtype: string, input: string): HostTensor {
  const { data, shape } = array;
  const target = `${dtype} for TF.js input '${input}'`;
  switch (dtype) {
    case 'float32':
      return { dtype, shape, data: Float32Array.from(numericCells(data, target)) };
    case 'int32':
      return { dtype, shape, data: Int32Array.from(numericCells(data, target)) };
    case 'bool':
      return { dtype, shape, data: Uint8Array.from(data, (v) => (v ? 1 : 0)) };
    case 'string':
      return { dtype, shape, data: data.map((v) => String(v)) };
    default:
      throw invalidParameter(`TF.js input '${input}' has dtype ${dtype}, which Loom cannot feed from JSON`);
  }
}

/** Values as JSON-ready numbers/booleans/strings, flat. */
export function plainValues(tensor: HostTensor): unknown[] {
  if (tensor.dtype === 'bool') return Array.from(tensor.data as Uint8Array, Boolean);
  return Array.from(tensor.data as ArrayLike<unknown>);
}

/** Tensors of one dtype and trailing shape stacked along the first dimension. */
export function concatRows(tensors: readonly HostTensor[]): HostTensor {
  const first = tensors[0]!;
  if (tensors.length === 1) return first;
  const shape = [tensors.reduce((n, t) => n + t.shape[0]!, 0), ...first.shape.slice(1)];
  if (Array.isArray(first.data)) {
    return { dtype: first.dtype, shape, data: tensors.flatMap((t) => t.data as string[]) };
  }
  const Ctor = first.data.constructor as new (n: number) => Float32Array;
  const out = new Ctor(tensors.reduce((n, t) => n + t.data.length, 0));
  let at = 0;
  for (const t of tensors) {
    out.set(t.data as Float32Array, at);
    at += t.data.length;
  }
  return { dtype: first.dtype, shape, data: out };
}

/** Splits a tensor along the first dimension into pieces of `rows[i]` rows. */
export function splitRows(tensor: HostTensor, rows: readonly number[]): HostTensor[] {
  const stride = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
  let at = 0;
  return rows.map((n) => {
    const start = at * stride;
    at += n;
    const data = Array.isArray(tensor.data)
      ? tensor.data.slice(start, at * stride)
      : tensor.data.subarray(start, at * stride);
    return { dtype: tensor.dtype, shape: [n, ...tensor.shape.slice(1)], data };
  });
}

/** Whether two feeds may share one run: same inputs, dtypes and every dimension but the first. */
export function sameTrailingDims(a: Record<string, HostTensor>, b: Record<string, HostTensor>): boolean {
  for (const [name, t] of Object.entries(a)) {
    const u = b[name];
    if (!u || u.dtype !== t.dtype || u.shape.length !== t.shape.length || t.shape.length === 0) return false;
    for (let i = 1; i < t.shape.length; i++) if (u.shape[i] !== t.shape[i]) return false;
  }
  return true;
}
