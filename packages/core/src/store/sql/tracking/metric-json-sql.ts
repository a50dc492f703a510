/**
 * MLflow's `Metric` JSON written by the database itself, for the history route: materialising
 * 100,000 rows as JS values costs ~3× more than letting SQL concatenate the text (measured:
 * docs/benchmarks.md). Both databases print doubles as shortest round-trip text (SQLite ≥ 3.43,
 * PostgreSQL ≥ 12), which JSON parsers read back to the identical value.
 */
import type { Dialect } from '../driver';

/** A SQL expression over a metrics row giving its JSON object text; `?` is the JSON-quoted key. */
export function metricJsonExpression(dialect: Dialect): string {
  if (dialect === 'postgres') {
    return `'{"key":' || ? || ',"value":' || (CASE WHEN is_nan = 1 THEN '"NaN"'
        WHEN value = 'Infinity'::float8 THEN '"Infinity"' WHEN value = '-Infinity'::float8 THEN '"-Infinity"'
        ELSE value::text END)
      || ',"timestamp":' || timestamp || ',"step":' || step
      || (CASE WHEN model_id IS NULL AND dataset_name IS NULL AND dataset_digest IS NULL THEN '}' ELSE
           COALESCE(',"model_id":' || to_json(model_id)::text, '')
        || COALESCE(',"dataset_name":' || to_json(dataset_name)::text, '')
        || COALESCE(',"dataset_digest":' || to_json(dataset_digest)::text, '') || '}' END)`;
  }
  // One test for the rare linked points keeps the common row to a few concatenations (both dialects).
  return `'{"key":' || ? || ',"value":' || (CASE WHEN is_nan = 1 THEN '"NaN"'
        WHEN value = 9e999 THEN '"Infinity"' WHEN value = -9e999 THEN '"-Infinity"'
        ELSE value || '' END)
      || ',"timestamp":' || timestamp || ',"step":' || step
      || (CASE WHEN model_id IS NULL AND dataset_name IS NULL AND dataset_digest IS NULL THEN '}' ELSE
           (CASE WHEN model_id IS NULL THEN '' ELSE ',"model_id":' || json_quote(model_id) END)
        || (CASE WHEN dataset_name IS NULL THEN '' ELSE ',"dataset_name":' || json_quote(dataset_name) END)
        || (CASE WHEN dataset_digest IS NULL THEN '' ELSE ',"dataset_digest":' || json_quote(dataset_digest) END)
        || '}' END)`;
}

/**
 * Concatenates a subquery's `j` column in its row order, comma-separated. PostgreSQL keeps the order
 * of a sorted subquery feeding a plain aggregate (its documented "usually works" case; checked by the
 * history tests on both backends), which spares sorting the page a second time.
 */
export function jsonListAggregate(dialect: Dialect): string {
  return dialect === 'postgres' ? `string_agg(j, ',')` : `group_concat(j, ',')`;
}
