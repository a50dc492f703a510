/**
 * The basic-auth app's engine: users with scrypt password hashes, per-experiment and per-model
 * permissions with a configured default, and per-user API tokens. Validation of every input happens
 * here; the HTTP layer only decodes and presents.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LoomError, alreadyExists, invalidParameter, notFound } from '@loom/protocol';
import type { Principal } from '../registry/principal';
import type { RegistryPermissions } from '../registry/registry-permissions';
import type { AuthConfig } from './auth-config';
import type {
  ApiToken,
  AuthStore,
  ExperimentPermission,
  RegisteredModelPermission,
  User,
  UserRecord,
} from './auth-store';
import { PasswordCheckCache, hashPassword, verifyPassword } from './passwords';
import { parsePermission, permits, type Ability, type PermissionLevel } from './permissions';

/** A user with every permission row they hold (MLflow's `user` JSON). */
export interface UserDetails extends User {
  experimentPermissions: ExperimentPermission[];
  registeredModelPermissions: RegisteredModelPermission[];
}

/** Prefix of Loom API tokens, so they are recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'loom_';

const USERNAME_MAX = 256;

function requireText(value: string | undefined, field: string): string {
  if (value === undefined || value === '') {
    throw invalidParameter(`Missing value for required parameter '${field}'.`);
  }
  return value;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class AuthService {
  private readonly passwords = new PasswordCheckCache();
  private dummyHash: Promise<string> | undefined;

  constructor(
    readonly store: AuthStore,
    readonly config: Pick<AuthConfig, 'defaultPermission'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates the configured admin when no user of that name exists (server start). */
  async ensureAdmin(config: Pick<AuthConfig, 'adminUsername' | 'adminPassword'>): Promise<void> {
    if (await this.store.getUser(config.adminUsername)) return;
    try {
      await this.store.createUser(config.adminUsername, await hashPassword(config.adminPassword), true);
    } catch (err) {
      // Another server sharing the database created it first.
      if (!(await this.store.getUser(config.adminUsername))) throw err;
    }
  }

  async createUser(username: string | undefined, password: string | undefined): Promise<UserDetails> {
    const name = requireText(username, 'username');
    const secret = requireText(password, 'password');
    if (name.length > USERNAME_MAX || /[\s:]/.test(name)) {
      throw invalidParameter(
        `Invalid username '${name}': no spaces or colons, at most ${USERNAME_MAX} characters.`,
      );
    }
    if (await this.store.getUser(name)) throw alreadyExists(`User (username=${name}) already exists.`);
    let user: User;
    try {
      user = await this.store.createUser(name, await hashPassword(secret), false);
    } catch (err) {
      if (await this.store.getUser(name)) throw alreadyExists(`User (username=${name}) already exists.`);
      throw err;
    }
    return { ...user, experimentPermissions: [], registeredModelPermissions: [] };
  }

  /** The user record, or RESOURCE_DOES_NOT_EXIST. */
  async requireUser(username: string | undefined): Promise<UserRecord> {
    const name = requireText(username, 'username');
    const user = await this.store.getUser(name);
    if (!user) throw notFound(`User with username=${name} not found`);
    return user;
  }

  async getUser(username: string | undefined): Promise<UserDetails> {
    const { passwordHash: _hash, ...user } = await this.requireUser(username);
    return {
      ...user,
      experimentPermissions: await this.store.experimentPermissionsOf(user.id),
      registeredModelPermissions: await this.store.registeredModelPermissionsOf(user.id),
    };
  }

  async updatePassword(username: string | undefined, password: string | undefined): Promise<void> {
    const user = await this.requireUser(username);
    await this.store.updatePasswordHash(user.username, await hashPassword(requireText(password, 'password')));
  }

  async updateAdmin(username: string | undefined, isAdmin: boolean | undefined): Promise<void> {
    const user = await this.requireUser(username);
    if (isAdmin === undefined) throw invalidParameter("Missing value for required parameter 'is_admin'.");
    await this.store.updateAdmin(user.username, isAdmin);
  }

  async deleteUser(username: string | undefined): Promise<void> {
    const user = await this.requireUser(username);
    await this.store.deleteUser(user.username);
  }

  /** The user whose password this is, or undefined (unknown user or wrong password alike). */
  async authenticatePassword(username: string, password: string): Promise<UserRecord | undefined> {
    const user = await this.store.getUser(username);
    if (!user) {
      // Spend the same scrypt time as for a real user, so timing does not tell which names exist.
      this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, await this.dummyHash);
      return undefined;
    }
    return (await this.passwords.verify(password, user.passwordHash)) ? user : undefined;
  }

  /** The owner of a live API token, or undefined. */
  async authenticateToken(token: string): Promise<UserRecord | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    return (await this.store.useToken(sha256(token), this.now()))?.user;
  }

  /** A new API token for `user`: the secret is in the answer only, the store keeps its hash. */
  async createToken(user: User, name: string | undefined): Promise<{ token: ApiToken; secret: string }> {
    const label = name?.trim() || 'token';
    if (label.length > 256) throw invalidParameter('Token name is longer than 256 characters.');
    const token: ApiToken = {
      tokenId: randomBytes(8).toString('hex'),
      userId: user.id,
      name: label,
      createdAt: this.now(),
    };
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.store.createToken(token, sha256(secret));
    return { token, secret };
  }

  listTokens(user: User): Promise<ApiToken[]> {
    return this.store.listTokens(user.id);
  }

  async revokeToken(user: User, tokenId: string | undefined): Promise<void> {
    const id = requireText(tokenId, 'token_id');
    if (!(await this.store.revokeToken(user.id, id, this.now()))) {
      throw notFound(`Token '${id}' of user '${user.username}' not found or already revoked.`);
    }
  }

  /** The level of `user` on an experiment: its row, else the default; admins are not special here. */
  async experimentLevel(user: User, experimentId: string): Promise<PermissionLevel> {
    const row = await this.store.getExperimentPermission(experimentId, user.id);
    return row?.permission ?? this.config.defaultPermission;
  }

  async registeredModelLevel(user: User, name: string): Promise<PermissionLevel> {
    const row = await this.store.getRegisteredModelPermission(name, user.id);
    return row?.permission ?? this.config.defaultPermission;
  }

  /** True when `user` may do `ability` on the experiment (admins may do everything). */
  async canOnExperiment(user: User, experimentId: string, ability: Ability): Promise<boolean> {
    return user.isAdmin || permits(await this.experimentLevel(user, experimentId), ability);
  }

  async canOnRegisteredModel(user: User, name: string, ability: Ability): Promise<boolean> {
    return user.isAdmin || permits(await this.registeredModelLevel(user, name), ability);
  }

  async createExperimentPermission(
    experimentId: string | undefined,
    username: string | undefined,
    permission: string | undefined,
  ): Promise<ExperimentPermission> {
    const p = await this.experimentPermissionInput(experimentId, username, permission);
    if (!(await this.store.createExperimentPermission(p))) {
      throw alreadyExists(
        `Experiment permission (experiment_id=${p.experimentId}, username=${username}) already exists.`,
      );
    }
    return p;
  }

  async getExperimentPermission(
    experimentId: string | undefined,
    username: string | undefined,
  ): Promise<ExperimentPermission> {
    const id = requireText(experimentId, 'experiment_id');
    const user = await this.requireUser(username);
    const row = await this.store.getExperimentPermission(id, user.id);
    if (!row)
      throw notFound(
        `Experiment permission with experiment_id=${id} and username=${user.username} not found`,
      );
    return row;
  }

  async updateExperimentPermission(
    experimentId: string | undefined,
    username: string | undefined,
    permission: string | undefined,
  ): Promise<void> {
    const p = await this.experimentPermissionInput(experimentId, username, permission);
    if (!(await this.store.updateExperimentPermission(p))) {
      throw notFound(
        `Experiment permission with experiment_id=${p.experimentId} and username=${username} not found`,
      );
    }
  }

  async deleteExperimentPermission(
    experimentId: string | undefined,
    username: string | undefined,
  ): Promise<void> {
    const id = requireText(experimentId, 'experiment_id');
    const user = await this.requireUser(username);
    if (!(await this.store.deleteExperimentPermission(id, user.id))) {
      throw notFound(
        `Experiment permission with experiment_id=${id} and username=${user.username} not found`,
      );
    }
  }

  async createRegisteredModelPermission(
    name: string | undefined,
    username: string | undefined,
    permission: string | undefined,
  ): Promise<RegisteredModelPermission> {
    const p = await this.modelPermissionInput(name, username, permission);
    if (!(await this.store.createRegisteredModelPermission(p))) {
      throw alreadyExists(
        `Registered model permission (name=${p.name}, username=${username}) already exists.`,
      );
    }
    return p;
  }

  async getRegisteredModelPermission(
    name: string | undefined,
    username: string | undefined,
  ): Promise<RegisteredModelPermission> {
    const model = requireText(name, 'name');
    const user = await this.requireUser(username);
    const row = await this.store.getRegisteredModelPermission(model, user.id);
    if (!row)
      throw notFound(
        `Registered model permission with name=${model} and username=${user.username} not found`,
      );
    return row;
  }

  async updateRegisteredModelPermission(
    name: string | undefined,
    username: string | undefined,
    permission: string | undefined,
  ): Promise<void> {
    const p = await this.modelPermissionInput(name, username, permission);
    if (!(await this.store.updateRegisteredModelPermission(p))) {
      throw notFound(`Registered model permission with name=${p.name} and username=${username} not found`);
    }
  }

  async deleteRegisteredModelPermission(
    name: string | undefined,
    username: string | undefined,
  ): Promise<void> {
    const model = requireText(name, 'name');
    const user = await this.requireUser(username);
    if (!(await this.store.deleteRegisteredModelPermission(model, user.id))) {
      throw notFound(
        `Registered model permission with name=${model} and username=${user.username} not found`,
      );
    }
  }

  /** The creator of an experiment manages it (MLflow grants MANAGE on creation). */
  async grantCreatorOfExperiment(user: User, experimentId: string): Promise<void> {
    const p = { experimentId, userId: user.id, permission: 'MANAGE' as const };
    if (!(await this.store.createExperimentPermission(p))) await this.store.updateExperimentPermission(p);
  }

  async grantCreatorOfRegisteredModel(user: User, name: string): Promise<void> {
    const p = { name, userId: user.id, permission: 'MANAGE' as const };
    if (!(await this.store.createRegisteredModelPermission(p)))
      await this.store.updateRegisteredModelPermission(p);
  }

  /** Permissions follow a renamed model. */
  renameRegisteredModel(name: string, newName: string): Promise<void> {
    return this.store.renameRegisteredModelPermissions(name, newName);
  }

  /** Permissions of a deleted model go with it. */
  deleteRegisteredModel(name: string): Promise<void> {
    return this.store.deleteRegisteredModelPermissions(name);
  }

  /**
   * The registry's approval questions answered from model permissions: read is READ, edit is EDIT,
   * manage is MANAGE; admins may do everything and unknown principals nothing.
   */
  registryPermissions(): RegistryPermissions {
    const can = async (principal: Principal, name: string, ability: Ability) => {
      const user = await this.store.getUser(principal.user);
      return user !== undefined && (await this.canOnRegisteredModel(user, name, ability));
    };
    return {
      canRead: (p, name) => can(p, name, 'read'),
      canEdit: (p, name) => can(p, name, 'update'),
      canManage: (p, name) => can(p, name, 'manage'),
    };
  }

  private async experimentPermissionInput(
    experimentId: string | undefined,
    username: string | undefined,
    permission: string | undefined,
  ): Promise<ExperimentPermission> {
    const id = requireText(experimentId, 'experiment_id');
    const level = parsePermission(requireText(permission, 'permission'));
    const user = await this.requireUser(username);
    return { experimentId: id, userId: user.id, permission: level };
  }

  private async modelPermissionInput(
    name: string | undefined,
    username: string | undefined,
    permission: string | undefined,
  ): Promise<RegisteredModelPermission> {
    const model = requireText(name, 'name');
    const level = parsePermission(requireText(permission, 'permission'));
    const user = await this.requireUser(username);
    return { name: model, userId: user.id, permission: level };
  }
}

/** PERMISSION_DENIED with MLflow's text. */
export const permissionDenied = (): LoomError => new LoomError('PERMISSION_DENIED', 'Permission denied');
