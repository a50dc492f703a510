/** Wire shapes of the basic-auth app (MLflow's `user`, permission JSON) and of Loom's API tokens. */
import type { ApiToken, ExperimentPermission, RegisteredModelPermission, UserDetails } from '@loom/core';

export function presentExperimentPermission(p: ExperimentPermission) {
  return { experiment_id: p.experimentId, user_id: p.userId, permission: p.permission };
}

export function presentRegisteredModelPermission(p: RegisteredModelPermission) {
  return { name: p.name, user_id: p.userId, permission: p.permission };
}

/** MLflow's user JSON; the password hash never leaves the server. */
export function presentUser(u: UserDetails) {
  return {
    id: u.id,
    username: u.username,
    is_admin: u.isAdmin,
    experiment_permissions: u.experimentPermissions.map(presentExperimentPermission),
    registered_model_permissions: u.registeredModelPermissions.map(presentRegisteredModelPermission),
    scorer_permissions: [],
  };
}

/** A token's metadata; its secret is only ever in the answer to its creation. */
export function presentToken(t: ApiToken, username: string) {
  return {
    token_id: t.tokenId,
    username,
    name: t.name,
    created_at: t.createdAt,
    ...(t.lastUsedAt !== undefined ? { last_used_at: t.lastUsedAt } : {}),
    ...(t.revokedAt !== undefined ? { revoked_at: t.revokedAt } : {}),
  };
}
