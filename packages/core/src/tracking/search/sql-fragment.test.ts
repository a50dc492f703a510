import { describe, expect, it } from 'vitest';
import { integerComparison, stringComparison } from './sql-fragment';

describe('integerComparison', () => {
  it('binds whole numbers as they are', () => {
    expect(integerComparison('c', '>', 5)).toEqual({ sql: 'c > ?', params: [5] });
  });

  it('turns a fractional bound into the equivalent integer one', () => {
    expect(integerComparison('c', '>', 1.5)).toEqual({ sql: 'c >= ?', params: [2] });
    expect(integerComparison('c', '>=', -1.5)).toEqual({ sql: 'c >= ?', params: [-1] });
    expect(integerComparison('c', '<', 1.5)).toEqual({ sql: 'c <= ?', params: [1] });
    expect(integerComparison('c', '<=', -1.5)).toEqual({ sql: 'c <= ?', params: [-2] });
    expect(integerComparison('c', '=', 1.5)).toEqual({ sql: '1 = 0', params: [] });
    expect(integerComparison('c', '!=', 1.5)).toEqual({ sql: 'c IS NOT NULL', params: [] });
  });

  it('clamps huge bounds to the BIGINT range', () => {
    expect(integerComparison('c', '<', 1e30)).toEqual({ sql: 'c < ?', params: [2n ** 63n - 1n] });
    expect(integerComparison('c', '>', -1e30)).toEqual({ sql: 'c > ?', params: [-(2n ** 63n)] });
    expect(integerComparison('c', '<', Infinity)).toEqual({ sql: 'c <= ?', params: [2n ** 63n - 1n] });
    expect(integerComparison('c', '>', 2 ** 60)).toEqual({ sql: 'c > ?', params: [2n ** 60n] });
  });
});

describe('stringComparison', () => {
  it('compiles ILIKE per dialect and lists to IN', () => {
    expect(stringComparison('c', 'ILIKE', 'a%', 'sqlite')).toEqual({
      sql: 'LOWER(c) LIKE LOWER(?)',
      params: ['a%'],
    });
    expect(stringComparison('c', 'ILIKE', 'a%', 'postgres')).toEqual({
      sql: "c ILIKE ? ESCAPE ''",
      params: ['a%'],
    });
    expect(stringComparison('c', 'LIKE', 'a%', 'postgres')).toEqual({
      sql: "c LIKE ? ESCAPE ''",
      params: ['a%'],
    });
    expect(stringComparison('c', 'LIKE', 'a%', 'sqlite')).toEqual({ sql: 'c LIKE ?', params: ['a%'] });
    expect(stringComparison('c', 'NOT IN', ['a', 'b'], 'postgres')).toEqual({
      sql: 'c NOT IN (?, ?)',
      params: ['a', 'b'],
    });
  });
});
