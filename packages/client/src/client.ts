/**
 * The low-level Loom client: one method per MLflow REST operation, bound to one server. Entities come
 * back exactly as MLflow's JSON (`@loom/protocol` types); failures throw `LoomError` with the server's
 * code.
 *
 *   const loom = createClient({ baseUrl: 'http://127.0.0.1:5000' });
 *   const { runs, nextPageToken } = await loom.searchRuns({ experimentIds: ['1'], filter: 'metrics.loss < 1' });
 */
import * as artifacts from './artifacts';
import * as auth from './auth';
import * as experiments from './experiments';
import * as governance from './governance';
import * as loggedModels from './logged-models';
import { Http, type CallOptions, type ClientOptions } from './http';
import * as metrics from './metrics';
import * as modelVersions from './model-versions';
import * as registeredModels from './registered-models';
import * as registryAudit from './registry-audit';
import * as runs from './runs';

/** Drops the leading `http` argument of an endpoint function. */
type Bound<F> = F extends (http: Http, ...args: infer A) => infer R ? (...args: A) => R : never;
type Endpoints = typeof experiments &
  Omit<typeof runs, 'LOG_BATCH_LIMITS'> &
  Omit<typeof metrics, 'metricValue' | 'wireDouble'> &
  Omit<typeof artifacts, 'proxyPathOf'> &
  typeof loggedModels &
  typeof registeredModels &
  typeof modelVersions &
  typeof registryAudit &
  typeof governance &
  Omit<typeof auth, 'PERMISSION_LEVELS'>;

export type LoomClient = { readonly http: Http } & { readonly [K in keyof Endpoints]: Bound<Endpoints[K]> };

/** A client for the server at `options.baseUrl` (same origin when absent). */
export function createClient(options: ClientOptions = {}): LoomClient {
  const http = new Http(options);
  const bind =
    <A extends unknown[], R>(fn: (http: Http, ...args: A) => R) =>
    (...args: A): R =>
      fn(http, ...args);
  return {
    http,
    searchExperiments: bind(experiments.searchExperiments),
    getExperiment: bind(experiments.getExperiment),
    getExperimentByName: bind(experiments.getExperimentByName),
    createExperiment: bind(experiments.createExperiment),
    updateExperiment: bind(experiments.updateExperiment),
    deleteExperiment: bind(experiments.deleteExperiment),
    restoreExperiment: bind(experiments.restoreExperiment),
    searchRuns: bind(runs.searchRuns),
    createRun: bind(runs.createRun),
    logBatch: bind(runs.logBatch),
    logInputs: bind(runs.logInputs),
    getRun: bind(runs.getRun),
    updateRun: bind(runs.updateRun),
    deleteRun: bind(runs.deleteRun),
    restoreRun: bind(runs.restoreRun),
    logOutputs: bind(runs.logOutputs),
    logModel: bind(runs.logModel),
    setTag: bind(runs.setTag),
    deleteTag: bind(runs.deleteTag),
    getMetricHistory: bind(metrics.getMetricHistory),
    getMetricHistoryBulkInterval: bind(metrics.getMetricHistoryBulkInterval),
    getMetricHistoryBuckets: bind(metrics.getMetricHistoryBuckets),
    listArtifacts: bind(artifacts.listArtifacts),
    artifactDownloadUrl: bind(artifacts.artifactDownloadUrl),
    uploadArtifact: bind(artifacts.uploadArtifact),
    getArtifactHead: bind(artifacts.getArtifactHead),
    createLoggedModel: bind(loggedModels.createLoggedModel),
    getLoggedModel: bind(loggedModels.getLoggedModel),
    finalizeLoggedModel: bind(loggedModels.finalizeLoggedModel),
    deleteLoggedModel: bind(loggedModels.deleteLoggedModel),
    searchLoggedModels: bind(loggedModels.searchLoggedModels),
    listLoggedModelArtifacts: bind(loggedModels.listLoggedModelArtifacts),
    searchRegisteredModels: bind(registeredModels.searchRegisteredModels),
    getRegisteredModel: bind(registeredModels.getRegisteredModel),
    createRegisteredModel: bind(registeredModels.createRegisteredModel),
    renameRegisteredModel: bind(registeredModels.renameRegisteredModel),
    updateRegisteredModel: bind(registeredModels.updateRegisteredModel),
    deleteRegisteredModel: bind(registeredModels.deleteRegisteredModel),
    getLatestVersions: bind(registeredModels.getLatestVersions),
    setRegisteredModelTag: bind(registeredModels.setRegisteredModelTag),
    deleteRegisteredModelTag: bind(registeredModels.deleteRegisteredModelTag),
    setRegisteredModelAlias: bind(registeredModels.setRegisteredModelAlias),
    deleteRegisteredModelAlias: bind(registeredModels.deleteRegisteredModelAlias),
    getModelVersionByAlias: bind(registeredModels.getModelVersionByAlias),
    createModelVersion: bind(modelVersions.createModelVersion),
    getModelVersion: bind(modelVersions.getModelVersion),
    updateModelVersion: bind(modelVersions.updateModelVersion),
    deleteModelVersion: bind(modelVersions.deleteModelVersion),
    searchModelVersions: bind(modelVersions.searchModelVersions),
    transitionModelVersionStage: bind(modelVersions.transitionModelVersionStage),
    setModelVersionTag: bind(modelVersions.setModelVersionTag),
    deleteModelVersionTag: bind(modelVersions.deleteModelVersionTag),
    getModelVersionDownloadUri: bind(modelVersions.getModelVersionDownloadUri),
    modelVersionArtifactUrl: bind(modelVersions.modelVersionArtifactUrl),
    getModelVersionArtifact: bind(modelVersions.getModelVersionArtifact),
    getRegistryAuditLog: bind(registryAudit.getRegistryAuditLog),
    createTransitionRequest: bind(governance.createTransitionRequest),
    listTransitionRequests: bind(governance.listTransitionRequests),
    approveTransitionRequest: bind(governance.approveTransitionRequest),
    rejectTransitionRequest: bind(governance.rejectTransitionRequest),
    deleteTransitionRequest: bind(governance.deleteTransitionRequest),
    createComment: bind(governance.createComment),
    updateComment: bind(governance.updateComment),
    deleteComment: bind(governance.deleteComment),
    listModelVersionActivities: bind(governance.listModelVersionActivities),
    getRegisteredModelProtections: bind(governance.getRegisteredModelProtections),
    setRegisteredModelProtections: bind(governance.setRegisteredModelProtections),
    getCurrentUser: bind(auth.getCurrentUser),
    createUser: bind(auth.createUser),
    getUser: bind(auth.getUser),
    updateUserPassword: bind(auth.updateUserPassword),
    updateUserAdmin: bind(auth.updateUserAdmin),
    deleteUser: bind(auth.deleteUser),
    createExperimentPermission: bind(auth.createExperimentPermission),
    getExperimentPermission: bind(auth.getExperimentPermission),
    updateExperimentPermission: bind(auth.updateExperimentPermission),
    deleteExperimentPermission: bind(auth.deleteExperimentPermission),
    createRegisteredModelPermission: bind(auth.createRegisteredModelPermission),
    getRegisteredModelPermission: bind(auth.getRegisteredModelPermission),
    updateRegisteredModelPermission: bind(auth.updateRegisteredModelPermission),
    deleteRegisteredModelPermission: bind(auth.deleteRegisteredModelPermission),
    createAccessToken: bind(auth.createAccessToken),
    listAccessTokens: bind(auth.listAccessTokens),
    revokeAccessToken: bind(auth.revokeAccessToken),
  };
}

export type { CallOptions, ClientOptions };
