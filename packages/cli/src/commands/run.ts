/**
 * `loom run URI`: MLflow's `mlflow run`. Everything that can be checked is checked before a run
 * exists (source, MLproject, entry point, parameters, environment, experiment); then the run is
 * created, the command runs in its own process group with MLFLOW_RUN_ID / MLFLOW_TRACKING_URI /
 * MLFLOW_EXPERIMENT_ID, its output is streamed and stored as `logs/stdout.txt` and `logs/stderr.txt`,
 * and the run ends FINISHED, FAILED or KILLED. The CLI exits with the command's exit code.
 * `--backend kubernetes` runs the command as a Kubernetes Job instead (run-kubernetes.ts).
 */
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { invalidParameter, type RunStatus } from '@loom/protocol';
import { createClient } from '@loom/client';
import { clientOptionsFor, readTrackingEnv } from '@loom/client/tracking';
import {
  chooseEnvironment,
  exitCodeOf,
  fetchProjectSource,
  loadProject,
  parseParamArgs,
  renderCommand,
  resolveEntryPoint,
  startProjectProcess,
} from '@loom/core/projects';
import { runOnKubernetes } from './run-kubernetes';
import { closeProjectRun, openProjectRun, resolveExperimentId } from './run-tracking';

interface RunFlags {
  entryPoint: string;
  version?: string;
  paramList: string[];
  envManager?: string;
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  runId?: string;
  backend: string;
  backendConfig?: string;
  buildImage?: boolean;
  dockerArgs: string[];
  cacheDir?: string;
}

/** Keeps at most this much of each output stream for the artifact; the console gets all of it. */
const LOG_LIMIT = 64 * 1024 * 1024;

