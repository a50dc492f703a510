import { describe, expect, it } from 'vitest';
import { parseMlModel } from './mlmodel';

// As mlflow.sklearn.log_model writes it (PyYAML, signature parts as JSON strings).
const SKLEARN = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.10.12
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.3.0
mlflow_version: 2.17.0
model_size_bytes: 1532
model_uuid: 4f6c2a
run_id: 0a1b2c
signature:
  inputs: '[{"type": "double", "name": "sepal length", "required": true}, {"type": "string", "name": "species", "required": false}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
  params: null
utc_time_created: '2024-05-01 10:20:30.123456'
`;

describe('parseMlModel', () => {
  it('reads flavors, signature columns and provenance', () => {
    const card = parseMlModel(SKLEARN);
    expect(card).toMatchObject({
      artifactPath: 'model',
      runId: '0a1b2c',
      modelUuid: '4f6c2a',
      created: '2024-05-01 10:20:30.123456',
      mlflowVersion: '2.17.0',
      sizeBytes: 1532,
    });
    expect(card.flavors.map((f) => f.name)).toEqual(['python_function', 'sklearn']);
    expect(card.flavors[0]!.details).toContainEqual(['loader_module', 'mlflow.sklearn']);
    expect(card.flavors[0]!.details).toContainEqual([
      'env',
      '{"conda":"conda.yaml","virtualenv":"python_env.yaml"}',
    ]);
    // `code: null` is left out rather than shown as "null".
    expect(card.flavors[1]!.details.map(([k]) => k)).not.toContain('code');
    expect(card.signature).toEqual({
      inputs: [
        { name: 'sepal length', type: 'double', required: true },
        { name: 'species', type: 'string', required: false },
      ],
      outputs: [{ name: '(unnamed)', type: 'tensor float64 (-1)', required: true }],
      params: [],
    });
  });

  it('takes a minimal file without a signature', () => {
    expect(parseMlModel('flavors:\n  python_function: {}\n')).toEqual({
      flavors: [{ name: 'python_function', details: [] }],
    });
  });

  it('rejects text that is not a mapping', () => {
    expect(() => parseMlModel('- just\n- a list\n')).toThrow(/not a YAML mapping/);
  });
});
