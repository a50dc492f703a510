/** `local`: the command runs in the current environment, as is. */
import { hostShell, type EnvironmentManager } from './environment';

export const localEnvironment: EnvironmentManager = {
  name: 'local',
  async prepare(ctx) {
    return { name: 'local', tags: {}, launch: (command, runEnv) => hostShell(ctx, command, runEnv) };
  },
};
