/** MLflow's validation rules for the Model Registry, with MLflow-compatible messages. */
import { invalidParameter, MODEL_VERSION_STAGES, type ModelVersionStage } from '@loom/protocol';
import type { KeyValue } from '../tracking/entities';
import { validateKey, validateLength } from '../tracking/validation';

export const REGISTRY_LIMITS = {
  modelName: 256,
  tagValue: 100_000,
  alias: 255,
  searchRegisteredModelsMaxResults: 1000,
  searchRegisteredModelsDefault: 100,
  searchModelVersionsMaxResults: 200_000,
  /** The proto default of `max_results`, which is what MLflow's REST handler passes on. */
  searchModelVersionsDefault: 200_000,
} as const;

const ALIAS_CHARS = /^[\p{L}\p{N}_-]*$/u;
const VERSION_ALIAS = /^[vV]\d+$/;
const INTEGER = /^\s*[+-]?\d+\s*$/;

/** A registered model name: non-empty, at most 256 characters (MLflow's column size). */
export function validateModelName(name: string | undefined, what = 'Registered model name'): string {
  if (name === undefined || name === '') throw invalidParameter(`${what} cannot be empty.`);
  validateLength(what, name, REGISTRY_LIMITS.modelName);
  return name;
}

/** A version number given as a string, parsed the way Python's int() does. */
export function parseModelVersion(version: string | number): number {
  const text = String(version);
  if (!INTEGER.test(text)) {
    throw invalidParameter(`Parameter 'version' must be an integer, got '${text}'.`);
  }
  return Number(text.trim());
}

function validateRegistryTag(
  what: 'Registered model' | 'Model version',
  tag: { key?: string | undefined; value?: string | undefined },
): KeyValue {
  validateKey('tag', tag.key);
  if (tag.value === undefined || tag.value === null) throw invalidParameter('Tag value cannot be None');
  validateLength(`${what} value`, tag.value, REGISTRY_LIMITS.tagValue);
  return { key: tag.key!, value: tag.value };
}

/** A registered-model tag: key rules of tracking tags, value required and at most 100,000 characters. */
export function validateRegisteredModelTag(tag: { key?: string | undefined; value?: string | undefined }) {
  return validateRegistryTag('Registered model', tag);
}

/** A model-version tag: the same rules as registered-model tags. */
export function validateModelVersionTag(tag: { key?: string | undefined; value?: string | undefined }) {
  return validateRegistryTag('Model version', tag);
}

/** An alias name's form (empty, characters, length); `reserved` also rejects `latest` and `v<digits>`. */
export function validateAlias(alias: string | undefined, reserved: boolean): string {
  if (alias === undefined || alias === '')
    throw invalidParameter('Registered model alias name cannot be empty.');
  if (!ALIAS_CHARS.test(alias)) {
    throw invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  validateLength('Registered model alias name', alias, REGISTRY_LIMITS.alias);
  if (reserved && alias.toLowerCase() === 'latest') {
    throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (reserved && VERSION_ALIAS.test(alias)) {
    throw invalidParameter(`Version alias name '${alias}' is reserved.`);
  }
  return alias;
}

/** A stage name in MLflow's canonical spelling; case-insensitive, anything else is rejected. */
export function canonicalStage(stage: string): ModelVersionStage {
  const found = MODEL_VERSION_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw invalidParameter(
      `Invalid Model Version stage: ${stage}. Value must be one of ${MODEL_VERSION_STAGES.join(', ')}.`,
    );
  }
  return found;
}

/** Stages whose versions `archive_existing_versions` may archive. */
export const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production'];

/** Databricks' limit on comments of model versions and transition requests. */
export const MAX_COMMENT_LENGTH = 65_535;

/** A comment: 1..65,535 characters when `required`, else absent or at most 65,535 ("" counts as absent). */
export function validateComment(comment: string | undefined, required: boolean): string | undefined {
  if (comment === undefined || comment === '') {
    if (required) throw invalidParameter('Comment cannot be empty.');
    return undefined;
  }
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw invalidParameter(
      `Comment is ${comment.length} characters long; the limit is ${MAX_COMMENT_LENGTH}.`,
    );
  }
  return comment;
}
