/** Splits MLflow search strings (filters and order_by clauses) into tokens. */
import { invalidParameter, type LoomError } from '@loom/protocol';

/** Builds the error for a malformed input; filters and order_by clauses word it differently. */
export type SyntaxErrorFactory = (detail: string) => LoomError;

/** The error for a malformed filter string, in MLflow's words. */
export const filterSyntaxError: SyntaxErrorFactory = (detail) =>
  invalidParameter(`Invalid clause(s) in filter string: ${detail}`);

/** One dotted part of an identifier; `quote` tells whether (and how) it was quoted. */
export interface IdentPart {
  text: string;
  quote: '"' | '`' | undefined;
}

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Token = { start: number; end: number } & (
  | { type: 'ident'; parts: IdentPart[] }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'op'; op: ComparisonOp }
  | { type: 'punct'; char: '(' | ')' | ',' | ';' }
);

const WORD = /[\p{L}\p{N}_]+/uy;
const WORD_START = /[\p{L}_]/u;
// sqlparse accepts a leading minus, a bare fraction and an exponent; a word character may not follow.
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\p{L}\p{N}_])/uy;
const OPERATORS: readonly [string, ComparisonOp][] = [
  ['<=', '<='],
  ['>=', '>='],
  ['<>', '!='], // SQL's other "not equal": MLflow rejects it, Loom reads it as !=
  ['!=', '!='],
  ['=', '='],
  ['<', '<'],
  ['>', '>'],
];

/** Tokenizes `input`; throws INVALID_PARAMETER_VALUE on characters no clause can contain. */
export function tokenize(input: string, fail: SyntaxErrorFactory = filterSyntaxError): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',' || c === ';') {
      tokens.push({ type: 'punct', char: c, start, end: ++i });
      continue;
    }
    const op = OPERATORS.find(([text]) => input.startsWith(text, i));
    if (op) {
      i += op[0].length;
      tokens.push({ type: 'op', op: op[1], start, end: i });
      continue;
    }
    if (c === "'") {
      const { text, end } = readQuoted(input, i, fail);
      tokens.push({ type: 'string', value: text, start, end });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(input);
    if (number) {
      i += number[0].length;
      tokens.push({ type: 'number', value: Number(number[0]), start, end: i });
      continue;
    }
    if (c === '"' || c === '`' || WORD_START.test(c)) {
      const { parts, end } = readIdentifier(input, i, fail);
      tokens.push({ type: 'ident', parts, start, end });
      i = end;
      continue;
    }
    throw fail(`unexpected character '${c}' at position ${i}`);
  }
  return tokens;
}

/** The source text a token (or a run of tokens) was read from. */
export function sourceOf(input: string, first: Token, last: Token = first): string {
  return input.slice(first.start, last.end);
}

/** True when `token` is the unquoted word `word` (keywords are case-insensitive). */
export function isWord(token: Token | undefined, word: string): boolean {
  if (token?.type !== 'ident' || token.parts.length !== 1) return false;
  const part = token.parts[0];
  return part !== undefined && part.quote === undefined && part.text.toUpperCase() === word;
}

/** Reads `part(.part)*` where a part is a word or a "double-quoted" / `backticked` name. */
function readIdentifier(
  input: string,
  from: number,
  fail: SyntaxErrorFactory,
): { parts: IdentPart[]; end: number } {
  const parts: IdentPart[] = [];
  let i = from;
  for (;;) {
    const c = input.charAt(i);
    if (c === '"' || c === '`') {
      const { text, end } = readQuoted(input, i, fail);
      parts.push({ text, quote: c });
      i = end;
    } else {
      WORD.lastIndex = i;
      const word = WORD.exec(input);
      if (!word) throw fail(`'${input.slice(from, i + 1)}' is not a valid identifier`);
      parts.push({ text: word[0], quote: undefined });
      i += word[0].length;
    }
    // A dot continues the identifier only when a part follows it directly (`tags.a`, ``tags.`a b` ``).
    if (input.charAt(i) !== '.') return { parts, end: i };
    i++;
  }
}

/** Reads a quoted run starting at `from`; a doubled quote character stands for itself. */
function readQuoted(input: string, from: number, fail: SyntaxErrorFactory): { text: string; end: number } {
  const quote = input.charAt(from);
  let text = '';
  let i = from + 1;
  while (i < input.length) {
    const c = input.charAt(i);
    if (c === quote) {
      if (input.charAt(i + 1) !== quote) return { text, end: i + 1 };
      i++;
    }
    text += c;
    i++;
  }
  throw fail(`unterminated quoted text ${input.slice(from)} (missing closing ${quote})`);
}
