/**
 * The basic-auth app: MLflow's users and permissions (under /mlflow) and Loom's API tokens and
 * "who am I" (under /loom). On a server without authentication these answer ENDPOINT_NOT_FOUND;
 * `getCurrentUser` turns that into `null` so a caller can tell "auth off" from a failure.
 */
import { LoomError } from '@loom/protocol';
import type { CallOptions, Http } from './http';

const MLFLOW = '/api/2.0/mlflow';
const LOOM = '/api/2.0/loom';

/** MLflow's permission levels, weakest first. */
export const PERMISSION_LEVELS = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export interface ExperimentPermissionJson {
  experiment_id: string;
  user_id: number;
  permission: PermissionLevel;
}

export interface RegisteredModelPermissionJson {
  name: string;
  user_id: number;
  permission: PermissionLevel;
}

/** MLflow's user JSON (never the password). */
export interface UserJson {
  id: number;
  username: string;
  is_admin: boolean;
  experiment_permissions?: ExperimentPermissionJson[];
  registered_model_permissions?: RegisteredModelPermissionJson[];
}

/** The signed-in caller, as /loom/users/current names it. */
export interface CurrentUserJson {
  id: number;
  username: string;
  is_admin: boolean;
}

/** A token's metadata; the secret is only in `createAccessToken`'s answer. */
export interface AccessTokenJson {
  token_id: string;
  username: string;
  name: string;
  created_at: number;
  last_used_at?: number;
  revoked_at?: number;
}

export interface CreatedAccessToken {
  /** The bearer secret: shown once, never stored in readable form by the server. */
  token: string;
  info: AccessTokenJson;
}

/** The caller, or `null` when the server runs without authentication. */
export async function getCurrentUser(http: Http, options?: CallOptions): Promise<CurrentUserJson | null> {
  try {
    const res = await http.get<{ user: CurrentUserJson }>(`${LOOM}/users/current`, {}, options);
    return res.user;
  } catch (err) {
    if (err instanceof LoomError && err.code === 'ENDPOINT_NOT_FOUND') return null;
    throw err;
  }
}

export async function createUser(
  http: Http,
  username: string,
  password: string,
  options?: CallOptions,
): Promise<UserJson> {
  return (await http.post<{ user: UserJson }>(`${MLFLOW}/users/create`, { username, password }, options))
    .user;
}

/** A user with their explicit experiment and registered-model permissions. */
export async function getUser(http: Http, username: string, options?: CallOptions): Promise<UserJson> {
  return (await http.get<{ user: UserJson }>(`${MLFLOW}/users/get`, { username }, options)).user;
}

export async function updateUserPassword(
  http: Http,
  username: string,
  password: string,
  options?: CallOptions,
): Promise<void> {
  await http.patch(`${MLFLOW}/users/update-password`, { username, password }, options);
}

export async function updateUserAdmin(
  http: Http,
  username: string,
  isAdmin: boolean,
  options?: CallOptions,
): Promise<void> {
  await http.patch(`${MLFLOW}/users/update-admin`, { username, is_admin: isAdmin }, options);
}

export async function deleteUser(http: Http, username: string, options?: CallOptions): Promise<void> {
  await http.delete(`${MLFLOW}/users/delete`, { username }, options);
}

export async function createExperimentPermission(
  http: Http,
  experimentId: string,
  username: string,
  permission: PermissionLevel,
  options?: CallOptions,
): Promise<ExperimentPermissionJson> {
  const res = await http.post<{ experiment_permission: ExperimentPermissionJson }>(
    `${MLFLOW}/experiments/permissions/create`,
    { experiment_id: experimentId, username, permission },
    options,
  );
  return res.experiment_permission;
}

export async function getExperimentPermission(
  http: Http,
  experimentId: string,
  username: string,
  options?: CallOptions,
): Promise<ExperimentPermissionJson> {
  const res = await http.get<{ experiment_permission: ExperimentPermissionJson }>(
    `${MLFLOW}/experiments/permissions/get`,
    { experiment_id: experimentId, username },
    options,
  );
  return res.experiment_permission;
}

export async function updateExperimentPermission(
  http: Http,
  experimentId: string,
  username: string,
  permission: PermissionLevel,
  options?: CallOptions,
): Promise<void> {
  await http.patch(
    `${MLFLOW}/experiments/permissions/update`,
    { experiment_id: experimentId, username, permission },
    options,
  );
}

export async function deleteExperimentPermission(
  http: Http,
  experimentId: string,
  username: string,
  options?: CallOptions,
): Promise<void> {
  await http.delete(
    `${MLFLOW}/experiments/permissions/delete`,
    { experiment_id: experimentId, username },
    options,
  );
}

export async function createRegisteredModelPermission(
  http: Http,
  name: string,
  username: string,
  permission: PermissionLevel,
  options?: CallOptions,
): Promise<RegisteredModelPermissionJson> {
  const res = await http.post<{ registered_model_permission: RegisteredModelPermissionJson }>(
    `${MLFLOW}/registered-models/permissions/create`,
    { name, username, permission },
    options,
  );
  return res.registered_model_permission;
}

export async function getRegisteredModelPermission(
  http: Http,
  name: string,
  username: string,
  options?: CallOptions,
): Promise<RegisteredModelPermissionJson> {
  const res = await http.get<{ registered_model_permission: RegisteredModelPermissionJson }>(
    `${MLFLOW}/registered-models/permissions/get`,
    { name, username },
    options,
  );
  return res.registered_model_permission;
}

export async function updateRegisteredModelPermission(
  http: Http,
  name: string,
  username: string,
  permission: PermissionLevel,
  options?: CallOptions,
): Promise<void> {
  await http.patch(`${MLFLOW}/registered-models/permissions/update`, { name, username, permission }, options);
}

export async function deleteRegisteredModelPermission(
  http: Http,
  name: string,
  username: string,
  options?: CallOptions,
): Promise<void> {
  await http.delete(`${MLFLOW}/registered-models/permissions/delete`, { name, username }, options);
}

/** A new bearer token for the caller (or, for admins, for `username`). */
export async function createAccessToken(
  http: Http,
  name: string,
  username?: string,
  options?: CallOptions,
): Promise<CreatedAccessToken> {
  const res = await http.post<{ token: string; token_info: AccessTokenJson }>(
    `${LOOM}/tokens/create`,
    { name, username },
    options,
  );
  return { token: res.token, info: res.token_info };
}

/** The caller's tokens (or, for admins, `username`'s), revoked ones included. */
export async function listAccessTokens(
  http: Http,
  username?: string,
  options?: CallOptions,
): Promise<AccessTokenJson[]> {
  return (
    (await http.get<{ tokens?: AccessTokenJson[] }>(`${LOOM}/tokens/list`, { username }, options)).tokens ??
    []
  );
}

export async function revokeAccessToken(
  http: Http,
  tokenId: string,
  username?: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${LOOM}/tokens/revoke`, { token_id: tokenId, username }, options);
}
