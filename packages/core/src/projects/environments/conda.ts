/**
 * `conda`: an environment created from the project's conda YAML with `conda env create`, cached under
 * `<cache>/conda/<hash of the file>`, and the command run through `conda run`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { invalidParameter } from '@loom/protocol';
import { cacheKey } from '../cache-key';
import { commandExists, exec } from '../exec';
import { ensureCachedFolder } from './cached-folder';
import { hostShell, type EnvironmentManager } from './environment';

export const condaEnvironment: EnvironmentManager = {
  name: 'conda',
  async prepare(ctx) {
    const env = ctx.project.env;
    if (env.kind !== 'conda') {
      throw invalidParameter('--env-manager conda needs a project with conda_env (or a conda.yaml file)');
    }
    const conda = ctx.baseEnv.MLFLOW_CONDA_HOME
      ? join(ctx.baseEnv.MLFLOW_CONDA_HOME, 'bin', 'conda')
      : 'conda';
    if (!(await commandExists(conda, ['--version'], ctx.baseEnv))) {
      throw invalidParameter(
        `This project uses conda_env (${env.file}), but \`${conda}\` was not found: install Miniconda ` +
          '(or set MLFLOW_CONDA_HOME), or run with --env-manager local',
      );
    }
    const yaml = readFileSync(join(ctx.projectDir, env.file));
    const dir = join(ctx.cacheDir, 'conda', cacheKey(yaml));
    const cached = await ensureCachedFolder(join(dir, '..', `${cacheKey(yaml)}.done`), async () => {
      ctx.progress(`Creating conda environment from ${env.file} in ${dir}`);
      rmSync(dir, { recursive: true, force: true }); // the remains of an interrupted create
      await exec(conda, ['env', 'create', '--yes', '-q', '-p', dir, '-f', join(ctx.projectDir, env.file)], {
        env: ctx.baseEnv,
      });
    });
    ctx.progress(cached ? `Using cached conda environment ${dir}` : `Created conda environment ${dir}`);
    return {
      name: 'conda',
      tags: {},
      launch: (command, runEnv) => {
        const shell = hostShell(ctx, command, runEnv);
        return {
          ...shell,
          file: conda,
          args: ['run', '--no-capture-output', '-p', dir, 'bash', '-c', command],
        };
      },
    };
  },
};