/** Builds the `run` command. */
export function runCommand(): Command {
  return new Command('run')
    .description('Run an MLflow project from a folder or a git URI, tracked as a run.')
    .argument('<uri>', 'project folder or git URI (https://, ssh, file://); append #sub/dir for a subfolder')
    .option('-e, --entry-point <name>', 'entry point, or a .py/.sh/.js/.ts script in the project', 'main')
    .option('-v, --version <version>', 'git branch, tag or commit to check out')
    .option('-P, --param-list <name=value>', 'a parameter (repeatable)', collect, [])
    .option('--env-manager <manager>', 'local, virtualenv, conda, docker or node (default: from the project)')
    .option('--experiment-name <name>', 'experiment to run in (created when missing)')
    .option('--experiment-id <id>', 'experiment to run in')
    .option('--run-name <name>', 'name of the run')
    .option('--run-id <id>', 'use this existing run instead of creating one')
    .option('-b, --backend <backend>', 'where to run: local or kubernetes', 'local')
    .option('-c, --backend-config <json>', 'backend configuration (JSON file or string)')
    .option('-A, --docker-args <name[=value]>', 'docker_env: a `docker run` option (repeatable)', collect, [])
    .option('--build-image', 'docker_env: build an image containing the project instead of mounting it')
    .option('--cache-dir <dir>', 'where clones and environments are cached (env LOOM_PROJECTS_CACHE)')
    .action((uri: string, flags: RunFlags) => runProject(uri, flags));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const say = (line: string) => console.error(`loom: ${line}`);

async function runProject(uri: string, flags: RunFlags): Promise<void> {
  const env = process.env;
  if (flags.backend !== 'local' && flags.backend !== 'kubernetes')
    throw invalidParameter(`Unknown backend '${flags.backend}' (expected local or kubernetes)`);
  if (flags.backend === 'local' && flags.backendConfig !== undefined)
    throw invalidParameter('--backend-config applies to the kubernetes backend only');
  const experimentName =
    flags.experimentName ?? (flags.experimentId ? undefined : env.MLFLOW_EXPERIMENT_NAME);
  const experimentId = flags.experimentId ?? (flags.experimentName ? undefined : env.MLFLOW_EXPERIMENT_ID);
  if (flags.experimentName !== undefined && flags.experimentId !== undefined) {
    throw invalidParameter('Give --experiment-name or --experiment-id, not both');
  }
  const tracking = readTrackingEnv(env);
  const client = createClient(clientOptionsFor(tracking));
  const cacheDir =
    flags.cacheDir ??
    env.LOOM_PROJECTS_CACHE ??
    join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'loom', 'projects');

  // Everything below until openProjectRun may fail; no run exists yet.
  const source = await fetchProjectSource(uri, {
    version: flags.version,
    cacheDir,
    cwd: process.cwd(),
    progress: say,
  });
  const project = loadProject(source.dir);
  const entry = resolveEntryPoint(project, source.dir, flags.entryPoint, env.SHELL || 'bash');
  const { command, params } = renderCommand(entry, parseParamArgs(flags.paramList), process.cwd());
  if (flags.backend === 'kubernetes') {
    process.exitCode = await runOnKubernetes({
      client,
      project,
      command,
      params,
      backendConfig: flags.backendConfig,
      buildImage: flags.buildImage === true,
      trackingUri: tracking.trackingUri,
      experimentId: () => resolveExperimentId(client, { experimentName, experimentId }),
      runId: flags.runId,
      facts: { uri, source, entryPoint: entry.name, runName: flags.runName },
      say,
    });
    return;
  }
  const manager = chooseEnvironment(project, flags.envManager);
  const prepared = await manager.prepare({
    project,
    projectDir: source.dir,
    cacheDir,
    baseEnv: env,
    extraPath: [loomToolsBin()],
    lentPackages: { '@loom/client': packageFolder('@loom/client') },
    buildImage: flags.buildImage === true,
    dockerArgs: flags.dockerArgs,
    progress: say,
  });
  // A run taken over keeps its experiment; otherwise a missing named experiment is created now.
  const chosenExperiment =
    flags.runId === undefined ? await resolveExperimentId(client, { experimentName, experimentId }) : '';

  const run = await openProjectRun(client, {
    experimentId: chosenExperiment,
    runId: flags.runId,
    params,
    facts: {
      uri,
      source,
      entryPoint: entry.name,
      envName: prepared.name,
      envTags: prepared.tags,
      backend: flags.backend,
      runName: flags.runName,
    },
  });
  const launch = prepared.launch(command, {
    MLFLOW_RUN_ID: run.runId,
    MLFLOW_TRACKING_URI: tracking.trackingUri,
    MLFLOW_EXPERIMENT_ID: run.experimentId,
  });
  say(`=== Running command '${command}' in run ${run.runId} (${prepared.name} environment) ===`);

  const captured = { stdout: new OutputBuffer(), stderr: new OutputBuffer() };
  let child;
  try {
    child = startProjectProcess(launch, (chunk, stream) => {
      (stream === 'stdout' ? process.stdout : process.stderr).write(chunk);
      captured[stream].add(chunk);
    });
  } catch (err) {
    await closeProjectRun(client, run.runId, 'FAILED', {}, say);
    throw err;
  }
  const stop = () => child.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let end;
  try {
    end = await child.done;
  } catch (err) {
    // The process could not start (e.g. its program is missing): the run failed.
    await closeProjectRun(client, run.runId, 'FAILED', {}, say);
    throw err;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const status: RunStatus = end.stopped ? 'KILLED' : end.code === 0 ? 'FINISHED' : 'FAILED';
  await closeProjectRun(
    client,
    run.runId,
    status,
    { 'stdout.txt': captured.stdout.bytes(), 'stderr.txt': captured.stderr.bytes() },
    say,
  );
  const code = exitCodeOf(end);
  say(
    `=== Run ${run.runId} ${status === 'FINISHED' ? 'succeeded' : status.toLowerCase()} (exit code ${code}) ===`,
  );
  process.exitCode = code;
}

/** The folder holding Loom's own `tsx`, put last on PATH so `.ts` entry points run without set-up. */
function loomToolsBin(): string {
  return join(dirname(packageFolder('tsx')), '.bin');
}

/** Where one of Loom's own dependencies is installed: the real folder of its package.json. */
function packageFolder(name: string): string {
  let dir = dirname(realpathSync(createRequire(import.meta.url).resolve(name)));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Collects a stream's output up to LOG_LIMIT bytes, noting what was left out. */
class OutputBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  add(chunk: Buffer): void {
    if (this.size + chunk.length > LOG_LIMIT) {
      this.dropped += chunk.length;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  bytes(): Uint8Array {
    const note = this.dropped > 0 ? [Buffer.from(`\n[loom: ${this.dropped} more bytes not stored]\n`)] : [];
    return Buffer.concat([...this.chunks, ...note]);
  }
}
