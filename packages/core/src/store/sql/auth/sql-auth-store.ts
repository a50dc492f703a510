/** AuthStore over any SqlDriver: the same SQL for SQLite and PostgreSQL. */
import type {
  ApiToken,
  AuthStore,
  ExperimentPermission,
  RegisteredModelPermission,
  User,
  UserRecord,
} from '../../../auth/auth-store';
import type { PermissionLevel } from '../../../auth/permissions';
import type { SqlDriver } from '../driver';

interface UserRow {
  id: number | string;
  username: string;
  password_hash: string;
  is_admin: number | string;
}

const USER_COLUMNS = 'id, username, password_hash, is_admin';

function toUser(row: UserRow): UserRecord {
  return {
    id: Number(row.id),
    username: row.username,
    passwordHash: row.password_hash,
    isAdmin: Number(row.is_admin) === 1,
  };
}

interface TokenRow {
  token_id: string;
  user_id: number | string;
  name: string;
  created_at: number | string;
  last_used_at: number | string | null;
  revoked_at: number | string | null;
}

const TOKEN_COLUMNS = 'token_id, user_id, name, created_at, last_used_at, revoked_at';

function toToken(row: TokenRow): ApiToken {
  return {
    tokenId: row.token_id,
    userId: Number(row.user_id),
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? undefined : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? undefined : Number(row.revoked_at),
  };
}

/** The SQL auth store; it shares a driver it does not own (the tracking store's, by default). */
export class SqlAuthStore implements AuthStore {
  constructor(readonly db: SqlDriver) {}

  async createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<User> {
    await this.db.run('INSERT INTO auth_users (username, password_hash, is_admin) VALUES (?, ?, ?)', [
      username,
      passwordHash,
      isAdmin ? 1 : 0,
    ]);
    const user = await this.db.transaction((tx) =>
      tx.get<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE username = ?`, [username]),
    );
    const { passwordHash: _omit, ...rest } = toUser(user!);
    return rest;
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE username = ?`, [
      username,
    ]);
    return row && toUser(row);
  }

