/**
 * Request schemas of MLflow's basic-auth app (users and permissions under /api/2.0/mlflow) and of
 * Loom's API tokens (under /api/2.0/loom).
 */
import { f } from './schema';

export const createUser = { username: f.string(), password: f.string() };
export const getUser = { username: f.string() };
export const updateUserPassword = { username: f.string(), password: f.string() };
export const updateUserAdmin = { username: f.string(), is_admin: f.bool() };
export const deleteUser = { username: f.string() };

export const experimentPermission = {
  experiment_id: f.string(),
  username: f.string(),
  permission: f.string(),
};
export const experimentPermissionRef = { experiment_id: f.string(), username: f.string() };
export const registeredModelPermission = { name: f.string(), username: f.string(), permission: f.string() };
export const registeredModelPermissionRef = { name: f.string(), username: f.string() };

/** `username` lets an admin act on another user's tokens; others act on their own. */
export const createAccessToken = { name: f.string(), username: f.string() };
export const listAccessTokens = { username: f.string() };
export const revokeAccessToken = { token_id: f.string(), username: f.string() };
export const getCurrentUser = {};
