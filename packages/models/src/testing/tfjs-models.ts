/**
 * TF.js models built at test time (no binaries in the repository), with one set of fixed weights and
 * a plain-JS reference: `relu(x[4] · W1 + b1) · W2 + b2 → softmax` over 3 classes. As a tfjs-layers
 * Sequential model, and as graph models written the way `tensorflowjs_converter` writes a GraphDef
 * (JSON nodes, weights as Const nodes filled from the manifest), one of them with two inputs.
 */
import type { io } from '@tensorflow/tfjs-core';
import { loadTfjs } from '../flavors/tfjs-runtime';
import { saveTfjsModel } from '../flavors/tfjs-save';
import { tensor } from '../signature';

const IN = 4;
const HIDDEN = 8;
const OUT = 3;
// Fixed, varied weights: reproducible without a seeded RNG.
const W1 = Array.from({ length: IN * HIDDEN }, (_, i) => (((i * 7) % 11) - 5) / 4);
const B1 = Array.from({ length: HIDDEN }, (_, i) => (i % 3) / 10 - 0.1);
const W2 = Array.from({ length: HIDDEN * OUT }, (_, i) => (((i * 5) % 9) - 4) / 3);
const B2 = [0.25, -0.25, 0.1];

/** The MLP's logits in plain JS for one row of 4 features. */
export function tfjsLogitsReference(row: readonly number[]): number[] {
  const h = B1.map((b, j) =>
    Math.max(
      0,
      row.reduce((s, v, i) => s + v * W1[i * HIDDEN + j]!, b),
    ),
  );
  return B2.map((b, k) => h.reduce((s, v, j) => s + v * W2[j * OUT + k]!, b));
}

/** The MLP's class probabilities (softmax of the logits) in plain JS. */
export function tfjsMlpReference(row: readonly number[]): number[] {
  const logits = tfjsLogitsReference(row);
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** The MLP as a tfjs-layers Sequential model (Dense 4→8 relu, Dense 8→3 softmax) with the fixed weights. */
export async function tfjsLayersMlp() {
  const { tf, layers } = await loadTfjs();
  const model = layers.sequential({
    layers: [
      layers.layers.dense({ inputShape: [IN], units: HIDDEN, activation: 'relu', name: 'hidden' }),
      layers.layers.dense({ units: OUT, activation: 'softmax', name: 'probs' }),
    ],
  });
  model.setWeights([
    tf.tensor2d(W1, [IN, HIDDEN]),
    tf.tensor1d(B1),
    tf.tensor2d(W2, [HIDDEN, OUT]),
    tf.tensor1d(B2),
  ]);
  return model;
}

/** A tensor signature: float32 [-1, 4] in, float32 [-1, 3] out. */
const MLP_SIGNATURE = {
  inputs: { kind: 'tensors' as const, specs: [tensor(undefined, 'float32', [-1, IN])] },
  outputs: { kind: 'tensors' as const, specs: [tensor(undefined, 'float32', [-1, OUT])] },
};

/** One example row of the MLP. */
export const TFJS_EXAMPLE = [[5.1, 3.5, 1.4, 0.2]];

/** Saves the layers MLP with `saveTfjsModel` (tensor signature, input example) and returns `dir`. */
export async function saveTfjsLayersMlp(dir: string): Promise<string> {
  const model = await tfjsLayersMlp();
  await saveTfjsModel(dir, model, {
    signature: MLP_SIGNATURE,
    inputExample: { kind: 'ndarray', value: TFJS_EXAMPLE },
  });
  model.dispose();
  return dir;
}

type Attr = Record<string, unknown>;
const FLOAT = { type: 'DT_FLOAT' };
const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const placeholder = (name: string, shape: number[]) => ({
  name,
  op: 'Placeholder',
  attr: { dtype: FLOAT, shape: { shape: dims(shape) } },
});
// A Const whose value tensorflowjs_converter moved into the weights manifest (matched by node name).
const weight = (name: string, shape: number[]) => ({
  name,
  op: 'Const',
  attr: { dtype: FLOAT, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(shape) } } },
});
const node = (name: string, op: string, input: string[], attr: Attr = {}) => ({
  name,
  op,
  input,
  attr: { T: FLOAT, ...attr },
});

/** The MLP's layers after its input `x`: MatMul/BiasAdd/Relu/MatMul/BiasAdd/Softmax. */
function mlpNodes(x: string) {
  const noTranspose = { transpose_a: { b: false }, transpose_b: { b: false } };
  return [
    weight('W1', [IN, HIDDEN]),
    weight('b1', [HIDDEN]),
    weight('W2', [HIDDEN, OUT]),
    weight('b2', [OUT]),
    node('h0', 'MatMul', [x, 'W1'], noTranspose),
    node('h1', 'BiasAdd', ['h0', 'b1']),
    node('h', 'Relu', ['h1']),
    node('y0', 'MatMul', ['h', 'W2'], noTranspose),
    node('logits', 'BiasAdd', ['y0', 'b2']),
    node('probs', 'Softmax', ['logits']),
  ];
}

