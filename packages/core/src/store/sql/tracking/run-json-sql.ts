/**
 * MLflow's `Run` JSON written by the database, for search_runs: a page of 1000 runs carries
 * ~20,000 param, tag and metric rows, and turning them into JS values and back into text cost
 * twice as much as letting the database write the text (docs/benchmarks.md). The shape must match
 * presenters/tracking.ts `presentRun` exactly; server presenters/run-json-parity.test.ts checks the
 * two side by side on each backend. SQLite uses its JSON functions; PostgreSQL concatenates text
 * around `to_json()` quoting (json_build_object would add spaces and cost more).
 */
import type { Dialect } from '../driver';

// The run object is concatenated as text around aggregates that SQLite's JSON functions write:
// re-parsing it (json(), json_patch()) would cost as much again. An absent list is NULL and its
// member is left out, which is how MLflow omits unset fields.
const list = (agg: string, from: string) => `NULLIF((SELECT ${agg} ${from}), '[]')`;
/** `{"a":x,"b":y}` from `,"a":x` parts that may each be NULL (then left out). */
const members = (...parts: string[]) =>
  `'{' || substr(${parts.map((p) => `COALESCE(${p}, '')`).join(' || ')}, 2) || '}'`;

const DOUBLE = `CASE WHEN is_nan = 1 THEN 'NaN' WHEN value = 9e999 THEN 'Infinity' WHEN value = -9e999 THEN '-Infinity' ELSE value END`;

// json_patch('{}', x) (RFC 7396 merge) drops null members; only the rare linked metrics need it.
const METRIC = `CASE WHEN model_id IS NULL AND dataset_name IS NULL AND dataset_digest IS NULL
  THEN json_object('key', key, 'value', ${DOUBLE}, 'timestamp', timestamp, 'step', step)
  ELSE json_patch('{}', json_object('key', key, 'value', ${DOUBLE}, 'timestamp', timestamp, 'step', step,
    'model_id', model_id, 'dataset_name', dataset_name, 'dataset_digest', dataset_digest)) END`;

const KEY_VALUES = (table: string) =>
  list(
    `json_group_array(json_object('key', key, 'value', value))`,
    `FROM ${table} x WHERE x.run_pk = r.run_pk`,
  );

const DATASET_INPUTS = list(
  `json_group_array(json_patch('{}', json_object(
     'tags', json(${list(
       `json_group_array(json_object('key', t.key, 'value', t.value))`,
       'FROM input_tags t WHERE t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk',
     )}),
     'dataset', json_object('name', d.name, 'digest', d.digest, 'source_type', d.source_type, 'source', d.source,
       'schema', d.schema, 'profile', d.profile))))`,
  'FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk WHERE i.run_pk = r.run_pk',
);

const INFO = `'{"run_id":' || json_quote(r.run_id) || ',"run_uuid":' || json_quote(r.run_id)
  || ',"run_name":' || json_quote(r.name) || ',"experiment_id":"' || r.experiment_id || '"'
  || ',"user_id":' || json_quote(r.user_id) || ',"status":"' || r.status || '"'
  || ',"start_time":' || r.start_time || COALESCE(',"end_time":' || r.end_time, '')
  || ',"artifact_uri":' || json_quote(r.artifact_uri) || ',"lifecycle_stage":"' || r.lifecycle_stage || '"}'`;

const RUN_JSON = `'{"info":' || ${INFO}
  || ',"data":' || ${members(
    `',"metrics":' || ${list(`json_group_array(json(${METRIC}))`, 'FROM latest_metrics x WHERE x.run_pk = r.run_pk')}`,
    `',"params":' || ${KEY_VALUES('params')}`,
    `',"tags":' || ${KEY_VALUES('tags')}`,
  )}
  || ',"inputs":' || ${members(
    `',"dataset_inputs":' || ${DATASET_INPUTS}`,
    `',"model_inputs":' || ${list(`json_group_array(json_object('model_id', model_id))`, 'FROM run_model_inputs x WHERE x.run_pk = r.run_pk')}`,
  )}
  || COALESCE(',"outputs":{"model_outputs":' || ${list(
    `json_group_array(json_object('model_id', model_id, 'step', step))`,
    'FROM run_model_outputs x WHERE x.run_pk = r.run_pk',
  )} || '}', '') || '}'`;

// PostgreSQL: every object is concatenated text; `to_json(x)::text` quotes a string (NULL stays NULL,
// so `COALESCE(',"k":' || to_json(x)::text, '')` leaves an unset member out). Lists keep key order.
const pgString = (expr: string) => `to_json(${expr})::text`;
/** `[a,b]` of `item` over `from`, in `order`; NULL when there are no rows (the member is left out). */
const pgList = (item: string, from: string, order: string) =>
  `(SELECT '[' || string_agg(${item}, ',' ORDER BY ${order}) || ']' ${from})`;
