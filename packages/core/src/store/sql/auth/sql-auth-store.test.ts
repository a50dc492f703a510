/** The auth service on the SQL auth store, on the backend of this test run (SQLite or PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthService } from '../../../auth/auth-service';
import { verifyPassword } from '../../../auth/passwords';
import { openTestTrackingStore, type TestTrackingStore } from '../../../testing/test-store';
import { SqlAuthStore } from './sql-auth-store';

describe('AuthService on SqlAuthStore', () => {
  let opened: TestTrackingStore;
  let auth: AuthService;
  let clock: number;

  beforeEach(async () => {
    opened = await openTestTrackingStore('loom-auth-');
    clock = 1_000_000;
    auth = new AuthService(new SqlAuthStore(opened.store.db), { defaultPermission: 'READ' }, () => clock);
  });
  afterEach(() => opened.close());

  it('creates users with scrypt hashes and checks passwords', async () => {
    const ada = await auth.createUser('ada', 'lovelace');
    expect(ada).toMatchObject({ username: 'ada', isAdmin: false, experimentPermissions: [] });
    const stored = await auth.store.getUser('ada');
    expect(stored!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored!.passwordHash).not.toContain('lovelace');
    expect(await verifyPassword('lovelace', stored!.passwordHash)).toBe(true);
    expect(await auth.authenticatePassword('ada', 'lovelace')).toMatchObject({ username: 'ada' });
    expect(await auth.authenticatePassword('ada', 'wrong')).toBeUndefined();
    expect(await auth.authenticatePassword('nobody', 'lovelace')).toBeUndefined();
    await expect(auth.createUser('ada', 'x')).rejects.toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS' });
    await expect(auth.createUser('a b', 'x')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });

    await auth.updatePassword('ada', 'babbage');
    expect(await auth.authenticatePassword('ada', 'lovelace')).toBeUndefined();
    expect(await auth.authenticatePassword('ada', 'babbage')).toBeDefined();
    await auth.updateAdmin('ada', true);
    expect((await auth.getUser('ada')).isAdmin).toBe(true);
    await expect(auth.getUser('nobody')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('creates the configured admin once, whoever starts first', async () => {
    await Promise.all([
      auth.ensureAdmin({ adminUsername: 'root', adminPassword: 'pw' }),
      auth.ensureAdmin({ adminUsername: 'root', adminPassword: 'pw' }),
    ]);
    const root = await auth.getUser('root');
    expect(root.isAdmin).toBe(true);
    // A later start with another password leaves the existing admin alone.
    await auth.ensureAdmin({ adminUsername: 'root', adminPassword: 'other' });
    expect(await auth.authenticatePassword('root', 'pw')).toBeDefined();
  });

  it('answers permissions from rows, else the default, and keeps them with models', async () => {
    const bob = await auth.createUser('bob', 'pw');
    expect(await auth.canOnExperiment(bob, '1', 'read')).toBe(true);
    expect(await auth.canOnExperiment(bob, '1', 'update')).toBe(false);
    await auth.createExperimentPermission('1', 'bob', 'EDIT');
    expect(await auth.canOnExperiment(bob, '1', 'update')).toBe(true);
    expect(await auth.canOnExperiment(bob, '1', 'delete')).toBe(false);
    await expect(auth.createExperimentPermission('1', 'bob', 'READ')).rejects.toMatchObject({
      code: 'RESOURCE_ALREADY_EXISTS',
    });
    await expect(auth.createExperimentPermission('2', 'bob', 'OWNER')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    await auth.updateExperimentPermission('1', 'bob', 'NO_PERMISSIONS');
    expect(await auth.canOnExperiment(bob, '1', 'read')).toBe(false);
    await auth.deleteExperimentPermission('1', 'bob');
    await expect(auth.getExperimentPermission('1', 'bob')).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });

    await auth.grantCreatorOfRegisteredModel(bob, 'm');
    expect(await auth.canOnRegisteredModel(bob, 'm', 'manage')).toBe(true);
    await auth.renameRegisteredModel('m', 'm2');
    expect((await auth.getRegisteredModelPermission('m2', 'bob')).permission).toBe('MANAGE');
    expect(await auth.canOnRegisteredModel(bob, 'm', 'manage')).toBe(false);
    const perms = auth.registryPermissions();
    expect(await perms.canManage({ user: 'bob' }, 'm2')).toBe(true);
    expect(await perms.canRead({ user: 'ghost' }, 'm2')).toBe(false);
    await auth.deleteRegisteredModel('m2');
    await expect(auth.getRegisteredModelPermission('m2', 'bob')).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
  });

  it('issues tokens stored as hashes, records their use, and revokes them', async () => {
    const ci = await auth.createUser('ci', 'pw');
    const { token, secret } = await auth.createToken(ci, 'pipeline');
    expect(secret).toMatch(/^loom_[A-Za-z0-9_-]{43}$/);
    const row = await opened.store.db.get<{ token_hash: string }>(
      'SELECT token_hash FROM auth_tokens WHERE token_id = ?',
      [token.tokenId],
    );
    expect(row!.token_hash).not.toContain(secret.slice(5));
    expect(await auth.authenticateToken(secret)).toMatchObject({ username: 'ci' });
    expect(await auth.authenticateToken(`${secret}x`)).toBeUndefined();
    expect((await auth.listTokens(ci))[0]).toMatchObject({ name: 'pipeline', lastUsedAt: clock });

    clock += 1000;
    await auth.revokeToken(ci, token.tokenId);
    expect(await auth.authenticateToken(secret)).toBeUndefined();
    expect((await auth.listTokens(ci))[0]!.revokedAt).toBe(clock);
    await expect(auth.revokeToken(ci, token.tokenId)).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
  });

  it('deletes a user with their permissions and tokens', async () => {
    const eve = await auth.createUser('eve', 'pw');
    await auth.createExperimentPermission('1', 'eve', 'MANAGE');
    await auth.createRegisteredModelPermission('m', 'eve', 'MANAGE');
    const { secret } = await auth.createToken(eve, 't');
    await auth.deleteUser('eve');
    expect(await auth.authenticateToken(secret)).toBeUndefined();
    const left = await opened.store.db.get<{ n: number | string }>(
      `SELECT (SELECT COUNT(*) FROM auth_experiment_permissions) + (SELECT COUNT(*) FROM auth_registered_model_permissions)
            + (SELECT COUNT(*) FROM auth_tokens) AS n`,
    );
    expect(Number(left!.n)).toBe(0);
    // A new user of the same name starts with nothing.
    const again = await auth.createUser('eve', 'pw');
    expect(await auth.canOnExperiment(again, '1', 'manage')).toBe(false);
  });
});
