/** RegistryStore over any SqlDriver: the same SQL for SQLite and PostgreSQL. */
import type { ModelVersionStage } from '../../../registry/entities';
import type {
  NewModelVersion,
  NewRegisteredModel,
  RegistrationOutcome,
  RegistryStore,
  RegistrySearchQuery,
} from '../../../registry/registry-store';
import type { KeyValue } from '../../../tracking/entities';
import type { SqlDriver } from '../driver';
import * as models from './registered-models';
import * as versions from './model-versions';

/**
 * The SQL registry store. It shares the tracking store's driver (and schema, migrated by
 * `SqlTrackingStore.open`), so it opens and closes nothing itself.
 */
export class SqlRegistryStore implements RegistryStore {
  constructor(readonly db: SqlDriver) {}

  createRegisteredModel(m: NewRegisteredModel) {
    return models.createRegisteredModel(this.db, m);
  }
  getRegisteredModel(name: string) {
    return models.getRegisteredModel(this.db, name);
  }
  renameRegisteredModel(name: string, newName: string, time: number) {
    return models.renameRegisteredModel(this.db, name, newName, time);
  }
  updateRegisteredModel(name: string, description: string, time: number) {
    return models.updateRegisteredModel(this.db, name, description, time);
  }
  deleteRegisteredModel(name: string) {
    return models.deleteRegisteredModel(this.db, name);
  }
  searchRegisteredModels(q: RegistrySearchQuery) {
    return models.searchRegisteredModels(this.db, q);
  }
  getLatestVersions(name: string, stages: readonly ModelVersionStage[]) {
    return models.getLatestVersions(this.db, name, stages);
  }
  setRegisteredModelTag(name: string, tag: KeyValue) {
    return models.setRegisteredModelTag(this.db, name, tag);
  }
  deleteRegisteredModelTag(name: string, key: string) {
    return models.deleteRegisteredModelTag(this.db, name, key);
  }
  setRegisteredModelAlias(name: string, alias: string, version: number) {
    return models.setRegisteredModelAlias(this.db, name, alias, version);
  }
  deleteRegisteredModelAlias(name: string, alias: string) {
    return models.deleteRegisteredModelAlias(this.db, name, alias);
  }
  getModelVersionByAlias(name: string, alias: string) {
    return models.getModelVersionByAlias(this.db, name, alias);
  }
  getNewestModelVersion(name: string) {
    return versions.getNewestModelVersion(this.db, name);
  }

  createModelVersion(v: NewModelVersion) {
    return versions.createModelVersion(this.db, v);
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
  updateModelVersion(name: string, version: number, description: string, time: number) {
    return versions.updateModelVersion(this.db, name, version, description, time);
  }
  deleteModelVersion(name: string, version: number, time: number) {
    return versions.deleteModelVersion(this.db, name, version, time);
  }
  transitionModelVersionStage(
    name: string,
    version: number,
    stage: ModelVersionStage,
    archiveExisting: boolean,
    time: number,
  ) {
    return versions.transitionModelVersionStage(this.db, name, version, stage, archiveExisting, time);
  }
  getModelVersionDownloadUri(name: string, version: number) {
    return versions.getModelVersionDownloadUri(this.db, name, version);
  }
  searchModelVersions(q: RegistrySearchQuery) {
    return versions.searchModelVersions(this.db, q);
  }
  setModelVersionTag(name: string, version: number, tag: KeyValue) {
    return versions.setModelVersionTag(this.db, name, version, tag);
  }
  deleteModelVersionTag(name: string, version: number, key: string) {
    return versions.deleteModelVersionTag(this.db, name, version, key);
  }
}
