/** Registry rows → domain entities, loaded set-wise: one query per table for a page of models or versions. */
import { notFound } from '@loom/protocol';
import type { ModelVersion, ModelVersionStatus, RegisteredModel } from '../../../registry/entities';
import { STAGE_DELETED_INTERNAL } from '../../../registry/entities';
import type { KeyValue } from '../../../tracking/entities';
import { IS_PROMPT_TAG } from '../../../tracking/search/registry-search-sql';
import type { Queryable, SqlValue } from '../driver';
import { chunks, num, placeholders } from '../sql-util';

export interface ModelRow {
  model_pk: number | string;
  name: string;
  creation_timestamp: number | string;
  last_updated_timestamp: number | string;
  description: string | null;
  user_id: string | null;
}

interface VersionRow {
  model_pk: number | string;
  name: string;
  version: number | string;
  creation_timestamp: number | string;
  last_updated_timestamp: number | string;
  description: string | null;
  user_id: string | null;
  current_stage: string;
  source: string;
  run_id: string | null;
  run_link: string | null;
  status: string;
  status_message: string | null;
  model_id: string | null;
}

/** A version addressed by its model's key and its number. */
export interface VersionKey {
  modelPk: number;
  version: number;
}

export const MODEL_COLUMNS =
  'rm.model_pk, rm.name, rm.creation_timestamp, rm.last_updated_timestamp, rm.description, rm.user_id';
const VERSION_COLUMNS =
  'mv.model_pk, rm.name, mv.version, mv.creation_timestamp, mv.last_updated_timestamp, mv.description, ' +
  'mv.user_id, mv.current_stage, mv.source, mv.run_id, mv.run_link, mv.status, mv.status_message, mv.model_id';

const opt = (v: string | null): string | undefined => (v === null ? undefined : v);

/** The model row named `name`; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function modelRow(q: Queryable, name: string): Promise<ModelRow> {
  const row = await q.get<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM registered_models rm WHERE rm.name = ?`, [
    name,
  ]);
  if (!row) throw notFound(`Registered Model with name=${name} not found`);
  return row;
}

/** The key of a live (not deleted) version; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function versionKey(q: Queryable, name: string, version: number): Promise<VersionKey> {
  const row = Number.isSafeInteger(version)
    ? await q.get<{ model_pk: number | string }>(
        `SELECT mv.model_pk FROM model_versions mv JOIN registered_models rm ON rm.model_pk = mv.model_pk
         WHERE rm.name = ? AND mv.version = ? AND mv.current_stage <> ?`,
        [name, version, STAGE_DELETED_INTERNAL],
      )
    : undefined;
  if (!row) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  return { modelPk: num(row.model_pk), version };
}

/** 1 when the model `rm` is a prompt (its tag `mlflow.prompt.is_prompt` is 'true'), else 0. */
const IS_PROMPT = `CASE WHEN EXISTS (SELECT 1 FROM registered_model_tags pt
  WHERE pt.model_pk = rm.model_pk AND pt.key = '${IS_PROMPT_TAG}' AND pt.value = 'true') THEN 1 ELSE 0 END`;

/**
 * `modelRow` for a change that raises events: the same one query also says whether the model is a
 * prompt (its events are the prompt_* ones), so no read follows the write.
 */
export async function changedModelRow(q: Queryable, name: string): Promise<ModelRow & { isPrompt: boolean }> {
  const row = await q.get<ModelRow & { is_prompt: number | string }>(
    `SELECT ${MODEL_COLUMNS}, ${IS_PROMPT} AS is_prompt FROM registered_models rm WHERE rm.name = ?`,
    [name],
  );
  if (!row) throw notFound(`Registered Model with name=${name} not found`);
  return { ...row, isPrompt: num(row.is_prompt) === 1 };
}

/** `versionKey` for a change that raises events, with whether its model is a prompt (one query). */
export async function changedVersionKey(
  q: Queryable,
  name: string,
  version: number,
): Promise<VersionKey & { isPrompt: boolean }> {
  const row = Number.isSafeInteger(version)
    ? await q.get<{ model_pk: number | string; is_prompt: number | string }>(
        `SELECT mv.model_pk, ${IS_PROMPT} AS is_prompt
         FROM model_versions mv JOIN registered_models rm ON rm.model_pk = mv.model_pk
         WHERE rm.name = ? AND mv.version = ? AND mv.current_stage <> ?`,
        [name, version, STAGE_DELETED_INTERNAL],
      )
    : undefined;
  if (!row) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  return { modelPk: num(row.model_pk), version, isPrompt: num(row.is_prompt) === 1 };
}

/**
 * A derived table `k(column1, column2)` of version keys to join on, chunked under the parameter
 * limits. VALUES names its columns column1, column2 in both databases; the casts type the
 * parameters for PostgreSQL. Callers CROSS JOIN it first, which makes SQLite loop over the keys
 * and seek the primary key (an OR of key pairs, or a plain JOIN, is several times slower).
 */
function versionKeyTables(keys: readonly VersionKey[]): { sql: string; params: SqlValue[] }[] {
  return chunks(keys, 1000).map((part) => ({
    sql: `(VALUES ${part.map(() => '(CAST(? AS BIGINT), CAST(? AS BIGINT))').join(', ')}) AS k`,
    params: part.flatMap((k) => [k.modelPk, k.version]),
  }));
}

const keyOf = (modelPk: unknown, version: unknown) => `${num(modelPk)}/${num(version)}`;