  async getUserById(id: number): Promise<UserRecord | undefined> {
    const row = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE id = ?`, [id]);
    return row && toUser(row);
  }

  async updatePasswordHash(username: string, passwordHash: string): Promise<boolean> {
    return (
      (await this.db.run('UPDATE auth_users SET password_hash = ? WHERE username = ?', [
        passwordHash,
        username,
      ])) > 0
    );
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<boolean> {
    return (
      (await this.db.run('UPDATE auth_users SET is_admin = ? WHERE username = ?', [
        isAdmin ? 1 : 0,
        username,
      ])) > 0
    );
  }

  deleteUser(username: string): Promise<boolean> {
    // Explicit deletes as well as ON DELETE CASCADE: correct whatever the connection's FK setting.
    return this.db.transaction(async (tx) => {
      const row = await tx.get<{ id: number | string }>('SELECT id FROM auth_users WHERE username = ?', [
        username,
      ]);
      if (!row) return false;
      const id = Number(row.id);
      await tx.run('DELETE FROM auth_experiment_permissions WHERE user_id = ?', [id]);
      await tx.run('DELETE FROM auth_registered_model_permissions WHERE user_id = ?', [id]);
      await tx.run('DELETE FROM auth_tokens WHERE user_id = ?', [id]);
      await tx.run('DELETE FROM auth_users WHERE id = ?', [id]);
      return true;
    });
  }

  async experimentPermissionsOf(userId: number): Promise<ExperimentPermission[]> {
    const rows = await this.db.all<{ experiment_id: string; permission: string }>(
      'SELECT experiment_id, permission FROM auth_experiment_permissions WHERE user_id = ? ORDER BY experiment_id',
      [userId],
    );
    return rows.map((r) => ({
      experimentId: r.experiment_id,
      userId,
      permission: r.permission as PermissionLevel,
    }));
  }

  async getExperimentPermission(
    experimentId: string,
    userId: number,
  ): Promise<ExperimentPermission | undefined> {
    const row = await this.db.get<{ permission: string }>(
      'SELECT permission FROM auth_experiment_permissions WHERE experiment_id = ? AND user_id = ?',
      [experimentId, userId],
    );
    return row && { experimentId, userId, permission: row.permission as PermissionLevel };
  }

  async createExperimentPermission(p: ExperimentPermission): Promise<boolean> {
    const sql =
      this.db.dialect === 'postgres'
        ? 'INSERT INTO auth_experiment_permissions (experiment_id, user_id, permission) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'
        : 'INSERT OR IGNORE INTO auth_experiment_permissions (experiment_id, user_id, permission) VALUES (?, ?, ?)';
    return (await this.db.run(sql, [p.experimentId, p.userId, p.permission])) > 0;
  }

  async updateExperimentPermission(p: ExperimentPermission): Promise<boolean> {
    const changed = await this.db.run(
      'UPDATE auth_experiment_permissions SET permission = ? WHERE experiment_id = ? AND user_id = ?',
      [p.permission, p.experimentId, p.userId],
    );
    return changed > 0;
  }

  async deleteExperimentPermission(experimentId: string, userId: number): Promise<boolean> {
    const changed = await this.db.run(
      'DELETE FROM auth_experiment_permissions WHERE experiment_id = ? AND user_id = ?',
      [experimentId, userId],
    );
    return changed > 0;
  }

  async registeredModelPermissionsOf(userId: number): Promise<RegisteredModelPermission[]> {
    const rows = await this.db.all<{ name: string; permission: string }>(
      'SELECT name, permission FROM auth_registered_model_permissions WHERE user_id = ? ORDER BY name',
      [userId],
    );
    return rows.map((r) => ({ name: r.name, userId, permission: r.permission as PermissionLevel }));
  }

  async getRegisteredModelPermission(
    name: string,
    userId: number,
  ): Promise<RegisteredModelPermission | undefined> {
    const row = await this.db.get<{ permission: string }>(
      'SELECT permission FROM auth_registered_model_permissions WHERE name = ? AND user_id = ?',
      [name, userId],
    );
    return row && { name, userId, permission: row.permission as PermissionLevel };
  }

  async createRegisteredModelPermission(p: RegisteredModelPermission): Promise<boolean> {
    const sql =
      this.db.dialect === 'postgres'
        ? 'INSERT INTO auth_registered_model_permissions (name, user_id, permission) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'
        : 'INSERT OR IGNORE INTO auth_registered_model_permissions (name, user_id, permission) VALUES (?, ?, ?)';
    return (await this.db.run(sql, [p.name, p.userId, p.permission])) > 0;
  }

  async updateRegisteredModelPermission(p: RegisteredModelPermission): Promise<boolean> {
    const changed = await this.db.run(
      'UPDATE auth_registered_model_permissions SET permission = ? WHERE name = ? AND user_id = ?',
      [p.permission, p.name, p.userId],
    );
    return changed > 0;
  }

  async deleteRegisteredModelPermission(name: string, userId: number): Promise<boolean> {
    const changed = await this.db.run(
      'DELETE FROM auth_registered_model_permissions WHERE name = ? AND user_id = ?',
      [name, userId],
    );
    return changed > 0;
  }

  async renameRegisteredModelPermissions(name: string, newName: string): Promise<void> {
    await this.db.run('UPDATE auth_registered_model_permissions SET name = ? WHERE name = ?', [
      newName,
      name,
    ]);
  }

  async deleteRegisteredModelPermissions(name: string): Promise<void> {
    await this.db.run('DELETE FROM auth_registered_model_permissions WHERE name = ?', [name]);
  }

  async createToken(token: ApiToken, tokenHash: string): Promise<void> {
    await this.db.run(
      'INSERT INTO auth_tokens (token_id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
      [token.tokenId, token.userId, token.name, tokenHash, token.createdAt],
    );
  }

  async useToken(tokenHash: string, now: number): Promise<{ token: ApiToken; user: UserRecord } | undefined> {
    const row = await this.db.get<
      TokenRow & { username: string; password_hash: string; is_admin: number | string }
    >(
      `SELECT t.token_id, t.user_id, t.name, t.created_at, t.last_used_at, t.revoked_at,
              u.username, u.password_hash, u.is_admin
         FROM auth_tokens t JOIN auth_users u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
      [tokenHash],
    );
    if (!row) return undefined;
    const token = toToken(row);
    // last_used_at is advisory: written at most once a minute per token to spare the writer.
    if (token.lastUsedAt === undefined || now - token.lastUsedAt > 60_000) {
      await this.db.run('UPDATE auth_tokens SET last_used_at = ? WHERE token_id = ?', [now, token.tokenId]);
      token.lastUsedAt = now;
    }
    return { token, user: toUser({ ...row, id: row.user_id }) };
  }

  async listTokens(userId: number): Promise<ApiToken[]> {
    const rows = await this.db.all<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE user_id = ? ORDER BY created_at, token_id`,
      [userId],
    );
    return rows.map(toToken);
  }

  async revokeToken(userId: number, tokenId: string, now: number): Promise<boolean> {
    const changed = await this.db.run(
      'UPDATE auth_tokens SET revoked_at = ? WHERE token_id = ? AND user_id = ? AND revoked_at IS NULL',
      [now, tokenId, userId],
    );
    return changed > 0;
  }
}
