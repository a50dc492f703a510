/**
 * ONNX graphs built in TypeScript for tests and benchmarks (no binaries in the repository): a linear
 * model and a small MLP, with plain-JS references to check predictions against.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}

function encode(graph: onnxProto.onnx.IGraphProto): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'loom-tests',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Linear weights: y = x · LINEAR_W + LINEAR_B for x of 3 features. */
export const LINEAR_W = [1, 2, 3];
export const LINEAR_B = 0.5;

/** `y[batch] = x[batch, 3] · w + b`. */
export function linearGraph(): Uint8Array {
  return encode({
    name: 'linear',
    node: [
      { opType: 'MatMul', input: ['x', 'w'], output: ['xw'] },
      { opType: 'Add', input: ['xw', 'b'], output: ['y'] },
    ],
    initializer: [
      { name: 'w', dataType: FLOAT, dims: [3], floatData: LINEAR_W },
      { name: 'b', dataType: FLOAT, dims: [], floatData: [LINEAR_B] },
    ],
    input: [valueInfo('x', ['batch', 3])],
    output: [valueInfo('y', ['batch'])],
  });
}

/** The linear model in plain JS (float32 rounding aside). */
export function linearReference(row: number[]): number {
  return row.reduce((s, v, i) => s + v * LINEAR_W[i]!, LINEAR_B);
}

const IN = 4;
const HIDDEN = 8;
const OUT = 2;
// Fixed, varied weights: reproducible without a seeded RNG.
const W1 = Array.from({ length: IN * HIDDEN }, (_, i) => (((i * 7) % 11) - 5) / 4);
const B1 = Array.from({ length: HIDDEN }, (_, i) => (i % 3) / 10 - 0.1);
const W2 = Array.from({ length: HIDDEN * OUT }, (_, i) => (((i * 5) % 9) - 4) / 3);
const B2 = [0.25, -0.25];

/** The first layer's weights as raw little-endian float32: what an external-data file holds. */
export function mlpExternalWeights(): Uint8Array {
  return new Uint8Array(Float32Array.from(W1).buffer);
}

/**
 * `y[batch, 2] = relu(x[batch, 4] · W1 + b1) · W2 + b2`. With `externalFile`, W1 is not in the graph
 * but in that file beside it (`mlpExternalWeights()`), as MLflow's `save_as_external_data` writes.
 */
export function mlpGraph(externalFile?: string): Uint8Array {
  const w1 = externalFile
    ? {
        name: 'W1',
        dataType: FLOAT,
        dims: [IN, HIDDEN],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: externalFile },
          { key: 'offset', value: '0' },
          { key: 'length', value: String(IN * HIDDEN * 4) },
        ],
      }
    : { name: 'W1', dataType: FLOAT, dims: [IN, HIDDEN], floatData: W1 };
  return encode({
    name: 'mlp',
    node: [
      { opType: 'MatMul', input: ['x', 'W1'], output: ['h0'] },
      { opType: 'Add', input: ['h0', 'b1'], output: ['h1'] },
      { opType: 'Relu', input: ['h1'], output: ['h'] },
      { opType: 'MatMul', input: ['h', 'W2'], output: ['y0'] },
      { opType: 'Add', input: ['y0', 'b2'], output: ['y'] },
    ],
    initializer: [
      w1,
      { name: 'b1', dataType: FLOAT, dims: [HIDDEN], floatData: B1 },
      { name: 'W2', dataType: FLOAT, dims: [HIDDEN, OUT], floatData: W2 },
      { name: 'b2', dataType: FLOAT, dims: [OUT], floatData: B2 },
    ],
    input: [valueInfo('x', ['batch', IN])],
    output: [valueInfo('y', ['batch', OUT])],
  });
}

/** The MLP in plain JS for one row of 4 features. */
export function mlpReference(row: number[]): number[] {
  const h = B1.map((b, j) =>
    Math.max(
      0,
      row.reduce((s, v, i) => s + v * W1[i * HIDDEN + j]!, b),
    ),
  );
  return B2.map((b, k) => h.reduce((s, v, j) => s + v * W2[j * OUT + k]!, b));
}
