/**
 * The storage contract of the Model Registry. Implementations persist and query; MLflow's rules are
 * applied before the store is called, in registry-service.ts. Method names are MLflow's operation names.
 * Every method that changes something takes the `Actor` and writes its audit row in the same transaction;
 * those that raise events also take an `Announce` hook, which stores the events in that transaction too.
 */
import type { Queryable } from '../store/sql/driver';
import type { KeyValue, Page } from '../tracking/entities';
import type { ModelVersion, ModelVersionStage, ModelVersionStatus, RegisteredModel } from './entities';
import type { Actor, StageTransition } from './governance-entities';
import type { RegistryGovernanceStore } from './governance-store';

/**
 * Stores a change's events: the store calls it inside the change's transaction, after the audit row,
 * with what the change did. A throw rolls the change back.
 */
export type Announce<R> = (tx: Queryable, result: R) => Promise<void>;

/** What a change to a model's tags or aliases tells its events: whether the model is a prompt, after it. */
export interface ChangedModel {
  isPrompt: boolean;
}

export interface NewRegisteredModel {
  name: string;
  description?: string | undefined;
  tags: KeyValue[];
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

/** The persistence of registered models, their versions, tags and aliases, and their governance. */
export interface RegistryStore extends RegistryGovernanceStore {
  createRegisteredModel(
    m: NewRegisteredModel,
    actor: Actor,
    announce?: Announce<RegisteredModel>,
  ): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Renames a model; its versions follow. */
  renameRegisteredModel(name: string, newName: string, actor: Actor): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string, actor: Actor): Promise<RegisteredModel>;
  /** Deletes a model with its versions, tags and aliases. */
  deleteRegisteredModel(name: string, actor: Actor): Promise<void>;
  searchRegisteredModels(q: RegistrySearchQuery): Promise<Page<RegisteredModel>>;
  /** The newest live version in each of `stages`, in the order given. */
  getLatestVersions(name: string, stages: readonly ModelVersionStage[]): Promise<ModelVersion[]>;
  setRegisteredModelTag(
    name: string,
    tag: KeyValue,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ): Promise<void>;
  deleteRegisteredModelTag(
    name: string,
    key: string,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ): Promise<void>;
  setRegisteredModelAlias(
    name: string,
    alias: string,
    version: number,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ): Promise<void>;
  deleteRegisteredModelAlias(
    name: string,
    alias: string,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ): Promise<void>;
  /** The version an alias points to; undefined when the alias is not set. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined>;
  /** The newest live version of a model; undefined when it has none. */
  getNewestModelVersion(name: string): Promise<ModelVersion | undefined>;

  /** Adds the next version (max of all versions ever, deleted included, + 1). */
  createModelVersion(
    v: NewModelVersion,
    actor: Actor,
    announce?: Announce<ModelVersion>,
  ): Promise<ModelVersion>;
  /** Ends a PENDING_REGISTRATION; false when the version is no longer pending (or gone). */
  finishModelVersionRegistration(
    name: string,
    version: number,
    outcome: RegistrationOutcome,
  ): Promise<boolean>;
  /** Live versions still in PENDING_REGISTRATION, oldest first. */
  listPendingRegistrations(): Promise<PendingRegistration[]>;
  getModelVersion(name: string, version: number): Promise<ModelVersion>;
  updateModelVersion(name: string, version: number, description: string, actor: Actor): Promise<ModelVersion>;
  /** Soft-deletes a version: hidden everywhere, its aliases removed, its number never reused. */
  deleteModelVersion(name: string, version: number, actor: Actor): Promise<void>;
  /**
   * Moves a version to `stage`; with `archiveExisting`, other versions in that stage become Archived.
   * Records APPLIED_TRANSITION (with `comment`) and a SYSTEM_TRANSITION per archived version.
   */
  transitionModelVersionStage(
    name: string,
    version: number,
    stage: ModelVersionStage,
    archiveExisting: boolean,
    actor: Actor,
    comment?: string | undefined,
    announce?: Announce<StageTransition>,
  ): Promise<StageTransition>;
  /** The stored download location of a version, else its source. */
  getModelVersionDownloadUri(name: string, version: number): Promise<string>;
  searchModelVersions(q: RegistrySearchQuery): Promise<Page<ModelVersion>>;
  setModelVersionTag(
    name: string,
    version: number,
    tag: KeyValue,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ): Promise<void>;
  deleteModelVersionTag(
    name: string,
    version: number,
    key: string,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ): Promise<void>;
}
