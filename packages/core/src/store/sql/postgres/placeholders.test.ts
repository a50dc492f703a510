import { describe, expect, it } from 'vitest';
import { inlineParams, toPositional } from './placeholders';

describe('toPositional', () => {
  it('numbers each ? in order', () => {
    expect(toPositional('SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?')).toBe(
      'SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4',
    );
    expect(toPositional('SELECT ?::json')).toBe('SELECT $1::json');
  });

  it('leaves ? inside literals, quoted identifiers and comments alone', () => {
    expect(toPositional(`SELECT '?', 'it''s ?', "col?" FROM t WHERE x = ?`)).toBe(
      `SELECT '?', 'it''s ?', "col?" FROM t WHERE x = $1`,
    );
    expect(toPositional('SELECT ? -- why?\n, ? /* or ? */ , ?')).toBe(
      'SELECT $1 -- why?\n, $2 /* or ? */ , $3',
    );
  });

  it('keeps SQL without placeholders as it is', () => {
    expect(toPositional(`SELECT '{"a":' || x || '}' FROM t`)).toBe(`SELECT '{"a":' || x || '}' FROM t`);
  });
});

describe('inlineParams', () => {
  it('writes each value as the quoted text node-postgres would send, NULL bare', () => {
    expect(
      inlineParams('SELECT * FROM t WHERE a = ? AND b = ? AND c IS ? AND d = ?', [1.5, 2n ** 62n, null, 'x']),
    ).toBe(`SELECT * FROM t WHERE a = '1.5' AND b = '4611686018427387904' AND c IS NULL AND d = 'x'`);
    expect(inlineParams('SELECT ?, ?, ?', [NaN, -Infinity, -0])).toBe(`SELECT 'NaN', '-Infinity', '0'`);
  });

  it('quotes quotes and backslashes so the text reads back as given, and leaves literals alone', () => {
    expect(inlineParams(`SELECT '?', ? -- ?\n`, [`it's \\ "q"`])).toBe(
      `SELECT '?',  E'it''s \\\\ "q"' -- ?\n`,
    );
  });

  it('gives up on bytes, on text with a NUL, and on a count that does not match', () => {
    expect(inlineParams('SELECT ?', [Buffer.from('x')])).toBeUndefined();
    expect(inlineParams('SELECT ?', ['a\u0000b'])).toBeUndefined();
    expect(inlineParams('SELECT ?, ?', ['a'])).toBeUndefined();
    expect(inlineParams('SELECT ?', ['a', 'b'])).toBeUndefined();
  });
});
