/** The shape every flavor module has: it loads a model directory into something that predicts. */
import type { FlavorConfig, MLmodel } from '../mlmodel';
import type { ModelInput } from '../model-input';

/** A loaded model: input already enforced against the signature; the result is JSON-ready. */
export interface LoadedModel {
  /** The flavor that loaded it, e.g. `onnx`. */
  readonly flavor: string;
  predict(input: ModelInput, params?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

export interface LoadOptions {
  /** Combine concurrent predictions into one inference when the model allows it (default true). */
  batching?: boolean | undefined;
}

/** A flavor's loader, looked up by the MLmodel `flavors` key. */
export interface FlavorLoader {
  readonly name: string;
  load(dir: string, config: FlavorConfig, mlmodel: MLmodel, options: LoadOptions): Promise<LoadedModel>;
}
