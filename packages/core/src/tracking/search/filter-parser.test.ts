import { LoomError } from '@loom/protocol';
import { describe, expect, it } from 'vitest';
import type { Comparison, FilterNode } from './filter-ast';
import { parseFilter } from './filter-parser';

/** The single comparison a filter parses to. */
function one(filter: string): Comparison {
  const node = parseFilter(filter);
  if (node?.kind !== 'comparison') throw new Error(`not one comparison: ${JSON.stringify(node)}`);
  return node;
}

/** A compact rendering of a tree: `(a AND (NOT b))`, comparisons as their source text. */
function shape(node: FilterNode | undefined): string {
  if (!node) return '';
  switch (node.kind) {
    case 'comparison':
      return node.text;
    case 'not':
      return `(NOT ${shape(node.child)})`;
    default:
      return `(${node.children.map(shape).join(` ${node.kind.toUpperCase()} `)})`;
  }
}

function errorOf(filter: string): LoomError {
  try {
    parseFilter(filter);
  } catch (err) {
    expect(err).toBeInstanceOf(LoomError);
    expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
    return err as LoomError;
  }
  throw new Error(`parsed without error: ${filter}`);
}

describe('parseFilter', () => {
  it('treats an empty or blank filter as no filter', () => {
    expect(parseFilter(undefined)).toBeUndefined();
    expect(parseFilter('')).toBeUndefined();
    expect(parseFilter('  \n\t ')).toBeUndefined();
  });

  it('parses a comparison with an entity prefix', () => {
    expect(one('metrics.rmse < 1')).toEqual({
      kind: 'comparison',
      identifier: { entity: 'metrics', key: 'rmse', text: 'metrics.rmse' },
      op: '<',
      value: { kind: 'number', value: 1, text: '1' },
      text: 'metrics.rmse < 1',
    });
  });

  it('leaves an unprefixed key without entity and keeps dots after the first in the key', () => {
    expect(one("status = 'FINISHED'").identifier).toEqual({
      entity: undefined,
      key: 'status',
      text: 'status',
    });
    expect(one("tags.mlflow.runName = 'x'").identifier).toMatchObject({
      entity: 'tags',
      key: 'mlflow.runName',
    });
  });

  it('accepts backticked and double-quoted entities and keys', () => {
    expect(one('metrics."model class" > 0').identifier).toMatchObject({
      entity: 'metrics',
      key: 'model class',
    });
    expect(one("tags.`user-name` = 'a'").identifier).toMatchObject({ entity: 'tags', key: 'user-name' });
    expect(one("`tags`.`mlflow.runName` = 'a'").identifier).toMatchObject({
      entity: 'tags',
      key: 'mlflow.runName',
    });
    expect(one('"params".lr = \'a\'').identifier).toMatchObject({ entity: 'params', key: 'lr' });
    expect(one("`Run name` = 'a'").identifier).toMatchObject({ entity: undefined, key: 'Run name' });
    expect(one("tags.`a``b` = 'a'").identifier.key).toBe('a`b');
  });

  it('matches operators case-insensitively and reads <> as !=', () => {
    const ops = ['=', '!=', '<>', '<', '<=', '>', '>='].map((op) => one(`metrics.a ${op} 1`).op);
    expect(ops).toEqual(['=', '!=', '!=', '<', '<=', '>', '>=']);
    expect(one("params.a like 'x%'").op).toBe('LIKE');
    expect(one("params.a ILike 'x%'").op).toBe('ILIKE');
    expect(one("run_id in ('a')").op).toBe('IN');
    expect(one("run_id not IN ('a')").op).toBe('NOT IN');
    expect(one('metrics.a>=1').op).toBe('>=');
  });

  it('reads single- and double-quoted strings with doubled-quote escapes', () => {
    expect(one("params.a = 'it''s'").value).toEqual({ kind: 'string', value: "it's", text: "'it''s'" });
    expect(one('params.a = "say ""hi"""').value).toMatchObject({ kind: 'string', value: 'say "hi"' });
    expect(one("params.a = ''").value).toMatchObject({ kind: 'string', value: '' });
    expect(one("params.a = 'a AND b = (c)'").value).toMatchObject({ value: 'a AND b = (c)' });
  });

  it('reads integers, decimals, exponents and negative numbers', () => {
    const values = ['0', '42', '-3', '1.5', '.5', '-0.25', '1e3', '2.5E-2', '-1e+2'].map(
      (n) => one(`metrics.a = ${n}`).value,
    );
    expect(values.map((v) => (v.kind === 'number' ? v.value : NaN))).toEqual([
      0, 42, -3, 1.5, 0.5, -0.25, 1000, 0.025, -100,
    ]);
  });

  it('keeps an unquoted word as a bare value so the compiler can ask for quotes', () => {
    expect(one('params.a = abc').value).toEqual({ kind: 'bare', text: 'abc' });
    expect(one('params.a = `abc`').value).toEqual({ kind: 'bare', text: '`abc`' });
  });

  it('reads parenthesised lists after IN and NOT IN', () => {
    expect(one("run_id IN ('a', \"b\",'c')").value).toEqual({
      kind: 'list',
      items: [
        { kind: 'string', value: 'a', text: "'a'" },
        { kind: 'string', value: 'b', text: '"b"' },
        { kind: 'string', value: 'c', text: "'c'" },
      ],
      text: "('a', \"b\",'c')",
    });
    expect(one('run_id NOT IN (1)').value).toMatchObject({
      kind: 'list',
      items: [{ kind: 'number', value: 1 }],
    });
  });

  it('joins clauses with AND case-insensitively into one flat node', () => {
    expect(shape(parseFilter("metrics.a < 1 and params.b = 'x' AND tags.c != 'y'"))).toBe(
      "(metrics.a < 1 AND params.b = 'x' AND tags.c != 'y')",
    );
  });

  it('binds NOT tighter than AND and AND tighter than OR', () => {
    expect(shape(parseFilter('a = 1 OR b = 2 AND c = 3'))).toBe('(a = 1 OR (b = 2 AND c = 3))');
    expect(shape(parseFilter('NOT a = 1 AND b = 2'))).toBe('((NOT a = 1) AND b = 2)');
    expect(shape(parseFilter('a = 1 or not not b = 2'))).toBe('(a = 1 OR (NOT (NOT b = 2)))');
  });

  it('groups with parentheses', () => {
    expect(shape(parseFilter('(a = 1 OR b = 2) AND c = 3'))).toBe('((a = 1 OR b = 2) AND c = 3)');
    expect(shape(parseFilter('NOT (a = 1 AND b = 2)'))).toBe('(NOT (a = 1 AND b = 2))');
    expect(shape(parseFilter('((a = 1))'))).toBe('a = 1');
  });

  it('lets keywords appear as keys when prefixed or quoted', () => {
    expect(one("tags.and = 'x'").identifier).toMatchObject({ entity: 'tags', key: 'and' });
    expect(one("`or` = 'x'").identifier).toMatchObject({ entity: undefined, key: 'or' });
  });

  describe('errors', () => {
    it('rejects a clause without an operator', () => {
      expect(errorOf('metrics.a').message).toBe(
        "Invalid clause(s) in filter string: 'metrics.a'. Expected a comparison operator " +
          '(=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) but found the end of the filter',
      );
      expect(errorOf('metrics.a 1').message).toMatch(/^Invalid clause\(s\) in filter string: 'metrics.a 1'/);
    });

    it('rejects a missing value', () => {
      expect(errorOf('metrics.a <').message).toBe(
        "Invalid clause(s) in filter string: 'metrics.a <'. Expected a value but found the end of the filter",
      );
      expect(errorOf('metrics.a < AND b = 1').message).toMatch(/Expected a value but found 'AND'/);
    });

    it('rejects a dangling AND, OR or NOT', () => {
      expect(errorOf('a = 1 AND').message).toMatch(
        /Expected a comparison .* but found the end of the filter/,
      );
      expect(errorOf('a = 1 OR').message).toMatch(/^Invalid clause\(s\) in filter string/);
      expect(errorOf('NOT').message).toMatch(/^Invalid clause\(s\) in filter string/);
      expect(errorOf('AND a = 1').message).toMatch(/found 'AND'/);
    });

    it('rejects clauses not joined by AND or OR', () => {
      expect(errorOf("a = 1 b = 'x'").message).toBe(
        "Invalid clause(s) in filter string: 'b = 'x''. Expected AND, OR or the end of the filter but found 'b'",
      );
      expect(errorOf('a = 1 2').message).toMatch(/Expected AND, OR or the end of the filter/);
    });

    it('rejects unterminated quotes', () => {
      expect(errorOf("params.a = 'abc").message).toBe(
        "Invalid clause(s) in filter string: unterminated quoted text 'abc (missing closing ')",
      );
      expect(errorOf('params.`a = 1').message).toMatch(/unterminated quoted text `a = 1/);
      expect(errorOf('params.a = "x').message).toMatch(/unterminated quoted text "x/);
    });

    it('rejects characters no clause contains', () => {
      expect(errorOf('metrics.a @ 1').message).toBe(
        "Invalid clause(s) in filter string: unexpected character '@' at position 10",
      );
      expect(errorOf('metrics.a = -x').message).toMatch(/unexpected character '-'/);
      expect(errorOf('metrics. a = 1').message).toMatch(/'metrics. ' is not a valid identifier/);
    });

    it('rejects NOT without IN after an identifier', () => {
      expect(errorOf("params.a NOT LIKE 'x'").message).toMatch(/Expected IN after NOT but found 'LIKE'/);
    });

    it('requires a list after IN and allows lists only after IN', () => {
      expect(errorOf("run_id IN 'a'").message).toMatch(
        /Expected a parenthesised list of values after IN but found ''a''/,
      );
      expect(errorOf("run_id = ('a')").message).toBe(
        "Invalid clause(s) in filter string: 'run_id = (': a list of values is only allowed after IN or NOT IN",
      );
    });

    it('rejects empty and malformed lists', () => {
      expect(errorOf('run_id IN ()').message).toBe(
        'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
      );
      expect(errorOf("run_id IN ('a' 'b')").message).toMatch(/Expected ',' or '\)' but found ''b''/);
      expect(errorOf("run_id IN ('a',)").message).toMatch(/Expected a value in the list but found '\)'/);
      expect(errorOf("run_id IN ('a'").message).toMatch(
        /Expected ',' or '\)' but found the end of the filter/,
      );
    });

    it('rejects unbalanced parentheses', () => {
      expect(errorOf('(a = 1').message).toMatch(/Expected '\)' but found the end of the filter/);
      expect(errorOf('a = 1)').message).toMatch(/Expected AND, OR or the end of the filter but found '\)'/);
      expect(errorOf('()').message).toMatch(/Expected a comparison/);
    });

    it('rejects a trailing semicolon and several statements as MLflow does', () => {
      expect(errorOf('a = 1;').message).toBe("Invalid clause(s) in filter string: ';'");
      expect(errorOf('a = 1; b = 2').message).toBe(
        "Search filter contained multiple expression 'a = 1; b = 2'. Provide AND-ed expression list.",
      );
    });

    it('rejects absurd nesting instead of overflowing the stack', () => {
      expect(errorOf(`${'('.repeat(5000)}a = 1${')'.repeat(5000)}`).message).toMatch(/nested more than 100/);
      expect(errorOf(`${'NOT '.repeat(5000)}a = 1`).message).toMatch(/nested more than 100/);
    });
  });
});

describe('filter size', () => {
  it('rejects a filter with more values than the databases can bind', () => {
    const ids = Array.from({ length: 12_000 }, (_, i) => `'r${i}'`).join(', ');
    expect(() => parseFilter(`run_id IN (${ids})`)).toThrow(/Search filter is too long/);
    const fits = Array.from({ length: 5_000 }, (_, i) => `'r${i}'`).join(', ');
    expect(parseFilter(`run_id IN (${fits})`)?.kind).toBe('comparison');
  });
});
