/**
 * The storage contract of the Model Registry. Implementations persist and query; MLflow's rules are
 * applied before the store is called, in registry-service.ts. Method names are MLflow's operation names.
 */
import type { KeyValue, Page } from '../tracking/entities';
import type { ModelVersion, ModelVersionStage, ModelVersionStatus, RegisteredModel } from './entities';

export interface NewRegisteredModel {
  name: string;
  description?: string | undefined;
  tags: KeyValue[];
  time: number;
}

export interface NewModelVersion {
  name: string;
  source: string;
  /** Where the files are downloaded from (get-download-uri); `source` when absent. */
  storageLocation?: string | undefined;
  runId?: string | undefined;
  runLink?: string | undefined;
  description?: string | undefined;
  modelId?: string | undefined;
  tags: KeyValue[];
  time: number;
  /** READY unless the registry still has to copy the files (PENDING_REGISTRATION). */
  status?: ModelVersionStatus | undefined;
}

/** How a pending registration ended. */
export interface RegistrationOutcome {
  status: 'READY' | 'FAILED_REGISTRATION';
  /** The registry's copy of the files, when one was made. */
  storageLocation?: string | undefined;
  statusMessage?: string | undefined;
}

/** A version still waiting for its files, and where they come from. */
export interface PendingRegistration {
  name: string;
  version: number;
  /** Where the files are read from: the stored location, else the source. */
  from: string;
}

export interface RegistrySearchQuery {
  filter?: string | undefined;
  orderBy: string[];
  maxResults: number;
  pageToken?: string | undefined;
}

/** The persistence of registered models, their versions, tags and aliases. */
export interface RegistryStore {
  createRegisteredModel(m: NewRegisteredModel): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Renames a model; its versions follow. */
  renameRegisteredModel(name: string, newName: string, time: number): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string, time: number): Promise<RegisteredModel>;
  /** Deletes a model with its versions, tags and aliases. */
  deleteRegisteredModel(name: string): Promise<void>;
  searchRegisteredModels(q: RegistrySearchQuery): Promise<Page<RegisteredModel>>;
  /** The newest live version in each of `stages`, in the order given. */
  getLatestVersions(name: string, stages: readonly ModelVersionStage[]): Promise<ModelVersion[]>;
  setRegisteredModelTag(name: string, tag: KeyValue): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;
  setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  /** The version an alias points to; undefined when the alias is not set. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined>;
  /** The newest live version of a model; undefined when it has none. */
  getNewestModelVersion(name: string): Promise<ModelVersion | undefined>;

  /** Adds the next version (max of all versions ever, deleted included, + 1). */
  createModelVersion(v: NewModelVersion): Promise<ModelVersion>;
  /** Ends a PENDING_REGISTRATION; false when the version is no longer pending (or gone). */
  finishModelVersionRegistration(
    name: string,
    version: number,
    outcome: RegistrationOutcome,
  ): Promise<boolean>;
  /** Live versions still in PENDING_REGISTRATION, oldest first. */
  listPendingRegistrations(): Promise<PendingRegistration[]>;
  getModelVersion(name: string, version: number): Promise<ModelVersion>;
  updateModelVersion(name: string, version: number, description: string, time: number): Promise<ModelVersion>;
  /** Soft-deletes a version: hidden everywhere, its aliases removed, its number never reused. */
  deleteModelVersion(name: string, version: number, time: number): Promise<void>;
  /** Moves a version to `stage`; with `archiveExisting`, other versions in that stage become Archived. */
  transitionModelVersionStage(
    name: string,
    version: number,
    stage: ModelVersionStage,
    archiveExisting: boolean,
    time: number,
  ): Promise<ModelVersion>;
  /** The stored download location of a version, else its source. */
  getModelVersionDownloadUri(name: string, version: number): Promise<string>;
  searchModelVersions(q: RegistrySearchQuery): Promise<Page<ModelVersion>>;
  setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void>;
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void>;
}
