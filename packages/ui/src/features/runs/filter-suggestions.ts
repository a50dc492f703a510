/**
 * Autocomplete for the runs filter: where the caret is in a key position (start, after `and`/`or`/
 * `not` or `(`), the keys that complete the word typed so far — entity prefixes first, then
 * `params.<key>`, `metrics.<key>`, `tags.<key>` from the experiment's known keys and the searchable
 * attributes. Keys that are not plain names come back-quoted, as the grammar wants.
 */
import type { RunKeys } from './run-columns';

export interface Suggestion {
  /** What the list shows and what replaces the word. */
  text: string;
  /** `metric`, `param`, `tag`, `attribute`, `dataset` or `prefix`: a hint shown beside it. */
  kind: string;
}

export interface Suggestions {
  /** The word being completed is `filter.slice(from, to)`. */
  from: number;
  to: number;
  items: Suggestion[];
}

/** The attributes MLflow's run search knows (RunInfo's searchable fields). */
const ATTRIBUTES = ['run_id', 'run_name', 'user_id', 'status', 'artifact_uri', 'start_time', 'end_time'];
const DATASET_KEYS = ['name', 'digest', 'context'];
const PREFIXES = ['metrics.', 'params.', 'tags.', 'attributes.', 'datasets.'];
/** Prefixes MLflow accepts, mapped to what they complete from. */
const ENTITIES: Readonly<Record<string, 'metric' | 'param' | 'tag' | 'attribute' | 'dataset'>> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const MAX_ITEMS = 12;
const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `lr` stays `lr`; `val loss` becomes `` `val loss` ``. */
export function quoteKey(key: string): string {
  return PLAIN.test(key) ? key : `\`${key.replace(/`/g, '``')}\``;
}

/** The suggestions for `filter` with the caret at `caret`; empty items when none fit. */
export function filterSuggestions(filter: string, caret: number, keys: RunKeys): Suggestions {
  const before = filter.slice(0, caret);
  // The word under the caret: an identifier, possibly dotted, possibly with an open back-quote.
  const word = /[A-Za-z_][\w.]*(\.`[^`]*)?$|`[^`]*$/.exec(before)?.[0] ?? '';
  const from = caret - word.length;
  let to = caret;
  while (to < filter.length && /[\w.`]/.test(filter[to]!)) to++;
  const none: Suggestions = { from, to, items: [] };
  if (!inKeyPosition(filter.slice(0, from))) return none;

  const dot = word.indexOf('.');
  if (dot < 0) {
    const lower = word.toLowerCase();
    const items = PREFIXES.filter((p) => p.startsWith(lower) && p !== lower).map((text) => ({
      text,
      kind: 'prefix',
    }));
    return { from, to, items };
  }
  const entity = ENTITIES[word.slice(0, dot).toLowerCase()];
  if (!entity) return none;
  const prefix = word.slice(0, dot + 1);
  const typed = word
    .slice(dot + 1)
    .replace(/^`/, '')
    .toLowerCase();
  const candidates =
    entity === 'metric'
      ? keys.metrics
      : entity === 'param'
        ? keys.params
        : entity === 'tag'
          ? keys.tags
          : entity === 'attribute'
            ? ATTRIBUTES
            : DATASET_KEYS;
  // A key typed out in full needs no help (the next thing is an operator).
  if (candidates.some((k) => prefix + quoteKey(k) === word)) return none;
  // Keys that start with what was typed first, then those that merely contain it.
  const starts = candidates.filter((k) => k.toLowerCase().startsWith(typed));
  const contains = candidates.filter(
    (k) => !k.toLowerCase().startsWith(typed) && k.toLowerCase().includes(typed),
  );
  const items = [...starts, ...contains]
    .map((k) => ({ text: prefix + quoteKey(k), kind: entity }))
    .slice(0, MAX_ITEMS);
  return { from, to, items };
}

/** True when what precedes the word leaves room for a key (not a value or an operator). */
function inKeyPosition(before: string): boolean {
  const trimmed = before.trimEnd();
  if (trimmed === '') return true;
  if (trimmed.endsWith('(')) return true;
  // A key after and/or/not, but not inside an unclosed string ("name = 'a and b").
  const quotes = (trimmed.match(/'/g)?.length ?? 0) + (trimmed.match(/"/g)?.length ?? 0);
  return quotes % 2 === 0 && before !== trimmed && /(^|[\s)])(and|or|not)$/i.test(trimmed);
}

/** `filter` with the word `from..to` replaced by `text`, and where the caret goes after it. */
export function applySuggestion(
  filter: string,
  suggestion: Suggestion,
  range: { from: number; to: number },
): { value: string; caret: number } {
  // A finished key is followed by a space, ready for the operator; a prefix is not.
  const insert = suggestion.kind === 'prefix' ? suggestion.text : `${suggestion.text} `;
  const rest = filter.slice(range.to).replace(/^ /, '');
  return { value: filter.slice(0, range.from) + insert + rest, caret: range.from + insert.length };
}
