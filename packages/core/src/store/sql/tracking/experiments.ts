/** Experiments and their tags in SQL. */
import { alreadyExists, invalidParameter, notFound } from '@loom/protocol';
import type { Experiment, KeyValue, Page } from '../../../tracking/entities';
import { compileExperimentSearch, decodePageToken, encodePageToken } from '../../../tracking/search';
import type { NewExperiment, SearchExperimentsQuery } from '../../../tracking/tracking-store';
import type { Queryable, SqlDriver } from '../driver';
import { chunks, isUniqueViolation, placeholders } from '../sql-util';
import { EXPERIMENT_COLUMNS, toExperiment, type ExperimentRow } from './rows';

/** Joins an artifact root and a child the way MLflow does (no doubled slash after `scheme:/`). */
export function joinArtifactUri(root: string, ...parts: string[]): string {
  let out = root;
  for (const part of parts) out = out.endsWith('/') ? out + part : `${out}/${part}`;
  return out;
}

/** Creates experiment 0 ("Default") if the store has none, as MLflow does on a new store. */
export async function ensureDefaultExperiment(db: SqlDriver, defaultArtifactRoot: string): Promise<void> {
  const existing = await db.get('SELECT 1 FROM experiments WHERE experiment_id = 0');
  if (existing) return;
  const now = Date.now();
  await db.run(
    `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
     VALUES (0, 'Default', ?, 'active', ?, ?) ON CONFLICT DO NOTHING`,
    [joinArtifactUri(defaultArtifactRoot, '0'), now, now],
  );
}

