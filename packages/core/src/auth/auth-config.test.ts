import { describe, expect, it } from 'vitest';
import { assertAdminPasswordAllowed, authConfigFromIni, DEFAULT_AUTH_CONFIG, parseIni } from './auth-config';
import { parsePermission, permits } from './permissions';

describe('auth config', () => {
  it("reads MLflow's basic_auth.ini as MLflow ships it", () => {
    const config = authConfigFromIni(`[mlflow]
default_permission = READ
database_uri = sqlite:///basic_auth.db
admin_username = admin
admin_password = password1234
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
`);
    expect(config).toEqual({
      defaultPermission: 'READ',
      databaseUri: 'sqlite:///basic_auth.db',
      adminUsername: 'admin',
      adminPassword: 'password1234',
    });
  });

  it('takes comments, colons, other sections and missing keys', () => {
    const text = `# comment
; another
[other]
x = 1
[mlflow]
Default_Permission: NO_PERMISSIONS
admin_password = s3cret=with=equals
`;
    expect(parseIni(text).get('other')?.get('x')).toBe('1');
    expect(authConfigFromIni(text)).toEqual({
      defaultPermission: 'NO_PERMISSIONS',
      databaseUri: undefined,
      adminUsername: 'admin',
      adminPassword: 's3cret=with=equals',
    });
  });

  it('rejects files without [mlflow], lines outside sections and unknown permissions', () => {
    expect(() => authConfigFromIni('[other]\na = 1\n')).toThrow(/no \[mlflow\] section/);
    expect(() => authConfigFromIni('a = 1\n')).toThrow(/line 1/);
    expect(() => authConfigFromIni('[mlflow]\ndefault_permission = ALL\n')).toThrow(
      /Invalid permission 'ALL'/,
    );
  });

  it("refuses MLflow's well-known password unless in dev mode", () => {
    expect(() => assertAdminPasswordAllowed(DEFAULT_AUTH_CONFIG, false)).toThrow(/well-known default/);
    expect(() => assertAdminPasswordAllowed(DEFAULT_AUTH_CONFIG, true)).not.toThrow();
    expect(() =>
      assertAdminPasswordAllowed({ ...DEFAULT_AUTH_CONFIG, adminPassword: 'x' }, false),
    ).not.toThrow();
  });

  it('maps levels to abilities as MLflow does', () => {
    expect(['read', 'update', 'delete', 'manage'].map((a) => permits('EDIT', a as 'read'))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(permits('MANAGE', 'manage')).toBe(true);
    expect(permits('NO_PERMISSIONS', 'read')).toBe(false);
    expect(() => parsePermission('read')).toThrow(
      /Valid permissions are: 'READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'/,
    );
  });
});
