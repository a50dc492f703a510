/** RegistryStore over any SqlDriver: the same SQL for SQLite and PostgreSQL. */
import type { ModelVersion, ModelVersionStage, RegisteredModel } from '../../../registry/entities';
import type {
  Activity,
  Actor,
  Protections,
  StageTransition,
  TransitionTarget,
} from '../../../registry/governance-entities';
import type { AuditLogQuery, RequestResolution, ResolvedRequest } from '../../../registry/governance-store';
import type {
  Announce,
  ChangedModel,
  NewModelVersion,
  NewRegisteredModel,
  RegistrationOutcome,
  RegistryStore,
  RegistrySearchQuery,
} from '../../../registry/registry-store';
import type { KeyValue } from '../../../tracking/entities';
import type { SqlDriver } from '../driver';
import { loadActivity } from './activity-rows';
import { listAuditLog } from './audit-log';
import * as governance from './governance';
import * as models from './registered-models';
import * as versions from './model-versions';

/**
 * The SQL registry store. It shares the tracking store's driver (and schema, migrated by
 * `SqlTrackingStore.open`), so it opens and closes nothing itself.
 */
export class SqlRegistryStore implements RegistryStore {
  constructor(readonly db: SqlDriver) {}

  createRegisteredModel(m: NewRegisteredModel, actor: Actor, announce?: Announce<RegisteredModel>) {
    return models.createRegisteredModel(this.db, m, actor, announce);
  }
  getRegisteredModel(name: string) {
    return models.getRegisteredModel(this.db, name);
  }
  renameRegisteredModel(name: string, newName: string, actor: Actor) {
    return models.renameRegisteredModel(this.db, name, newName, actor);
  }
  updateRegisteredModel(name: string, description: string, actor: Actor) {
    return models.updateRegisteredModel(this.db, name, description, actor);
  }
  deleteRegisteredModel(name: string, actor: Actor) {
    return models.deleteRegisteredModel(this.db, name, actor);
  }
  searchRegisteredModels(q: RegistrySearchQuery) {
    return models.searchRegisteredModels(this.db, q);
  }
  getLatestVersions(name: string, stages: readonly ModelVersionStage[]) {
    return models.getLatestVersions(this.db, name, stages);
  }
  setRegisteredModelTag(name: string, tag: KeyValue, actor: Actor, announce?: Announce<ChangedModel>) {
    return models.setRegisteredModelTag(this.db, name, tag, actor, announce);
  }
  deleteRegisteredModelTag(name: string, key: string, actor: Actor, announce?: Announce<ChangedModel>) {
    return models.deleteRegisteredModelTag(this.db, name, key, actor, announce);
  }
  setRegisteredModelAlias(
    name: string,
    alias: string,
    version: number,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ) {
    return models.setRegisteredModelAlias(this.db, name, alias, version, actor, announce);
  }
  deleteRegisteredModelAlias(name: string, alias: string, actor: Actor, announce?: Announce<ChangedModel>) {
    return models.deleteRegisteredModelAlias(this.db, name, alias, actor, announce);
  }
  getModelVersionByAlias(name: string, alias: string) {
    return models.getModelVersionByAlias(this.db, name, alias);
  }
  getNewestModelVersion(name: string) {
    return versions.getNewestModelVersion(this.db, name);
  }

  createModelVersion(v: NewModelVersion, actor: Actor, announce?: Announce<ModelVersion>) {
    return versions.createModelVersion(this.db, v, actor, announce);
  }
  finishModelVersionRegistration(name: string, version: number, outcome: RegistrationOutcome) {
    return versions.finishModelVersionRegistration(this.db, name, version, outcome);
  }
  listPendingRegistrations() {
    return versions.listPendingRegistrations(this.db);
  }
  getModelVersion(name: string, version: number) {
    return versions.getModelVersion(this.db, name, version);
  }
  updateModelVersion(name: string, version: number, description: string, actor: Actor) {
    return versions.updateModelVersion(this.db, name, version, description, actor);
  }
  deleteModelVersion(name: string, version: number, actor: Actor) {
    return versions.deleteModelVersion(this.db, name, version, actor);
  }
  transitionModelVersionStage(
    name: string,
    version: number,
    stage: ModelVersionStage,
    archiveExisting: boolean,
    actor: Actor,
    comment?: string | undefined,
    announce?: Announce<StageTransition>,
  ) {
    return versions.transitionModelVersionStage(
      this.db,
      name,
      version,
      stage,
      archiveExisting,
      actor,
      comment,
      announce,
    );
  }
  getModelVersionDownloadUri(name: string, version: number) {
    return versions.getModelVersionDownloadUri(this.db, name, version);
  }
  searchModelVersions(q: RegistrySearchQuery) {
    return versions.searchModelVersions(this.db, q);
  }
  setModelVersionTag(
    name: string,
    version: number,
    tag: KeyValue,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ) {
    return versions.setModelVersionTag(this.db, name, version, tag, actor, announce);
  }
  deleteModelVersionTag(
    name: string,
    version: number,
    key: string,
    actor: Actor,
    announce?: Announce<ChangedModel>,
  ) {
    return versions.deleteModelVersionTag(this.db, name, version, key, actor, announce);
  }

  getProtections(name: string) {
    return governance.getProtections(this.db, name);
  }
  setProtections(name: string, protections: Protections, actor: Actor) {
    return governance.setProtections(this.db, name, protections, actor);
  }
  createTransitionRequest(
    name: string,
    version: number,
    target: TransitionTarget,
    comment: string | undefined,
    actor: Actor,
    announce?: Announce<Activity>,
  ) {
    return governance.createTransitionRequest(this.db, name, version, target, comment, actor, announce);
  }
  listTransitionRequests(name: string, version: number) {
    return governance.listTransitionRequests(this.db, name, version);
  }
  findOpenTransitionRequest(name: string, version: number, target: TransitionTarget) {
    return governance.findOpenTransitionRequest(this.db, name, version, target);
  }
  resolveTransitionRequest(
    requestId: number,
    resolution: RequestResolution,
    actor: Actor,
    announce?: Announce<ResolvedRequest>,
  ) {
    return governance.resolveTransitionRequest(this.db, requestId, resolution, actor, announce);
  }
  createComment(name: string, version: number, comment: string, actor: Actor, announce?: Announce<Activity>) {
    return governance.createComment(this.db, name, version, comment, actor, announce);
  }
  getActivity(id: number) {
    return loadActivity(this.db, id);
  }
  updateComment(id: number, comment: string, actor: Actor) {
    return governance.updateComment(this.db, id, comment, actor);
  }
  deleteComment(id: number, actor: Actor) {
    return governance.deleteComment(this.db, id, actor);
  }
  listActivities(name: string, version: number) {
    return governance.listActivities(this.db, name, version);
  }
  listAuditLog(q: AuditLogQuery) {
    return listAuditLog(this.db, q);
  }
}
