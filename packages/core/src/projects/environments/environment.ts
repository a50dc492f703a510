/**
 * One interface for every environment manager: `prepare` does the slow, cacheable set-up (venv,
 * npm ci, image checks) before any run exists; `launch` turns a shell command into the process to
 * start, with the environment's variables and the run's MLFLOW_* variables.
 */
import type { Project } from '../mlproject';
import { shellQuote } from '../shell-quote';

export const ENV_MANAGERS = ['local', 'virtualenv', 'conda', 'docker', 'node'] as const;
/** Also the value of the `mlflow.project.env` tag. */
export type EnvManagerName = (typeof ENV_MANAGERS)[number];

export interface EnvironmentContext {
  project: Project;
  projectDir: string;
  /** Root of Loom's project cache; each manager keeps its environments under its own folder. */
  cacheDir: string;
  /** The environment the child inherits (the CLI's own, usually). */
  baseEnv: NodeJS.ProcessEnv;
  /** Folders appended to PATH for host processes (Loom's own `tsx`). */
  extraPath: readonly string[];
  /**
   * Packages Loom lends to node projects that do not install them themselves (name → folder), so a
   * project cloned anywhere can import the Loom SDK, as MLflow puts mlflow in its environments.
   */
  lentPackages: Readonly<Record<string, string>>;
  /** Docker: build an image containing the project instead of mounting it. */
  buildImage: boolean;
  /** Docker: `-A name[=value]` options for `docker run`, as given. */
  dockerArgs: readonly string[];
  progress: (line: string) => void;
}

/** A process to spawn: argv plus its complete environment and working folder. */
export interface Launch {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface PreparedEnvironment {
  name: EnvManagerName;
  /** Tags the run gets besides `mlflow.project.env` (e.g. the Docker image). */
  tags: Record<string, string>;
  /** The process that runs `command` (a shell command line) with `runEnv` added. */
  launch(command: string, runEnv: Record<string, string>): Launch;
}

export interface EnvironmentManager {
  readonly name: EnvManagerName;
  prepare(ctx: EnvironmentContext): Promise<PreparedEnvironment>;
}

/** `bash -c command` in the project folder with `pathFirst` prepended and ctx.extraPath appended to PATH. */
export function hostShell(
  ctx: EnvironmentContext,
  command: string,
  runEnv: Record<string, string>,
  pathFirst: readonly string[] = [],
  extraEnv: Record<string, string> = {},
): Launch {
  const path = [...pathFirst, ctx.baseEnv.PATH ?? '/usr/bin:/bin', ...ctx.extraPath].join(':');
  // Bash start-up files (BASH_ENV) may put other folders first again: set PATH inside the shell too,
  // as MLflow's `source activate && command` does.
  const activate = pathFirst.length > 0 ? `export PATH=${shellQuote(pathFirst.join(':'))}:"$PATH"\n` : '';
  return {
    file: 'bash',
    args: ['-c', activate + command],
    env: { ...ctx.baseEnv, ...extraEnv, ...runEnv, PATH: path },
    cwd: ctx.projectDir,
  };
}
