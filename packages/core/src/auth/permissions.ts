/** MLflow's basic-auth permission levels and what each allows. */
import { invalidParameter } from '@loom/protocol';
import type { PermissionLevel } from '../registry/registry-permissions';

export type { PermissionLevel } from '../registry/registry-permissions';

/** The levels in MLflow's order (its error message lists them so). */
export const PERMISSION_LEVELS: readonly PermissionLevel[] = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];

/** What a request does to a resource: MLflow's can_read / can_update / can_delete / can_manage. */
export type Ability = 'read' | 'update' | 'delete' | 'manage';

const ALLOWED: Readonly<Record<PermissionLevel, readonly Ability[]>> = {
  READ: ['read'],
  EDIT: ['read', 'update'],
  MANAGE: ['read', 'update', 'delete', 'manage'],
  NO_PERMISSIONS: [],
};

/** True when `level` allows `ability`. */
export function permits(level: PermissionLevel, ability: Ability): boolean {
  return ALLOWED[level].includes(ability);
}

/** A permission name from a request or a config file; anything else is INVALID_PARAMETER_VALUE. */
export function parsePermission(name: string): PermissionLevel {
  if ((PERMISSION_LEVELS as readonly string[]).includes(name)) return name as PermissionLevel;
  throw invalidParameter(
    `Invalid permission '${name}'. Valid permissions are: ${PERMISSION_LEVELS.map((p) => `'${p}'`).join(', ')}`,
  );
}
