import Database from 'better-sqlite3';
const db = new Database('/tmp/zzsearch/db.sqlite', { readonly: true });
const pks = (db.prepare("SELECT run_pk FROM runs WHERE experiment_id = 1 ORDER BY start_time DESC, run_id LIMIT 1000").raw(true).all() as number[][]).map(r => r[0]!);
const kv = (table: string) => `(SELECT json_group_array(json_object('key', key, 'value', value)) FROM ${table} x WHERE x.run_pk = r.run_pk)`;
const metrics = `(SELECT json_group_array(json_object('key', key, 'value', CASE WHEN is_nan = 1 THEN 'NaN' WHEN value = 9e999 THEN 'Infinity' WHEN value = -9e999 THEN '-Infinity' ELSE value END, 'timestamp', timestamp, 'step', step)) FROM latest_metrics x WHERE x.run_pk = r.run_pk)`;
const sql = `SELECT json_group_array(json(j)) FROM (SELECT json_object(
  'info', json_object('run_id', r.run_id, 'run_uuid', r.run_id, 'run_name', r.name, 'experiment_id', CAST(r.experiment_id AS TEXT), 'user_id', r.user_id, 'status', r.status, 'start_time', r.start_time, 'end_time', r.end_time, 'artifact_uri', r.artifact_uri, 'lifecycle_stage', r.lifecycle_stage),
  'data', json_object('metrics', json(${metrics}), 'params', json(${kv('params')}), 'tags', json(${kv('tags')})),
  'inputs', json_object()) AS j
  FROM json_each(?) ids JOIN runs r ON r.run_pk = ids.value ORDER BY ids.key)`;
const st = db.prepare(sql).pluck();
const times: number[] = [];
let text = '';
for (let k = 0; k < 9; k++) { const t = performance.now(); text = st.get(JSON.stringify(pks)) as string; times.push(performance.now() - t); }
times.sort((a, b) => a - b);
console.log('sql json', times[4]!.toFixed(1), 'ms', text.length, text.slice(0, 300));