/** Inserts an experiment; a taken name (active or deleted) is RESOURCE_ALREADY_EXISTS. */
export async function createExperiment(
  db: SqlDriver,
  e: NewExperiment,
  defaultArtifactRoot: string,
): Promise<string> {
  try {
    return await db.transaction(async (tx) => {
      const row = await tx.get<{ experiment_id: number | string }>(
        `INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, ?, 'active', ?, ?) RETURNING experiment_id`,
        [e.name, e.artifactLocation ?? '', e.time, e.time],
      );
      const id = String(row!.experiment_id);
      if (!e.artifactLocation) {
        await tx.run('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?', [
          joinArtifactUri(defaultArtifactRoot, id),
          id,
        ]);
      }
      for (const tag of e.tags) await upsertExperimentTag(tx, id, tag);
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadyExists(`Experiment(name=${e.name}) already exists.`);
    throw err;
  }
}

async function upsertExperimentTag(q: Queryable, experimentId: string, tag: KeyValue): Promise<void> {
  await q.run(
    `INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)
     ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value`,
    [experimentId, tag.key, tag.value],
  );
}

const ID_FORM = /^\d{1,18}$/;

async function experimentRow(q: Queryable, experimentId: string): Promise<ExperimentRow> {
  const row = ID_FORM.test(experimentId)
    ? await q.get<ExperimentRow>(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE experiment_id = ?`, [
        experimentId,
      ])
    : undefined;
  if (!row) throw notFound(`No Experiment with id=${experimentId} exists`);
  return row;
}

/** Loads experiments (with tags) by id, keeping the order of `ids`. */
async function loadExperiments(q: Queryable, ids: string[]): Promise<Experiment[]> {
  const rows: ExperimentRow[] = [];
  const tags = new Map<string, KeyValue[]>();
  for (const part of chunks(ids, 500)) {
    const inList = placeholders(part.length);
    rows.push(
      ...(await q.all<ExperimentRow>(
        `SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE experiment_id IN ${inList}`,
        part,
      )),
    );
    const tagRows = await q.all<{ experiment_id: number | string; key: string; value: string }>(
      `SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN ${inList} ORDER BY key`,
      part,
    );
    for (const t of tagRows) {
      const id = String(t.experiment_id);
      const list = tags.get(id) ?? [];
      list.push({ key: t.key, value: t.value });
      tags.set(id, list);
    }
  }
  const byId = new Map(rows.map((r) => [String(r.experiment_id), r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toExperiment(row, tags.get(id) ?? [])] : [];
  });
}

/** One experiment, deleted or not. */
export async function getExperiment(q: Queryable, experimentId: string): Promise<Experiment> {
  const row = await experimentRow(q, experimentId);
  const [experiment] = await loadExperiments(q, [String(row.experiment_id)]);
  return experiment!;
}

/** The experiment with this name, preferring an active one. */
export async function getExperimentByName(q: Queryable, name: string): Promise<Experiment | undefined> {
  const row = await q.get<{ experiment_id: number | string }>(
    `SELECT experiment_id FROM experiments WHERE name = ? ORDER BY CASE lifecycle_stage WHEN 'active' THEN 0 ELSE 1 END LIMIT 1`,
    [name],
  );
  return row ? getExperiment(q, String(row.experiment_id)) : undefined;
}

/** One page of experiments matching a search. */
export async function searchExperiments(
  db: SqlDriver,
  query: SearchExperimentsQuery,
): Promise<Page<Experiment>> {
  const offset = query.pageToken ? decodePageToken(query.pageToken) : 0;
  const { sql, params } = compileExperimentSearch(
    {
      filter: query.filter,
      orderBy: query.orderBy,
      viewType: query.viewType,
      limit: query.maxResults + 1,
      offset,
    },
    db.dialect,
  );
  const ids = (await db.all<{ experiment_id: number | string }>(sql, params)).map((r) =>
    String(r.experiment_id),
  );
  const more = ids.length > query.maxResults;
  const items = await loadExperiments(db, more ? ids.slice(0, query.maxResults) : ids);
  return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
}

/**
 * MLflow answers some of these with INVALID_STATE (HTTP 500), which its Python client retries for
 * minutes; a caller's mistake is a 400 here.
 */
async function requireActive(q: Queryable, experimentId: string): Promise<ExperimentRow> {
  const row = await experimentRow(q, experimentId);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(
      `The experiment ${experimentId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
  return row;
}

/** Renames an active experiment. */
export async function renameExperiment(db: SqlDriver, experimentId: string, newName: string, time: number) {
  try {
    await db.transaction(async (tx) => {
      await requireActive(tx, experimentId);
      await tx.run('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?', [
        newName,
        time,
        experimentId,
      ]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadyExists(`Experiment(name=${newName}) already exists.`);
    throw err;
  }
}

/** Soft-deletes an experiment and its runs (`deleted_time` feeds `gc --older-than`). */
export async function deleteExperiment(db: SqlDriver, experimentId: string, time: number): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await experimentRow(tx, experimentId);
    if (row.lifecycle_stage !== 'active')
      throw notFound(`No active Experiment with id=${experimentId} exists`);
    await tx.run(
      `UPDATE experiments SET lifecycle_stage = 'deleted', deleted_time = ?, last_update_time = ? WHERE experiment_id = ?`,
      [time, time, experimentId],
    );
    await tx.run(
      `UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ? AND lifecycle_stage = 'active'`,
      [time, experimentId],
    );
  });
}

/** Restores a deleted experiment and the runs deleted with it. */
export async function restoreExperiment(db: SqlDriver, experimentId: string, time: number): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await experimentRow(tx, experimentId);
    if (row.lifecycle_stage !== 'deleted')
      throw notFound(`No deleted Experiment with id=${experimentId} exists`);
    await tx.run(
      `UPDATE experiments SET lifecycle_stage = 'active', deleted_time = NULL, last_update_time = ? WHERE experiment_id = ?`,
      [time, experimentId],
    );
    await tx.run(
      `UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ? AND lifecycle_stage = 'deleted'`,
      [experimentId],
    );
  });
}

/** Sets a tag on an active experiment. */
export async function setExperimentTag(db: SqlDriver, experimentId: string, tag: KeyValue): Promise<void> {
  await db.transaction(async (tx) => {
    await requireActive(tx, experimentId);
    await upsertExperimentTag(tx, experimentId, tag);
  });
}

/** Deletes a tag of an active experiment; a missing tag is RESOURCE_DOES_NOT_EXIST. */
export async function deleteExperimentTag(db: SqlDriver, experimentId: string, key: string): Promise<void> {
  await db.transaction(async (tx) => {
    await requireActive(tx, experimentId);
    const n = await tx.run('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?', [
      experimentId,
      key,
    ]);
    if (n === 0) throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
  });
}

/** The experiment row, for callers that must check it exists and is active. */
export { experimentRow, requireActive as requireActiveExperiment };
