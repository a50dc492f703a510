/** Users, permissions and API tokens as the auth service stores them. */
import type { PermissionLevel } from './permissions';

export interface User {
  id: number;
  username: string;
  isAdmin: boolean;
}

export interface UserRecord extends User {
  passwordHash: string;
}

export interface ExperimentPermission {
  experimentId: string;
  userId: number;
  permission: PermissionLevel;
}

export interface RegisteredModelPermission {
  name: string;
  userId: number;
  permission: PermissionLevel;
}

/** A user's API token, without its secret (which is shown once, at creation). */
export interface ApiToken {
  tokenId: string;
  userId: number;
  name: string;
  createdAt: number;
  lastUsedAt?: number | undefined;
  revokedAt?: number | undefined;
}

/** Persistence of the basic-auth app; every method is one statement or one transaction. */
export interface AuthStore {
  createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<User>;
  getUser(username: string): Promise<UserRecord | undefined>;
  getUserById(id: number): Promise<UserRecord | undefined>;
  updatePasswordHash(username: string, passwordHash: string): Promise<boolean>;
  updateAdmin(username: string, isAdmin: boolean): Promise<boolean>;
  /** Deletes the user with their permissions and tokens. */
  deleteUser(username: string): Promise<boolean>;

  experimentPermissionsOf(userId: number): Promise<ExperimentPermission[]>;
  getExperimentPermission(experimentId: string, userId: number): Promise<ExperimentPermission | undefined>;
  /** Inserts a row; false when one already exists. */
  createExperimentPermission(p: ExperimentPermission): Promise<boolean>;
  updateExperimentPermission(p: ExperimentPermission): Promise<boolean>;
  deleteExperimentPermission(experimentId: string, userId: number): Promise<boolean>;

  registeredModelPermissionsOf(userId: number): Promise<RegisteredModelPermission[]>;
  getRegisteredModelPermission(name: string, userId: number): Promise<RegisteredModelPermission | undefined>;
  createRegisteredModelPermission(p: RegisteredModelPermission): Promise<boolean>;
  updateRegisteredModelPermission(p: RegisteredModelPermission): Promise<boolean>;
  deleteRegisteredModelPermission(name: string, userId: number): Promise<boolean>;
  /** Moves every user's permission on `name` to `newName` (a rename). */
  renameRegisteredModelPermissions(name: string, newName: string): Promise<void>;
  /** Drops every user's permission on `name` (the model was deleted). */
  deleteRegisteredModelPermissions(name: string): Promise<void>;

  createToken(token: ApiToken, tokenHash: string): Promise<void>;
  /** The live (unrevoked) token with this hash and its user; marks it used at `now`. */
  useToken(tokenHash: string, now: number): Promise<{ token: ApiToken; user: UserRecord } | undefined>;
  listTokens(userId: number): Promise<ApiToken[]>;
  /** Marks the user's token revoked; false when there is no such live token. */
  revokeToken(userId: number, tokenId: string, now: number): Promise<boolean>;
}
