import { describe, expect, it } from 'vitest';
import { toPositional } from './placeholders';

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
