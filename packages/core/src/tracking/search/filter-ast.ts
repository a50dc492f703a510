/** The parsed form of a search filter, shared by every search (runs, experiments, models, versions). */
import type { ComparisonOp } from './lexer';

/**
 * `[entity.]key` as written: `entity` is the raw prefix with its quotes removed (`metrics`, `tags`, …)
 * or undefined when there is none. Each search decides which prefixes and keys it accepts.
 */
export interface Identifier {
  entity: string | undefined;
  key: string;
  /** The identifier's source text, for error messages. */
  text: string;
}

export type Operator = ComparisonOp | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

/** A right-hand side. `text` is the source text, quoted in messages as MLflow does. */
export type FilterValue =
  | { kind: 'string'; value: string; text: string }
  | { kind: 'number'; value: number; text: string }
  /** An unquoted word or a backticked name: not a string value, but kept so the error can say so. */
  | { kind: 'bare'; text: string }
  | { kind: 'list'; items: FilterValue[]; text: string };

export interface Comparison {
  kind: 'comparison';
  identifier: Identifier;
  op: Operator;
  value: FilterValue;
  /** The whole clause's source text. */
  text: string;
}

export type FilterNode =
  | Comparison
  | { kind: 'and'; children: FilterNode[] }
  | { kind: 'or'; children: FilterNode[] }
  | { kind: 'not'; child: FilterNode };
