/**
 * The `tfjs` flavor: a TensorFlow.js layers model or graph model (`model.json` + weight shards, as
 * `tensorflowjs_converter` or `model.save` write them) run on TF.js's pure-JS cpu backend. MLflow has
 * no such flavor; docs/models.md describes the layout.
 *
 * Inputs map as in the ONNX flavor: named tensors by input name; one tensor to the only input; a data
 * frame as its value matrix for a one-input model, else one column per input. The answer is the
 * output as a nested list, or `{output: nested list}` when the model has several outputs.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { invalidParameter } from '@loom/protocol';
import type { FlavorConfig } from '../mlmodel';
import { frameMatrix, toNested, type ModelInput, type NdArray } from '../model-input';
import type { FlavorLoader, LoadedModel, LoadOptions } from './flavor';
import { MicroBatcher } from './micro-batcher';
import { directoryLoader, pathInside } from './tfjs-io';
import { loadTfjs, type Tfjs } from './tfjs-runtime';
import {
  concatRows,
  plainValues,
  sameTrailingDims,
  splitRows,
  toHostTensor,
  type HostTensor,
  type TfjsDtype,
} from './tfjs-tensors';

/** The formats a tfjs flavor's `model_format` names. */
export const TFJS_FORMATS = ['layers-model', 'graph-model'] as const;
export type TfjsFormat = (typeof TFJS_FORMATS)[number];

type Feeds = Record<string, HostTensor>;

interface InputMeta {
  name: string;
  /** null for a free dimension; undefined when the model does not say. */
  shape: (number | null)[] | undefined;
  dtype: string;
}

/** What prediction needs from a layers or a graph model. */
interface Runner {
  inputs: InputMeta[];
  outputNames: string[];
  /** Runs on tensors in input order; synchronous, so `tf.tidy` frees every intermediate. */
  run(xs: Tensor[]): Tensor[];
  /** For graphs with dynamic ops (control flow, Where, NMS), which TF.js runs only asynchronously. */
  runAsync?(xs: Tensor[]): Promise<Tensor[]>;
  dispose(): void;
}

function layersRunner(model: LayersModel): Runner {
  return {
    inputs: model.inputs.map((t, i) => ({
      name: model.inputNames[i] ?? t.name,
      shape: t.shape,
      dtype: t.dtype,
    })),
    outputNames: model.outputNames,
    run: (xs) => [model.predictOnBatch(xs.length === 1 ? xs[0]! : xs)].flat(),
    dispose: () => void model.dispose(),
  };
}

function graphRunner(model: GraphModel): Runner {
  const inputs = model.inputs.map((t) => ({
    name: t.name,
    shape: t.shape?.map((d) => (d < 0 ? null : d)),
    dtype: t.dtype,
  }));
  const named = (xs: Tensor[]) => Object.fromEntries(inputs.map((m, i) => [m.name, xs[i]!]));
  return {
    inputs,
    outputNames: model.outputs.map((t) => t.name),
    run: (xs) => [model.execute(named(xs))].flat(),
    runAsync: async (xs) => [await model.executeAsync(named(xs))].flat(),
    dispose: () => model.dispose(),
  };
}

class TfjsModel implements LoadedModel {
  readonly flavor = 'tfjs';
  private readonly batcher: MicroBatcher<Feeds, HostTensor[]> | undefined;
  /** Set once a synchronous run asked for executeAsync. */
  private asyncOnly = false;

  constructor(
    private readonly tf: Tfjs['tf'],
    private readonly runner: Runner,
    batching: boolean,
  ) {
    // Rows can be stacked only when every input has a free first dimension.
    const stackable = runner.inputs.every((m) => m.shape !== undefined && m.shape[0] === null);
    this.batcher =
      batching && stackable
        ? new MicroBatcher(async (jobs) => {
            // A TF.js run blocks the event loop: yield once first, so the requests that arrived
            // meanwhile are queued and the next run takes them together.
            await new Promise((resolve) => setImmediate(resolve));
            return this.runStacked(jobs);
          }, sameTrailingDims)
        : undefined;
  }

  async predict(input: ModelInput): Promise<unknown> {
    const feeds = this.feeds(input);
    const outputs = this.batcher ? await this.batcher.submit(feeds) : await this.run(feeds);
    const nested = outputs.map((t) => toNested(t.shape, plainValues(t)));
    if (nested.length === 1) return nested[0];
    return Object.fromEntries(this.runner.outputNames.map((n, i) => [n, nested[i]]));
  }

  /** One run; every tensor it makes is disposed before it returns. */
  private async run(feeds: Feeds): Promise<HostTensor[]> {
    if (!this.asyncOnly) {
      try {
        return this.runSync(feeds);
      } catch (err) {
        // TF.js names executeAsync when a graph has dynamic ops; such a graph always needs it.
        if (!this.runner.runAsync || !/executeAsync/.test(String(err))) throw err;
        this.asyncOnly = true;
      }
    }
    return this.runAsync(feeds);
  }

  private runSync(feeds: Feeds): HostTensor[] {
    const out: HostTensor[] = [];
    this.tf.tidy(() => {
      for (const t of this.runner.run(this.inputTensors(feeds))) out.push(hostOf(t));
    });
    return out;
  }

