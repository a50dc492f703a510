/** Protected targets: the checks that keep direct moves away from them, and their validation. */
import { LoomError, MODEL_VERSION_STAGES, type ModelVersionStage } from '@loom/protocol';
import type { Protections } from './governance-entities';
import { canonicalStage, validateAlias } from './validation';

const HOW =
  'Create a transition request (POST /api/2.0/mlflow/transition-requests/create) and have it approved';

/** PERMISSION_DENIED when `stage` is protected on the model. */
export function assertStageUnprotected(p: Protections, name: string, stage: ModelVersionStage): void {
  if (p.stages.includes(stage)) {
    throw new LoomError(
      'PERMISSION_DENIED',
      `Stage ${stage} of registered model '${name}' is protected: moving a version there needs an ` +
        `approved transition request. ${HOW} (POST /api/2.0/mlflow/transition-requests/approve).`,
    );
  }
}

/** PERMISSION_DENIED when `alias` is protected on the model. */
export function assertAliasUnprotected(p: Protections, name: string, alias: string): void {
  if (p.aliases.includes(alias)) {
    throw new LoomError(
      'PERMISSION_DENIED',
      `Alias @${alias} of registered model '${name}' is protected: pointing it at a version needs an ` +
        `approved transition request with "alias": "${alias}". ${HOW} ` +
        `(POST /api/2.0/mlflow/transition-requests/approve).`,
    );
  }
}

/** Protections as given over the wire: stages canonicalised, aliases checked, duplicates dropped. */
export function validateProtections(input: {
  stages: readonly string[];
  aliases: readonly string[];
  requireDistinctApprover?: boolean | undefined;
}): Protections {
  const stages = [...new Set(input.stages.map(canonicalStage))].sort(
    (a, b) => MODEL_VERSION_STAGES.indexOf(a) - MODEL_VERSION_STAGES.indexOf(b),
  );
  const aliases = [...new Set(input.aliases.map((a) => validateAlias(a, true)))].sort();
  return { stages, aliases, requireDistinctApprover: input.requireDistinctApprover ?? true };
}
