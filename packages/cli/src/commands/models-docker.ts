/**
 * `loom models generate-dockerfile` and `build-docker`: a Docker build context that serves one model
 * with `loom models serve` on port 8080, as `mlflow models generate-dockerfile` does for pyfunc. Loom
 * is not on a registry, so the context carries the Loom packages the CLI needs (sources only, no
 * tests) under a minimal workspace package.json; the image installs their npm dependencies.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { downloadModel, readMLmodel, chooseFlavor } from '@loom/models';
import { LoomError, invalidParameter } from '@loom/protocol';

/** The Loom packages `loom models serve` loads (the CLI imports every command; the UI is not needed). */
export const RUNTIME_PACKAGES = ['protocol', 'core', 'server', 'client', 'models', 'cli'] as const;
/** Where the image keeps the model, Loom, and the port it serves on. */
export const IMAGE_MODEL_DIR = '/opt/ml/model';
export const IMAGE_LOOM_DIR = '/opt/loom';
export const IMAGE_PORT = 8080;

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The serve command the image runs, as exec-form arguments. */
export const ENTRY_COMMAND = [
  'loom',
  'models',
  'serve',
  '-m',
  IMAGE_MODEL_DIR,
  '-h',
  '0.0.0.0',
  '-p',
  String(IMAGE_PORT),
];

/** The Dockerfile text. */
export function dockerfile(): string {
  return `# Serves the model in ./model with Loom's scoring server (MLflow's /invocations protocol).
FROM node:20-slim
WORKDIR ${IMAGE_LOOM_DIR}
COPY loom/ ${IMAGE_LOOM_DIR}/
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
ENV PATH=${IMAGE_LOOM_DIR}/node_modules/.bin:$PATH
COPY model/ ${IMAGE_MODEL_DIR}/
EXPOSE ${IMAGE_PORT}
CMD ${JSON.stringify(ENTRY_COMMAND)}
`;
}

/** The workspace package.json installed in the image: only the runtime packages. */
function packageJson(): string {
  const pkg = {
    name: 'loom-model-server',
    private: true,
    type: 'module',
    workspaces: RUNTIME_PACKAGES.map((p) => `packages/${p}`),
    engines: { node: '>=20.19' },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

/** A package's files for the image: sources and package.json, without tests or node_modules. */
const shipped = (src: string) => !/(^|[\\/])node_modules$/.test(src) && !/\.test\.tsx?$/.test(src);

/**
 * Writes `dir`/Dockerfile, `dir`/model (the model's files) and `dir`/loom (package.json and the
 * runtime packages). Refuses a model no Loom flavor can serve, before copying anything.
 */
export async function writeDockerContext(modelUri: string, dir: string): Promise<void> {
  const modelDir = await downloadModel(modelUri, {
    trackingUri: process.env.MLFLOW_TRACKING_URI,
    cacheDir: process.env.LOOM_MODEL_CACHE,
  });
  chooseFlavor(await readMLmodel(modelDir));
  await mkdir(dir, { recursive: true });
  const existing = await readdir(dir);
  if (existing.length > 0)
    throw invalidParameter(`The directory ${dir} is not empty; give an empty or new one with -d`);
  await cp(modelDir, join(dir, 'model'), { recursive: true });
  await mkdir(join(dir, 'loom', 'packages'), { recursive: true });
  await writeFile(join(dir, 'loom', 'package.json'), packageJson());
  for (const p of RUNTIME_PACKAGES) {
    await cp(join(REPO_ROOT, 'packages', p), join(dir, 'loom', 'packages', p), {
      recursive: true,
      filter: shipped,
    });
  }
  await writeFile(join(dir, 'Dockerfile'), dockerfile());
  await writeFile(join(dir, '.dockerignore'), '**/node_modules\n');
}

/** Runs `docker` with `args`; resolves with its exit code (-1 when it cannot start) and stderr. */
function docker(args: string[], inherit: boolean): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('docker', args, { stdio: inherit ? 'inherit' : ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err: NodeJS.ErrnoException) =>
      done({ code: -1, stderr: err.code === 'ENOENT' ? 'no `docker` command on PATH' : err.message }),
    );
    child.once('exit', (code) => done({ code: code ?? -1, stderr }));
  });
}

/** Builds the image; says plainly when no engine answers, and where the context is to build elsewhere. */
async function dockerBuild(dir: string, name: string): Promise<void> {
  const elsewhere = `The build context is in ${dir}; build it where Docker runs: docker build -t ${name} ${dir}`;
  const info = await docker(['info', '--format', '{{.ServerVersion}}'], false);
  if (info.code !== 0) {
    const why =
      info.stderr.trim().split('\n').filter(Boolean).pop() ?? `docker info exited with ${info.code}`;
    throw new LoomError('INVALID_STATE', `No docker engine reachable (${why}). ${elsewhere}`);
  }
  const build = await docker(['build', '-t', name, dir], true);
  if (build.code !== 0)
    throw new LoomError('INVALID_STATE', `docker build exited with code ${build.code}. ${elsewhere}`);
}

function imageName(value: string): string {
  if (!/^[a-z0-9][a-z0-9._\-/:]*$/.test(value))
    throw new InvalidArgumentError('--name must be a docker image name (lowercase, e.g. my-model:1)');
  return value;
}

/** Adds `generate-dockerfile` and `build-docker` to the `models` command group. */
export function addDockerCommands(models: Command): void {
  const modelUri = [
    '-m, --model-uri <uri>',
    'runs:/<run>/<path>, models:/<name>/<version|stage|latest>, models:/<name>@<alias> or a local path',
  ] as const;
  models
    .command('generate-dockerfile')
    .description(
      `Write a Dockerfile and build context whose image serves the model on port ${IMAGE_PORT} (loom models serve).`,
    )
    .requiredOption(...modelUri)
    .option('-d, --output-directory <dir>', 'where to write the build context', 'loom-dockerfile')
    .option('--env-manager <name>', 'accepted for compatibility with mlflow; the image runs Node only')
    .action(async (flags: { modelUri: string; outputDirectory: string }) => {
      const dir = resolve(flags.outputDirectory);
      await writeDockerContext(flags.modelUri, dir);
      console.log(`loom: wrote a Dockerfile and build context to ${dir}; build it with: docker build ${dir}`);
    });
  models
    .command('build-docker')
    .description(`Build a docker image that serves the model on port ${IMAGE_PORT}; needs a docker engine.`)
    .requiredOption(...modelUri)
    .option('-n, --name <image>', 'image name', imageName, 'loom-model-server')
    .option('-d, --output-directory <dir>', 'where to keep the build context', 'loom-docker-build')
    .option('--env-manager <name>', 'accepted for compatibility with mlflow; the image runs Node only')
    .action(async (flags: { modelUri: string; name: string; outputDirectory: string }) => {
      const dir = resolve(flags.outputDirectory);
      await writeDockerContext(flags.modelUri, dir);
      await dockerBuild(dir, flags.name);
      console.log(
        `loom: built image ${flags.name}; run it with: docker run -p ${IMAGE_PORT}:${IMAGE_PORT} ${flags.name}`,
      );
    });
}
