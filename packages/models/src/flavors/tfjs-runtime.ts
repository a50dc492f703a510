/**
 * TensorFlow.js, loaded on first use: importing it costs about a second, which `loom` start-up and
 * ONNX serving should not pay. Only the pure-JS `cpu` backend: tfjs-node's native addon downloads a
 * binary at install time, which Loom does not allow.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import type * as TfConverter from '@tensorflow/tfjs-converter';

/** The TF.js packages this flavor runs models with; a saved model's package.json pins them. */
export const TFJS_VERSION = '4.22.0';

/** The packages `loadTfjs` imports (all pure JavaScript, no install scripts). */
export const TFJS_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-converter',
] as const;

/** The three TF.js modules the flavor uses. */
export interface Tfjs {
  tf: typeof TfCore;
  layers: typeof TfLayers;
  converter: typeof TfConverter;
}

let loading: Promise<Tfjs> | undefined;

/** TF.js on the cpu backend, imported once per process. */
export function loadTfjs(): Promise<Tfjs> {
  loading ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const [layers, converter] = await Promise.all([
      import('@tensorflow/tfjs-layers'),
      import('@tensorflow/tfjs-converter'),
    ]);
    // Production mode skips TF.js's debug checks and its console advert for tfjs-node.
    tf.enableProdMode();
    await tf.setBackend('cpu');
    await tf.ready();
    return { tf, layers, converter };
  })();
  return loading;
}
