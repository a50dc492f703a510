/** Checks of a comparison's value and operator, with MLflow's error messages. */
import { invalidParameter } from '@loom/protocol';
import type { FilterValue, Operator } from './filter-ast';

export const NUMERIC_OPS: readonly Operator[] = ['=', '!=', '>', '>=', '<', '<='];
export const STRING_OPS: readonly Operator[] = ['=', '!=', 'LIKE', 'ILIKE'];
export const STRING_LIST_OPS: readonly Operator[] = [...STRING_OPS, 'IN', 'NOT IN'];

/** The value as a number, or `message` (which names the offending value) as the error. */
export function numberValue(value: FilterValue, message: string): number {
  if (value.kind !== 'number') throw invalidParameter(message);
  return value.value;
}

/** The value as a quoted string; a bare word gets MLflow's "not quoted" error, anything else `message`. */
export function quotedString(value: FilterValue, message: string): string {
  if (value.kind === 'string') return value.value;
  if (value.kind === 'bare') {
    throw invalidParameter(
      `Parameter value is either not quoted or unidentified quote types used for string value ${value.text}. ` +
        'Use either single or double quotes.',
    );
  }
  throw invalidParameter(message);
}

/** The items of an `IN (...)` list, which must all be quoted strings. */
export function stringList(value: FilterValue & { kind: 'list' }): string[] {
  return value.items.map((item) => {
    if (item.kind !== 'string') {
      throw invalidParameter(
        'While parsing a list in the query, expected string value, punctuation, or whitespace, ' +
          `but got different type in list: ${value.text}`,
      );
    }
    return item.value;
  });
}

/** Throws unless `op` is one of `allowed`. */
export function requireOperator(op: Operator, allowed: readonly Operator[], message?: string): void {
  if (allowed.includes(op)) return;
  throw invalidParameter(message ?? `Invalid comparator '${op}' not one of '${allowed.join(', ')}'`);
}

/** `['a', 'b']`, the way MLflow's messages print a list of names. */
export function pyList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i}'`).join(', ')}]`;
}
