/** Saves an ONNX graph as a model directory in the layout `mlflow.onnx.save_model` writes. */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { utcTimeCreated, writeMLmodel, type MLmodel } from '../mlmodel';
import {
  directorySize,
  writeInputExample,
  writeNodeEnvironment,
  writePythonEnvironment,
  type InputExample,
} from '../model-files';
import { storeSignature, type Signature } from '../signature';
import { join } from 'node:path';

/** The onnxruntime-node this package runs models with; a saved model's package.json pins it. */
export const ONNXRUNTIME_NODE_VERSION = '1.30.0';

export interface SaveOnnxOptions {
  signature?: Signature | undefined;
  inputExample?: InputExample | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** Recorded in MLmodel (`run_id`, `artifact_path`) when the model is logged to a run. */
  runId?: string | undefined;
  artifactPath?: string | undefined;
}

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
  const model: MLmodel = {
    flavors: {
      onnx: { onnx_version: '1.17.0', data: 'model.onnx', providers: ['CPUExecutionProvider'], code: null },
      python_function: {
        loader_module: 'mlflow.onnx',
        data: 'model.onnx',
        python_version: '3.11',
        env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
      },
    },
    runId: options.runId,
    artifactPath: options.artifactPath,
    modelUuid: randomUUID().replaceAll('-', ''),
    utcTimeCreated: utcTimeCreated(),
    signature: options.signature ? storeSignature(options.signature) : undefined,
    metadata: options.metadata,
    rest: {},
  };
  if (options.inputExample) model.savedInputExampleInfo = await writeInputExample(dir, options.inputExample);
  await writeMLmodel(dir, model);
  model.modelSizeBytes = await directorySize(dir);
  await writeMLmodel(dir, model);
  return model;
}
