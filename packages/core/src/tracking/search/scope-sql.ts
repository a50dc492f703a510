/** The WHERE terms that scope a search: lifecycle stages of a view type, and experiment ids. */
import type { ViewType } from '@loom/protocol';
import type { SqlValue } from '../../store/sql/driver';
import { placeholders } from '../../store/sql/sql-util';
import type { Fragment } from './sql-fragment';

const STAGES: Readonly<Record<ViewType, readonly string[]>> = {
  ACTIVE_ONLY: ['active'],
  DELETED_ONLY: ['deleted'],
  ALL: ['active', 'deleted'],
};

/** `column IN ('active', …)` for a view type; kept even for ALL so the (…, lifecycle_stage, …) indexes apply. */
export function lifecycleCondition(column: string, viewType: ViewType): Fragment {
  const stages = STAGES[viewType];
  return { sql: `${column} IN ${placeholders(stages.length)}`, params: [...stages] };
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * `column IN (…)` over experiment ids; ids that are not 64-bit integers cannot exist, so they match
 * nothing (bound, one beyond BIGINT was a 500 on both backends).
 */
export function experimentIdCondition(column: string, ids: readonly string[]): Fragment {
  const values: SqlValue[] = [];
  for (const id of new Set(ids)) {
    if (!/^\d{1,19}$/.test(id) || BigInt(id) > INT64_MAX) continue;
    const n = Number(id);
    values.push(Number.isSafeInteger(n) ? n : BigInt(id));
  }
  if (values.length === 0) return { sql: '1 = 0', params: [] };
  return { sql: `${column} IN ${placeholders(values.length)}`, params: values };
}
