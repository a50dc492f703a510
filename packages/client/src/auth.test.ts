/** The auth client methods against a real started server running the basic-auth app. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServerConfig } from '@loom/core';
import { LoomError } from '@loom/protocol';
import { startServer, type RunningServer } from '@loom/server';
import { basicAuthHeaders, createClient, type LoomClient } from './index';

const ADMIN_PASSWORD = 'client-admin-pw-1';

let dir: string;
let server: RunningServer;
let admin: LoomClient;

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (e: unknown) => (e instanceof LoomError ? e.code : String(e)),
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-client-auth-'));
  server = await startServer({
    ...defaultServerConfig(dir),
    port: 0,
    auth: { defaultPermission: 'NO_PERMISSIONS', adminUsername: 'root', adminPassword: ADMIN_PASSWORD },
  });
  admin = createClient({ baseUrl: server.url, headers: basicAuthHeaders('root', ADMIN_PASSWORD) });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('auth client', () => {
  it('names the signed-in caller, and null on a server without auth', async () => {
    expect(await admin.getCurrentUser()).toMatchObject({ username: 'root', is_admin: true });
    const noAuthDir = mkdtempSync(join(tmpdir(), 'loom-client-noauth-'));
    const plain = await startServer({ ...defaultServerConfig(noAuthDir), port: 0 });
    try {
      expect(await createClient({ baseUrl: plain.url }).getCurrentUser()).toBeNull();
    } finally {
      await plain.close();
      rmSync(noAuthDir, { recursive: true, force: true });
    }
  });

  it('creates, updates and deletes users', async () => {
    const user = await admin.createUser('alice', 'alice-pw-1');
    expect(user).toMatchObject({ username: 'alice', is_admin: false });
    await admin.updateUserAdmin('alice', true);
    expect((await admin.getUser('alice')).is_admin).toBe(true);
    await admin.updateUserPassword('alice', 'alice-pw-2');
    const alice = createClient({ baseUrl: server.url, headers: basicAuthHeaders('alice', 'alice-pw-2') });
    expect(await alice.getCurrentUser()).toMatchObject({ username: 'alice', is_admin: true });
    await admin.deleteUser('alice');
    expect(await codeOf(admin.getUser('alice'))).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('grants, reads, updates and revokes experiment and registered-model permissions', async () => {
    await admin.createUser('bob', 'bob-pw-1');
    const bob = createClient({ baseUrl: server.url, headers: basicAuthHeaders('bob', 'bob-pw-1') });
    const experimentId = await admin.createExperiment({ name: 'auth-client-exp' });
    expect(await codeOf(bob.getExperiment(experimentId))).toBe('PERMISSION_DENIED');

    const granted = await admin.createExperimentPermission(experimentId, 'bob', 'READ');
    expect(granted).toMatchObject({ experiment_id: experimentId, permission: 'READ' });
    expect((await bob.getExperiment(experimentId)).name).toBe('auth-client-exp');
    await admin.updateExperimentPermission(experimentId, 'bob', 'EDIT');
    expect((await admin.getExperimentPermission(experimentId, 'bob')).permission).toBe('EDIT');
    await admin.deleteExperimentPermission(experimentId, 'bob');
    expect(await codeOf(bob.getExperiment(experimentId))).toBe('PERMISSION_DENIED');

    await admin.createRegisteredModel({ name: 'auth-client-model' });
    await admin.createRegisteredModelPermission('auth-client-model', 'bob', 'MANAGE');
    expect((await bob.getRegisteredModel('auth-client-model')).name).toBe('auth-client-model');
    await admin.updateRegisteredModelPermission('auth-client-model', 'bob', 'READ');
    expect((await admin.getRegisteredModelPermission('auth-client-model', 'bob')).permission).toBe('READ');
    expect((await admin.getUser('bob')).registered_model_permissions).toEqual([
      expect.objectContaining({ name: 'auth-client-model', permission: 'READ' }),
    ]);
    await admin.deleteRegisteredModelPermission('auth-client-model', 'bob');
    expect(await codeOf(bob.getRegisteredModel('auth-client-model'))).toBe('PERMISSION_DENIED');
    // Only admins manage users.
    expect(await codeOf(bob.createUser('mallory', 'pw-mallory-1'))).toBe('PERMISSION_DENIED');
  });

  it('creates a token that authenticates until revoked', async () => {
    await admin.createUser('carol', 'carol-pw-1');
    const carol = createClient({ baseUrl: server.url, headers: basicAuthHeaders('carol', 'carol-pw-1') });
    const created = await carol.createAccessToken('laptop');
    expect(created.info).toMatchObject({ username: 'carol', name: 'laptop' });
    const bearer = createClient({
      baseUrl: server.url,
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect((await bearer.getCurrentUser())?.username).toBe('carol');
    const listed = await carol.listAccessTokens();
    expect(listed.map((t) => t.token_id)).toEqual([created.info.token_id]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    await carol.revokeAccessToken(created.info.token_id);
    expect(await codeOf(bearer.getCurrentUser())).toBe('UNAUTHENTICATED');
    expect((await admin.listAccessTokens('carol'))[0]?.revoked_at).toBeGreaterThan(0);
  });
});
