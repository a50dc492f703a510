import { describe, expect, it } from 'vitest';
import { parseSchema } from '../signature';
import { parseCsv } from './csv';
import { parseCsvRequest, parseJsonRequest } from './parse-request';

const frame = (text: string) => {
  const { input } = parseJsonRequest(text);
  if (input.kind !== 'dataframe') throw new Error(`expected a frame, got ${input.kind}`);
  return { columns: input.frame.columns, values: Object.fromEntries(input.frame.values) };
};

describe('parseJsonRequest', () => {
  it('reads dataframe_split, with and without column names', () => {
    expect(
      frame('{"dataframe_split": {"columns": ["a", "b"], "data": [[1, "x"], [2, "y"]], "index": [7, 8]}}'),
    ).toEqual({
      columns: ['a', 'b'],
      values: { a: [1, 2], b: ['x', 'y'] },
    });
    expect(frame('{"dataframe_split": {"data": [[1, 2]]}}')).toEqual({
      columns: ['0', '1'],
      values: { 0: [1], 1: [2] },
    });
  });

  it('reads dataframe_records, filling absent keys with null', () => {
    expect(frame('{"dataframe_records": [{"a": 1}, {"b": 2}]}')).toEqual({
      columns: ['a', 'b'],
      values: { a: [1, null], b: [null, 2] },
    });
  });

  it('reads instances as one tensor or as named columns', () => {
    expect(parseJsonRequest('{"instances": [[1, 2], [3, 4]]}').input).toEqual({
      kind: 'tensor',
      array: { shape: [2, 2], data: [1, 2, 3, 4] },
    });
    expect(parseJsonRequest('{"instances": [{"a": 1, "b": [1, 2]}, {"a": 2, "b": [3, 4]}]}').input).toEqual({
      kind: 'tensors',
      arrays: { a: { shape: [2], data: [1, 2] }, b: { shape: [2, 2], data: [1, 2, 3, 4] } },
    });
  });

  it('reads inputs as named tensors or one tensor, and params beside them', () => {
    const req = parseJsonRequest('{"inputs": {"x": [[1], [2]]}, "params": {"k": 3}}');
    expect(req.input).toEqual({ kind: 'tensors', arrays: { x: { shape: [2, 1], data: [1, 2] } } });
    expect(req.params).toEqual({ k: 3 });
    expect(parseJsonRequest('{"inputs": 5}').input).toEqual({
      kind: 'tensor',
      array: { shape: [], data: [5] },
    });
  });

  it.each([
    ['[1, 2]', /must be a JSON dictionary, got a list/],
    ['{"inputs": [1], "instances": [1]}', /exactly one of the input fields/],
    ['{"dataframe_split": {"data": [[1]], "extra": 1}}', /unknown keys \[extra\]/],
    [
      '{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}',
      /Row 0 has 2 values but there are 1 columns/,
    ],
    ['{"dataframe_records": {"a": 1}}', /must be a list of records/],
    ['{"instances": [{"a": 1}, {"b": 2}]}', /lacks 'a'/],
    ['{"inputs": [[1, 2], [3]]}', /ragged/],
    ['{"inputs": [1], "params": [1]}', /`params` must be a JSON dictionary/],
  ])('answers %s with BAD_REQUEST', (text, message) => {
    expect(() => parseJsonRequest(text)).toThrow(message);
    try {
      parseJsonRequest(text);
    } catch (err) {
      expect((err as { code: string }).code).toBe('BAD_REQUEST');
    }
  });
});

describe('CSV', () => {
  it('splits quoted fields, doubled quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ]);
    expect(() => parseCsv('a\n"open')).toThrow(/not closed/);
  });

  it('types cells as pandas would, or as the signature says', () => {
    const untyped = parseCsvRequest('n,s,f\n1,abc,true\n', undefined).input;
    expect(untyped.kind === 'dataframe' && Object.fromEntries(untyped.frame.values)).toEqual({
      n: [1],
      s: ['abc'],
      f: [true],
    });
    const schema = parseSchema('[{"type": "string", "name": "n"}]');
    const typed = parseCsvRequest('n\n007\n', schema).input;
    expect(typed.kind === 'dataframe' && typed.frame.values.get('n')).toEqual(['007']);
  });
});
