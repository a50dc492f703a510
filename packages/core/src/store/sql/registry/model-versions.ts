/** Model versions and their tags in SQL. */

import {
  STAGE_DELETED_INTERNAL,
  type ModelVersion,
  type ModelVersionStage,
} from '../../../registry/entities';
import type { Actor, StageTransition } from '../../../registry/governance-entities';
import type {
  Announce,
  ChangedModel,
  NewModelVersion,
  PendingRegistration,
  RegistrationOutcome,
  RegistrySearchQuery,
} from '../../../registry/registry-store';
import type { KeyValue, Page } from '../../../tracking/entities';
import { compileModelVersionSearch, decodePageToken, encodePageToken } from '../../../tracking/search';
import type { Queryable, SqlDriver } from '../driver';
import { num } from '../sql-util';
import { insertActivity } from './activity-rows';
import { recordAudit } from './audit-log';
import { changedVersionKey, loadVersions, modelRow, versionKey, type VersionKey } from './rows';

/**
 * Adds version max(all versions, deleted included) + 1. Bumping the model's update time first takes
 * its row lock on PostgreSQL, so concurrent creations for one model get distinct numbers (SQLite
 * runs write transactions one at a time anyway).
 */
export async function createModelVersion(
  db: SqlDriver,
  v: NewModelVersion,
  actor: Actor,
  announce?: Announce<ModelVersion>,
): Promise<ModelVersion> {
  return db.transaction(async (tx) => {
    const model = await modelRow(tx, v.name);
    const modelPk = num(model.model_pk);
    await tx.run('UPDATE registered_models SET last_updated_timestamp = ? WHERE model_pk = ?', [
      actor.time,
      modelPk,
    ]);
    const max = await tx.get<{ v: number | string | null }>(
      'SELECT MAX(version) AS v FROM model_versions WHERE model_pk = ?',
      [modelPk],
    );
    const version = max?.v === null || max?.v === undefined ? 1 : num(max.v) + 1;
    await tx.run(
      `INSERT INTO model_versions (model_pk, version, creation_timestamp, last_updated_timestamp, description,
         current_stage, source, storage_location, run_id, run_link, status, model_id)
       VALUES (?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, ?, ?)`,
      [
        modelPk,
        version,
        actor.time,
        actor.time,
        v.description ?? null,
        v.source,
        v.storageLocation ?? null,
        v.runId ?? null,
        v.runLink ?? null,
        v.status ?? 'READY',
        v.modelId ?? null,
      ],
    );
    for (const tag of v.tags) await upsertVersionTag(tx, modelPk, version, tag);
    const [created] = await loadVersions(tx, [{ modelPk, version }]);
    await recordAudit(tx, actor, {
      action: 'createModelVersion',
      modelName: v.name,
      version,
      after: {
        version: String(version),
        source: v.source,
        run_id: v.runId,
        description: v.description,
        current_stage: 'None',
        tags: v.tags,
      },
    });
    await announce?.(tx, created!);
    return created!;
  });
}

async function upsertVersionTag(q: Queryable, modelPk: number, version: number, tag: KeyValue) {
  await q.run(
    `INSERT INTO model_version_tags (model_pk, version, key, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (model_pk, version, key) DO UPDATE SET value = excluded.value`,
    [modelPk, version, tag.key, tag.value],
  );
}

/** Ends a pending registration; only a version still PENDING_REGISTRATION changes. */
export async function finishModelVersionRegistration(
  db: SqlDriver,
  name: string,
  version: number,
  outcome: RegistrationOutcome,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const model = await tx.get<{ model_pk: number | string }>(
      'SELECT model_pk FROM registered_models WHERE name = ?',
      [name],
    );
    if (!model) return false;
    const changed = await tx.run(
      // The update time stays: MLflow's clients see a fresh version with both times equal.
      `UPDATE model_versions SET status = ?, status_message = ?,
         storage_location = COALESCE(?, storage_location)
       WHERE model_pk = ? AND version = ? AND status = 'PENDING_REGISTRATION' AND current_stage <> ?`,
      [
        outcome.status,
        outcome.statusMessage ?? null,
        outcome.storageLocation ?? null,
        num(model.model_pk),
        version,
        STAGE_DELETED_INTERNAL,
      ],
    );
    return changed > 0;
  });
}

/** Live versions waiting for their files, oldest first. */
export async function listPendingRegistrations(q: Queryable): Promise<PendingRegistration[]> {
  const rows = await q.all<{ name: string; version: number | string; from_uri: string }>(
    `SELECT rm.name, mv.version, COALESCE(mv.storage_location, mv.source) AS from_uri
     FROM model_versions mv JOIN registered_models rm ON rm.model_pk = mv.model_pk
     WHERE mv.status = 'PENDING_REGISTRATION' AND mv.current_stage <> ?
     ORDER BY mv.creation_timestamp, rm.name, mv.version`,
    [STAGE_DELETED_INTERNAL],
  );
  return rows.map((r) => ({ name: r.name, version: num(r.version), from: r.from_uri }));
}

