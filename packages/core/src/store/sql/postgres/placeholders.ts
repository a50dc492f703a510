/**
 * `?` placeholders (the form all our SQL is written in) to PostgreSQL's `$1, $2, …`, or to the values
 * themselves written as literals.
 */
import pg from 'pg';

/** `?` placeholders to `$1, $2, …`. */
export function toPositional(sql: string): string {
  return rewritePlaceholders(sql, (n) => `$${n}`);
}

/**
 * The statement with each parameter written in as a quoted literal: the text node-postgres would send
 * for it, which PostgreSQL types from its context as it types an untyped parameter. Undefined when a
 * value has no such literal: bytes, or text with a NUL (a simple query's text ends at a NUL).
 */
export function inlineParams(sql: string, params: readonly unknown[]): string | undefined {
  const literals: string[] = [];
  for (const value of params) {
    if (value === null || value === undefined) literals.push('NULL');
    else if (typeof value === 'number' || typeof value === 'bigint') literals.push(`'${String(value)}'`);
    else if (typeof value === 'string' && !value.includes('\0')) literals.push(pg.escapeLiteral(value));
    else return undefined;
  }
  let count = 0;
  const text = rewritePlaceholders(sql, (n) => ((count = n), literals[n - 1] ?? 'NULL'));
  // A count that does not match is node-postgres' error to report, from the ordinary path.
  return count === literals.length ? text : undefined;
}

/**
 * Rewrites each `?` outside string literals, quoted identifiers and comments (`n` counts from 1). Our
 * SQL never puts `?` inside those, but a literal must never be changed by accident.
 */
function rewritePlaceholders(sql: string, replace: (n: number) => string): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      // A quoted run ends at the next lone quote; a doubled quote is an escaped one and continues it.
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end === -1 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const j = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, j);
      i = j;
    } else if (c === '?') {
      out += replace(++n);
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
