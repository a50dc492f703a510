/** Registered models, their tags and aliases in SQL. */
import { alreadyExists } from '@loom/protocol';
import type { ModelVersion, ModelVersionStage, RegisteredModel } from '../../../registry/entities';
import type { Actor } from '../../../registry/governance-entities';
import type {
  Announce,
  ChangedModel,
  NewRegisteredModel,
  RegistrySearchQuery,
} from '../../../registry/registry-store';
import type { KeyValue, Page } from '../../../tracking/entities';
import { compileRegisteredModelSearch, decodePageToken, encodePageToken } from '../../../tracking/search';
import { IS_PROMPT_TAG } from '../../../tracking/search/registry-search-sql';
import type { Queryable, SqlDriver } from '../driver';
import { isUniqueViolation, num, placeholders } from '../sql-util';
import { recordAudit } from './audit-log';
import {
  changedModelRow,
  changedVersionKey,
  loadModels,
  loadVersions,
  MODEL_COLUMNS,
  modelRow,
  type ModelRow,
} from './rows';

const exists = (name: string) => alreadyExists(`Registered Model (name=${name}) already exists.`);

/** Inserts a model with its tags; a taken name is RESOURCE_ALREADY_EXISTS. */
export async function createRegisteredModel(
  db: SqlDriver,
  m: NewRegisteredModel,
  actor: Actor,
  announce?: Announce<RegisteredModel>,
): Promise<RegisteredModel> {
  try {
    return await db.transaction(async (tx) => {
      const row = await tx.get<{ model_pk: number | string }>(
        `INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description)
         VALUES (?, ?, ?, ?) RETURNING model_pk`,
        [m.name, actor.time, actor.time, m.description ?? null],
      );
      const pk = num(row!.model_pk);
      for (const tag of m.tags) await upsertModelTag(tx, pk, tag);
      await recordAudit(tx, actor, {
        action: 'createRegisteredModel',
        modelName: m.name,
        after: { name: m.name, description: m.description, tags: m.tags },
      });
      const created = await getRegisteredModel(tx, m.name);
      await announce?.(tx, created);
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw exists(m.name);
    throw err;
  }
}

async function upsertModelTag(q: Queryable, modelPk: number, tag: KeyValue): Promise<void> {
  await q.run(
    `INSERT INTO registered_model_tags (model_pk, key, value) VALUES (?, ?, ?)
     ON CONFLICT (model_pk, key) DO UPDATE SET value = excluded.value`,
    [modelPk, tag.key, tag.value],
  );
}

/** One model with its tags, aliases and latest versions. */
export async function getRegisteredModel(q: Queryable, name: string): Promise<RegisteredModel> {
  const [model] = await loadModels(q, [await modelRow(q, name)]);
  return model!;
}

/** Renames a model (its versions follow through model_pk) and bumps its update time. */
export async function renameRegisteredModel(
  db: SqlDriver,
  name: string,
  newName: string,
  actor: Actor,
): Promise<RegisteredModel> {
  try {
    return await db.transaction(async (tx) => {
      const row = await modelRow(tx, name);
      await tx.run('UPDATE registered_models SET name = ?, last_updated_timestamp = ? WHERE model_pk = ?', [
        newName,
        actor.time,
        row.model_pk,
      ]);
      await tx.run('UPDATE model_versions SET last_updated_timestamp = ? WHERE model_pk = ?', [
        actor.time,
        row.model_pk,
      ]);
      await recordAudit(tx, actor, {
        action: 'renameRegisteredModel',
        modelName: name,
        before: { name },
        after: { name: newName },
      });
      return getRegisteredModel(tx, newName);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw exists(newName);
    throw err;
  }
}

/** Sets the description and bumps the update time. */
export async function updateRegisteredModel(
  db: SqlDriver,
  name: string,
  description: string,
  actor: Actor,
): Promise<RegisteredModel> {
  return db.transaction(async (tx) => {
    const row = await modelRow(tx, name);
    await tx.run(
      'UPDATE registered_models SET description = ?, last_updated_timestamp = ? WHERE model_pk = ?',
      [description, actor.time, row.model_pk],
    );
    await recordAudit(tx, actor, {
      action: 'updateRegisteredModel',
      modelName: name,
      before: { description: row.description ?? undefined },
      after: { description },
    });
    return getRegisteredModel(tx, name);
  });
}

/** Deletes a model and everything under it. */
export async function deleteRegisteredModel(db: SqlDriver, name: string, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await modelRow(tx, name);
    const count = await tx.get<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM model_versions WHERE model_pk = ? AND current_stage <> 'Deleted_Internal'`,
      [row.model_pk],
    );
    await recordAudit(tx, actor, {
      action: 'deleteRegisteredModel',
      modelName: name,
      before: { name, description: row.description ?? undefined, live_versions: num(count?.n ?? 0) },
    });
    // Children first: the foreign keys cascade too, but this keeps the order explicit on both databases.
    for (const table of [
      'model_version_activities',
      'registered_model_protections',
      'model_version_tags',
      'registered_model_aliases',
      'model_versions',
      'registered_model_tags',
    ])
      await tx.run(`DELETE FROM ${table} WHERE model_pk = ?`, [row.model_pk]);
    await tx.run('DELETE FROM registered_models WHERE model_pk = ?', [row.model_pk]);
  });
}

/** One page of models matching a search. */
export async function searchRegisteredModels(
  db: SqlDriver,
  query: RegistrySearchQuery,
): Promise<Page<RegisteredModel>> {
  const offset = decodePageToken(query.pageToken);
  const { sql, params } = compileRegisteredModelSearch(
    { filter: query.filter, orderBy: query.orderBy, limit: query.maxResults + 1, offset },
    db.dialect,
  );
  const hits = await db.all<{ model_pk: number | string }>(sql, params);
  const more = hits.length > query.maxResults;
  const page = (more ? hits.slice(0, query.maxResults) : hits).map((h) => num(h.model_pk));
  const rows =
    page.length === 0
      ? []
      : await db.all<ModelRow>(
          `SELECT ${MODEL_COLUMNS} FROM registered_models rm WHERE rm.model_pk IN ${placeholders(page.length)}`,
          page,
        );
  const byPk = new Map(rows.map((r) => [num(r.model_pk), r]));
  const items = await loadModels(
    db,
    page.flatMap((pk) => {
      const r = byPk.get(pk);
      return r ? [r] : [];
    }),
  );
  return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
}

/** The newest live version of each of `stages`, in that order. */
export async function getLatestVersions(
  q: Queryable,
  name: string,
  stages: readonly ModelVersionStage[],
): Promise<ModelVersion[]> {
  const row = await modelRow(q, name);
  const found = await q.all<{ current_stage: string; version: number | string }>(
    `SELECT current_stage, MAX(version) AS version FROM model_versions
     WHERE model_pk = ? AND current_stage IN ${placeholders(stages.length)} GROUP BY current_stage`,
    [row.model_pk, ...stages],
  );
  const byStage = new Map(found.map((f) => [f.current_stage, num(f.version)]));
  const keys = stages.flatMap((s) => {
    const version = byStage.get(s);
    return version === undefined ? [] : [{ modelPk: num(row.model_pk), version }];
  });
  return loadVersions(q, keys);
}

/** Upserts a tag of a model. */
export async function setRegisteredModelTag(
  db: SqlDriver,
  name: string,
  tag: KeyValue,
  actor: Actor,
  announce?: Announce<ChangedModel>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await changedModelRow(tx, name);
    const before = await modelTagValue(tx, row.model_pk, tag.key);
    await upsertModelTag(tx, num(row.model_pk), tag);
    await recordAudit(tx, actor, {
      action: 'setRegisteredModelTag',
      modelName: name,
      before: before === undefined ? undefined : { key: tag.key, value: before },
      after: tag,
    });
    const isPrompt = tag.key === IS_PROMPT_TAG ? tag.value === 'true' : row.isPrompt;
    await announce?.(tx, { isPrompt });
  });
}

async function modelTagValue(q: Queryable, modelPk: number | string, key: string) {
  const found = await q.get<{ value: string }>(
    'SELECT value FROM registered_model_tags WHERE model_pk = ? AND key = ?',
    [modelPk, key],
  );
  return found?.value;
}

/** Deletes a tag; a missing tag is not an error (MLflow's SQL store). */
export async function deleteRegisteredModelTag(
  db: SqlDriver,
  name: string,
  key: string,
  actor: Actor,
  announce?: Announce<ChangedModel>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await changedModelRow(tx, name);
    const before = await modelTagValue(tx, row.model_pk, key);
    await recordAudit(tx, actor, {
      action: 'deleteRegisteredModelTag',
      modelName: name,
      before: before === undefined ? undefined : { key, value: before },
    });
    await tx.run('DELETE FROM registered_model_tags WHERE model_pk = ? AND key = ?', [row.model_pk, key]);
    await announce?.(tx, { isPrompt: key === IS_PROMPT_TAG ? false : row.isPrompt });
  });
}

/** Points an alias at a live version (insert or re-point). */
export async function setRegisteredModelAlias(
  db: SqlDriver,
  name: string,
  alias: string,
  version: number,
  actor: Actor,
  announce?: Announce<ChangedModel>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const pointed = await pointAlias(tx, name, alias, version, actor);
    await announce?.(tx, pointed);
  });
}

/**
 * Points an alias at a live version inside `tx`, with its audit row; returns the version it left
 * and whether the model is a prompt.
 */
export async function pointAlias(
  tx: Queryable,
  name: string,
  alias: string,
  version: number,
  actor: Actor,
): Promise<{ previousVersion: number | undefined; isPrompt: boolean }> {
  const key = await changedVersionKey(tx, name, version);
  const previous = await aliasVersion(tx, key.modelPk, alias);
  await tx.run(
    `INSERT INTO registered_model_aliases (model_pk, alias, version) VALUES (?, ?, ?)
     ON CONFLICT (model_pk, alias) DO UPDATE SET version = excluded.version`,
    [key.modelPk, alias, version],
  );
  await recordAudit(tx, actor, {
    action: 'setRegisteredModelAlias',
    modelName: name,
    version,
    before: previous === undefined ? undefined : { alias, version: String(previous) },
    after: { alias, version: String(version) },
  });
  return { previousVersion: previous, isPrompt: key.isPrompt };
}

async function aliasVersion(q: Queryable, modelPk: number | string, alias: string) {
  const found = await q.get<{ version: number | string }>(
    'SELECT version FROM registered_model_aliases WHERE model_pk = ? AND alias = ?',
    [modelPk, alias],
  );
  return found === undefined ? undefined : num(found.version);
}

/** Removes an alias; a missing alias is not an error, a missing model is. */
export async function deleteRegisteredModelAlias(
  db: SqlDriver,
  name: string,
  alias: string,
  actor: Actor,
  announce?: Announce<ChangedModel>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await changedModelRow(tx, name);
    const previous = await aliasVersion(tx, row.model_pk, alias);
    await recordAudit(tx, actor, {
      action: 'deleteRegisteredModelAlias',
      modelName: name,
      version: previous,
      before: previous === undefined ? undefined : { alias, version: String(previous) },
    });
    await tx.run('DELETE FROM registered_model_aliases WHERE model_pk = ? AND alias = ?', [
      row.model_pk,
      alias,
    ]);
    await announce?.(tx, { isPrompt: row.isPrompt });
  });
}

/** The version an alias points to, if the alias is set. */
export async function getModelVersionByAlias(
  q: Queryable,
  name: string,
  alias: string,
): Promise<ModelVersion | undefined> {
  const row = await modelRow(q, name);
  const found = await q.get<{ version: number | string }>(
    'SELECT version FROM registered_model_aliases WHERE model_pk = ? AND alias = ?',
    [row.model_pk, alias],
  );
  if (!found) return undefined;
  const [version] = await loadVersions(q, [{ modelPk: num(row.model_pk), version: num(found.version) }]);
  return version;
}