/** One live version. */
export async function getModelVersion(q: Queryable, name: string, version: number): Promise<ModelVersion> {
  const [found] = await loadVersions(q, [await versionKey(q, name, version)]);
  return found!;
}

/** Sets a version's description and bumps its update time. */
export async function updateModelVersion(
  db: SqlDriver,
  name: string,
  version: number,
  description: string,
  actor: Actor,
): Promise<ModelVersion> {
  return db.transaction(async (tx) => {
    const key = await versionKey(tx, name, version);
    const before = await versionColumns(tx, key);
    await tx.run(
      'UPDATE model_versions SET description = ?, last_updated_timestamp = ? WHERE model_pk = ? AND version = ?',
      [description, actor.time, key.modelPk, version],
    );
    await recordAudit(tx, actor, {
      action: 'updateModelVersion',
      modelName: name,
      version,
      before: { description: before.description ?? undefined },
      after: { description },
    });
    return getModelVersion(tx, name, version);
  });
}

/** Soft delete as MLflow does it: stage Deleted_Internal, fields redacted, aliases to it removed. */
export async function deleteModelVersion(db: SqlDriver, name: string, version: number, actor: Actor) {
  const time = actor.time;
  await db.transaction(async (tx) => {
    const key = await versionKey(tx, name, version);
    const before = await versionColumns(tx, key);
    await recordAudit(tx, actor, {
      action: 'deleteModelVersion',
      modelName: name,
      version,
      before: { current_stage: before.current_stage, source: before.source },
    });
    await tx.run('UPDATE registered_models SET last_updated_timestamp = ? WHERE model_pk = ?', [
      time,
      key.modelPk,
    ]);
    await tx.run(
      `UPDATE model_versions SET current_stage = ?, last_updated_timestamp = ?, description = NULL,
         user_id = NULL, source = 'REDACTED-SOURCE-PATH', storage_location = NULL,
         run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK', status_message = NULL
       WHERE model_pk = ? AND version = ?`,
      [STAGE_DELETED_INTERNAL, time, key.modelPk, version],
    );
    await tx.run('DELETE FROM registered_model_aliases WHERE model_pk = ? AND version = ?', [
      key.modelPk,
      version,
    ]);
  });
}

/** The columns of a live version that audit rows and transitions compare. */
async function versionColumns(q: Queryable, key: VersionKey) {
  const row = await q.get<{ current_stage: string; description: string | null; source: string }>(
    'SELECT current_stage, description, source FROM model_versions WHERE model_pk = ? AND version = ?',
    [key.modelPk, key.version],
  );
  return row!;
}

/** Moves a version to `stage`, archiving the others in that stage when asked. */
export async function transitionModelVersionStage(
  db: SqlDriver,
  name: string,
  version: number,
  stage: ModelVersionStage,
  archiveExisting: boolean,
  actor: Actor,
  comment?: string | undefined,
  announce?: Announce<StageTransition>,
): Promise<StageTransition> {
  return db.transaction(async (tx) => {
    const moved = await applyStageTransition(tx, name, version, stage, archiveExisting, actor, { comment });
    await announce?.(tx, moved);
    return moved;
  });
}

/**
 * The transition inside `tx`: the stage change, APPLIED_TRANSITION and a SYSTEM_TRANSITION per
 * auto-archived version in the activity log, and one audit row. Approvals call it in their transaction.
 */
export async function applyStageTransition(
  tx: Queryable,
  name: string,
  version: number,
  stage: ModelVersionStage,
  archiveExisting: boolean,
  actor: Actor,
  note: { comment?: string | undefined; systemComment?: string | undefined } = {},
): Promise<StageTransition> {
  const time = actor.time;
  const key = await versionKey(tx, name, version);
  const fromStage = (await versionColumns(tx, key)).current_stage;
  await tx.run('UPDATE registered_models SET last_updated_timestamp = ? WHERE model_pk = ?', [
    time,
    key.modelPk,
  ]);
  const archived: StageTransition['archived'] = [];
  if (archiveExisting) {
    const others = await tx.all<{ version: number | string }>(
      'SELECT version FROM model_versions WHERE model_pk = ? AND version <> ? AND current_stage = ? ORDER BY version',
      [key.modelPk, version, stage],
    );
    await tx.run(
      `UPDATE model_versions SET current_stage = 'Archived', last_updated_timestamp = ?
       WHERE model_pk = ? AND version <> ? AND current_stage = ?`,
      [time, key.modelPk, version, stage],
    );
    for (const o of others) archived.push({ version: num(o.version), fromStage: stage });
  }
  await tx.run(
    'UPDATE model_versions SET current_stage = ?, last_updated_timestamp = ? WHERE model_pk = ? AND version = ?',
    [stage, time, key.modelPk, version],
  );
  const activity = { modelPk: key.modelPk, user: actor.user, time };
  await insertActivity(tx, {
    ...activity,
    version,
    type: 'APPLIED_TRANSITION',
    fromStage,
    toStage: stage,
    ...note,
  });
  for (const a of archived) {
    await insertActivity(tx, {
      ...activity,
      version: a.version,
      type: 'SYSTEM_TRANSITION',
      fromStage: a.fromStage,
      toStage: 'Archived',
      systemComment: `Archived because version ${version} moved to ${stage} with archive_existing_versions.`,
    });
  }
  await recordAudit(tx, actor, {
    action: 'transitionModelVersionStage',
    modelName: name,
    version,
    before: { current_stage: fromStage },
    after: {
      current_stage: stage,
      ...(archived.length > 0 ? { archived_versions: archived.map((a) => String(a.version)) } : {}),
    },
  });
  return { modelVersion: await getModelVersion(tx, name, version), fromStage, archived };
}

