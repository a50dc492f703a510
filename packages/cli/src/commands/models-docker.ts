/**
 * `loom models generate-dockerfile` and `build-docker`: a Docker build context that serves one model
 * on port 8080, as `mlflow models generate-dockerfile` does for pyfunc. Loom is not on a registry, so
 * the context carries `loom models serve` itself, bundled by esbuild into one JavaScript file (no tsx,
 * no database drivers, nothing to compile), and a package.json + package-lock.json for the one native
 * dependency left, onnxruntime-node, at the exact versions of Loom's own lockfile; the image installs
 * it with `npm ci`. test/cli/models-docker.test.ts runs the Dockerfile's steps locally.
 */
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { downloadModel, readMLmodel, chooseFlavor, TFJS_PACKAGES } from '@loom/models';
import { LoomError, invalidParameter } from '@loom/protocol';
import { pruneLockfile, type Lockfile } from './prune-lockfile';

/** Where the image keeps the model, Loom, and the port it serves on. */
export const IMAGE_MODEL_DIR = '/opt/ml/model';
export const IMAGE_LOOM_DIR = '/opt/loom';
export const IMAGE_PORT = 8080;
/** The bundled `loom models serve`, in the context's loom/ folder. */
export const ENTRY_FILE = 'serve.mjs';
/** The packages the bundle leaves to `npm ci`: native code that cannot be bundled. */
export const NATIVE_PACKAGES = ['onnxruntime-node'] as const;
/** onnxruntime-node ships binaries for every OS; the image is Linux, so the others go. */
const FOREIGN_BINARIES = ['darwin', 'win32'].map((os) => `node_modules/onnxruntime-node/bin/napi-v*/${os}`);

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The serve command the image runs, as exec-form arguments. */
export const ENTRY_COMMAND = [
  'node',
  `${IMAGE_LOOM_DIR}/${ENTRY_FILE}`,
  '-m',
  IMAGE_MODEL_DIR,
  '-h',
  '0.0.0.0',
  '-p',
  String(IMAGE_PORT),
];

/** Node without curl: exits 0 when /ping answers 200. */
const HEALTHCHECK = [
  'node',
  '-e',
  `fetch('http://127.0.0.1:${IMAGE_PORT}/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
];

/** A LABEL value: double-quoted, with `$` escaped so Docker does not expand it. */
const labelValue = (s: string) => JSON.stringify(s).replaceAll('$', '\\$');

/**
 * The Dockerfile text. The base image is the Node release that generated (and so tested) the bundle.
 * The npm cache is a BuildKit cache mount (Docker 23+ builds with BuildKit by default), so it never
 * lands in the image and rebuilds reuse it; install scripts stay off, as in Loom's own install
 * (onnxruntime-node's only fetches optional GPU binaries; its CPU binary is in the package).
 */
export function dockerfile(modelUri: string, nodeVersion = process.versions.node): string {
  return `# Serves one model with Loom's scoring server (MLflow's /invocations protocol) on port ${IMAGE_PORT}.
# Written by \`loom models generate-dockerfile\`; build with: docker build -t NAME .
FROM node:${nodeVersion}-slim
LABEL org.opencontainers.image.title="loom-model-server" dev.loom.model-uri=${labelValue(modelUri)}
WORKDIR ${IMAGE_LOOM_DIR}
COPY loom/ ${IMAGE_LOOM_DIR}/
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf ${FOREIGN_BINARIES.join(' ')}
COPY model/ ${IMAGE_MODEL_DIR}/
USER node
EXPOSE ${IMAGE_PORT}
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ${JSON.stringify(HEALTHCHECK)}
CMD ${JSON.stringify(ENTRY_COMMAND)}
`;
}

/** Bundles the image's entry (`model-server-entry.ts`) into one ES module, byte-identical per source. */
async function bundleEntry(withTfjs: boolean): Promise<Uint8Array> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: REPO_ROOT, // the bundle's path comments are relative to it, not to this machine
    entryPoints: ['packages/cli/src/model-server-entry.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    // TF.js (~3.8 MB bundled) only in images of tfjs models; elsewhere its lazy import is never reached.
    external: [...NATIVE_PACKAGES, ...(withTfjs ? [] : TFJS_PACKAGES)],
    legalComments: 'inline',
    write: false,
    logLevel: 'silent',
    // Bundled CommonJS (commander, yaml) calls require() for Node's built-ins; give ESM one.
    banner: {
      js: "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);",
    },
  });
  return result.outputFiles[0]!.contents;
}

/** package.json and package-lock.json for the image: the native packages at Loom's locked versions. */
async function imagePackageFiles(): Promise<{ packageJson: string; lockfile: string }> {
  const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const name = 'loom-model-server';
  const pruned = pruneLockfile(lock, 'packages/models', NATIVE_PACKAGES, name);
  const pkg = { name, private: true, type: 'module', dependencies: pruned.dependencies };
  return {
    packageJson: JSON.stringify(pkg, null, 2) + '\n',
    lockfile: JSON.stringify(pruned.lockfile, null, 2) + '\n',
  };
}

/** Makes every file under `dir` readable by all, so the image's non-root user can load the model. */
async function makeReadable(dir: string): Promise<void> {
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(e.parentPath, e.name);
    await chmod(path, e.isDirectory() ? 0o755 : 0o644);
  }
  await chmod(dir, 0o755);
}

/**
 * Writes `dir`/Dockerfile, `dir`/model (the model's files) and `dir`/loom (the bundled server,
 * package.json, package-lock.json). Refuses a model no Loom flavor can serve, before writing anything.
 */
export async function writeDockerContext(modelUri: string, dir: string): Promise<void> {
  const modelDir = await downloadModel(modelUri, {
    trackingUri: process.env.MLFLOW_TRACKING_URI,
    cacheDir: process.env.LOOM_MODEL_CACHE,
  });
  const { loader } = chooseFlavor(await readMLmodel(modelDir));
  await mkdir(dir, { recursive: true });
  const existing = await readdir(dir);
  if (existing.length > 0)
    throw invalidParameter(`The directory ${dir} is not empty; give an empty or new one with -d`);
  const [bundle, pkg] = await Promise.all([bundleEntry(loader.name === 'tfjs'), imagePackageFiles()]);
  await cp(modelDir, join(dir, 'model'), { recursive: true });
  await makeReadable(join(dir, 'model'));
  await mkdir(join(dir, 'loom'));
  await writeFile(join(dir, 'loom', ENTRY_FILE), bundle);
  await writeFile(join(dir, 'loom', 'package.json'), pkg.packageJson);
  await writeFile(join(dir, 'loom', 'package-lock.json'), pkg.lockfile);
  await writeFile(join(dir, 'Dockerfile'), dockerfile(modelUri));
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
