/** Parses order_by clauses: `<identifier> [ASC|DESC]`, the identifier written as in filters. */
import { invalidParameter } from '@loom/protocol';
import type { Identifier } from './filter-ast';
import { identifierOf } from './filter-parser';
import { isWord, tokenize } from './lexer';

export interface OrderBy {
  identifier: Identifier;
  ascending: boolean;
}

/** Parses one order_by clause; the direction defaults to ascending and is case-insensitive. */
export function parseOrderBy(clause: string): OrderBy {
  const unparsable = () => invalidParameter(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  const tokens = tokenize(clause, unparsable);
  const [first, direction, ...rest] = tokens;
  if (first?.type !== 'ident' || rest.length > 0) throw unparsable();
  const identifier = identifierOf(first, clause);
  if (!direction) return { identifier, ascending: true };
  if (isWord(direction, 'ASC')) return { identifier, ascending: true };
  if (isWord(direction, 'DESC')) return { identifier, ascending: false };
  if (direction.type === 'ident')
    throw invalidParameter(`Invalid ordering key in order_by clause '${clause}'.`);
  throw unparsable();
}

/** Throws when two clauses name the same field; `keys[i]` is clause i's field after resolving aliases. */
export function rejectDuplicateOrderKeys(keys: readonly string[], orderBy: readonly string[]): void {
  if (new Set(keys).size === keys.length) return;
  const list = `[${orderBy.map((o) => `'${o}'`).join(', ')}]`;
  throw invalidParameter(`\`order_by\` contains duplicate fields: ${list}`);
}
