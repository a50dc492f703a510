/**
 * Model directories for tests and benchmarks: the linear model saved by Loom (column signature), and
 * the MLP laid out byte for byte as Python MLflow's `mlflow.onnx.log_model` writes it (MLmodel with
 * `python_function` + `onnx`, environment files, input examples), tensor signature.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveOnnxModel } from '../flavors/onnx-save';
import { column } from '../signature';
import { linearGraph, mlpExternalWeights, mlpGraph } from './onnx-graphs';

/** Saves the linear model with Loom's `saveOnnxModel`: columns a, b, c (double) → y. */
export async function saveLinearModel(dir: string): Promise<string> {
  await saveOnnxModel(dir, linearGraph(), {
    signature: {
      inputs: {
        kind: 'columns',
        specs: [column('a', 'double'), column('b', 'double'), column('c', 'double')],
      },
      outputs: { kind: 'columns', specs: [column('y', 'float')] },
    },
    inputExample: { kind: 'dataframe', columns: ['a', 'b', 'c'], data: [[1, 0, 0]] },
  });
  return dir;
}

/** The MLmodel Python MLflow 2.17 writes for an ONNX model with a tensor signature. */
const PYTHON_MLMODEL = `artifact_path: model
flavors:
  onnx:
    code: null
    data: model.onnx
    onnx_version: 1.17.0
    providers:
    - CUDAExecutionProvider
    - CPUExecutionProvider
  python_function:
    data: model.onnx
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: 3.11.9
mlflow_version: 2.17.2
model_size_bytes: 2313
model_uuid: 4f7b4b2e7d3c4d0b9b1f1d7a6c2e8a90
run_id: 9a1c3e5f7b2d4e6f8a0c1e3f5b7d9f11
saved_input_example_info:
  artifact_path: input_example.json
  serving_input_path: serving_input_example.json
  type: ndarray
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]'
  params: null
utc_time_created: '2024-11-02 14:03:27.512831'
`;

const CONDA = `channels:
- conda-forge
dependencies:
- python=3.11.9
- pip<=24.2
- pip:
  - mlflow==2.17.2
  - onnx==1.17.0
  - onnxruntime==1.19.2
name: mlflow-env
`;

const PYTHON_ENV = `python: 3.11.9
build_dependencies:
- pip==24.2
- setuptools==75.1.0
- wheel==0.44.0
dependencies:
- -r requirements.txt
`;

const REQUIREMENTS = 'mlflow==2.17.2\nonnx==1.17.0\nonnxruntime==1.19.2';

/** One example row of the MLP. */
export const MLP_EXAMPLE = [[5.1, 3.5, 1.4, 0.2]];

/** The file MLflow's `save_as_external_data` puts large tensors in (named after the tensor). */
export const EXTERNAL_DATA_FILE = 'W1';

/**
 * Writes the MLP as Python MLflow's onnx flavor lays it out. `externalData` moves the first layer's
 * weights into a file beside model.onnx, as MLflow does for tensors over 1 KB by default.
 */
export async function writePythonOnnxModel(
  dir: string,
  { externalData = false, mlmodel = PYTHON_MLMODEL } = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (externalData) {
    await writeFile(join(dir, 'model.onnx'), mlpGraph(EXTERNAL_DATA_FILE));
    await writeFile(join(dir, EXTERNAL_DATA_FILE), mlpExternalWeights());
  } else {
    await writeFile(join(dir, 'model.onnx'), mlpGraph());
  }
  await writeFile(join(dir, 'MLmodel'), mlmodel);
  await writeFile(join(dir, 'conda.yaml'), CONDA);
  await writeFile(join(dir, 'python_env.yaml'), PYTHON_ENV);
  await writeFile(join(dir, 'requirements.txt'), REQUIREMENTS);
  await writeFile(join(dir, 'input_example.json'), JSON.stringify({ inputs: MLP_EXAMPLE }));
  await writeFile(join(dir, 'serving_input_example.json'), JSON.stringify({ inputs: MLP_EXAMPLE }, null, 2));
  return dir;
}

/** The MLmodel of a scikit-learn model logged by Python MLflow: pyfunc + sklearn, no ONNX. */
export const SKLEARN_MLMODEL = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.9
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.5.2
mlflow_version: 2.17.2
model_uuid: 0d3b0c6c2f1e4d8a9b7c5e3f1a2b4c6d
utc_time_created: '2024-11-02 14:03:27.512831'
`;

/** A directory with only Python flavors (the pickle is a placeholder: it is never read). */
export async function writeSklearnModel(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'MLmodel'), SKLEARN_MLMODEL);
  await writeFile(join(dir, 'model.pkl'), 'not read');
  return dir;
}
