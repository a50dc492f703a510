/**
 * `loom server --app-name basic-auth` as an MLflow operator runs it: MLflow's auth INI unchanged
 * (its own `sqlite:///basic_auth.db` next to the server), the first admin from the file, bearer tokens,
 * and MLflow's well-known default password refused with one line.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_BIN, startCliServer, type CliServer } from '../support/cli-server';

const MLFLOW_INI = `[mlflow]
default_permission = READ
database_uri = sqlite:///basic_auth.db
admin_username = root
admin_password = not-the-default-1
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
`;

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd,
      env: { ...process.env, LOOM_AUTH_DEV: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('loom server --app-name basic-auth', () => {
  let server: CliServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves MLflow's auth config file unchanged: admin from the file, its own database, tokens", async () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-auth-cli-'));
    const ini = join(dir, 'basic_auth.ini');
    writeFileSync(ini, MLFLOW_INI);
    server = await startCliServer({
      dir,
      cwd: dir,
      extraArgs: ['--app-name', 'basic-auth'],
      env: { MLFLOW_AUTH_CONFIG_PATH: ini, LOOM_AUTH_DEV: '' },
    });
    const api = `${server.url}/api/2.0/mlflow`;
    const anonymous = await fetch(`${api}/experiments/search?max_results=10`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    const root = basic('root', 'not-the-default-1');
    const created = await fetch(`${api}/users/create`, {
      method: 'POST',
      headers: { ...root, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ci', password: 'ci-password' }),
    });
    expect(created.status).toBe(200);
    expect(existsSync(join(dir, 'basic_auth.db'))).toBe(true);

    const tokenRes = await fetch(`${server.url}/api/2.0/loom/tokens/create`, {
      method: 'POST',
      headers: { ...basic('ci', 'ci-password'), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'pipeline' }),
    });
    const { token } = (await tokenRes.json()) as { token: string };
    const bearer = { authorization: `Bearer ${token}` };
    const me = await fetch(`${server.url}/api/2.0/loom/users/current`, { headers: bearer });
    expect(await me.json()).toMatchObject({ user: { username: 'ci', is_admin: false } });
    // The file's default permission is READ: the new user may read the default experiment.
    expect((await fetch(`${api}/experiments/get?experiment_id=0`, { headers: bearer })).status).toBe(200);
  }, 120_000);

  it("refuses MLflow's well-known admin password with one line unless LOOM_AUTH_DEV=1", async () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-auth-cli-'));
    const out = await runCli(['server', '--app-name', 'basic-auth', '--port', '0'], dir, {});
    expect(out.code).toBe(1);
    const lines = out.stderr.split('\n').filter((l) => l.startsWith('loom:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("admin_password is MLflow's well-known default");

    const unknown = await runCli(['server', '--app-name', 'oidc-auth', '--port', '0'], dir, {});
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown --app-name 'oidc-auth'");

    server = await startCliServer({
      dir,
      cwd: dir,
      extraArgs: ['--app-name', 'basic-auth'],
      env: { LOOM_AUTH_DEV: '1' },
    });
    const res = await fetch(`${server.url}/api/2.0/mlflow/users/get?username=admin`, {
      headers: basic('admin', 'password1234'),
    });
    expect(await res.json()).toMatchObject({ user: { username: 'admin', is_admin: true } });
  }, 120_000);
});
