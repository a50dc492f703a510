import { describe, expect, it } from 'vitest';
import { describeType, parseMLmodel } from './mlmodel';

// As MLflow 2.x writes it: schemas are JSON strings inside the YAML.
const SKLEARN = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    python_version: 3.10.12
  sklearn:
    code: null
    pickled_model: model.pkl
    sklearn_version: 1.3.0
mlflow_version: 2.12.1
saved_input_example_info:
  artifact_path: input_example.json
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type": "string", "name": "note", "required": false}]'
  outputs: '[{"type": "long", "required": true}]'
  params: '[{"name": "temperature", "type": "float", "default": 0.5, "shape": null}]'
utc_time_created: '2024-05-01 10:00:00.000000'
`;

describe('parseMLmodel', () => {
  it('reads flavors, the signature and the input example of an sklearn model', () => {
    const m = parseMLmodel(SKLEARN);
    expect(m.flavors.map((f) => f.name)).toEqual(['python_function', 'sklearn']);
    expect(m.flavors[0]!.settings).toContainEqual({ key: 'loader_module', value: 'mlflow.sklearn' });
    expect(m.flavors[0]!.settings).toContainEqual({
      key: 'env',
      value: '{"conda":"conda.yaml","virtualenv":"python_env.yaml"}',
    });
    // Null settings (`code: null`) say nothing.
    expect(m.flavors[1]!.settings.map((s) => s.key)).toEqual(['pickled_model', 'sklearn_version']);
    expect(m.signature).toEqual({
      inputs: [
        { name: 'sepal length (cm)', type: 'double', required: true },
        { name: 'note', type: 'string', required: false },
      ],
      outputs: [{ name: undefined, type: 'long', required: true }],
      params: [{ name: 'temperature', type: 'float', defaultValue: '0.5' }],
    });
    expect(m.inputExamplePaths).toEqual(['input_example.json', 'serving_input_example.json']);
    expect(m.mlflowVersion).toBe('2.12.1');
    expect(m.createdAt).toBe('2024-05-01 10:00:00.000000');
    expect(m.problems).toEqual([]);
  });

  it('reads tensor signatures, inline lists and columns from before `required` existed', () => {
    const m = parseMLmodel(`flavors:
  pytorch: {pytorch_version: 2.1.0}
signature:
  inputs:
    - {type: tensor, tensor-spec: {dtype: float32, shape: [-1, 28, 28]}}
  outputs: '[{"type": "double", "name": "score"}]'
`);
    expect(m.signature?.inputs).toEqual([
      { name: undefined, type: 'tensor float32 (-1, 28, 28)', required: true },
    ]);
    expect(m.signature?.outputs).toEqual([{ name: 'score', type: 'double', required: true }]);
    expect(m.signature?.params).toEqual([]);
    expect(m.inputExamplePaths).toEqual(['input_example.json', 'serving_input_example.json']);
  });

  it('keeps what it can read when a schema is broken, and has no signature when none was logged', () => {
    const broken = parseMLmodel(`flavors: {python_function: {}}
signature:
  inputs: '[{"type": "double"'
  outputs: '{"type": "long"}'
`);
    expect(broken.flavors.map((f) => f.name)).toEqual(['python_function']);
    expect(broken.signature).toEqual({ inputs: [], outputs: [], params: [] });
    expect(broken.problems).toEqual([
      'signature inputs is not valid JSON',
      'signature outputs is not a list',
    ]);

    expect(parseMLmodel('flavors:\n  python_function: {}\n').signature).toBeUndefined();
  });

  it('refuses a file that is not a YAML mapping', () => {
    expect(() => parseMLmodel('- just\n- a list\n')).toThrow(/not a YAML mapping/);
    expect(() => parseMLmodel('flavors: [unclosed')).toThrow();
  });
});

describe('describeType', () => {
  it('spells arrays, objects, maps and optional fields', () => {
    expect(describeType({ type: 'array', items: { type: 'string' } })).toBe('array<string>');
    expect(
      describeType({
        type: 'object',
        properties: {
          a: { type: 'long', required: true },
          b: { type: 'array', items: { type: 'double' }, required: false },
        },
      }),
    ).toBe('object{a: long, b?: array<double>}');
    expect(describeType({ type: 'map', values: { type: 'binary' } })).toBe('map<string, binary>');
    expect(describeType({})).toBe('unknown');
  });
});

describe('parseMLmodel provenance', () => {
  it('reads where the model came from, and leaves out null flavor settings', () => {
    const model = parseMLmodel(`artifact_path: model
flavors:
  sklearn:
    code: null
    pickled_model: model.pkl
mlflow_version: 2.17.0
model_size_bytes: 1532
model_uuid: 4f6c2a
run_id: 0a1b2c
utc_time_created: '2024-05-01 10:20:30.123456'
`);
    expect(model).toMatchObject({
      artifactPath: 'model',
      runId: '0a1b2c',
      modelUuid: '4f6c2a',
      createdAt: '2024-05-01 10:20:30.123456',
      mlflowVersion: '2.17.0',
      sizeBytes: 1532,
      signature: undefined,
    });
    expect(model.flavors).toEqual([
      { name: 'sklearn', settings: [{ key: 'pickled_model', value: 'model.pkl' }] },
    ]);
  });
});
