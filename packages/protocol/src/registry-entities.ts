/** MLflow's Model Registry entities exactly as they appear on the wire (model_registry.proto). */
import type { KeyValue } from './entities';

/** The stages a model version can be in, in MLflow's canonical spelling. */
export const MODEL_VERSION_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelVersionStage = (typeof MODEL_VERSION_STAGES)[number];

export const MODEL_VERSION_STATUSES = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] as const;
export type ModelVersionStatus = (typeof MODEL_VERSION_STATUSES)[number];

export interface ModelVersionJson {
  name: string;
  /** The version number as a decimal string. */
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  status: ModelVersionStatus;
  status_message?: string;
  tags?: KeyValue[];
  run_link?: string;
  aliases?: string[];
  model_id?: string;
}

export interface RegisteredModelJson {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  description?: string;
  latest_versions?: ModelVersionJson[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}
