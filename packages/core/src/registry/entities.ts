/** Model Registry domain types (camelCase). The server turns them into MLflow's wire JSON with presenters. */
import type { ModelVersionStage, ModelVersionStatus } from '@loom/protocol';
import type { KeyValue } from '../tracking/entities';

export type { ModelVersionStage, ModelVersionStatus };

/** The stage a soft-deleted version is parked in; such versions are hidden everywhere. */
export const STAGE_DELETED_INTERNAL = 'Deleted_Internal';

export interface ModelVersion {
  name: string;
  version: number;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  userId?: string | undefined;
  currentStage: string;
  description?: string | undefined;
  source: string;
  runId?: string | undefined;
  runLink?: string | undefined;
  status: ModelVersionStatus;
  statusMessage?: string | undefined;
  modelId?: string | undefined;
  tags: KeyValue[];
  aliases: string[];
}

export interface RegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  userId?: string | undefined;
  description?: string | undefined;
  /** The newest version in each stage (deleted versions excluded). */
  latestVersions: ModelVersion[];
  tags: KeyValue[];
  aliases: { alias: string; version: number }[];
}
