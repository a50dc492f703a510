/**
 * The tracking side of `loom run`: which experiment, the run with MLflow's project tags and the
 * parameters, and its end (status, end time, the captured output as artifacts).
 */
import { userInfo } from 'node:os';
import { LoomError, type KeyValue, type RunStatus } from '@loom/protocol';
import type { LoomClient } from '@loom/client';
import type { ProjectSource } from '@loom/core/projects';

export interface ExperimentChoice {
  experimentName?: string | undefined;
  experimentId?: string | undefined;
}

/** The experiment id to run in: by id, by name (created when missing, as MLflow does) or the default. */
export async function resolveExperimentId(client: LoomClient, choice: ExperimentChoice): Promise<string> {
  if (choice.experimentId !== undefined)
    return (await client.getExperiment(choice.experimentId)).experiment_id;
  if (choice.experimentName === undefined) return '0';
  try {
    return (await client.getExperimentByName(choice.experimentName)).experiment_id;
  } catch (err) {
    if (!(err instanceof LoomError && err.code === 'RESOURCE_DOES_NOT_EXIST')) throw err;
    return client.createExperiment({ name: choice.experimentName });
  }
}

export interface ProjectRunFacts {
  uri: string;
  source: ProjectSource;
  entryPoint: string;
  envName: string;
  envTags: Record<string, string>;
  backend: string;
  runName: string | undefined;
}

/** The user MLflow records: the login name. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** MLflow's tags for a project run. */
export function projectTags(facts: ProjectRunFacts): KeyValue[] {
  const tags: Record<string, string> = {
    'mlflow.user': currentUser(),
    'mlflow.source.name': facts.source.sourceName,
    'mlflow.source.type': 'PROJECT',
    'mlflow.project.entryPoint': facts.entryPoint,
    'mlflow.project.env': facts.envName,
    'mlflow.project.backend': facts.backend,
    ...facts.envTags,
  };
  const git = facts.source.git;
  if (git) {
    tags['mlflow.source.git.commit'] = git.commit;
    if (git.repoUrl) {
      tags['mlflow.source.git.repoURL'] = git.repoUrl;
      tags['mlflow.gitRepoURL'] = git.repoUrl;
    }
    if (git.branch) tags['mlflow.source.git.branch'] = git.branch;
  }
  if (facts.runName) tags['mlflow.runName'] = facts.runName;
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/**
 * Creates the run in `experimentId` (or takes over `runId`, keeping its experiment), then records
 * its tags and parameters.
 */
export async function openProjectRun(
  client: LoomClient,
  args: {
    /** Unused when `runId` is given. */
    experimentId: string;
    runId: string | undefined;
    facts: ProjectRunFacts;
    params: Array<[string, string]>;
  },
): Promise<{ runId: string; experimentId: string }> {
  const tags = projectTags(args.facts);
  let runId: string;
  let experimentId = args.experimentId;
  if (args.runId === undefined) {
    const run = await client.createRun({
      experimentId,
      runName: args.facts.runName,
      userId: currentUser(),
      startTime: Date.now(),
      tags,
    });
    runId = run.info.run_id;
  } else {
    const run = await client.getRun(args.runId);
    runId = run.info.run_id;
    experimentId = run.info.experiment_id;
    await client.updateRun(runId, { status: 'RUNNING', runName: args.facts.runName });
    await logInChunks(client, runId, [], tags);
  }
  await logInChunks(
    client,
    runId,
    args.params.map(([key, value]) => ({ key, value })),
    [],
  );
  return { runId, experimentId };
}

/** log-batch takes at most 100 params and 100 tags per request. */
async function logInChunks(
  client: LoomClient,
  runId: string,
  params: KeyValue[],
  tags: KeyValue[],
): Promise<void> {
  for (let i = 0; i < Math.max(params.length, tags.length); i += 100) {
    await client.logBatch(runId, { params: params.slice(i, i + 100), tags: tags.slice(i, i + 100) });
  }
}

/**
 * Stores the captured output under `logs/` and ends the run with `status` unless the project's own
 * code ended it already (as MLflow does). Upload problems are reported, not thrown: the status matters more.
 */
export async function closeProjectRun(
  client: LoomClient,
  runId: string,
  status: RunStatus,
  logs: Record<string, Uint8Array>,
  warn: (line: string) => void,
): Promise<void> {
  const run = await client.getRun(runId);
  for (const [name, body] of Object.entries(logs)) {
    try {
      await client.uploadArtifact(run.info.artifact_uri ?? '', `logs/${name}`, body, 'text/plain');
    } catch (err) {
      warn(`could not store logs/${name} as an artifact: ${(err as Error).message}`);
    }
  }
  if (run.info.status === 'RUNNING') await client.updateRun(runId, { status, endTime: Date.now() });
}
