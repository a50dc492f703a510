/** Saves an ONNX graph as a model directory in the layout `mlflow.onnx.save_model` writes. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MLmodel } from '../mlmodel';
import { writeNodeEnvironment, writePythonEnvironment } from '../model-files';
import { writeSavedMLmodel, type SaveModelOptions } from '../save-model';

/** The onnxruntime-node this package runs models with; a saved model's package.json pins it. */
export const ONNXRUNTIME_NODE_VERSION = '1.30.0';

export type SaveOnnxOptions = SaveModelOptions;

/** Writes `model.onnx`, MLmodel (`onnx` + `python_function`), examples and environment files. */
export async function saveOnnxModel(
  dir: string,
  graph: Uint8Array,
  options: SaveOnnxOptions = {},
): Promise<MLmodel> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), graph);
  await writeNodeEnvironment(dir, { 'onnxruntime-node': ONNXRUNTIME_NODE_VERSION });
  await writePythonEnvironment(dir, ['mlflow', 'onnx', 'onnxruntime']);
  return writeSavedMLmodel(
    dir,
    {
      onnx: { onnx_version: '1.17.0', data: 'model.onnx', providers: ['CPUExecutionProvider'], code: null },
      python_function: {
        loader_module: 'mlflow.onnx',
        data: 'model.onnx',
        python_version: '3.11',
        env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
      },
    },
    options,
  );
}