/** The stored download location of a live version, else its source. */
export async function getModelVersionDownloadUri(
  q: Queryable,
  name: string,
  version: number,
): Promise<string> {
  const key = await versionKey(q, name, version);
  const row = await q.get<{ source: string; storage_location: string | null }>(
    'SELECT source, storage_location FROM model_versions WHERE model_pk = ? AND version = ?',
    [key.modelPk, version],
  );
  return row!.storage_location || row!.source;
}

/** The newest live version of a model, if it has any. */
export async function getNewestModelVersion(q: Queryable, name: string): Promise<ModelVersion | undefined> {
  const model = await modelRow(q, name);
  const row = await q.get<{ v: number | string | null }>(
    'SELECT MAX(version) AS v FROM model_versions WHERE model_pk = ? AND current_stage <> ?',
    [model.model_pk, STAGE_DELETED_INTERNAL],
  );
  if (row?.v === null || row?.v === undefined) return undefined;
  const [found] = await loadVersions(q, [{ modelPk: num(model.model_pk), version: num(row.v) }]);
  return found;
}

/** One page of live versions matching a search. */
export async function searchModelVersions(
  db: SqlDriver,
  query: RegistrySearchQuery,
): Promise<Page<ModelVersion>> {
  const offset = decodePageToken(query.pageToken);
  const { sql, params } = compileModelVersionSearch(
    { filter: query.filter, orderBy: query.orderBy, limit: query.maxResults + 1, offset },
    db.dialect,
  );
  const hits = await db.all<{ model_pk: number | string; version: number | string }>(sql, params);
  const more = hits.length > query.maxResults;
  const keys = (more ? hits.slice(0, query.maxResults) : hits).map((h) => ({
    modelPk: num(h.model_pk),
    version: num(h.version),
  }));
  const items = await loadVersions(db, keys);
  return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
}

/** Upserts a tag of a live version. */
export async function setModelVersionTag(
  db: SqlDriver,
  name: string,
  version: number,
  tag: KeyValue,
  actor: Actor,
  announce?: Announce<ChangedModel>,
) {
  await db.transaction(async (tx) => {
    const key = await changedVersionKey(tx, name, version);
    const before = await versionTagValue(tx, key, tag.key);
    await upsertVersionTag(tx, key.modelPk, version, tag);
    await recordAudit(tx, actor, {
      action: 'setModelVersionTag',
      modelName: name,
      version,
      before: before === undefined ? undefined : { key: tag.key, value: before },
      after: tag,
    });
    await announce?.(tx, { isPrompt: key.isPrompt });
  });
}

async function versionTagValue(q: Queryable, key: VersionKey, tagKey: string) {
  const found = await q.get<{ value: string }>(
    'SELECT value FROM model_version_tags WHERE model_pk = ? AND version = ? AND key = ?',
    [key.modelPk, key.version, tagKey],
  );
  return found?.value;
}

/** Deletes a version tag; a missing tag is not an error, a missing version is. */
export async function deleteModelVersionTag(
  db: SqlDriver,
  name: string,
  version: number,
  key: string,
  actor: Actor,
  announce?: Announce<ChangedModel>,
) {
  await db.transaction(async (tx) => {
    const k = await changedVersionKey(tx, name, version);
    const before = await versionTagValue(tx, k, key);
    await recordAudit(tx, actor, {
      action: 'deleteModelVersionTag',
      modelName: name,
      version,
      before: before === undefined ? undefined : { key, value: before },
    });
    await tx.run('DELETE FROM model_version_tags WHERE model_pk = ? AND version = ? AND key = ?', [
      k.modelPk,
      version,
      key,
    ]);
    await announce?.(tx, { isPrompt: k.isPrompt });
  });
}
