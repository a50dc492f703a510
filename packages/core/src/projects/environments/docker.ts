/**
 * `docker`: the command runs in `docker_env.image` through the docker CLI, with the project mounted
 * at /mlflow/projects/code (or, with --build-image, copied into a new image built on top of it), the
 * declared volumes and variables, and the run's MLFLOW_* variables. An engine that cannot be reached
 * is reported before any run is created.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { invalidParameter, LoomError } from '@loom/protocol';
import { exec } from '../exec';
import type { ProjectEnv } from '../mlproject';
import type { EnvironmentContext, EnvironmentManager, Launch } from './environment';

export const PROJECT_MOUNT = '/mlflow/projects/code';

type DockerEnv = Extract<ProjectEnv, { kind: 'docker' }>;

/** Cloud-storage settings the container needs to reach artifact stores, forwarded when set. */
const FORWARDED = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'MLFLOW_S3_ENDPOINT_URL',
  'MLFLOW_S3_IGNORE_TLS',
  'AZURE_STORAGE_CONNECTION_STRING',
  'AZURE_STORAGE_ACCESS_KEY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'MLFLOW_TRACKING_USERNAME',
  'MLFLOW_TRACKING_PASSWORD',
  'MLFLOW_TRACKING_TOKEN',
];

export interface DockerRunArgs {
  image: string;
  env: DockerEnv;
  projectDir: string;
  /** Mount the project folder (false when the image already contains it). */
  mountProject: boolean;
  baseEnv: NodeJS.ProcessEnv;
  runEnv: Record<string, string>;
  command: string;
  /** `-A name[=value]` options, as given to `loom run`. */
  dockerArgs?: readonly string[] | undefined;
}

/** MLflow's `-A name=value` → `--name value`, `-A name` → `--name` (`-n` for one letter). */
export function dockerOptions(args: readonly string[]): string[] {
  return args.flatMap((arg) => {
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!/^[A-Za-z0-9][\w-]*$/.test(name)) {
      throw invalidParameter(`Docker argument '${arg}' must look like name or name=value`);
    }
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    return eq === -1 ? [flag] : [flag, arg.slice(eq + 1)];
  });
}

/** The `docker run` argv (after `docker`) for one run: pure, so it can be checked without an engine. */
export function dockerRunArgs(a: DockerRunArgs): string[] {
  const args = ['run', '--rm', ...dockerOptions(a.dockerArgs ?? [])];
  if (a.mountProject) args.push('-v', `${a.projectDir}:${PROJECT_MOUNT}`);
  for (const volume of a.env.volumes) args.push('-v', absoluteHostPart(volume, a.projectDir));
  const vars = new Map<string, string>();
  for (const name of FORWARDED) if (a.baseEnv[name] !== undefined) vars.set(name, a.baseEnv[name]!);
  for (const entry of a.env.environment) {
    if (typeof entry === 'string') {
      const value = a.baseEnv[entry];
      if (value === undefined) {
        throw invalidParameter(
          `docker_env.environment copies '${entry}', which is not set in this environment`,
        );
      }
      vars.set(entry, value);
    } else {
      vars.set(entry[0], entry[1]);
    }
  }
  for (const [k, v] of Object.entries(a.runEnv)) vars.set(k, v);
  for (const [k, v] of vars) args.push('-e', `${k}=${v}`);
  args.push('-w', PROJECT_MOUNT, a.image, 'bash', '-c', a.command);
  return args;
}

/** `./data:/data` → `<projectDir>/data:/data`; named volumes and absolute paths are kept. */
function absoluteHostPart(volume: string, projectDir: string): string {
  const colon = volume.indexOf(':');
  const host = colon === -1 ? volume : volume.slice(0, colon);
  if (!host.startsWith('.')) return volume;
  return resolve(projectDir, host) + (colon === -1 ? '' : volume.slice(colon));
}

/** The Dockerfile --build-image uses: the base image with the project copied in. */
export function projectDockerfile(baseImage: string): string {
  return `FROM ${baseImage}\nCOPY . ${PROJECT_MOUNT}/\nWORKDIR ${PROJECT_MOUNT}\n`;
}

export const dockerEnvironment: EnvironmentManager = {
  name: 'docker',
  async prepare(ctx) {
    const env = ctx.project.env;
    if (env.kind !== 'docker') throw invalidParameter('--env-manager docker needs a project with docker_env');
    dockerOptions(ctx.dockerArgs); // bad -A values fail here, before the engine is asked
    await requireEngine(ctx);
    const image = ctx.buildImage ? await buildProjectImage(ctx, env) : env.image;
    return {
      name: 'docker',
      tags: { 'mlflow.docker.image.uri': image },
      launch: (command, runEnv): Launch => ({
        file: 'docker',
        args: dockerRunArgs({
          image,
          env,
          projectDir: ctx.projectDir,
          mountProject: !ctx.buildImage,
          baseEnv: ctx.baseEnv,
          runEnv,
          command,
          dockerArgs: ctx.dockerArgs,
        }),
        env: ctx.baseEnv,
        cwd: ctx.projectDir,
      }),
    };
  },
};

/** Fails with what to do when the docker CLI is missing or its engine does not answer. */
async function requireEngine(ctx: EnvironmentContext): Promise<void> {
  try {
    await exec('docker', ['version', '--format', '{{.Server.Version}}'], { env: ctx.baseEnv });
  } catch (err) {
    const detail = err instanceof LoomError ? err.message.replace(/^`[^`]*` failed: /, '') : String(err);
    throw new LoomError(
      'TEMPORARILY_UNAVAILABLE',
      `This project runs in docker_env (image ${(ctx.project.env as DockerEnv).image}), but no Docker engine ` +
        `is reachable: ${detail.split('\n').find((l) => /cannot connect|not found|error/i.test(l)) ?? detail}. ` +
        'Start Docker (or set DOCKER_HOST), or run with --env-manager local to use this machine instead',
    );
  }
}

async function buildProjectImage(ctx: EnvironmentContext, env: DockerEnv): Promise<string> {
  const tag = `${(ctx.project.name ?? 'loom-project').toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}:latest`;
  const scratch = mkdtempSync(join(tmpdir(), 'loom-dockerfile-'));
  try {
    const dockerfile = join(scratch, 'Dockerfile');
    writeFileSync(dockerfile, projectDockerfile(env.image));
    ctx.progress(`Building image ${tag} from ${env.image} with the project in ${PROJECT_MOUNT}`);
    await exec('docker', ['build', '-q', '-t', tag, '-f', dockerfile, ctx.projectDir], { env: ctx.baseEnv });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return tag;
}
