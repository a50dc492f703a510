/** Runs: creation, lookup, lifecycle and search, loaded in set queries (never one query per run). */
import { invalidParameter, notFound } from '@loom/protocol';
import { joinJsonText, type JsonText } from '../../../tracking/json-text';
import type { DatasetInput, KeyValue, Metric, Page, Run, RunInfo } from '../../../tracking/entities';
import { compileRunSearch, decodePageToken, encodePageToken } from '../../../tracking/search';
import type { NewRun, RunUpdate, RunsJsonPage, SearchRunsQuery } from '../../../tracking/tracking-store';
import { runsJsonQuery } from './run-json-sql';
import type { Queryable, SqlDriver } from '../driver';
import { chunks, num, placeholders } from '../sql-util';
import { experimentRow, joinArtifactUri } from './experiments';
import { METRIC_COLUMNS, RUN_COLUMNS, groupByRun, toRunInfo, type RunRow } from './rows';

export const RUN_NAME_TAG = 'mlflow.runName';

/** The runs row of `runId`, or RESOURCE_DOES_NOT_EXIST. */
export async function runRow(q: Queryable, runId: string): Promise<RunRow> {
  const row = await q.get<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = ?`, [runId]);
  if (!row) throw notFound(`Run with id=${runId} not found`);
  return row;
}

/** The runs row of an active run; logging to a deleted run is INVALID_PARAMETER_VALUE, as in MLflow. */
export async function activeRunRow(q: Queryable, runId: string): Promise<RunRow> {
  const row = await runRow(q, runId);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(
      `The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
  return row;
}

/** Inserts a run in an active experiment and returns it (built from what was written, not re-read). */
export async function createRun(db: SqlDriver, run: NewRun): Promise<Run> {
  return db.transaction(async (tx) => {
    const exp = await experimentRow(tx, run.experimentId);
    if (exp.lifecycle_stage !== 'active') {
      throw invalidParameter(
        `The experiment ${run.experimentId} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`,
      );
    }
    const artifactUri = joinArtifactUri(exp.artifact_location, run.runId, 'artifacts');
    const row = await tx.get<{ run_pk: number | string }>(
      `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
       VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active') RETURNING run_pk`,
      [run.runId, exp.experiment_id, run.runName, run.userId, run.startTime, artifactUri],
    );
    await upsertTags(tx, num(row!.run_pk), run.tags, false);
    const tags = new Map(run.tags.map((t) => [t.key, t.value]));
    return {
      info: {
        runId: run.runId,
        runName: tags.get(RUN_NAME_TAG) ?? run.runName,
        experimentId: String(exp.experiment_id),
        userId: run.userId,
        status: 'RUNNING',
        startTime: run.startTime,
        endTime: null,
        artifactUri,
        lifecycleStage: 'active',
      },
      metrics: [],
      params: [],
      // Key order, as a read of the run returns them.
      tags: [...tags]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value })),
      datasetInputs: [],
      modelInputs: [],
      modelOutputs: [],
    };
  });
}

/**
 * Upserts run tags (last value wins within one call, so PostgreSQL never sees a key twice); a
 * `mlflow.runName` tag also renames the run unless `syncName` is false (the name is already right).
 */
export async function upsertTags(
  q: Queryable,
  runPk: number,
  tags: readonly KeyValue[],
  syncName = true,
): Promise<void> {
  if (tags.length === 0) return;
  const last = new Map<string, string>();
  for (const t of tags) last.set(t.key, t.value);
  for (const part of chunks([...last], 300)) {
    await q.run(
      `INSERT INTO tags (run_pk, key, value) VALUES ${part.map(() => '(?, ?, ?)').join(', ')}
       ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value`,
      part.flatMap(([key, value]) => [runPk, key, value]),
    );
  }
  const runName = syncName ? last.get(RUN_NAME_TAG) : undefined;
  if (runName !== undefined) await q.run('UPDATE runs SET name = ? WHERE run_pk = ?', [runName, runPk]);
}

/** A run with all its data. Works for deleted runs too. */
export async function getRun(q: Queryable, runId: string): Promise<Run> {
  const row = await runRow(q, runId);
  const [run] = await loadRuns(q, [num(row.run_pk)]);
  return run!;
}

/** Only the info part of a run. */
export async function getRunInfo(q: Queryable, runId: string): Promise<RunInfo> {
  return toRunInfo(await runRow(q, runId));
}

/** Changes status / end time / name of an active run. */
export async function updateRun(db: SqlDriver, runId: string, update: RunUpdate): Promise<RunInfo> {
  return db.transaction(async (tx) => {
    const row = await activeRunRow(tx, runId);
    const pk = num(row.run_pk);
    if (update.status !== undefined)
      await tx.run('UPDATE runs SET status = ? WHERE run_pk = ?', [update.status, pk]);
    if (update.endTime !== undefined)
      await tx.run('UPDATE runs SET end_time = ? WHERE run_pk = ?', [update.endTime, pk]);
    if (update.runName !== undefined)
      await upsertTags(tx, pk, [{ key: RUN_NAME_TAG, value: update.runName }]);
    return toRunInfo(await runRow(tx, runId));
  });
}

