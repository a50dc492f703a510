import { describe, expect, it } from 'vitest';
import { toServerConfig, type ServerFlags } from './server-options';

const base = { serveArtifacts: true };

describe('the security settings of `loom server`', () => {
  it('leave every list to the server defaults when nothing is given', () => {
    const { security } = toServerConfig(base, {}, '/srv');
    expect(security).toEqual({
      allowedHosts: undefined,
      corsAllowedOrigins: undefined,
      xFrameOptions: undefined,
      disabled: false,
      maxBodyBytes: undefined,
    });
  });

  it("read MLflow's variables as trimmed comma-separated lists", () => {
    const { security } = toServerConfig(
      base,
      {
        MLFLOW_SERVER_ALLOWED_HOSTS: ' mlflow.example.com , *.corp.example,, ',
        MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: 'https://app.example.com',
        MLFLOW_SERVER_X_FRAME_OPTIONS: 'deny',
        MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE: 'TRUE',
        LOOM_SERVER_MAX_BODY_BYTES: '1048576',
      },
      '/srv',
    );
    expect(security).toEqual({
      allowedHosts: ['mlflow.example.com', '*.corp.example'],
      corsAllowedOrigins: ['https://app.example.com'],
      xFrameOptions: 'deny',
      disabled: true,
      maxBodyBytes: 1048576,
    });
  });

  it('let flags win over the variables', () => {
    const { security } = toServerConfig(
      { ...base, allowedHosts: 'a.example', corsAllowedOrigins: '*', xFrameOptions: 'NONE' },
      { MLFLOW_SERVER_ALLOWED_HOSTS: 'b.example', MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: 'https://c.example' },
      '/srv',
    );
    expect(security?.allowedHosts).toEqual(['a.example']);
    expect(security?.corsAllowedOrigins).toEqual(['*']);
    expect(security?.xFrameOptions).toBe('NONE');
  });

  it('refuse an X-Frame-Options or a body limit the server would not know', () => {
    expect(() => toServerConfig({ ...base, xFrameOptions: 'ALLOW-FROM x' }, {}, '/srv')).toThrow(
      /X-Frame-Options/,
    );
    expect(() => toServerConfig({ ...base, maxBodyBytes: '10kb' }, {}, '/srv')).toThrow(/max body bytes/);
  });
});

const flags = (more: Partial<ServerFlags> = {}): ServerFlags => ({ serveArtifacts: true, ...more });

describe('loom server --pool-size', () => {
  it('is absent by default, so the driver keeps its own default', () => {
    expect(toServerConfig(flags(), {}, '/tmp').poolSize).toBeUndefined();
    expect(
      toServerConfig(flags(), { MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: '' }, '/tmp').poolSize,
    ).toBeUndefined();
  });

  it("reads MLflow's MLFLOW_SQLALCHEMYSTORE_POOL_SIZE, and the flag over it", () => {
    const env = { MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: '25' };
    expect(toServerConfig(flags(), env, '/tmp').poolSize).toBe(25);
    expect(toServerConfig(flags({ poolSize: '3' }), env, '/tmp').poolSize).toBe(3);
  });

  it('refuses a size that is not a whole number from 1 to 1000', () => {
    for (const bad of ['0', '-1', '1.5', 'ten', '1001']) {
      expect(() => toServerConfig(flags({ poolSize: bad }), {}, '/tmp')).toThrow(
        `invalid pool size '${bad}'`,
      );
    }
    expect(() => toServerConfig(flags(), { MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: 'x' }, '/tmp')).toThrow(
      "invalid pool size 'x'",
    );
  });
});
