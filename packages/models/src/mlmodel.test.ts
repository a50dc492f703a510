import { describe, expect, it } from 'vitest';
import { parseMLmodel, stringifyMLmodel } from './mlmodel';
import { parseSignature, storeSignature } from './signature';

const PYTHON = `artifact_path: mlflow-artifacts:/1/models/m-0123/artifacts
databricks_runtime: 15.4.x-cpu-ml-scala2.12
flavors:
  onnx:
    code: null
    data: model.onnx
    onnx_session_options:
      intra_op_num_threads: 2
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
    python_version: 3.11.7
is_signature_from_type_hint: false
mlflow_version: 3.6.0
model_id: m-0123
model_size_bytes: 2313
model_uuid: m-0123
prompts: null
resources:
  api_version: '1'
run_id: 5f1e
signature:
  inputs: '[{"type": "tensor", "name": "X", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
  outputs: '[{"type": "tensor", "name": "label", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: '[{"name": "temperature", "type": "double", "default": 0.5, "shape": null}]'
utc_time_created: '2025-11-20 10:00:00.000000'
`;

describe('MLmodel', () => {
  it('reads the keys MLflow writes', () => {
    const m = parseMLmodel(PYTHON);
    expect(Object.keys(m.flavors)).toEqual(['onnx', 'python_function']);
    expect(m.flavors.python_function!.loader_module).toBe('mlflow.onnx');
    expect(m.runId).toBe('5f1e');
    expect(m.modelId).toBe('m-0123');
    expect(m.modelSizeBytes).toBe(2313);
    expect(m.utcTimeCreated).toBe('2025-11-20 10:00:00.000000');
    expect(m.rest).toEqual({
      databricks_runtime: '15.4.x-cpu-ml-scala2.12',
      is_signature_from_type_hint: false,
      prompts: null,
      resources: { api_version: '1' },
    });
  });

  it('writes back what it read, unknown keys included, byte for byte', () => {
    expect(stringifyMLmodel(parseMLmodel(PYTHON))).toBe(PYTHON);
  });

  it('keeps unknown keys after an edit', () => {
    const m = parseMLmodel(PYTHON);
    m.runId = 'other';
    const again = parseMLmodel(stringifyMLmodel(m));
    expect(again.runId).toBe('other');
    expect(again.rest.resources).toEqual({ api_version: '1' });
    expect(again.flavors.onnx!.onnx_session_options).toEqual({ intra_op_num_threads: 2 });
  });

  it('quotes strings PyYAML would read as another type', () => {
    const text = stringifyMLmodel({
      flavors: {},
      utcTimeCreated: '2026-01-02 03:04:05.000000',
      rest: { flag: 'yes' },
    });
    expect(text).toContain("utc_time_created: '2026-01-02 03:04:05.000000'");
    expect(text).toContain("flag: 'yes'");
  });

  it('rejects files that are not MLmodel', () => {
    expect(() => parseMLmodel('- a\n- b\n')).toThrow(/mapping/);
    expect(() => parseMLmodel('run_id: x\n')).toThrow(/flavors/);
    expect(() => parseMLmodel('flavors: [\n')).toThrow(/not valid YAML/);
  });
});

describe('signatures', () => {
  it('parses tensor specs, column specs and params, and stores them as MLflow writes them', () => {
    const m = parseMLmodel(PYTHON);
    const sig = parseSignature(m.signature)!;
    expect(sig.inputs).toEqual({
      kind: 'tensors',
      specs: [{ kind: 'tensor', name: 'X', dtype: 'float32', shape: [-1, 4] }],
    });
    expect(sig.params).toEqual([{ name: 'temperature', type: 'double', default: 0.5, shape: null }]);
    expect(storeSignature(sig)).toEqual(m.signature);

    const cols = parseSignature({
      inputs:
        '[{"type": "double", "name": "a", "required": true}, {"type": "array", "items": {"type": "string"}, "name": "tags", "required": false}]',
    })!;
    expect(cols.inputs!.kind).toBe('columns');
    expect(storeSignature(cols).inputs).toBe(
      '[{"type": "double", "name": "a", "required": true}, {"type": "array", "items": {"type": "string"}, "name": "tags", "required": false}]',
    );
  });

  it('rejects mixed schemas and unknown types', () => {
    expect(() =>
      parseSignature({
        inputs:
          '[{"type": "double"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]',
      }),
    ).toThrow(/mix column and tensor/);
    expect(() => parseSignature({ inputs: '[{"type": "decimal"}]' })).toThrow(
      /Unknown column type 'decimal'/,
    );
    expect(() => parseSignature({ inputs: '{"type": "double"}' })).toThrow(/JSON list/);
  });
});
