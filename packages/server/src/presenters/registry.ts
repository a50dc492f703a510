/** Registry entities → MLflow's wire JSON (model_registry.proto): one converter per entity, empty lists omitted. */
import type { KeyValue as KeyValueJson, ModelVersionJson, RegisteredModelJson } from '@loom/protocol';
import type { KeyValue, ModelVersion, RegisteredModel } from '@loom/core';

function keyValues(items: readonly KeyValue[]): KeyValueJson[] | undefined {
  return items.length > 0 ? items.map((i) => ({ key: i.key, value: i.value })) : undefined;
}

/** A model version as MLflow's `ModelVersion` message (version as a string). */
export function presentModelVersion(v: ModelVersion): ModelVersionJson {
  const out: ModelVersionJson = {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    current_stage: v.currentStage,
    source: v.source,
    status: v.status,
  };
  if (v.userId !== undefined) out.user_id = v.userId;
  if (v.description !== undefined) out.description = v.description;
  if (v.runId !== undefined) out.run_id = v.runId;
  if (v.statusMessage !== undefined) out.status_message = v.statusMessage;
  const tags = keyValues(v.tags);
  if (tags) out.tags = tags;
  if (v.runLink !== undefined) out.run_link = v.runLink;
  if (v.aliases.length > 0) out.aliases = [...v.aliases];
  if (v.modelId !== undefined) out.model_id = v.modelId;
  return out;
}

/** A registered model as MLflow's `RegisteredModel` message. */
export function presentRegisteredModel(m: RegisteredModel): RegisteredModelJson {
  const out: RegisteredModelJson = {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
  };
  if (m.userId !== undefined) out.user_id = m.userId;
  if (m.description !== undefined) out.description = m.description;
  if (m.latestVersions.length > 0) out.latest_versions = m.latestVersions.map(presentModelVersion);
  const tags = keyValues(m.tags);
  if (tags) out.tags = tags;
  if (m.aliases.length > 0)
    out.aliases = m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) }));
  return out;
}
