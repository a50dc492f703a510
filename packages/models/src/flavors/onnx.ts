/**
 * The `onnx` flavor through onnxruntime-node, laid out as MLflow's `mlflow.onnx` writes it
 * (`model.onnx` + MLmodel with `onnx` and `python_function` flavors), so a model exported to ONNX from
 * scikit-learn or PyTorch and logged by Python MLflow is served here with no Python, and a model saved
 * here loads in Python MLflow.
 *
 * Feeds follow `mlflow.onnx`'s pyfunc wrapper: named tensors by input name; one tensor to the only
 * input; a data frame as its value matrix for a one-input graph, else one column per input. Values
 * are cast to each graph input's element type. Data-frame input answers records (one column per
 * output, flattened); tensor input answers `{output: nested list}`.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { invalidParameter } from '@loom/protocol';
import type { FlavorConfig } from '../mlmodel';
import { frameMatrix, toNested, type ModelInput } from '../model-input';
import type { FlavorLoader, LoadedModel, LoadOptions } from './flavor';
import { MicroBatcher } from './micro-batcher';
import { concatRows, plainValues, splitRows, toOrtTensor } from './onnx-tensors';

type Feeds = Record<string, ort.Tensor>;
type Outputs = Record<string, ort.Tensor>;

const isTensorMeta = (m: ort.InferenceSession.ValueMetadata): m is ort.InferenceSession.TensorValueMetadata =>
  m.isTensor;

/** MLflow's `onnx_session_options` mapped onto onnxruntime-node's session options. */
export function sessionOptions(config: FlavorConfig): ort.InferenceSession.SessionOptions {
  const raw = (config.onnx_session_options ?? {}) as Record<string, unknown>;
  // One thread, no spinning, unless the model asks otherwise: the requests the server handles are
  // small, and an idle thread pool spinning between runs takes the CPU the HTTP side needs.
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  if (typeof raw.intra_op_num_threads === 'number') options.intraOpNumThreads = raw.intra_op_num_threads;
  if (typeof raw.inter_op_num_threads === 'number') options.interOpNumThreads = raw.inter_op_num_threads;
  if (raw.execution_mode === 'PARALLEL') options.executionMode = 'parallel';
  const level = raw.graph_optimization_level;
  if (typeof level === 'number') {
    options.graphOptimizationLevel =
      (['disabled', 'basic', 'extended', 'all'] as const)[Math.min(level, 3)] ?? 'all';
  }
  return options;
}

class OnnxModel implements LoadedModel {
  readonly flavor = 'onnx';
  private readonly inputs: ort.InferenceSession.TensorValueMetadata[];
  private readonly batcher: MicroBatcher<Feeds, Outputs> | undefined;

  constructor(
    private readonly session: ort.InferenceSession,
    batching: boolean,
  ) {
    this.inputs = session.inputMetadata.filter(isTensorMeta);
    // Rows can be stacked only when every input has a free first dimension.
    const stackable = this.inputs.every((m) => m.shape.length > 0 && typeof m.shape[0] !== 'number');
    this.batcher =
      batching && stackable
        ? new MicroBatcher(
            (jobs) => this.runStacked(jobs),
            (a, b) => sameTrailingDims(a, b),
          )
        : undefined;
  }

  async predict(input: ModelInput): Promise<unknown> {
    const feeds = this.feeds(input);
    const outputs = this.batcher ? await this.batcher.submit(feeds) : await this.session.run(feeds);
    const names = this.session.outputNames;
    if (input.kind === 'dataframe') return outputRecords(names, outputs);
    return Object.fromEntries(names.map((n) => [n, toNested(outputs[n]!.dims, plainValues(outputs[n]!))]));
  }