/** Loads versions with their tags and aliases, keeping the order of `keys`. */
export async function loadVersions(q: Queryable, keys: readonly VersionKey[]): Promise<ModelVersion[]> {
  if (keys.length === 0) return [];
  const rows = new Map<string, VersionRow>();
  const tags = new Map<string, KeyValue[]>();
  for (const k of versionKeyTables(keys)) {
    const found = await q.all<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM ${k.sql} CROSS JOIN model_versions mv
       JOIN registered_models rm ON rm.model_pk = mv.model_pk
       WHERE mv.model_pk = k.column1 AND mv.version = k.column2`,
      k.params,
    );
    for (const r of found) rows.set(keyOf(r.model_pk, r.version), r);
  }
  for (const k of versionKeyTables(keys)) {
    const found = await q.all<{ model_pk: number | string; version: number | string } & KeyValue>(
      `SELECT t.model_pk, t.version, t.key, t.value FROM ${k.sql} CROSS JOIN model_version_tags t
       WHERE t.model_pk = k.column1 AND t.version = k.column2 ORDER BY t.key`,
      k.params,
    );
    for (const t of found) {
      const k = keyOf(t.model_pk, t.version);
      const list = tags.get(k) ?? [];
      list.push({ key: t.key, value: t.value });
      tags.set(k, list);
    }
  }
  const aliases = await loadAliases(q, [...new Set(keys.map((k) => k.modelPk))]);
  return keys.flatMap((key) => {
    const k = keyOf(key.modelPk, key.version);
    const row = rows.get(k);
    if (!row) return [];
    const own = (aliases.get(key.modelPk) ?? []).filter((a) => a.version === key.version).map((a) => a.alias);
    return [toModelVersion(row, tags.get(k) ?? [], own)];
  });
}

function toModelVersion(r: VersionRow, tags: KeyValue[], aliases: string[]): ModelVersion {
  return {
    name: r.name,
    version: num(r.version),
    creationTimestamp: num(r.creation_timestamp),
    lastUpdatedTimestamp: num(r.last_updated_timestamp),
    userId: opt(r.user_id),
    currentStage: r.current_stage,
    description: opt(r.description),
    source: r.source,
    runId: opt(r.run_id),
    runLink: opt(r.run_link),
    status: r.status as ModelVersionStatus,
    statusMessage: opt(r.status_message),
    modelId: opt(r.model_id),
    tags,
    aliases,
  };
}

/** Aliases of models by key, sorted by alias. */
async function loadAliases(
  q: Queryable,
  modelPks: readonly number[],
): Promise<Map<number, { alias: string; version: number }[]>> {
  const out = new Map<number, { alias: string; version: number }[]>();
  for (const part of chunks(modelPks, 500)) {
    const rows = await q.all<{ model_pk: number | string; alias: string; version: number | string }>(
      `SELECT model_pk, alias, version FROM registered_model_aliases WHERE model_pk IN ${placeholders(part.length)}
       ORDER BY alias`,
      part,
    );
    for (const r of rows) {
      const list = out.get(num(r.model_pk)) ?? [];
      list.push({ alias: r.alias, version: num(r.version) });
      out.set(num(r.model_pk), list);
    }
  }
  return out;
}

/**
 * Loads models with tags, aliases and latest versions (the newest live version per stage, listed in
 * the order each stage first appears among the versions, as MLflow builds it), keeping `rows` order.
 */
export async function loadModels(q: Queryable, rows: readonly ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const pks = rows.map((r) => num(r.model_pk));
  const tags = new Map<number, KeyValue[]>();
  const latest = new Map<number, { first: number; last: number }[]>();
  for (const part of chunks(pks, 500)) {
    const inList = placeholders(part.length);
    const tagRows = await q.all<{ model_pk: number | string } & KeyValue>(
      `SELECT model_pk, key, value FROM registered_model_tags WHERE model_pk IN ${inList} ORDER BY key`,
      part,
    );
    for (const t of tagRows) {
      const list = tags.get(num(t.model_pk)) ?? [];
      list.push({ key: t.key, value: t.value });
      tags.set(num(t.model_pk), list);
    }
    const stageRows = await q.all<{
      model_pk: number | string;
      first_v: number | string;
      last_v: number | string;
    }>(
      `SELECT model_pk, MIN(version) AS first_v, MAX(version) AS last_v FROM model_versions
       WHERE model_pk IN ${inList} AND current_stage <> ? GROUP BY model_pk, current_stage`,
      [...part, STAGE_DELETED_INTERNAL],
    );
    for (const s of stageRows) {
      const list = latest.get(num(s.model_pk)) ?? [];
      list.push({ first: num(s.first_v), last: num(s.last_v) });
      latest.set(num(s.model_pk), list);
    }
  }
  const versionKeys: VersionKey[] = [];
  for (const [modelPk, stages] of latest) {
    stages.sort((a, b) => a.first - b.first);
    for (const s of stages) versionKeys.push({ modelPk, version: s.last });
  }
  const versions = new Map<string, ModelVersion>();
  const loaded = await loadVersions(q, versionKeys);
  versionKeys.forEach((k, i) => {
    const v = loaded[i];
    if (v) versions.set(keyOf(k.modelPk, k.version), v);
  });
  const aliases = await loadAliases(q, pks);
  return rows.map((r) => {
    const pk = num(r.model_pk);
    return {
      name: r.name,
      creationTimestamp: num(r.creation_timestamp),
      lastUpdatedTimestamp: num(r.last_updated_timestamp),
      userId: opt(r.user_id),
      description: opt(r.description),
      latestVersions: (latest.get(pk) ?? []).flatMap((s) => {
        const v = versions.get(keyOf(pk, s.last));
        return v ? [v] : [];
      }),
      tags: tags.get(pk) ?? [],
      aliases: aliases.get(pk) ?? [],
    };
  });
}
