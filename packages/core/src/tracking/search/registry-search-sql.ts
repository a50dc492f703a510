/** Pieces shared by the search_registered_models and search_model_versions compilers. */
import { invalidParameter } from '@loom/protocol';
import type { Dialect } from '../../store/sql/driver';
import type { Comparison, FilterNode, Identifier } from './filter-ast';
import { parseOrderBy, rejectDuplicateOrderKeys } from './order-by';
import { stringComparison, type Fragment } from './sql-fragment';
import { STRING_OPS, pyList, quotedString, requireOperator } from './value-checks';

/** The tag that marks a registered model as a prompt (MLflow 3's prompt registry). */
export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

/** `attribute` or `tag`; the registry searches accept no prefix, `attribute.`, `tag.` and `tags.`. */
export function registryEntityOf(id: Identifier, validAttributes: readonly string[]): 'attribute' | 'tag' {
  if (id.entity === 'tag' || id.entity === 'tags') return 'tag';
  if (id.entity !== undefined && id.entity !== 'attribute') {
    throw invalidParameter(
      `Invalid entity type '${id.entity}'. Valid entity types are ('attribute', 'tag', 'tags')`,
    );
  }
  if (!validAttributes.includes(id.key)) {
    throw invalidParameter(
      `Invalid attribute key '${id.key}' specified. Valid keys are ${pyList(validAttributes)}`,
    );
  }
  return 'attribute';
}

/** The quoted string and operator of a tag comparison, checked. */
export function tagValue(c: Comparison): string {
  const s = quotedString(
    c.value,
    `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${c.value.text}`,
  );
  requireOperator(c.op, STRING_OPS, `Invalid comparator for tag: ${c.op}`);
  return s;
}

/**
 * The prompt flag of the registered model `rm`, 'false' when the tag is absent, as MLflow treats it.
 * `tags.\`mlflow.prompt.is_prompt\`` comparisons compile against this in both searches.
 */
export function promptComparison(c: Comparison, dialect: Dialect): Fragment {
  const flag = `COALESCE((SELECT pt.value FROM registered_model_tags pt WHERE pt.model_pk = rm.model_pk AND pt.key = ?), 'false')`;
  const cmp = stringComparison(flag, c.op, tagValue(c), dialect);
  return { sql: cmp.sql, params: [IS_PROMPT_TAG, ...cmp.params] };
}

/** True when the filter says anything about the prompt tag (then prompts are not hidden). */
export function mentionsPromptTag(node: FilterNode | undefined): boolean {
  if (!node) return false;
  switch (node.kind) {
    case 'comparison':
      return (
        (node.identifier.entity === 'tag' || node.identifier.entity === 'tags') &&
        node.identifier.key === IS_PROMPT_TAG
      );
    case 'not':
      return mentionsPromptTag(node.child);
    default:
      return node.children.some(mentionsPromptTag);
  }
}

/** Hides prompts: the model has no prompt tag set to 'true'. */
export const NOT_A_PROMPT: Fragment = {
  sql: `NOT EXISTS (SELECT 1 FROM registered_model_tags pt WHERE pt.model_pk = rm.model_pk AND pt.key = ? AND pt.value = 'true')`,
  params: [IS_PROMPT_TAG],
};

/**
 * ORDER BY terms for `clauses` over attribute keys mapped to columns by `keys` (the registry searches
 * order by attributes only), rejecting other entities, unknown keys and duplicates as MLflow does.
 */
export function attributeOrder(
  clauses: readonly string[],
  keys: Readonly<Record<string, string>>,
): {
  terms: string[];
  columns: string[];
} {
  const terms: string[] = [];
  const columns: string[] = [];
  for (const clause of clauses) {
    const { identifier, ascending } = parseOrderBy(clause);
    if (identifier.entity !== undefined && identifier.entity !== 'attribute') {
      throw invalidParameter(`Invalid order_by entity: ${identifier.entity}`);
    }
    const column = keys[identifier.key];
    if (!column) {
      throw invalidParameter(
        `Invalid order by key '${identifier.key}' specified. Valid keys are ${pyList(Object.keys(keys))}`,
      );
    }
    columns.push(column);
    terms.push(`${column} ${ascending ? 'ASC' : 'DESC'}`);
  }
  rejectDuplicateOrderKeys(columns, clauses);
  return { terms, columns };
}
