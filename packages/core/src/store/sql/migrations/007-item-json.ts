/**
 * Migration 7: params, tags and latest metrics keep their own MLflow JSON text (`item_json`), and
 * runs their `info` object (`info_json`), which search_runs joins into a page instead of writing ~16
 * objects per run each time: ~0.6× the database time of a 1000-run page (docs/benchmarks.md). PostgreSQL writes the column with a trigger on every
 * insert and update, whoever writes the row (old servers during an upgrade, `db migrate`, a hand
 * edit). SQLite writes its JSON fast enough and leaves the column NULL; it exists there so both
 * stores keep the same columns for `db migrate`. Rows written before the migration stay NULL, and
 * readers fall back to writing their text.
 *
 * The text must be what run-json-sql.ts writes for the row (its parity test reads both). Function
 * bodies are kept on one line: migrations are split into statements at a `;` that ends a line.
 */
import type { Dialect } from '../driver';

const TABLES = ['params', 'tags', 'latest_metrics'];

// Doubles as shortest round-trip text whatever the writing session's setting (as the reads set it).
const KEY_VALUE_JSON = `CREATE FUNCTION loom_key_value_json() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.item_json := '{"key":' || to_json(NEW.key)::text || ',"value":' || to_json(NEW.value)::text || '}'; RETURN NEW; END
$$`;

const METRIC_JSON = `CREATE FUNCTION loom_metric_json() RETURNS trigger LANGUAGE plpgsql SET extra_float_digits = 1 AS $$
BEGIN NEW.item_json := '{"key":' || to_json(NEW.key)::text || ',"value":'
  || CASE WHEN NEW.is_nan = 1 THEN '"NaN"' WHEN NEW.value = 'Infinity'::float8 THEN '"Infinity"'
     WHEN NEW.value = '-Infinity'::float8 THEN '"-Infinity"' ELSE NEW.value::text END
  || ',"timestamp":' || NEW.timestamp || ',"step":' || NEW.step
  || COALESCE(',"model_id":' || to_json(NEW.model_id)::text, '')
  || COALESCE(',"dataset_name":' || to_json(NEW.dataset_name)::text, '')
  || COALESCE(',"dataset_digest":' || to_json(NEW.dataset_digest)::text, '') || '}'; RETURN NEW; END
$$`;

const RUN_INFO_JSON = `CREATE FUNCTION loom_run_info_json() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.info_json := concat('{"run_id":', to_json(NEW.run_id)::text, ',"run_uuid":', to_json(NEW.run_id)::text,
  ',"run_name":', to_json(NEW.name)::text, ',"experiment_id":"', NEW.experiment_id, '","user_id":',
  to_json(NEW.user_id)::text, ',"status":"', NEW.status, '","start_time":', NEW.start_time,
  ',"end_time":' || NEW.end_time, ',"artifact_uri":', to_json(NEW.artifact_uri)::text,
  ',"lifecycle_stage":"', NEW.lifecycle_stage, '"}'); RETURN NEW; END
$$`;

const trigger = (table: string, fn: string) =>
  `CREATE TRIGGER ${table}_json_text BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}()`;

export function up(d: Dialect): string {
  const columns =
    TABLES.map((t) => `ALTER TABLE ${t} ADD COLUMN item_json TEXT;\n`).join('') +
    'ALTER TABLE runs ADD COLUMN info_json TEXT;\n';
  if (d === 'sqlite') return columns;
  return `${columns}${KEY_VALUE_JSON};
${METRIC_JSON};
${RUN_INFO_JSON};
${trigger('params', 'loom_key_value_json')};
${trigger('tags', 'loom_key_value_json')};
${trigger('latest_metrics', 'loom_metric_json')};
${trigger('runs', 'loom_run_info_json')};
`;
}
