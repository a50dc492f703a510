/**
 * inferSignature against the signatures MLflow documents and writes (`infer_signature` on a pandas
 * frame and numpy predictions, on lists with params), compared as the MLmodel JSON strings.
 */
import { describe, expect, it } from 'vitest';
import { inferSignature, toInputExample } from './infer-signature';
import { storeSignature } from './signature';

describe('inferSignature', () => {
  it('a frame of doubles with int64 predictions: the iris example of the MLflow docs', () => {
    const rows = [
      {
        'sepal length (cm)': 5.1,
        'sepal width (cm)': 3.5,
        'petal length (cm)': 1.4,
        'petal width (cm)': 0.2,
      },
      {
        'sepal length (cm)': 6.2,
        'sepal width (cm)': 2.9,
        'petal length (cm)': 4.3,
        'petal width (cm)': 1.3,
      },
    ];
    const stored = storeSignature(inferSignature(rows, [0, 1]));
    expect(stored.inputs).toBe(
      '[{"type": "double", "name": "sepal length (cm)", "required": true}, ' +
        '{"type": "double", "name": "sepal width (cm)", "required": true}, ' +
        '{"type": "double", "name": "petal length (cm)", "required": true}, ' +
        '{"type": "double", "name": "petal width (cm)", "required": true}]',
    );
    expect(stored.outputs).toBe('[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]');
    expect(stored.params).toBeNull();
  });

  it('lists of strings with params: one unnamed string column and the params with defaults', () => {
    const stored = storeSignature(inferSignature(['input'], ['output'], { temperature: 0.5, top_k: 1 }));
    expect(stored.inputs).toBe('[{"type": "string", "required": true}]');
    expect(stored.outputs).toBe('[{"type": "string", "required": true}]');
    expect(stored.params).toBe(
      '[{"name": "temperature", "type": "double", "default": 0.5, "shape": null}, ' +
        '{"name": "top_k", "type": "long", "default": 1, "shape": null}]',
    );
  });

  it('list params are 1-D; a param that is not a scalar is refused', () => {
    const sig = inferSignature(['x'], undefined, { stop: ['a', 'b'], on: true });
    expect(sig.params).toEqual([
      { name: 'stop', type: 'string', default: ['a', 'b'], shape: [-1] },
      { name: 'on', type: 'boolean', default: true, shape: null },
    ]);
    expect(() => inferSignature(['x'], undefined, { bad: { a: 1 } })).toThrow(/scalar/);
  });

  it('tensors: typed and nested arrays with a free batch dimension, and named tensors', () => {
    const two = [Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8)];
    expect(storeSignature(inferSignature(two)).inputs).toBe(
      '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]',
    );
    expect(inferSignature([[[1, 2]], [[3, 4.5]]]).inputs).toEqual({
      kind: 'tensors',
      specs: [{ kind: 'tensor', name: undefined, dtype: 'float64', shape: [-1, 1, 2] }],
    });
    const named = inferSignature({ x: Int32Array.of(1, 2), mask: [[1, 0]] });
    expect(storeSignature(named).inputs).toBe(
      '[{"type": "tensor", "name": "x", "tensor-spec": {"dtype": "int32", "shape": [-1]}}, ' +
        '{"type": "tensor", "name": "mask", "tensor-spec": {"dtype": "int64", "shape": [-1, 2]}}]',
    );
    // Ragged nested lists are not a tensor: they read as a column of arrays.
    expect(inferSignature([[1, 2], [3]]).inputs).toMatchObject({
      kind: 'columns',
      specs: [{ type: 'array' }],
    });
  });

  it('column types: long/double merge, string, boolean, binary, datetime, arrays, objects, optional', () => {
    const split = {
      columns: ['n', 'x', 's', 'b', 'bin', 'when', 'tags', 'geo', 'maybe'],
      data: [
        [1, 2, 'a', true, Uint8Array.of(1), new Date(0), ['p', 'q'], { lat: 1.5, name: 'x' }, 1],
        [3, 4.5, 'b', false, Uint8Array.of(2), new Date(1), [], { lat: 2 }, null],
      ],
    };
    expect(storeSignature(inferSignature(split)).inputs).toBe(
      '[{"type": "long", "name": "n", "required": true}, ' +
        '{"type": "double", "name": "x", "required": true}, ' +
        '{"type": "string", "name": "s", "required": true}, ' +
        '{"type": "boolean", "name": "b", "required": true}, ' +
        '{"type": "binary", "name": "bin", "required": true}, ' +
        '{"type": "datetime", "name": "when", "required": true}, ' +
        '{"type": "array", "items": {"type": "string"}, "name": "tags", "required": true}, ' +
        '{"type": "object", "properties": {"lat": {"type": "double", "required": true}, ' +
        '"name": {"type": "string", "required": false}}, "name": "geo", "required": true}, ' +
        '{"type": "long", "name": "maybe", "required": false}]',
    );
    expect(() => inferSignature([{ a: 1 }, { a: 'x' }])).toThrow(/both long and string/);
  });

  it('records missing a key make that column optional; one record is a one-row frame', () => {
    const sig = inferSignature([{ a: 1, b: 'x' }, { a: 2 }]);
    expect(sig.inputs!.specs.map((s) => [s.name, s.kind === 'column' && s.required])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(inferSignature({ a: 1, b: 'x' }).inputs).toMatchObject({
      kind: 'columns',
      specs: [{ name: 'a' }, { name: 'b' }],
    });
  });
});

describe('toInputExample', () => {
  it('records become a split frame; tensors become plain nested lists', () => {
    expect(toInputExample([{ a: 1, b: 'x' }, { a: 2 }])).toEqual({
      kind: 'dataframe',
      columns: ['a', 'b'],
      data: [
        [1, 'x'],
        [2, null],
      ],
    });
    expect(toInputExample([Float32Array.of(1.5, 2)])).toEqual({ kind: 'ndarray', value: [[1.5, 2]] });
    expect(toInputExample([{ bin: Uint8Array.of(1, 2), when: new Date(0) }])).toEqual({
      kind: 'dataframe',
      columns: ['bin', 'when'],
      data: [['AQI=', '1970-01-01T00:00:00.000Z']],
    });
  });
});
