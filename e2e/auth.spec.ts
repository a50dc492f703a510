/**
 * Sign-in journeys in Chromium against `loom server --app-name basic-auth`: the admin (credentials
 * given to the browser's HTTP Basic prompt) sees the user menu, creates a user on the admin page and
 * grants READ on one experiment; that user, in a second browser profile, sees only that experiment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { basicAuthHeaders, createClient } from '@loom/client';
import { REPO_ROOT, startCliServer, type CliServer } from '../test/support/cli-server';
import { multiBrowserJourney } from './suite';
import { hasChromium, launchBrowser, type Browser } from './browser';

const SETUP_TIMEOUT_MS = 180_000;
const needsBrowser = hasChromium() || process.env.CI === 'true';
if (!needsBrowser)
  console.log('skipped: e2e/auth.spec.ts needs /usr/bin/chromium (apt-get install -y chromium)');

const ADMIN = { username: 'chief', password: 'e2e-admin-secret-1' };
const VIEWER = { username: 'viewer', password: 'e2e-viewer-secret-1' };
// No explicit permission means none: the viewer must see exactly what the admin grants.
const AUTH_INI = `[mlflow]
default_permission = NO_PERMISSIONS
admin_username = ${ADMIN.username}
admin_password = ${ADMIN.password}
`;

let dir: string;
let server: CliServer;
let admin: Browser;
let viewer: Browser | undefined;

function journey(name: string, body: () => Promise<void>) {
  multiBrowserJourney(
    'auth-',
    name,
    () => [
      ['admin', admin],
      ['viewer', viewer],
    ],
    body,
  );
}

describe.skipIf(!needsBrowser)('sign-in journeys', () => {
  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-ui.mjs')], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`UI build failed:\n${build.stdout}\n${build.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'loom-e2e-auth-'));
    const ini = join(dir, 'basic_auth.ini');
    writeFileSync(ini, AUTH_INI);
    server = await startCliServer({
      extraArgs: ['--app-name', 'basic-auth'],
      env: { MLFLOW_AUTH_CONFIG_PATH: ini, LOOM_AUTH_DEV: '' },
    });
    const loom = createClient({
      baseUrl: server.url,
      headers: basicAuthHeaders(ADMIN.username, ADMIN.password),
    });
    await loom.createExperiment({ name: 'shared-with-viewer' });
    await loom.createExperiment({ name: 'admin-only' });
    admin = await launchBrowser({ httpCredentials: ADMIN });
    admin.page.setDefaultTimeout(15_000);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await admin?.close();
    await viewer?.close();
    await server?.stop().catch(() => undefined);
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, SETUP_TIMEOUT_MS);

  journey('admin-user-menu', async () => {
    const page = admin.page;
    await page.goto(`${server.url}/`);
    const menu = page.getByTestId('user-menu');
    await menu.getByText(ADMIN.username, { exact: true }).waitFor();
    await menu.getByText('admin', { exact: true }).waitFor();
    // With sign-in on, the unchecked "Acting as" control is gone.
    expect(await page.getByTestId('acting-as').count()).toBe(0);
    await menu.click();
    await page.getByRole('menuitem', { name: 'Users and permissions' }).click();
    await page.getByRole('heading', { name: 'Users and permissions' }).waitFor();
  });

  journey('create-user-and-grant-read', async () => {
    const page = admin.page;
    await page.goto(`${server.url}/admin/users`);
    await page.getByLabel('User name').fill(VIEWER.username);
    await page.getByLabel("New user's password").fill(VIEWER.password);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: `User ${VIEWER.username}` }).waitFor();
    await page.getByText('No explicit permissions').waitFor();
    await page.getByLabel('Resource name').fill('shared-with-viewer');
    await page.getByLabel('Permission', { exact: true }).selectOption('READ');
    await page.getByRole('button', { name: 'Grant' }).click();
    const rows = page.getByTestId('user-permissions').getByRole('row');
    await rows.filter({ hasText: 'Experiment' }).waitFor();
    expect(await rows.count()).toBe(2); // header and the one grant
  });

  journey('viewer-sees-only-granted-experiment', async () => {
    viewer = await launchBrowser({ httpCredentials: VIEWER });
    viewer.page.setDefaultTimeout(15_000);
    const page = viewer.page;
    await page.goto(`${server.url}/`);
    await page.getByTestId('user-menu').getByText(VIEWER.username, { exact: true }).waitFor();
    await page.getByRole('link', { name: 'shared-with-viewer' }).waitFor();
    expect(await page.getByRole('link', { name: 'admin-only' }).count()).toBe(0);
    // Not an admin: no badge, no admin page link.
    expect(await page.getByTestId('user-menu').getByText('admin', { exact: true }).count()).toBe(0);
    await page.getByTestId('user-menu').click();
    expect(await page.getByRole('menuitem', { name: 'Users and permissions' }).count()).toBe(0);
    // A name left in storage by "Acting as" must not replace the browser's sign-in.
    await page.evaluate("localStorage.setItem('loom.actingUser', 'impostor')");
    await page.reload();
    await page.getByTestId('user-menu').getByText(VIEWER.username, { exact: true }).waitFor();
    await page.getByRole('link', { name: 'shared-with-viewer' }).waitFor();
  });

  journey('admin-changes-and-revokes-the-grant', async () => {
    const page = admin.page;
    await page.goto(`${server.url}/admin/users?user=${VIEWER.username}`);
    const api = createClient({
      baseUrl: server.url,
      headers: basicAuthHeaders(ADMIN.username, ADMIN.password),
    });
    const { experiment_id: id } = await api.getExperimentByName('shared-with-viewer');
    await page.getByLabel(`Permission on experiment ${id}`).selectOption('EDIT');
    await expect
      .poll(async () => (await api.getExperimentPermission(id, VIEWER.username)).permission)
      .toBe('EDIT');
    await page.getByTestId('user-permissions').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('No explicit permissions').waitFor();
    await page.getByRole('button', { name: 'Make admin' }).click();
    await page.getByTestId('user-role').getByText('Administrator', { exact: true }).waitFor();
    expect((await api.getUser(VIEWER.username)).is_admin).toBe(true);
    await page.getByRole('button', { name: 'Remove admin' }).click();
    await page.getByTestId('user-role').getByText('Not an administrator').waitFor();
    expect((await api.getUser(VIEWER.username)).is_admin).toBe(false);
  });

  journey('viewer-creates-and-revokes-a-token', async () => {
    const page = viewer!.page;
    await page.goto(`${server.url}/account/tokens`);
    await page.getByText('No tokens yet').waitFor();
    await page.getByLabel('Token name').fill('ci');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('new-token').textContent())?.trim() ?? '';
    const bearer = createClient({ baseUrl: server.url, headers: { authorization: `Bearer ${secret}` } });
    expect((await bearer.getCurrentUser())?.username).toBe(VIEWER.username);
    await page.getByRole('row').filter({ hasText: 'ci' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('row').filter({ hasText: 'revoked' }).waitFor();
    await expect(bearer.getCurrentUser()).rejects.toThrow();
  });

  journey('admin-changes-a-password-and-deletes-the-user', async () => {
    const page = admin.page;
    await page.goto(`${server.url}/admin/users?user=${VIEWER.username}`);
    await page.getByLabel('New password', { exact: true }).fill('e2e-viewer-secret-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByLabel('New password', { exact: true }).and(page.locator('[value=""]')).waitFor();
    const withNew = createClient({
      baseUrl: server.url,
      headers: basicAuthHeaders(VIEWER.username, 'e2e-viewer-secret-2'),
    });
    expect((await withNew.getCurrentUser())?.username).toBe(VIEWER.username);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.waitForURL(`${server.url}/admin/users`);
    await expect(withNew.getCurrentUser()).rejects.toThrow();
  });
});