/** Soft-deletes a run. */
export async function deleteRun(db: SqlDriver, runId: string, time: number): Promise<void> {
  await db.transaction(async (tx) => {
    await runRow(tx, runId);
    await tx.run(`UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_id = ?`, [
      time,
      runId,
    ]);
  });
}

/** Restores a soft-deleted run. */
export async function restoreRun(db: SqlDriver, runId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await runRow(tx, runId);
    await tx.run(`UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_id = ?`, [runId]);
  });
}

/** Deletes a tag of an active run; a missing tag is RESOURCE_DOES_NOT_EXIST. */
export async function deleteTag(db: SqlDriver, runId: string, key: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await activeRunRow(tx, runId);
    const n = await tx.run('DELETE FROM tags WHERE run_pk = ? AND key = ?', [row.run_pk, key]);
    if (n === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
  });
}

/** The keys of one page of runs matching a search, and the token of the next page. */
async function searchRunKeys(
  db: SqlDriver,
  query: SearchRunsQuery,
): Promise<{ pks: number[]; next?: string }> {
  const offset = query.pageToken ? decodePageToken(query.pageToken) : 0;
  if (query.experimentIds.length === 0) return { pks: [] };
  const { sql, params } = compileRunSearch(
    {
      experimentIds: query.experimentIds,
      filter: query.filter,
      orderBy: query.orderBy,
      viewType: query.viewType,
      limit: query.maxResults + 1,
      offset,
    },
    db.dialect,
  );
  const pks = (await db.values<[number | string]>(sql, params)).map((r) => num(r[0]));
  const more = pks.length > query.maxResults;
  return {
    pks: more ? pks.slice(0, query.maxResults) : pks,
    next: more ? encodePageToken(offset + query.maxResults) : undefined,
  };
}

/** One page of runs matching a search: run keys first, then their data in a few set queries. */
export async function searchRuns(db: SqlDriver, query: SearchRunsQuery): Promise<Page<Run>> {
  const { pks, next } = await searchRunKeys(db, query);
  return { items: await loadRuns(db, pks), nextPageToken: next };
}

/** One page of runs matching a search as MLflow `Run` JSON text (a JSON array), written by SQL. */
export async function searchRunsJson(db: SqlDriver, query: SearchRunsQuery): Promise<RunsJsonPage> {
  const { pks, next } = await searchRunKeys(db, query);
  return { runsJson: await runsJson(db, pks), count: pks.length, nextPageToken: next };
}

/**
 * On PostgreSQL a page of at least this many runs is written in two halves on two pooled
 * connections at once, so both cores write JSON (1000 runs: ~0.7× the time, docs/benchmarks.md).
 */
export const RUNS_JSON_SPLIT_AT = 200;

/**
 * The MLflow `Run` JSON array of the runs `pks`, in that order. A run deleted meanwhile is left
 * out. SQLite (one connection, in process) always writes it in one query.
 */
export async function runsJson(
  db: SqlDriver,
  pks: readonly number[],
  splitAt = RUNS_JSON_SPLIT_AT,
): Promise<JsonText> {
  if (pks.length === 0) return '[]';
  const halves =
    db.dialect === 'postgres' && pks.length >= splitAt ? chunks(pks, Math.ceil(pks.length / 2)) : [pks];
  const sql = runsJsonQuery(db.dialect);
  // A big page (split in halves) comes from PostgreSQL as bytes, which go to the answer as they are;
  // a small one stays a prepared statement (the COPY's query is planned afresh each time).
  const read = async (part: readonly number[]): Promise<JsonText | null | undefined> =>
    db.rawRow && halves.length > 1
      ? ((await db.rawRow(sql, [JSON.stringify(part)], ['text']))?.[0] as Buffer | null | undefined)
      : (await db.values<[string | null]>(sql, [JSON.stringify(part)]))[0]?.[0];
  const arrays = await Promise.all(halves.map(read));
  // Each part is `[…]`, or NULL when none of its runs exist any more.
  const items = arrays
    .filter((a): a is JsonText => a != null && a.length > 2)
    .map((a) => (typeof a === 'string' ? a.slice(1, -1) : a.subarray(1, -1)));
  return joinJsonText(['[', joinJsonText(items, ','), ']']);
}

type KeyValueRow = [runPk: number | string, key: string, value: string];
type LatestRow = [
  runPk: number | string,
  key: string,
  step: number | string,
  timestamp: number | string,
  isNan: number | string,
  value: number,
  modelId: string | null,
  datasetName: string | null,
  datasetDigest: string | null,
];

