/**
 * `?` placeholders (the form all our SQL is written in) to PostgreSQL's `$1, $2, …`, or to the values
 * themselves written as literals.
 */
import pg from 'pg';

/** `?` placeholders to `$1, $2, …`. */
export function toPositional(sql: string): string {
  const pieces = splitAtPlaceholders(sql);
  return pieces.reduce((out, piece, i) => `${out}$${i}${piece}`);
}

// Statements read with inlined parameters (history and search pages) come back on every request:
// their split is kept, bounded like the driver's statement cache.
const splits = new Map<string, readonly string[]>();
const MAX_SPLITS = 1000;

/**
 * The statement with each parameter written in as a quoted literal: the text node-postgres would send
 * for it, which PostgreSQL types from its context as it types an untyped parameter. Undefined when a
 * value has no such literal: bytes, or text with a NUL (a simple query's text ends at a NUL).
 */
export function inlineParams(sql: string, params: readonly unknown[]): string | undefined {
  let pieces = splits.get(sql);
  if (!pieces) {
    if (splits.size >= MAX_SPLITS) splits.clear();
    splits.set(sql, (pieces = splitAtPlaceholders(sql)));
  }
  // A count that does not match is node-postgres' error to report, from the ordinary path.
  if (pieces.length - 1 !== params.length) return undefined;
  let out = pieces[0]!;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (value === null || value === undefined) out += 'NULL';
    else if (typeof value === 'number' || typeof value === 'bigint') out += `'${String(value)}'`;
    else if (typeof value === 'string' && !value.includes('\0')) out += pg.escapeLiteral(value);
    else return undefined;
    out += pieces[i + 1]!;
  }
  return out;
}

/**
 * The text around each `?` outside string literals, quoted identifiers and comments: n placeholders
 * give n + 1 pieces. Our SQL never puts `?` inside those, but a literal must never be taken for one.
 */
function splitAtPlaceholders(sql: string): string[] {
  const pieces: string[] = [];
  let start = 0;
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
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === '?') {
      pieces.push(sql.slice(start, i));
      start = ++i;
    } else {
      i++;
    }
  }
  pieces.push(sql.slice(start));
  return pieces;
}
