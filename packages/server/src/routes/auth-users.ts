/** MLflow's basic-auth REST endpoints: users, experiment and registered-model permissions. */
import type { AuthService } from '@loom/core';
import { LoomError, auth as api } from '@loom/protocol';
import type { AppDeps } from '../deps';
import {
  presentExperimentPermission,
  presentRegisteredModelPermission,
  presentUser,
} from '../presenters/auth';
import { rpc, type RpcRoute } from '../rpc';

/** `deps.auth`, or ENDPOINT_NOT_FOUND on a server without the basic-auth app. */
export function authOf(deps: AppDeps): AuthService {
  if (!deps.auth) throw new LoomError('ENDPOINT_NOT_FOUND', 'This server runs without authentication');
  return deps.auth;
}

export const authUserRoutes = [
  rpc({
    name: 'createUser',
    methods: ['POST'],
    path: '/users/create',
    request: api.createUser,
    handle: async (req, deps) => ({
      user: presentUser(await authOf(deps).createUser(req.username, req.password)),
    }),
  }),
  rpc({
    name: 'getUser',
    methods: ['GET'],
    path: '/users/get',
    request: api.getUser,
    handle: async (req, deps) => ({ user: presentUser(await authOf(deps).getUser(req.username)) }),
  }),
  rpc({
    name: 'updateUserPassword',
    methods: ['PATCH'],
    path: '/users/update-password',
    request: api.updateUserPassword,
    handle: async (req, deps) => {
      await authOf(deps).updatePassword(req.username, req.password);
      return {};
    },
  }),
  rpc({
    name: 'updateUserAdmin',
    methods: ['PATCH'],
    path: '/users/update-admin',
    request: api.updateUserAdmin,
    handle: async (req, deps) => {
      await authOf(deps).updateAdmin(req.username, req.is_admin);
      return {};
    },
  }),
  rpc({
    name: 'deleteUser',
    methods: ['DELETE'],
    path: '/users/delete',
    request: api.deleteUser,
    handle: async (req, deps) => {
      await authOf(deps).deleteUser(req.username);
      return {};
    },
  }),
  rpc({
    name: 'createExperimentPermission',
    methods: ['POST'],
    path: '/experiments/permissions/create',
    request: api.experimentPermission,
    handle: async (req, deps) => ({
      experiment_permission: presentExperimentPermission(
        await authOf(deps).createExperimentPermission(req.experiment_id, req.username, req.permission),
      ),
    }),
  }),
  rpc({
    name: 'getExperimentPermission',
    methods: ['GET'],
    path: '/experiments/permissions/get',
    request: api.experimentPermissionRef,
    handle: async (req, deps) => ({
      experiment_permission: presentExperimentPermission(
        await authOf(deps).getExperimentPermission(req.experiment_id, req.username),
      ),
    }),
  }),
  rpc({
    name: 'updateExperimentPermission',
    methods: ['PATCH'],
    path: '/experiments/permissions/update',
    request: api.experimentPermission,
    handle: async (req, deps) => {
      await authOf(deps).updateExperimentPermission(req.experiment_id, req.username, req.permission);
      return {};
    },
  }),
  rpc({
    name: 'deleteExperimentPermission',
    methods: ['DELETE'],
    path: '/experiments/permissions/delete',
    request: api.experimentPermissionRef,
    handle: async (req, deps) => {
      await authOf(deps).deleteExperimentPermission(req.experiment_id, req.username);
      return {};
    },
  }),
  rpc({
    name: 'createRegisteredModelPermission',
    methods: ['POST'],
    path: '/registered-models/permissions/create',
    request: api.registeredModelPermission,
    handle: async (req, deps) => ({
      registered_model_permission: presentRegisteredModelPermission(
        await authOf(deps).createRegisteredModelPermission(req.name, req.username, req.permission),
      ),
    }),
  }),
  rpc({
    name: 'getRegisteredModelPermission',
    methods: ['GET'],
    path: '/registered-models/permissions/get',
    request: api.registeredModelPermissionRef,
    handle: async (req, deps) => ({
      registered_model_permission: presentRegisteredModelPermission(
        await authOf(deps).getRegisteredModelPermission(req.name, req.username),
      ),
    }),
  }),
  rpc({
    name: 'updateRegisteredModelPermission',
    methods: ['PATCH'],
    path: '/registered-models/permissions/update',
    request: api.registeredModelPermission,
    handle: async (req, deps) => {
      await authOf(deps).updateRegisteredModelPermission(req.name, req.username, req.permission);
      return {};
    },
  }),
  rpc({
    name: 'deleteRegisteredModelPermission',
    methods: ['DELETE'],
    path: '/registered-models/permissions/delete',
    request: api.registeredModelPermissionRef,
    handle: async (req, deps) => {
      await authOf(deps).deleteRegisteredModelPermission(req.name, req.username);
      return {};
    },
  }),
] as unknown as readonly RpcRoute[];
