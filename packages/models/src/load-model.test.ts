import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseFlavor, loadModelDir } from './load-model';
import { parseMLmodel } from './mlmodel';
import { MLP_EXAMPLE, mlpReference, writePythonOnnxModel } from './testing';

const dir = mkdtempSync(join(tmpdir(), 'loom-load-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chooseFlavor', () => {
  it('prefers onnx, and treats a pyfunc whose loader is mlflow.onnx as ONNX', () => {
    const both = parseMLmodel(
      'flavors:\n  python_function: {loader_module: mlflow.onnx}\n  onnx: {data: m.onnx}\n',
    );
    expect(chooseFlavor(both).config).toEqual({ data: 'm.onnx' });
    const pyfuncOnly = parseMLmodel(
      'flavors:\n  python_function: {loader_module: mlflow.onnx, data: x.onnx}\n',
    );
    expect(chooseFlavor(pyfuncOnly)).toMatchObject({ loader: { name: 'onnx' }, config: { data: 'x.onnx' } });
  });

  it('names the Python-only flavors', () => {
    const torch = parseMLmodel(
      'flavors:\n  python_function: {loader_module: mlflow.pytorch}\n  pytorch: {}\n',
    );
    expect(() => chooseFlavor(torch)).toThrow(/flavors \(python_function, pytorch\) need Python/);
  });
});

describe('loadModelDir', () => {
  it('loads an ONNX model whose weights live in an external-data file beside model.onnx', async () => {
    const model = await loadModelDir(
      await writePythonOnnxModel(join(dir, 'external'), { externalData: true }),
    );
    const out = (await model.predict({
      kind: 'tensor',
      array: { shape: [1, 4], data: MLP_EXAMPLE[0]! },
    })) as {
      y: number[][];
    };
    mlpReference(MLP_EXAMPLE[0]!).forEach((v, k) => expect(out.y[0]![k]).toBeCloseTo(v, 4));
    await model.close();
  });

  it('says when a folder is not a model', async () => {
    await expect(loadModelDir(dir)).rejects.toThrow(/No MLmodel file/);
  });
});
