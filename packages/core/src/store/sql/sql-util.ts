/** Small helpers for building SQL text that both dialects accept. */
import type { SqlValue } from './driver';

/** `(?, ?, ?)` for n values. */
export function placeholders(n: number): string {
  return `(${new Array<string>(n).fill('?').join(', ')})`;
}

/** `(?, ?), (?, ?)` for `rows` rows of `width` values: a multi-row VALUES list. */
export function valuesList(rows: number, width: number): string {
  const one = placeholders(width);
  return new Array<string>(rows).fill(one).join(', ');
}

/** Splits `items` into arrays of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** True for a unique / primary-key violation in either database. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Numbers come back as strings from some drivers (PostgreSQL BIGINT); make them numbers. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A nullable numeric column. */
export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export type Params = SqlValue[];
