/**
 * What a principal may do with a registered model. The registry asks through this interface only, so
 * the authentication issue can plug in MLflow-compatible permissions without touching the registry.
 */
import type { Principal } from './principal';

/** Permission questions about one registered model; answers may come from a database. */
export interface RegistryPermissions {
  /** Read the model, request transitions and comment (Databricks: "Can Read"). */
  canRead(principal: Principal, modelName: string): boolean | Promise<boolean>;
  /** Change the model and its versions (Databricks: "Can Edit"). */
  canEdit(principal: Principal, modelName: string): boolean | Promise<boolean>;
  /** Approve, reject, transition directly and set protections (Databricks: "Can Manage"). */
  canManage(principal: Principal, modelName: string): boolean | Promise<boolean>;
}

/** Authentication off: everybody may do everything. */
export const ALLOW_ALL_REGISTRY_PERMISSIONS: RegistryPermissions = Object.freeze({
  canRead: () => true,
  canEdit: () => true,
  canManage: () => true,
});

/** Levels in increasing power, as MLflow's basic-auth app names them. */
export type PermissionLevel = 'NO_PERMISSIONS' | 'READ' | 'EDIT' | 'MANAGE';
const RANK: Record<PermissionLevel, number> = { NO_PERMISSIONS: 0, READ: 1, EDIT: 2, MANAGE: 3 };

/** Permissions from a fixed table of user → level (the same level on every model). */
export function tablePermissions(
  levels: Readonly<Record<string, PermissionLevel>>,
  fallback: PermissionLevel = 'NO_PERMISSIONS',
): RegistryPermissions {
  const at = (p: Principal, level: PermissionLevel) =>
    RANK[Object.hasOwn(levels, p.user) ? levels[p.user]! : fallback] >= RANK[level];
  return {
    canRead: (p) => at(p, 'READ'),
    canEdit: (p) => at(p, 'EDIT'),
    canManage: (p) => at(p, 'MANAGE'),
  };
}