interface InputRow {
  run_pk: number | string;
  dataset_pk: number | string;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

/** Groups array rows by their first column (the run key). */
function byRun<R extends [number | string, ...unknown[]]>(rows: R[]): Map<number, R[]> {
  const map = new Map<number, R[]>();
  for (const row of rows) {
    const pk = num(row[0]);
    let list = map.get(pk);
    if (!list) map.set(pk, (list = []));
    list.push(row);
  }
  return map;
}

function latestToMetric(r: LatestRow): Metric {
  const m: Metric = { key: r[1], value: num(r[4]) ? NaN : r[5], timestamp: num(r[3]), step: num(r[2]) };
  if (r[6]) m.modelId = r[6];
  if (r[7]) m.datasetName = r[7];
  if (r[8]) m.datasetDigest = r[8];
  return m;
}

const kv = (rows: KeyValueRow[] | undefined): KeyValue[] =>
  (rows ?? []).map((r) => ({ key: r[1], value: r[2] }));

/**
 * Loads whole runs by internal key, in the order given: one set query per table, rows read as
 * arrays (a page of 1000 runs is ~5,000 metric, param and tag rows each). Lists come in key order:
 * SQLite reads it from the primary key without sorting; PostgreSQL heap order is arbitrary.
 */
export async function loadRuns(q: Queryable, pks: readonly number[]): Promise<Run[]> {
  if (pks.length === 0) return [];
  const infos: RunRow[] = [];
  const params: KeyValueRow[] = [];
  const tags: KeyValueRow[] = [];
  const metrics: LatestRow[] = [];
  const inputs: InputRow[] = [];
  const inputTags: (KeyValueRow | [number | string, string, string, number | string])[] = [];
  const modelInputs: [number | string, string][] = [];
  const modelOutputs: [number | string, string, number | string][] = [];
  for (const part of chunks(pks, 500)) {
    const inList = placeholders(part.length);
    infos.push(...(await q.all<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_pk IN ${inList}`, part)));
    params.push(
      ...(await q.values<KeyValueRow>(
        `SELECT run_pk, key, value FROM params WHERE run_pk IN ${inList} ORDER BY run_pk, key`,
        part,
      )),
    );
    tags.push(
      ...(await q.values<KeyValueRow>(
        `SELECT run_pk, key, value FROM tags WHERE run_pk IN ${inList} ORDER BY run_pk, key`,
        part,
      )),
    );
    metrics.push(
      ...(await q.values<LatestRow>(
        `SELECT run_pk, ${METRIC_COLUMNS} FROM latest_metrics WHERE run_pk IN ${inList} ORDER BY run_pk, key`,
        part,
      )),
    );
    const partInputs = await q.all<InputRow>(
      `SELECT i.run_pk, d.dataset_pk, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
       FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk WHERE i.run_pk IN ${inList}
       ORDER BY i.run_pk, d.dataset_pk`,
      part,
    );
    inputs.push(...partInputs);
    if (partInputs.length > 0) {
      inputTags.push(
        ...(await q.values<[number | string, string, string, number | string]>(
          `SELECT run_pk, key, value, dataset_pk FROM input_tags WHERE run_pk IN ${inList} ORDER BY run_pk, dataset_pk, key`,
          part,
        )),
      );
    }
    modelInputs.push(
      ...(await q.values<[number | string, string]>(
        `SELECT run_pk, model_id FROM run_model_inputs WHERE run_pk IN ${inList} ORDER BY run_pk, model_id`,
        part,
      )),
    );
    modelOutputs.push(
      ...(await q.values<[number | string, string, number | string]>(
        `SELECT run_pk, model_id, step FROM run_model_outputs WHERE run_pk IN ${inList} ORDER BY run_pk, model_id`,
        part,
      )),
    );
  }
  const byPk = new Map(infos.map((r) => [num(r.run_pk), r]));
  const paramsBy = byRun(params);
  const tagsBy = byRun(tags);
  const metricsBy = byRun(metrics);
  const inputsBy = groupByRun(inputs);
  const inputTagsBy = byRun(inputTags as [number | string, string, string, number | string][]);
  const modelInputsBy = byRun(modelInputs);
  const modelOutputsBy = byRun(modelOutputs);
  return pks.flatMap((pk) => {
    const row = byPk.get(pk);
    if (!row) return [];
    const tagRows = inputTagsBy.get(pk) ?? [];
    const datasetInputs: DatasetInput[] = (inputsBy.get(pk) ?? []).map((d) => ({
      tags: tagRows.filter((t) => num(t[3]) === num(d.dataset_pk)).map((t) => ({ key: t[1], value: t[2] })),
      dataset: {
        name: d.name,
        digest: d.digest,
        sourceType: d.source_type,
        source: d.source,
        schema: d.schema ?? undefined,
        profile: d.profile ?? undefined,
      },
    }));
    return [
      {
        info: toRunInfo(row),
        metrics: (metricsBy.get(pk) ?? []).map(latestToMetric),
        params: kv(paramsBy.get(pk)),
        tags: kv(tagsBy.get(pk)),
        datasetInputs,
        modelInputs: (modelInputsBy.get(pk) ?? []).map((m) => m[1]),
        modelOutputs: (modelOutputsBy.get(pk) ?? []).map((m) => ({ modelId: m[1], step: num(m[2]) })),
      },
    ];
  });
}
