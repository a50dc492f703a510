import { describe, expect, it } from 'vitest';
import { numberArray, textArray } from './array-literal';

describe('PostgreSQL array literals', () => {
  it('writes numbers as JavaScript prints them, infinities included', () => {
    expect(numberArray([1, -0.5, 1e-7, Infinity, -Infinity, 2 ** 53])).toBe(
      '{1,-0.5,1e-7,Infinity,-Infinity,9007199254740992}',
    );
    expect(numberArray([])).toBe('{}');
  });

  it('quotes every string and escapes quotes and backslashes; null is NULL', () => {
    expect(textArray(['a', 'NULL', '', 'x"y', 'c:\\d', '{,}', null])).toBe(
      '{"a","NULL","","x\\"y","c:\\\\d","{,}",NULL}',
    );
  });
});
