import { describe, expect, it } from 'vitest';
import { toServerConfig } from './server-options';

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
