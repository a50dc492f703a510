/**
 * The events of registry changes, built from what the store did inside the change's transaction.
 * Names and payloads are MLflow 3's (a prompt's changes raise the prompt_* events), plus Loom's
 * stage moves.
 */
import type { KeyValue } from '../tracking/entities';
import { IS_PROMPT_TAG } from '../tracking/search/registry-search-sql';
import type { ModelVersion, RegisteredModel } from './entities';
import type { StageTransition } from './governance-entities';
import type { RegistryEventDraft } from './registry-events';

/** MLflow marks prompts (models and versions) with this tag set to 'true'. */
export const isPrompt = (tags: readonly KeyValue[]) =>
  tags.some((t) => t.key === IS_PROMPT_TAG && t.value === 'true');
/** The tag holding a prompt version's template. */
const PROMPT_TEXT_TAG = 'mlflow.prompt.text';
const tagMap = (tags: readonly KeyValue[]) => Object.fromEntries(tags.map((t) => [t.key, t.value]));

/** `registered_model.created`, or `prompt.created`. */
export function modelCreatedEvent(model: RegisteredModel): RegistryEventDraft {
  return {
    name: isPrompt(model.tags) ? 'prompt.created' : 'registered_model.created',
    data: { name: model.name, tags: tagMap(model.tags), description: model.description ?? null },
  };
}

/** `model_version.created`, or `prompt_version.created` with the template. */
export function versionCreatedEvent(v: ModelVersion): RegistryEventDraft {
  const common = { name: v.name, version: String(v.version) };
  if (isPrompt(v.tags)) {
    const template = v.tags.find((t) => t.key === PROMPT_TEXT_TAG)?.value ?? null;
    return {
      name: 'prompt_version.created',
      data: { ...common, template, tags: tagMap(v.tags), description: v.description ?? null },
    };
  }
  return {
    name: 'model_version.created',
    data: {
      ...common,
      source: v.source,
      run_id: v.runId ?? null,
      tags: tagMap(v.tags),
      description: v.description ?? null,
    },
  };
}

/** `model_version_alias.created` (or the prompt's), for any way an alias moves. */
export function aliasSetEvent(
  name: string,
  alias: string,
  version: number,
  prompt: boolean,
): RegistryEventDraft {
  return {
    name: prompt ? 'prompt_alias.created' : 'model_version_alias.created',
    data: { name, alias, version: String(version) },
  };
}

/** `model_version.stage_transitioned` for a moved version and each version it archived. */
export function transitionEvents(moved: StageTransition): RegistryEventDraft[] {
  const v = moved.modelVersion;
  const event = (version: number, fromStage: string, toStage: string): RegistryEventDraft => ({
    name: 'model_version.stage_transitioned',
    data: { name: v.name, version: String(version), from_stage: fromStage, to_stage: toStage },
  });
  return [
    event(v.version, moved.fromStage, v.currentStage),
    ...moved.archived.map((a) => event(a.version, a.fromStage, 'Archived')),
  ];
}