const pgKeyValue = (alias: string) =>
  `'{"key":' || ${pgString(`${alias}.key`)} || ',"value":' || ${pgString(`${alias}.value`)} || '}'`;
const pgOptional = (name: string, expr: string) => `COALESCE(',"${name}":' || ${pgString(expr)}, '')`;

const PG_DOUBLE = `CASE WHEN x.is_nan = 1 THEN '"NaN"' WHEN x.value = 'Infinity'::float8 THEN '"Infinity"'
  WHEN x.value = '-Infinity'::float8 THEN '"-Infinity"' ELSE x.value::text END`;

const PG_METRIC = `'{"key":' || ${pgString('x.key')} || ',"value":' || ${PG_DOUBLE}
  || ',"timestamp":' || x.timestamp || ',"step":' || x.step || ${pgOptional('model_id', 'x.model_id')}
  || ${pgOptional('dataset_name', 'x.dataset_name')} || ${pgOptional('dataset_digest', 'x.dataset_digest')} || '}'`;

const PG_KEY_VALUES = (table: string) =>
  pgList(pgKeyValue('x'), `FROM ${table} x WHERE x.run_pk = r.run_pk`, 'x.key');

const PG_DATASET_INPUTS = pgList(
  `'{' || COALESCE('"tags":' || ${pgList(
    pgKeyValue('t'),
    'FROM input_tags t WHERE t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk',
    't.key',
  )} || ',', '')
   || '"dataset":{"name":' || ${pgString('d.name')} || ',"digest":' || ${pgString('d.digest')}
   || ',"source_type":' || ${pgString('d.source_type')} || ',"source":' || ${pgString('d.source')}
   || ${pgOptional('schema', 'd.schema')} || ${pgOptional('profile', 'd.profile')} || '}}'`,
  'FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk WHERE i.run_pk = r.run_pk',
  'i.dataset_pk',
);

const PG_INFO = `'{"run_id":' || ${pgString('r.run_id')} || ',"run_uuid":' || ${pgString('r.run_id')}
  || ',"run_name":' || ${pgString('r.name')} || ',"experiment_id":"' || r.experiment_id || '"'
  || ',"user_id":' || ${pgString('r.user_id')} || ',"status":"' || r.status || '"'
  || ',"start_time":' || r.start_time || COALESCE(',"end_time":' || r.end_time, '')
  || ',"artifact_uri":' || ${pgString('r.artifact_uri')} || ',"lifecycle_stage":"' || r.lifecycle_stage || '"}'`;

const PG_RUN_JSON = `'{"info":' || ${PG_INFO}
  || ',"data":' || ${members(
    `',"metrics":' || ${pgList(PG_METRIC, 'FROM latest_metrics x WHERE x.run_pk = r.run_pk', 'x.key')}`,
    `',"params":' || ${PG_KEY_VALUES('params')}`,
    `',"tags":' || ${PG_KEY_VALUES('tags')}`,
  )}
  || ',"inputs":' || ${members(
    `',"dataset_inputs":' || ${PG_DATASET_INPUTS}`,
    `',"model_inputs":' || ${pgList(`'{"model_id":' || ${pgString('x.model_id')} || '}'`, 'FROM run_model_inputs x WHERE x.run_pk = r.run_pk', 'x.model_id')}`,
  )}
  || COALESCE(',"outputs":{"model_outputs":' || ${pgList(
    `'{"model_id":' || ${pgString('x.model_id')} || ',"step":' || x.step || '}'`,
    'FROM run_model_outputs x WHERE x.run_pk = r.run_pk',
    'x.model_id',
  )} || '}', '') || '}'`;

/**
 * SQL whose one row and column is the JSON array of the runs whose keys are in the JSON array
 * bound to `?`, in that order.
 */
export function runsJsonQuery(dialect: Dialect): string {
  if (dialect === 'postgres') {
    return `SELECT '[' || string_agg(j, ',' ORDER BY ord) || ']' FROM (
      SELECT ${PG_RUN_JSON} AS j, ids.ord FROM json_array_elements_text(?::json) WITH ORDINALITY AS ids (pk, ord)
      JOIN runs r ON r.run_pk = ids.pk::bigint) page`;
  }
  return `SELECT '[' || group_concat(j, ',') || ']' FROM (
    SELECT ${RUN_JSON} AS j FROM json_each(?) ids JOIN runs r ON r.run_pk = ids.value ORDER BY ids.key)`;
}