  /** Outside `tf.tidy` (it cannot span an await): inputs and outputs disposed by hand. */
  private async runAsync(feeds: Feeds): Promise<HostTensor[]> {
    const xs = this.inputTensors(feeds);
    try {
      const ys = await this.runner.runAsync!(xs);
      try {
        return ys.map(hostOf);
      } finally {
        this.tf.dispose(ys);
      }
    } finally {
      this.tf.dispose(xs);
    }
  }

  private inputTensors(feeds: Feeds): Tensor[] {
    return this.runner.inputs.map((m) => {
      const h = feeds[m.name]!;
      return this.tf.tensor(h.data, h.shape, h.dtype);
    });
  }

  /** Several requests as one run: rows stacked, outputs split back; alone if outputs are not per row. */
  private async runStacked(jobs: Feeds[]): Promise<HostTensor[][]> {
    if (jobs.length === 1) return [await this.run(jobs[0]!)];
    const rows = jobs.map((f) => Object.values(f)[0]!.shape[0]!);
    const total = rows.reduce((a, b) => a + b, 0);
    const stacked: Feeds = {};
    for (const name of Object.keys(jobs[0]!)) stacked[name] = concatRows(jobs.map((f) => f[name]!));
    const out = await this.run(stacked);
    if (out.some((t) => t.shape[0] !== total)) {
      const alone: HostTensor[][] = [];
      for (const f of jobs) alone.push(await this.run(f));
      return alone;
    }
    const parts = out.map((t) => splitRows(t, rows));
    return jobs.map((_, i) => parts.map((p) => p[i]!));
  }

  private feeds(input: ModelInput): Feeds {
    const inputs = this.runner.inputs;
    if (input.kind === 'tensors') {
      const names = Object.keys(input.arrays);
      // One model input and one tensor under another name (a signature's name): feed it anyway.
      if (inputs.length === 1 && names.length === 1 && names[0] !== inputs[0]!.name) {
        return { [inputs[0]!.name]: hostTensor(input.arrays[names[0]!]!, inputs[0]!) };
      }
      const feeds: Feeds = {};
      for (const meta of inputs) {
        const array = input.arrays[meta.name];
        if (!array) throw invalidParameter(`The TF.js model needs input '${meta.name}', which is missing`);
        feeds[meta.name] = hostTensor(array, meta);
      }
      return feeds;
    }
    if (input.kind === 'tensor') {
      if (inputs.length !== 1) {
        throw invalidParameter(
          `The TF.js model has ${inputs.length} inputs (${inputs.map((m) => m.name).join(', ')}): send a dict of named tensors`,
        );
      }
      return { [inputs[0]!.name]: hostTensor(input.array, inputs[0]!) };
    }
    const frame = input.frame;
    if (inputs.length === 1) {
      const meta = inputs[0]!;
      return { [meta.name]: hostTensor(frameMatrix(frame, meta.shape?.length ?? 2), meta) };
    }
    const feeds: Feeds = {};
    for (const meta of inputs) {
      const column = frame.values.get(meta.name);
      if (!column) throw invalidParameter(`The TF.js model needs a column '${meta.name}', which is missing`);
      const shape = meta.shape?.length === 1 ? [column.length] : [column.length, 1];
      feeds[meta.name] = hostTensor({ shape, data: column }, meta);
    }
    return feeds;
  }

  async close(): Promise<void> {
    this.runner.dispose();
  }
}

/** A tensor's values copied out of TF.js. */
function hostOf(t: Tensor): HostTensor {
  return { dtype: t.dtype as TfjsDtype, shape: t.shape.slice(), data: t.dataSync() as Float32Array };
}

/** `array` cast for `meta`, after checking its shape against the model's (TF.js's own error is cryptic). */
function hostTensor(array: NdArray, meta: InputMeta): HostTensor {
  const want = meta.shape;
  if (
    want &&
    (want.length !== array.shape.length || want.some((d, i) => d !== null && d !== array.shape[i]))
  ) {
    const dims = (s: readonly (number | null)[]) => `[${s.map((d) => d ?? -1).join(', ')}]`;
    throw invalidParameter(
      `TF.js input '${meta.name}' has shape ${dims(want)}; the input sent has shape ${dims(array.shape)}`,
    );
  }
  return toHostTensor(array, meta.dtype, meta.name);
}

/** The model format a tfjs flavor config names. */
export function tfjsFormat(config: FlavorConfig): TfjsFormat {
  const format = config.model_format;
  if (!TFJS_FORMATS.includes(format as TfjsFormat)) {
    throw invalidParameter(
      `The tfjs flavor's model_format must be layers-model or graph-model, not ${JSON.stringify(format)}`,
    );
  }
  return format as TfjsFormat;
}

/** Loads `tfjs` models from their `data` directory, importing TF.js on first use. */
export const tfjsFlavor: FlavorLoader = {
  name: 'tfjs',
  async load(dir: string, config: FlavorConfig, _mlmodel, options: LoadOptions): Promise<LoadedModel> {
    const format = tfjsFormat(config);
    const modelDir =
      typeof config.data === 'string' ? pathInside(dir, config.data, 'tfjs data directory') : dir;
    const tfjs = await loadTfjs();
    const handler = directoryLoader(tfjs, modelDir);
    const runner =
      format === 'layers-model'
        ? layersRunner(await tfjs.layers.loadLayersModel(handler))
        : graphRunner(await tfjs.converter.loadGraphModel(handler));
    return new TfjsModel(tfjs.tf, runner, options.batching !== false);
  },
};
