/**
 * Recursive-descent parser for MLflow filter strings. MLflow's grammar is comparisons joined by AND;
 * Loom also accepts OR, prefix NOT and parentheses (precedence NOT > AND > OR), so every MLflow filter
 * keeps its meaning. Which entities, keys, operators and value types are allowed is left to each
 * search's compiler.
 */
import { invalidParameter } from '@loom/protocol';
import type { Comparison, FilterNode, FilterValue, Identifier, Operator } from './filter-ast';
import { filterSyntaxError, isWord, sourceOf, tokenize, type Token } from './lexer';

// Deeper nesting than this is no real filter; the limit keeps recursion off the stack ceiling.
const MAX_DEPTH = 100;
// Every value becomes a bound SQL parameter; this keeps a filter well under SQLite's 32,766 and
// PostgreSQL's 65,535 parameters, so an oversized filter is a 400 rather than a database error.
const MAX_TOKENS = 20_000;

/** Parses a filter string; undefined for an empty or all-whitespace filter (no filter). */
export function parseFilter(filter: string | undefined): FilterNode | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  return new Parser(filter).parse();
}

/** The identifier a token spells: the first dotted part is the entity, the rest is the key. */
export function identifierOf(token: Token & { type: 'ident' }, input: string): Identifier {
  const [first, ...rest] = token.parts;
  const text = sourceOf(input, token);
  if (!first) throw filterSyntaxError(`'${text}'`);
  if (rest.length === 0) return { entity: undefined, key: first.text, text };
  return { entity: first.text, key: rest.map((p) => p.text).join('.'), text };
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
    if (this.tokens.length > MAX_TOKENS) {
      throw invalidParameter(
        `Search filter is too long: ${this.tokens.length} tokens, at most ${MAX_TOKENS} allowed.`,
      );
    }
  }

  parse(): FilterNode {
    const node = this.or();
    const next = this.peek();
    if (next?.type === 'punct' && next.char === ';') {
      if (this.pos + 1 < this.tokens.length) {
        throw invalidParameter(
          `Search filter contained multiple expression '${this.input}'. Provide AND-ed expression list.`,
        );
      }
      throw filterSyntaxError("';'");
    }
    if (next) throw this.unexpected(next, 'AND, OR or the end of the filter');
    return node;
  }

  private or(): FilterNode {
    const children = [this.and()];
    while (isWord(this.peek(), 'OR')) {
      this.pos++;
      children.push(this.and());
    }
    return children.length === 1 && children[0] ? children[0] : { kind: 'or', children };
  }

  private and(): FilterNode {
    const children = [this.unary()];
    while (isWord(this.peek(), 'AND')) {
      this.pos++;
      children.push(this.unary());
    }
    return children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
  }

  private unary(): FilterNode {
    if (++this.depth > MAX_DEPTH)
      throw filterSyntaxError(`filter is nested more than ${MAX_DEPTH} levels deep`);
    try {
      if (isWord(this.peek(), 'NOT')) {
        this.pos++;
        return { kind: 'not', child: this.unary() };
      }
      return this.primary();
    } finally {
      this.depth--;
    }
  }

  private primary(): FilterNode {
    const token = this.peek();
    if (token?.type === 'punct' && token.char === '(') {
      this.pos++;
      const inner = this.or();
      const close = this.peek();
      if (close?.type !== 'punct' || close.char !== ')') throw this.unexpected(close, "')'");
      this.pos++;
      return inner;
    }
    if (token?.type !== 'ident' || isKeyword(token)) {
      throw this.unexpected(token, 'a comparison such as `metrics.rmse < 1`');
    }
    return this.comparison(token);
  }

  private comparison(first: Token & { type: 'ident' }): Comparison {
    this.pos++;
    const identifier = identifierOf(first, this.input);
    const op = this.operator(first);
    const value = this.value(first, op);
    const last = this.tokens[this.pos - 1] ?? first;
    return { kind: 'comparison', identifier, op, value, text: sourceOf(this.input, first, last) };
  }

  private operator(clauseStart: Token): Operator {
    const token = this.peek();
    const expected = 'a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)';
    if (!token) throw this.unexpected(token, expected, clauseStart);
    this.pos++;
    if (token.type === 'op') return token.op;
    for (const word of ['LIKE', 'ILIKE', 'IN'] as const) if (isWord(token, word)) return word;
    if (isWord(token, 'NOT')) {
      if (!isWord(this.peek(), 'IN')) throw this.unexpected(this.peek(), 'IN after NOT', clauseStart);
      this.pos++;
      return 'NOT IN';
    }
    this.pos--;
    throw this.unexpected(token, expected, clauseStart);
  }

  private value(clauseStart: Token, op: Operator): FilterValue {
    const token = this.peek();
    const isList = op === 'IN' || op === 'NOT IN';
    const opensList = token?.type === 'punct' && token.char === '(';
    if (isList && !opensList) {
      throw this.unexpected(token, `a parenthesised list of values after ${op}`, clauseStart);
    }
    if (opensList && !isList) {
      throw filterSyntaxError(
        `'${sourceOf(this.input, clauseStart, token)}': a list of values is only allowed after IN or NOT IN`,
      );
    }
    if (opensList) return this.list(clauseStart);
    const value = token && this.scalar(token);
    if (!value) throw this.unexpected(token, 'a value', clauseStart);
    this.pos++;
    return value;
  }

  private list(clauseStart: Token): FilterValue {
    const open = this.tokens[this.pos++] as Token;
    const items: FilterValue[] = [];
    for (;;) {
      const token = this.peek();
      if (items.length === 0 && token?.type === 'punct' && token.char === ')') {
        throw invalidParameter(
          'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
        );
      }
      const item = token && this.scalar(token);
      if (!item) throw this.unexpected(token, 'a value in the list', clauseStart);
      items.push(item);
      const next = this.tokens[++this.pos];
      this.pos++;
      if (next?.type === 'punct' && next.char === ')') {
        return { kind: 'list', items, text: sourceOf(this.input, open, next) };
      }
      if (next?.type !== 'punct' || next.char !== ',') throw this.unexpected(next, "',' or ')'", clauseStart);
    }
  }

  /** A single value token, or undefined when the token cannot be one. */
  private scalar(token: Token): FilterValue | undefined {
    const text = sourceOf(this.input, token);
    if (token.type === 'string') return { kind: 'string', value: token.value, text };
    if (token.type === 'number') return { kind: 'number', value: token.value, text };
    if (token.type !== 'ident' || isKeyword(token)) return undefined;
    const [only, ...more] = token.parts;
    // "abc" is a string in value position (MLflow accepts double quotes for values too).
    if (only?.quote === '"' && more.length === 0) return { kind: 'string', value: only.text, text };
    return { kind: 'bare', text };
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  /** "Invalid clause(s)" naming the text read so far in this clause and what was expected instead. */
  private unexpected(found: Token | undefined, expected: string, clauseStart?: Token) {
    const at = found ? `'${sourceOf(this.input, found)}'` : 'the end of the filter';
    // Inside a clause, quote the clause so far; between clauses, quote everything from the bad token on.
    const clause = clauseStart
      ? sourceOf(this.input, clauseStart, found ?? this.tokens[this.tokens.length - 1])
      : this.input.slice(found?.start ?? 0).trim();
    return filterSyntaxError(`'${clause}'. Expected ${expected} but found ${at}`);
  }
}

const KEYWORDS = ['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE'];

function isKeyword(token: Token): boolean {
  return KEYWORDS.some((word) => isWord(token, word));
}
