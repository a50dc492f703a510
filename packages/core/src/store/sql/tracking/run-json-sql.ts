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

// PostgreSQL: every object is one concat() of its parts. A chain of `||` copies the text built so
// far at each step, which for a ~1 kB run object cost more than all the rest (docs/benchmarks.md);
// concat() writes it once, and leaves NULL parts out. `to_json(x)::text` quotes a string, NULL stays
// NULL, so `',"k":' || to_json(x)::text` is a member that is left out when unset.
const pgString = (expr: string) => `to_json(${expr})::text`;
const cat = (...parts: string[]) => `concat(${parts.join(', ')})`;
/**
 * `[a,b]` of `item` over the rows of `table` (alias x) for the run, in `order`; NULL when there are
 * none (the member is left out). The rows come sorted from a subquery, which reads them in index order,
 * rather than from `string_agg(… ORDER BY …)`, which sorts every run's few rows again (PostgreSQL 15).
 */
const pgList = (item: string, table: string, order: string) =>
  `(SELECT '[' || string_agg(${item}, ',') || ']' FROM (SELECT * FROM ${table} x WHERE x.run_pk = r.run_pk ORDER BY ${order}) x)`;
/** A param, tag or latest metric: the JSON its row keeps (migration 7), or `item` for older rows. */
const pgItem = (item: string) => `COALESCE(x.item_json, ${item})`;
const pgKeyValue = (alias: string) =>
  cat(`'{"key":'`, pgString(`${alias}.key`), `',"value":'`, pgString(`${alias}.value`), `'}'`);
const pgOptional = (name: string, expr: string) => `',"${name}":' || ${pgString(expr)}`;
/** `{"a":x,"b":y}` from `,"a":x` parts that may each be NULL (then left out). */
const pgMembers = (...parts: string[]) => cat(`'{'`, `substr(${cat(...parts)}, 2)`, `'}'`);

const PG_DOUBLE = `CASE WHEN x.is_nan = 1 THEN '"NaN"' WHEN x.value = 'Infinity'::float8 THEN '"Infinity"'
  WHEN x.value = '-Infinity'::float8 THEN '"-Infinity"' ELSE x.value::text END`;

const PG_METRIC = cat(
  `'{"key":'`,
  pgString('x.key'),
  `',"value":'`,
  PG_DOUBLE,
  `',"timestamp":'`,
  'x.timestamp',
  `',"step":'`,
  'x.step',
  pgOptional('model_id', 'x.model_id'),
  pgOptional('dataset_name', 'x.dataset_name'),
  pgOptional('dataset_digest', 'x.dataset_digest'),
  `'}'`,
);

const PG_KEY_VALUES = (table: string) => pgList(pgItem(pgKeyValue('x')), table, 'x.key');

// Dataset inputs, model inputs and outputs are rare: most pages have none. They are aggregated over
// the page's runs once and joined, rather than looked up per run (three empty lookups per run were
// a tenth of a page's time). Each is `(run_pk, j)`, `j` the member's JSON list.
const PG_DATASET_INPUTS = `SELECT i.run_pk, '[' || string_agg(${cat(
  `'{'`,
  `'"tags":' || (SELECT '[' || string_agg(${pgKeyValue('t')}, ',' ORDER BY t.key) || '],'
     FROM input_tags t WHERE t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk)`,
  `'"dataset":{"name":'`,
  pgString('d.name'),
  `',"digest":'`,
  pgString('d.digest'),
  `',"source_type":'`,
  pgString('d.source_type'),
  `',"source":'`,
  pgString('d.source'),
  pgOptional('schema', 'd.schema'),
  pgOptional('profile', 'd.profile'),
  `'}}'`,
)}, ',' ORDER BY i.dataset_pk) || ']' AS j
  FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk
  WHERE i.run_pk IN (SELECT run_pk FROM ids) GROUP BY i.run_pk`;

const PG_MODEL_INPUTS = `SELECT x.run_pk, '[' || string_agg(${cat(`'{"model_id":'`, pgString('x.model_id'), `'}'`)},
  ',' ORDER BY x.model_id) || ']' AS j
  FROM run_model_inputs x WHERE x.run_pk IN (SELECT run_pk FROM ids) GROUP BY x.run_pk`;

const PG_MODEL_OUTPUTS = `SELECT x.run_pk, '[' || string_agg(${cat(
  `'{"model_id":'`,
  pgString('x.model_id'),
  `',"step":'`,
  'x.step',
  `'}'`,
)}, ',' ORDER BY x.model_id) || ']' AS j
  FROM run_model_outputs x WHERE x.run_pk IN (SELECT run_pk FROM ids) GROUP BY x.run_pk`;

const PG_INFO = cat(
  `'{"run_id":'`,
  pgString('r.run_id'),
  `',"run_uuid":'`,
  pgString('r.run_id'),
  `',"run_name":'`,
  pgString('r.name'),
  `',"experiment_id":"'`,
  'r.experiment_id',
  `'","user_id":'`,
  pgString('r.user_id'),
  `',"status":"'`,
  'r.status',
  `'","start_time":'`,
  'r.start_time',
  `',"end_time":' || r.end_time`,
  `',"artifact_uri":'`,
  pgString('r.artifact_uri'),
  `',"lifecycle_stage":"'`,
  'r.lifecycle_stage',
  `'"}'`,
);

const PG_RUN_JSON = cat(
  `'{"info":'`,
  `COALESCE(r.info_json, ${PG_INFO})`,
  `',"data":'`,
  pgMembers(
    `',"metrics":' || ${pgList(pgItem(PG_METRIC), 'latest_metrics', 'x.key')}`,
    `',"params":' || ${PG_KEY_VALUES('params')}`,
    `',"tags":' || ${PG_KEY_VALUES('tags')}`,
  ),
  `',"inputs":'`,
  pgMembers(`',"dataset_inputs":' || di.j`, `',"model_inputs":' || mi.j`),
  `',"outputs":{"model_outputs":' || mo.j || '}'`,
  `'}'`,
);

/**
 * SQL whose one row and column is the JSON array of the runs whose keys are in the JSON array
 * bound to `?`, in that order.
 */
export function runsJsonQuery(dialect: Dialect): string {
  if (dialect === 'postgres') {
    return `WITH ids AS MATERIALIZED (
        SELECT pk::bigint AS run_pk, ord FROM json_array_elements_text(?::json) WITH ORDINALITY AS t (pk, ord)),
      di AS (${PG_DATASET_INPUTS}), mi AS (${PG_MODEL_INPUTS}), mo AS (${PG_MODEL_OUTPUTS})
      SELECT '[' || string_agg(j, ',' ORDER BY ord) || ']' FROM (
        SELECT ${PG_RUN_JSON} AS j, ids.ord FROM ids JOIN runs r ON r.run_pk = ids.run_pk
          LEFT JOIN di ON di.run_pk = r.run_pk LEFT JOIN mi ON mi.run_pk = r.run_pk
          LEFT JOIN mo ON mo.run_pk = r.run_pk) page`;
  }
  return `SELECT '[' || group_concat(j, ',') || ']' FROM (
    SELECT ${RUN_JSON} AS j FROM json_each(?) ids JOIN runs r ON r.run_pk = ids.value ORDER BY ids.key)`;
}