/** The weight specs and bytes for the MLP's Const nodes, plus `extra` ones (e.g. an int32 axis). */
function mlpWeights(extra: io.WeightsManifestEntry[] = [], extraValues: number[] = []) {
  const parts: [string, number[], number[]][] = [
    ['W1', [IN, HIDDEN], W1],
    ['b1', [HIDDEN], B1],
    ['W2', [HIDDEN, OUT], W2],
    ['b2', [OUT], B2],
  ];
  const floats = Float32Array.from(parts.flatMap(([, , values]) => values));
  const bytes = new Uint8Array(floats.byteLength + extraValues.length * 4);
  bytes.set(new Uint8Array(floats.buffer));
  bytes.set(new Uint8Array(Int32Array.from(extraValues).buffer), floats.byteLength);
  const specs: io.WeightsManifestEntry[] = parts.map(([name, shape]) => ({ name, shape, dtype: 'float32' }));
  return { weightSpecs: [...specs, ...extra], weightData: bytes.buffer };
}

/** The MLP as a graph model: input `x` [-1, 4], output `probs` [-1, 3]. */
export function tfjsGraphMlp(): io.ModelArtifacts {
  return {
    format: 'graph-model',
    generatedBy: 'loom-tests',
    convertedBy: 'loom-tests (GraphDef written by hand)',
    modelTopology: { node: [placeholder('x', [-1, IN]), ...mlpNodes('x')], versions: { producer: 1482 } },
    ...mlpWeights(),
  };
}

/**
 * A two-input, two-output graph model: `a` [-1, 2] and `b` [-1, 2] joined into the MLP's 4 features,
 * answering `probs` and `logits`, named by a converter-style `signature`.
 */
export function tfjsGraphTwoInputs(): io.ModelArtifacts {
  const spec = (name: string, shape: number[]) => ({ name, dtype: 'DT_FLOAT', tensorShape: dims(shape) });
  return {
    format: 'graph-model',
    generatedBy: 'loom-tests',
    convertedBy: 'loom-tests (GraphDef written by hand)',
    modelTopology: {
      node: [
        placeholder('a', [-1, 2]),
        placeholder('b', [-1, 2]),
        {
          name: 'axis',
          op: 'Const',
          attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: {} } } },
        },
        node('x', 'ConcatV2', ['a', 'b', 'axis'], { N: { i: '2' }, Tidx: { type: 'DT_INT32' } }),
        ...mlpNodes('x'),
      ],
      versions: { producer: 1482 },
    },
    signature: {
      inputs: { a: spec('a:0', [-1, 2]), b: spec('b:0', [-1, 2]) },
      outputs: { probs: spec('probs:0', [-1, OUT]), logits: spec('logits:0', [-1, OUT]) },
    },
    // The converter keeps every Const's value in the manifest, the concat axis too.
    ...mlpWeights([{ name: 'axis', shape: [], dtype: 'int32' }], [1]),
  };
}

/**
 * The MLP graph plus an output TF.js runs only asynchronously: `positive`, the [row, column] indices
 * of the inputs above zero (`Where`, a dynamic op), so its first dimension is not per row.
 */
export function tfjsGraphDynamic(): io.ModelArtifacts {
  const base = tfjsGraphMlp();
  const topology = base.modelTopology as { node: unknown[] };
  const zero = { name: 'zero', shape: [], dtype: 'float32' as const };
  const bytes = new Uint8Array(base.weightData as ArrayBuffer);
  const withZero = new Uint8Array(bytes.byteLength + 4);
  withZero.set(bytes);
  return {
    ...base,
    modelTopology: {
      ...topology,
      node: [
        ...topology.node,
        weight('zero', []),
        { name: 'above', op: 'Greater', input: ['x', 'zero'], attr: { T: FLOAT } },
        { name: 'positive', op: 'Where', input: ['above'], attr: { T: { type: 'DT_BOOL' } } },
      ],
    },
    weightSpecs: [...base.weightSpecs!, zero],
    weightData: withZero.buffer,
  };
}

/** Saves a graph model (the MLP by default) with `saveTfjsModel` and returns `dir`. */
export async function saveTfjsGraphModel(dir: string, artifacts = tfjsGraphMlp()): Promise<string> {
  await saveTfjsModel(dir, artifacts);
  return dir;
}
