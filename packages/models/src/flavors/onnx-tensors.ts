/** Between JSON-shaped arrays and onnxruntime tensors: typed buffers in, plain numbers out. */
import * as ort from 'onnxruntime-node';
import { invalidParameter } from '@loom/protocol';
import { numericCells, type NdArray } from '../model-input';

type TensorType = ort.Tensor.Type;

/** An onnxruntime tensor of `type` holding `array` (values already cast by the signature, if any). */
export function toOrtTensor(array: NdArray, type: TensorType, input: string): ort.Tensor {
  const { data, shape } = array;
  const numbers = () => numericCells(data, `${type} for ONNX input '${input}'`);
  switch (type) {
    case 'float32':
      return new ort.Tensor(type, Float32Array.from(numbers()), shape);
    case 'float64':
      return new ort.Tensor(type, Float64Array.from(numbers()), shape);
    case 'int32':
      return new ort.Tensor(type, Int32Array.from(numbers()), shape);
    case 'int16':
      return new ort.Tensor(type, Int16Array.from(numbers()), shape);
    case 'int8':
      return new ort.Tensor(type, Int8Array.from(numbers()), shape);
    case 'uint8':
      return new ort.Tensor(type, Uint8Array.from(numbers()), shape);
    case 'uint16':
      return new ort.Tensor(type, Uint16Array.from(numbers()), shape);
    case 'uint32':
      return new ort.Tensor(type, Uint32Array.from(numbers()), shape);
    case 'int64':
    case 'uint64': {
      const ints = numbers().map((n) => {
        if (!Number.isInteger(n))
          throw invalidParameter(`Can not convert ${n} to ${type} for ONNX input '${input}'`);
        return BigInt(n);
      });
      return new ort.Tensor(
        type,
        type === 'int64' ? BigInt64Array.from(ints) : BigUint64Array.from(ints),
        shape,
      );
    }
    case 'bool':
      return new ort.Tensor(type, Uint8Array.from(data.map((v) => (v ? 1 : 0))), shape);
    case 'string':
      return new ort.Tensor(
        type,
        data.map((v) => String(v)),
        shape,
      );
    default:
      throw invalidParameter(`ONNX input '${input}' has type ${type}, which Loom cannot feed from JSON`);
  }
}

/** A tensor's values as JSON-ready numbers/booleans/strings, flat. */
export function plainValues(tensor: ort.Tensor): unknown[] {
  const data = tensor.data as ArrayLike<unknown>;
  if (tensor.type === 'int64' || tensor.type === 'uint64')
    return Array.from(data as ArrayLike<bigint>, Number);
  if (tensor.type === 'bool') return Array.from(data as ArrayLike<number>, Boolean);
  return Array.from(data);
}

/** Concatenates tensors of one type along the first dimension. */
export function concatRows(tensors: ort.Tensor[]): ort.Tensor {
  const first = tensors[0]!;
  if (tensors.length === 1) return first;
  const rows = tensors.reduce((n, t) => n + t.dims[0]!, 0);
  const dims = [rows, ...first.dims.slice(1)];
  if (first.type === 'string') {
    return new ort.Tensor(
      'string',
      tensors.flatMap((t) => t.data as string[]),
      dims,
    );
  }
  const Ctor = (first.data as unknown as { constructor: new (n: number) => Float32Array }).constructor;
  const out = new Ctor(tensors.reduce((n, t) => n + t.size, 0));
  let at = 0;
  for (const t of tensors) {
    out.set(t.data as Float32Array, at);
    at += t.size;
  }
  return new ort.Tensor(first.type, out as never, dims);
}

/** Splits a tensor along the first dimension into pieces of `rows[i]` rows. */
export function splitRows(tensor: ort.Tensor, rows: number[]): ort.Tensor[] {
  const stride = tensor.dims.slice(1).reduce((a, b) => a * b, 1);
  let at = 0;
  return rows.map((n) => {
    const start = at * stride;
    at += n;
    const data = tensor.data as Float32Array | string[];
    const part = Array.isArray(data) ? data.slice(start, at * stride) : data.subarray(start, at * stride);
    return new ort.Tensor(tensor.type, part as never, [n, ...tensor.dims.slice(1)]);
  });
}
