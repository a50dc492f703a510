/** MLflow 3 logged models: a model's identity, status, tags, params and metrics. */
import { notFound } from '@loom/protocol';
import type { KeyValue, LoggedModel, LoggedModelStatus } from '../../../tracking/entities';
import type { NewLoggedModel } from '../../../tracking/tracking-store';
import type { Queryable, SqlDriver } from '../driver';
import { chunks, num, placeholders } from '../sql-util';
import { joinArtifactUri, requireActiveExperiment } from './experiments';
import { toMetric, type MetricRow } from './rows';

interface LoggedModelRow {
  model_id: string;
  experiment_id: number | string;
  name: string;
  artifact_uri: string;
  status: string;
  status_message: string | null;
  model_type: string | null;
  source_run_id: string | null;
  creation_timestamp_ms: number | string;
  last_updated_timestamp_ms: number | string;
}

const COLUMNS =
  'model_id, experiment_id, name, artifact_uri, status, status_message, model_type, source_run_id, creation_timestamp_ms, last_updated_timestamp_ms';

async function upsertKeyValues(
  q: Queryable,
  table: 'logged_model_tags' | 'logged_model_params',
  modelId: string,
  items: readonly KeyValue[],
): Promise<void> {
  const last = new Map(items.map((i) => [i.key, i.value]));
  for (const [key, value] of last) {
    await q.run(
      `INSERT INTO ${table} (model_id, key, value) VALUES (?, ?, ?)
       ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value`,
      [modelId, key, value],
    );
  }
}

/** Creates a PENDING logged model under `<experiment artifact location>/models/<id>/artifacts`. */
export async function createLoggedModel(db: SqlDriver, m: NewLoggedModel): Promise<LoggedModel> {
  await db.transaction(async (tx) => {
    const exp = await requireActiveExperiment(tx, m.experimentId);
    const artifactUri = joinArtifactUri(exp.artifact_location, 'models', m.modelId, 'artifacts');
    await tx.run(
      `INSERT INTO logged_models (${COLUMNS}, lifecycle_stage)
       VALUES (?, ?, ?, ?, 'LOGGED_MODEL_PENDING', NULL, ?, ?, ?, ?, 'active')`,
      [
        m.modelId,
        exp.experiment_id,
        m.name,
        artifactUri,
        m.modelType ?? null,
        m.sourceRunId ?? null,
        m.time,
        m.time,
      ],
    );
    await upsertKeyValues(tx, 'logged_model_tags', m.modelId, m.tags);
    await upsertKeyValues(tx, 'logged_model_params', m.modelId, m.params);
  });
  return getLoggedModel(db, m.modelId);
}

async function modelRow(q: Queryable, modelId: string): Promise<LoggedModelRow> {
  const row = await q.get<LoggedModelRow>(
    `SELECT ${COLUMNS} FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'`,
    [modelId],
  );
  if (!row) throw notFound(`Logged model with ID '${modelId}' not found.`);
  return row;
}

/** Loads logged models with tags, params and metrics, in the order of `ids`. */
export async function loadLoggedModels(q: Queryable, ids: readonly string[]): Promise<LoggedModel[]> {
  const out = new Map<string, LoggedModel>();
  for (const part of chunks(ids, 300)) {
    const inList = placeholders(part.length);
    const rows = await q.all<LoggedModelRow>(
      `SELECT ${COLUMNS} FROM logged_models WHERE model_id IN ${inList}`,
      part,
    );
    for (const r of rows) {
      out.set(r.model_id, {
        modelId: r.model_id,
        experimentId: String(r.experiment_id),
        name: r.name,
        artifactUri: r.artifact_uri,
        status: r.status as LoggedModelStatus,
        statusMessage: r.status_message ?? undefined,
        modelType: r.model_type ?? undefined,
        sourceRunId: r.source_run_id ?? undefined,
        creationTimestampMs: num(r.creation_timestamp_ms),
        lastUpdatedTimestampMs: num(r.last_updated_timestamp_ms),
        tags: [],
        params: [],
        metrics: [],
      });
    }
    for (const table of ['logged_model_tags', 'logged_model_params'] as const) {
      const kv = await q.all<{ model_id: string; key: string; value: string }>(
        `SELECT model_id, key, value FROM ${table} WHERE model_id IN ${inList} ORDER BY key`,
        part,
      );
      for (const r of kv) {
        const model = out.get(r.model_id);
        if (model)
          (table === 'logged_model_tags' ? model.tags : model.params).push({ key: r.key, value: r.value });
      }
    }
    const metrics = await q.all<MetricRow & { model_id: string; run_id: string }>(
      `SELECT model_id, key, step, timestamp, is_nan, value, run_id, dataset_name, dataset_digest
       FROM logged_model_metrics WHERE model_id IN ${inList} ORDER BY key, step, timestamp`,
      part,
    );
    for (const r of metrics) {
      const metric = { ...toMetric(r), modelId: r.model_id, runId: r.run_id };
      out.get(r.model_id)?.metrics.push(metric);
    }
  }
  return ids.flatMap((id) => {
    const m = out.get(id);
    return m ? [m] : [];
  });
}

/** One logged model; deleted or unknown ones are RESOURCE_DOES_NOT_EXIST. */
export async function getLoggedModel(q: Queryable, modelId: string): Promise<LoggedModel> {
  await modelRow(q, modelId);
  const [model] = await loadLoggedModels(q, [modelId]);
  return model!;
}

/** Sets the final status of an upload (READY or UPLOAD_FAILED). */
export async function finalizeLoggedModel(
  db: SqlDriver,
  modelId: string,
  status: LoggedModelStatus,
  time: number,
): Promise<LoggedModel> {
  await db.transaction(async (tx) => {
    await modelRow(tx, modelId);
    await tx.run('UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? WHERE model_id = ?', [
      status,
      time,
      modelId,
    ]);
  });
  return getLoggedModel(db, modelId);
}

/** Soft-deletes a logged model. */
export async function deleteLoggedModel(db: SqlDriver, modelId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await modelRow(tx, modelId);
    await tx.run(`UPDATE logged_models SET lifecycle_stage = 'deleted' WHERE model_id = ?`, [modelId]);
  });
}

/** Upserts tags of a logged model. */
export async function setLoggedModelTags(
  db: SqlDriver,
  modelId: string,
  tags: readonly KeyValue[],
  time: number,
): Promise<LoggedModel> {
  await db.transaction(async (tx) => {
    await modelRow(tx, modelId);
    await upsertKeyValues(tx, 'logged_model_tags', modelId, tags);
    await tx.run('UPDATE logged_models SET last_updated_timestamp_ms = ? WHERE model_id = ?', [
      time,
      modelId,
    ]);
  });
  return getLoggedModel(db, modelId);
}

/** Deletes a tag of a logged model; a missing tag is RESOURCE_DOES_NOT_EXIST. */
export async function deleteLoggedModelTag(db: SqlDriver, modelId: string, key: string): Promise<void> {
  await db.transaction(async (tx) => {
    await modelRow(tx, modelId);
    const n = await tx.run('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?', [modelId, key]);
    if (n === 0) throw notFound(`No tag with key '${key}' found for logged model '${modelId}'.`);
  });
}

/** Adds params to a logged model. */
export async function logLoggedModelParams(
  db: SqlDriver,
  modelId: string,
  params: readonly KeyValue[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await modelRow(tx, modelId);
    await upsertKeyValues(tx, 'logged_model_params', modelId, params);
  });
}
