/** Picks the environment manager for a project, from its declaration or `--env-manager`. */
import { invalidParameter } from '@loom/protocol';
import type { Project } from '../mlproject';
import { condaEnvironment } from './conda';
import { dockerEnvironment } from './docker';
import { ENV_MANAGERS, type EnvManagerName, type EnvironmentManager } from './environment';
import { localEnvironment } from './local';
import { nodeEnvironment } from './node';
import { virtualenvEnvironment } from './virtualenv';

export * from './environment';
export { dockerOptions, dockerRunArgs, projectDockerfile, PROJECT_MOUNT } from './docker';
export { parsePythonEnv, type PythonEnvSpec } from './virtualenv';

const MANAGERS: Record<EnvManagerName, EnvironmentManager> = {
  local: localEnvironment,
  virtualenv: virtualenvEnvironment,
  conda: condaEnvironment,
  docker: dockerEnvironment,
  node: nodeEnvironment,
};

/** What each declared environment runs with by default (MLflow: python_env → virtualenv). */
const DEFAULT_FOR = {
  python: 'virtualenv',
  conda: 'conda',
  docker: 'docker',
  node: 'node',
  none: 'local',
} as const;

/**
 * The manager for `project`: `requested` when given (checked against what the project declares),
 * else the default for its environment. `local` always works: it runs on this machine as is.
 */
export function chooseEnvironment(project: Project, requested?: string): EnvironmentManager {
  const kind = project.env.kind;
  if (requested === undefined) return MANAGERS[DEFAULT_FOR[kind]];
  if (!(ENV_MANAGERS as readonly string[]).includes(requested)) {
    throw invalidParameter(
      `Unknown environment manager '${requested}' (expected one of ${ENV_MANAGERS.join(', ')})`,
    );
  }
  const name = requested as EnvManagerName;
  const fits: Record<EnvManagerName, boolean> = {
    local: true,
    virtualenv: kind === 'python' || kind === 'none',
    conda: kind === 'conda',
    docker: kind === 'docker',
    node: kind === 'node' || kind === 'none',
  };
  if (!fits[name]) {
    const declared = {
      python: 'python_env',
      conda: 'conda_env',
      docker: 'docker_env',
      node: 'node_env',
      none: '',
    }[kind];
    throw invalidParameter(
      `--env-manager ${name} cannot run a project that declares ${declared}; ` +
        `use --env-manager ${DEFAULT_FOR[kind]} (its default) or local`,
    );
  }
  return MANAGERS[name];
}
