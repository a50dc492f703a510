import { describe, expect, it } from 'vitest';
import { toServerConfig, type ServerFlags } from './server-options';

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
