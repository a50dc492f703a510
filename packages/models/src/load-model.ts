/**
 * Loads a local model directory: reads MLmodel, picks the first flavor Loom can run, and wraps it so
 * every prediction is enforced against the signature first. Models whose only flavors need Python
 * fail here with an error that names those flavors and points to ONNX.
 */
import { invalidParameter } from '@loom/protocol';
import { enforceInput, enforceParams } from './enforce';
import type { FlavorLoader, LoadedModel, LoadOptions } from './flavors/flavor';
import { jsFunctionFlavor } from './flavors/js-function';
import { onnxFlavor } from './flavors/onnx';
import { tfjsFlavor } from './flavors/tfjs';
import { readMLmodel, type FlavorConfig, type MLmodel } from './mlmodel';
import type { ModelInput } from './model-input';
import { parseSignature, type Signature } from './signature';
import { downloadModel, type DownloadOptions } from './uri/download-model';

/** Loom's flavors, in order of preference (ONNX first: it runs natively, TF.js in pure JS). */
const FLAVORS: FlavorLoader[] = [onnxFlavor, tfjsFlavor, jsFunctionFlavor];

export interface Model {
  readonly dir: string;
  readonly mlmodel: MLmodel;
  readonly signature: Signature | undefined;
  /** The flavor serving it. */
  readonly flavor: string;
  /** Enforces the signature on `input` and `params`, then predicts; the result is JSON-ready. */
  predict(input: ModelInput, params?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/** The flavor to load `mlmodel` with, and its config. */
export function chooseFlavor(mlmodel: MLmodel): { loader: FlavorLoader; config: FlavorConfig } {
  for (const loader of FLAVORS) {
    const config = mlmodel.flavors[loader.name];
    if (config) return { loader, config };
  }
  // A pyfunc whose loader is mlflow.onnx is an ONNX model even when the onnx block is missing.
  const pyfunc = mlmodel.flavors.python_function;
  if (pyfunc?.loader_module === 'mlflow.onnx') return { loader: onnxFlavor, config: pyfunc };
  const names = Object.keys(mlmodel.flavors);
  const served = FLAVORS.map((f) => f.name);
  throw invalidParameter(
    `This model's flavors (${names.join(', ') || 'none'}) need Python, which Loom does not run. ` +
      'Export the model to ONNX (skl2onnx, torch.onnx.export, tf2onnx) and log it with ' +
      'mlflow.onnx.log_model, convert a Keras model with tensorflowjs_converter and save it with ' +
      "Loom's tfjs flavor, or save it with Loom's js_function flavor; Loom serves the flavors " +
      `${served.slice(0, -1).join(', ')} and ${served.at(-1)!}.`,
  );
}

/** Loads the model in the local directory `dir`. */
export async function loadModelDir(dir: string, options: LoadOptions = {}): Promise<Model> {
  const mlmodel = await readMLmodel(dir);
  const signature = parseSignature(mlmodel.signature);
  const { loader, config } = chooseFlavor(mlmodel);
  const loaded: LoadedModel = await loader.load(dir, config, mlmodel, options);
  return {
    dir,
    mlmodel,
    signature,
    flavor: loaded.flavor,
    predict(input: ModelInput, params?: Record<string, unknown>) {
      const enforced = enforceInput(input, signature?.inputs);
      return loaded.predict(enforced, enforceParams(params, signature?.params));
    },
    close: () => loaded.close(),
  };
}

/** Loads the model at `uri` (local path, runs:/, models:/), downloading it through the tracking server. */
export async function loadModel(uri: string, options: DownloadOptions & LoadOptions = {}): Promise<Model> {
  return loadModelDir(await downloadModel(uri, options), options);
}
