/**
 * The permission rule of every route declared as data (rpc.ts), by operation name — MLflow's basic-auth
 * table, extended to Loom's and Databricks' routes. A route without a rule is refused at mount time
 * (see route-guard.ts), so a new route cannot be served unchecked.
 */
import type { Context } from 'hono';
import { permissionDenied as permissionDeniedError, type Ability } from '@loom/core';
import { runIdOf } from '../routes/run-id';
import {
  readableExperiments,
  requireAdmin,
  requireExperiment,
  requireLoggedModel,
  requireModel,
  requireRun,
  requireSelfOrAdmin,
  type Access,
} from './access';

// Decoded requests are trusted shapes; rules read the few fields they need by name.
export type Req = Record<string, unknown>;

export interface RuleContext extends Access {
  req: Req;
  c: Context;
}

/** What a check decided: go on (optionally with a narrowed request), or answer without the handler. */
export type CheckOutcome = void | { req: Req } | { answer: unknown };

export interface RouteRule {
  /** Throws PERMISSION_DENIED, or narrows the request to what the caller may see. */
  check(ctx: RuleContext): Promise<CheckOutcome>;
  /** Searches: keep only readable items of the answer's list, re-paging to fill the page. */
  filter?: { field: string; key: string; of: 'experiment' | 'model' };
  /** Work after a successful call (creator grants, permissions that follow a rename or delete). */
  after?(ctx: RuleContext, result: unknown): Promise<void>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

const anyUser: RouteRule = { check: async () => undefined };
const adminOnly: RouteRule = { check: async (x) => requireAdmin(x) };

const experiment = (ability: Ability, idOf = (x: RuleContext) => str(x.req.experiment_id)): RouteRule => ({
  check: (x) => requireExperiment(x, idOf(x), ability),
});
const run = (ability: Ability): RouteRule => ({
  check: (x) => requireRun(x, runIdOf(x.req as { run_id?: string; run_uuid?: string }), ability),
});
const loggedModel = (ability: Ability): RouteRule => ({
  check: (x) => requireLoggedModel(x, x.c.req.param('model_id') ?? str(x.req.model_id), ability),
});
const model = (ability: Ability): RouteRule => ({ check: (x) => requireModel(x, str(x.req.name), ability) });
const runs = (field: string): RouteRule => ({
  check: async (x) => {
    for (const id of list(x.req[field])) await requireRun(x, id, 'read');
  },
});

/** Searches over experiments named in the request: only the readable ones are searched. */
const readableExperimentIds: RouteRule = {
  check: async (x) => {
    if (x.user.isAdmin) return;
    const readable = await readableExperiments(x);
    const ids = list(x.req.experiment_ids).filter(readable);
    // No readable experiment (or none named): nothing to search, and nothing to leak.
    if (ids.length === 0) return { answer: {} };
    return { req: { ...x.req, experiment_ids: ids } };
  },
};

const tracking: Record<string, RouteRule> = {
  createExperiment: {
    ...anyUser,
    after: async (x, result) =>
      x.auth.grantCreatorOfExperiment(x.user, str((result as { experiment_id?: unknown }).experiment_id)),
  },
  getExperiment: experiment('read'),
  getExperimentByName: {
    check: async (x) => {
      const found = await x.deps.tracking.getExperimentByName(str(x.req.experiment_name));
      await requireExperiment(x, found.experimentId, 'read');
    },
  },
  searchExperiments: { ...anyUser, filter: { field: 'experiments', key: 'experiment_id', of: 'experiment' } },
  listExperiments: { ...anyUser, filter: { field: 'experiments', key: 'experiment_id', of: 'experiment' } },
  updateExperiment: experiment('update'),
  setExperimentTag: experiment('update'),
  deleteExperimentTag: experiment('update'),
  deleteExperiment: experiment('delete'),
  restoreExperiment: experiment('delete'),
  searchDatasets: readableExperimentIds,
  // MLflow puts a run without an experiment id in the default experiment.
  createRun: experiment('update', (x) => str(x.req.experiment_id) || '0'),
  getRun: run('read'),
  updateRun: run('update'),
  logMetric: run('update'),
  logParam: run('update'),
  setTag: run('update'),
  deleteTag: run('update'),
  logBatch: run('update'),
  logModel: run('update'),
  logInputs: run('update'),
  logOutputs: run('update'),
  deleteRun: run('delete'),
  restoreRun: run('delete'),
  searchRuns: readableExperimentIds,
  getMetricHistory: run('read'),
  getMetricHistoryBulk: runs('run_id'),
  getMetricHistoryBulkInterval: runs('run_ids'),
  listArtifacts: run('read'),
  createLoggedModel: experiment('update'),
  searchLoggedModels: readableExperimentIds,
  getLoggedModel: loggedModel('read'),
  listLoggedModelArtifacts: loggedModel('read'),
  finalizeLoggedModel: loggedModel('update'),
  setLoggedModelTags: loggedModel('update'),
  deleteLoggedModelTag: loggedModel('update'),
  logLoggedModelParams: loggedModel('update'),
  deleteLoggedModel: loggedModel('delete'),
};

const registry: Record<string, RouteRule> = {
  createRegisteredModel: {
    ...anyUser,
    after: (x) => x.auth.grantCreatorOfRegisteredModel(x.user, str(x.req.name)),
  },
  getRegisteredModel: model('read'),
  getLatestVersions: model('read'),
  getModelVersion: model('read'),
  getModelVersionDownloadUri: model('read'),
  getModelVersionByAlias: model('read'),
  searchRegisteredModels: { ...anyUser, filter: { field: 'registered_models', key: 'name', of: 'model' } },
  listRegisteredModels: { ...anyUser, filter: { field: 'registered_models', key: 'name', of: 'model' } },
  searchModelVersions: { ...anyUser, filter: { field: 'model_versions', key: 'name', of: 'model' } },
  renameRegisteredModel: {
    ...model('update'),
    after: (x) => x.auth.renameRegisteredModel(str(x.req.name), str(x.req.new_name)),
  },
  updateRegisteredModel: model('update'),
  setRegisteredModelTag: model('update'),
  deleteRegisteredModelTag: model('update'),
  setRegisteredModelAlias: model('update'),
  createModelVersion: model('update'),
  updateModelVersion: model('update'),
  transitionModelVersionStage: model('update'),
  setModelVersionTag: model('update'),
  deleteRegisteredModel: {
    ...model('delete'),
    after: (x) => x.auth.deleteRegisteredModel(str(x.req.name)),
  },
  deleteModelVersion: model('delete'),
  deleteModelVersionTag: model('delete'),
  deleteRegisteredModelAlias: model('delete'),
  // The approval workflow: reading the model lets a user in; the governance service then asks the
  // same permissions (RegistryPermissions) who may approve, reject or transition directly.
  createTransitionRequest: model('read'),
  listTransitionRequests: model('read'),
  approveTransitionRequest: model('read'),
  rejectTransitionRequest: model('read'),
  deleteTransitionRequest: model('read'),
  transitionModelVersionStageDatabricks: model('read'),
  createComment: model('read'),
  // Comments by id: the governance service lets only their author change them.
  updateComment: anyUser,
  deleteComment: anyUser,
  listModelVersionActivities: model('read'),
  getRegisteredModelProtections: model('read'),
  setRegisteredModelProtections: model('manage'),
  // One model's audit trail needs read on it; the whole registry's is for admins.
  getRegistryAuditLog: {
    check: async (x) => (str(x.req.name) ? requireModel(x, str(x.req.name), 'read') : requireAdmin(x)),
  },
};

// Webhooks see every registry event, whoever may read the model: admins only.
const webhooks: Record<string, RouteRule> = Object.fromEntries(
  [
    'createWebhook',
    'listWebhooks',
    'getWebhook',
    'updateWebhook',
    'deleteWebhook',
    'testWebhook',
    'listWebhookDeliveries',
  ].map((name) => [name, adminOnly]),
);

/** Rules of every data-declared route except the auth endpoints (which carry theirs in auth-routes). */
export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = { ...tracking, ...registry, ...webhooks };

const selfOrAdmin: RouteRule = {
  check: async (x) => {
    const name = str(x.req.username);
    if (!x.user.isAdmin && name !== '' && name !== x.user.username) throw permissionDeniedError();
  },
};

/** The basic-auth endpoints: user CRUD for admins (or oneself), permission CRUD needs MANAGE. */
export const AUTH_ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  createUser: adminOnly,
  getUser: { check: async (x) => requireSelfOrAdmin(x, str(x.req.username)) },
  updateUserPassword: { check: async (x) => requireSelfOrAdmin(x, str(x.req.username)) },
  updateUserAdmin: adminOnly,
  deleteUser: adminOnly,
  createExperimentPermission: experiment('manage'),
  getExperimentPermission: experiment('manage'),
  updateExperimentPermission: experiment('manage'),
  deleteExperimentPermission: experiment('manage'),
  createRegisteredModelPermission: model('manage'),
  getRegisteredModelPermission: model('manage'),
  updateRegisteredModelPermission: model('manage'),
  deleteRegisteredModelPermission: model('manage'),
  createAccessToken: selfOrAdmin,
  listAccessTokens: selfOrAdmin,
  revokeAccessToken: selfOrAdmin,
  getCurrentUser: anyUser,
};