  /** Runs several requests as one: rows stacked, outputs split back; alone if outputs are not per row. */
  private async runStacked(jobs: Feeds[]): Promise<Outputs[]> {
    if (jobs.length === 1) return [await this.session.run(jobs[0]!)];
    const rows = jobs.map((f) => Object.values(f)[0]!.dims[0]!);
    const total = rows.reduce((a, b) => a + b, 0);
    const stacked: Feeds = {};
    for (const name of Object.keys(jobs[0]!)) stacked[name] = concatRows(jobs.map((f) => f[name]!));
    const out = await this.session.run(stacked);
    if (Object.values(out).some((t) => t.dims[0] !== total)) {
      return Promise.all(jobs.map((f) => this.session.run(f)));
    }
    const parts = Object.fromEntries(Object.entries(out).map(([n, t]) => [n, splitRows(t, rows)]));
    return jobs.map((_, i) => Object.fromEntries(Object.keys(parts).map((n) => [n, parts[n]![i]!])));
  }

  private feeds(input: ModelInput): Feeds {
    const inputs = this.inputs;
    if (input.kind === 'tensors') {
      const feeds: Feeds = {};
      const names = Object.keys(input.arrays);
      // One graph input and one tensor under another name (a signature's name): feed it anyway.
      if (inputs.length === 1 && names.length === 1 && names[0] !== inputs[0]!.name) {
        return { [inputs[0]!.name]: toOrtTensor(input.arrays[names[0]!]!, inputs[0]!.type, inputs[0]!.name) };
      }
      for (const meta of inputs) {
        const array = input.arrays[meta.name];
        if (!array) throw invalidParameter(`The ONNX model needs input '${meta.name}', which is missing`);
        feeds[meta.name] = toOrtTensor(array, meta.type, meta.name);
      }
      return feeds;
    }
    if (input.kind === 'tensor') {
      if (inputs.length !== 1) {
        throw invalidParameter(
          `The ONNX model has ${inputs.length} inputs (${inputs.map((m) => m.name).join(', ')}): send a dict of named tensors`,
        );
      }
      return { [inputs[0]!.name]: toOrtTensor(input.array, inputs[0]!.type, inputs[0]!.name) };
    }
    const frame = input.frame;
    if (inputs.length === 1) {
      const meta = inputs[0]!;
      return { [meta.name]: toOrtTensor(frameMatrix(frame, meta.shape.length), meta.type, meta.name) };
    }
    const feeds: Feeds = {};
    for (const meta of inputs) {
      const column = frame.values.get(meta.name);
      if (!column) throw invalidParameter(`The ONNX model needs a column '${meta.name}', which is missing`);
      const shape = meta.shape.length === 2 ? [column.length, 1] : [column.length];
      feeds[meta.name] = toOrtTensor({ shape, data: column }, meta.type, meta.name);
    }
    return feeds;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** MLflow's data-frame answer: one column per output, each output flattened. */
function outputRecords(names: readonly string[], outputs: Outputs): Record<string, unknown>[] {
  const columns = names.map((n) => plainValues(outputs[n]!));
  const rows = Math.max(0, ...columns.map((c) => c.length));
  return Array.from({ length: rows }, (_, r) =>
    Object.fromEntries(names.map((n, i) => [n, columns[i]![r] ?? null])),
  );
}

function sameTrailingDims(a: Feeds, b: Feeds): boolean {
  for (const [name, t] of Object.entries(a)) {
    const u = b[name];
    if (!u || u.type !== t.type || u.dims.length !== t.dims.length) return false;
    for (let i = 1; i < t.dims.length; i++) if (u.dims[i] !== t.dims[i]) return false;
  }
  return true;
}

/** Where the graph file is: the onnx flavor's `data`, `model.onnx` by default. */
export function onnxFile(dir: string, config: FlavorConfig): string {
  return join(dir, typeof config.data === 'string' ? config.data : 'model.onnx');
}

/** Loads `onnx` models (or pyfuncs whose loader is `mlflow.onnx`) into an onnxruntime session. */
export const onnxFlavor: FlavorLoader = {
  name: 'onnx',
  async load(dir: string, config: FlavorConfig, _mlmodel, options: LoadOptions): Promise<LoadedModel> {
    // By path, not bytes: MLflow saves large tensors as external data files beside model.onnx.
    const session = await ort.InferenceSession.create(onnxFile(dir, config), sessionOptions(config));
    return new OnnxModel(session, options.batching !== false);
  },
};
