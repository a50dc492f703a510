import { describe, expect, it } from 'vitest';
import { enforceInput, enforceParams } from './enforce';
import { frameFromRows, type ModelInput } from './model-input';
import { parseSchema } from './signature';

const cols = parseSchema(
  '[{"type": "long", "name": "n"}, {"type": "double", "name": "x"}, {"type": "boolean", "name": "b", "required": false}, ' +
    '{"type": "binary", "name": "raw", "required": false}, {"type": "datetime", "name": "t", "required": false}]',
);
const df = (columns: string[], rows: unknown[][]): ModelInput => ({
  kind: 'dataframe',
  frame: frameFromRows(columns, rows),
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
  return 'no error';
};

describe('column schemas', () => {
  it('keeps the declared columns in order and casts binary and datetime', () => {
    const out = enforceInput(
      df(['x', 'n', 'raw', 't', 'extra'], [[1, 2, 'aGk=', '2024-01-02T00:00:00Z', 'z']]),
      cols,
    );
    expect(out.kind).toBe('dataframe');
    if (out.kind !== 'dataframe') return;
    expect(out.frame.columns).toEqual(['n', 'x', 'raw', 't']);
    expect(out.frame.values.get('raw')![0]).toEqual(Buffer.from('hi'));
    expect((out.frame.values.get('t')![0] as Date).toISOString()).toBe('2024-01-02T00:00:00.000Z');
  });

  it('binds unnamed columns by position, and a matrix tensor as rows', () => {
    const two = parseSchema('[{"type": "double", "name": "a"}, {"type": "double", "name": "b"}]');
    const byPos = enforceInput(df(['0', '1'], [[1, 2]]), two);
    expect(byPos.kind === 'dataframe' && byPos.frame.columns).toEqual(['a', 'b']);
    const matrix = enforceInput({ kind: 'tensor', array: { shape: [2, 2], data: [1, 2, 3, 4] } }, two);
    expect(matrix.kind === 'dataframe' && Object.fromEntries(matrix.frame.values)).toEqual({
      a: [1, 3],
      b: [2, 4],
    });
  });

  it.each([
    [['n'], [[1]], "Model is missing inputs ['x']."],
    [['n', 'x'], [[1.5, 2]], "column 'n'. Can not safely convert 1.5 to int64."],
    [['n', 'x'], [[1, '2']], "column 'x'. Can not safely convert '2' to float64."],
    [['n', 'x', 'b'], [[1, 2, 'yes']], "column 'b'. Can not safely convert 'yes' to bool."],
    [['n', 'x'], [[null, 2]], "Column 'n' is required but has a missing value"],
  ])('rejects %j %j with INVALID_PARAMETER_VALUE', (columns, rows, message) => {
    const got = codeOf(() => enforceInput(df(columns, rows), cols));
    expect(got.startsWith('INVALID_PARAMETER_VALUE: ')).toBe(true);
    expect(got).toContain(message);
  });
});

describe('tensor schemas', () => {
  const single = parseSchema('[{"type": "tensor", "tensor-spec": {"dtype": "int32", "shape": [-1, 2]}}]');
  const named = parseSchema(
    '[{"type": "tensor", "name": "a", "tensor-spec": {"dtype": "float32", "shape": [-1]}}, ' +
      '{"type": "tensor", "name": "b", "tensor-spec": {"dtype": "bool", "shape": [-1]}}]',
  );

  it('turns a frame into the matrix of an unnamed input, and named columns into named inputs', () => {
    expect(
      enforceInput(
        df(
          ['p', 'q'],
          [
            [1, 2],
            [3, 4],
          ],
        ),
        single,
      ),
    ).toEqual({
      kind: 'tensor',
      array: { shape: [2, 2], data: [1, 2, 3, 4] },
    });
    expect(
      enforceInput(
        df(
          ['a', 'b'],
          [
            [1.5, 1],
            ['2', false],
          ],
        ),
        named,
      ),
    ).toEqual({
      kind: 'tensors',
      arrays: { a: { shape: [2], data: [1.5, 2] }, b: { shape: [2], data: [true, false] } },
    });
  });

  it('rejects wrong shapes, values and missing inputs', () => {
    expect(
      codeOf(() => enforceInput({ kind: 'tensor', array: { shape: [1, 3], data: [1, 2, 3] } }, single)),
    ).toBe('INVALID_PARAMETER_VALUE: Shape of input [1,3] does not match expected shape [-1,2]');
    expect(
      codeOf(() => enforceInput({ kind: 'tensor', array: { shape: [1, 2], data: [1, 2.5] } }, single)),
    ).toBe('INVALID_PARAMETER_VALUE: Can not convert 2.5 to int32');
    expect(
      codeOf(() => enforceInput({ kind: 'tensors', arrays: { a: { shape: [1], data: [1] } } }, named)),
    ).toBe("INVALID_PARAMETER_VALUE: Model is missing inputs ['b']");
    expect(codeOf(() => enforceInput({ kind: 'tensor', array: { shape: [1], data: [1] } }, named))).toMatch(
      /2 named inputs \['a', 'b'\]: send them by name/,
    );
  });
});

describe('params', () => {
  const specs = [
    { name: 'k', type: 'long', default: 3, shape: null },
    { name: 'stops', type: 'string', default: null, shape: [-1] },
  ];
  it('fills defaults, drops undeclared params and checks types', () => {
    expect(enforceParams({ stops: ['a'], other: 1 }, specs)).toEqual({ k: 3, stops: ['a'] });
    expect(codeOf(() => enforceParams({ k: 'x' }, specs))).toBe(
      "INVALID_PARAMETER_VALUE: Param 'k' must be of type long, got 'x'",
    );
    expect(codeOf(() => enforceParams({ stops: 'a' }, specs))).toBe(
      "INVALID_PARAMETER_VALUE: Param 'stops' must be a list of string",
    );
    expect(enforceParams({ any: 1 }, undefined)).toEqual({ any: 1 });
  });
});
