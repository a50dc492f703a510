/**
 * `loom run --backend kubernetes`: the project's command runs as a Kubernetes Job (see
 * @loom/core/projects backends/kubernetes). Config, template, image and cluster are checked before
 * the run is created; the run ends FINISHED or FAILED with the Job, or KILLED (Job deleted) on Ctrl-C.
 */
import { invalidParameter } from '@loom/protocol';
import type { LoomClient } from '@loom/client';
import {
  loadJobTemplate,
  loadKubeConfig,
  parseKubernetesBackendConfig,
  renderJob,
  submitJob,
  waitForJob,
  type JobOutcome,
  type Project,
} from '@loom/core/projects';
import { closeProjectRun, openProjectRun, type ProjectRunFacts } from './run-tracking';

export interface KubernetesRunArgs {
  client: LoomClient;
  project: Project;
  command: string;
  params: Array<[string, string]>;
  backendConfig: string | undefined;
  buildImage: boolean;
  trackingUri: string;
  experimentId: () => Promise<string>;
  runId: string | undefined;
  facts: Omit<ProjectRunFacts, 'envName' | 'envTags' | 'backend'>;
  say: (line: string) => void;
}

/** How often the Job's status is read; LOOM_KUBE_POLL_MS shortens it (tests). */
const pollMs = () => Number(process.env.LOOM_KUBE_POLL_MS) || 5000;

/** Runs the project as a Job; returns the exit code `loom run` should end with. */
export async function runOnKubernetes(a: KubernetesRunArgs): Promise<number> {
  const config = parseKubernetesBackendConfig(a.backendConfig, process.cwd());
  if (a.project.env.kind !== 'docker') {
    throw invalidParameter(
      'The kubernetes backend runs docker_env projects only; add docker_env to MLproject',
    );
  }
  if (a.buildImage) {
    throw invalidParameter(
      `Loom does not build or push images for the kubernetes backend; push ${config.repositoryUri} yourself, ` +
        'name it in docker_env.image and run without --build-image',
    );
  }
  const image = a.project.env.image;
  const template = loadJobTemplate(config.jobTemplatePath);
  const kc = await loadKubeConfig(config.kubeContext);
  const experimentId = a.runId === undefined ? await a.experimentId() : '';

  const run = await openProjectRun(a.client, {
    experimentId,
    runId: a.runId,
    params: a.params,
    facts: {
      ...a.facts,
      envName: 'docker',
      envTags: { 'mlflow.docker.image.uri': image },
      backend: 'kubernetes',
    },
  });
  let status: JobOutcome = 'FAILED';
  const cancel = new AbortController();
  const stop = () => cancel.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const job = renderJob(template, {
      projectName: a.project.name ?? 'project',
      image,
      command: a.command,
      runId: run.runId,
      experimentId: run.experimentId,
      trackingUri: a.trackingUri,
      env: process.env,
    });
    const submitted = await submitJob(kc, job);
    a.say(
      `=== Running command '${a.command}' in run ${run.runId} (Kubernetes Job ${submitted.namespace}/${submitted.name}) ===`,
    );
    status = await waitForJob(kc, submitted, {
      pollMs: pollMs(),
      timeoutMs: config.timeoutSeconds === undefined ? undefined : config.timeoutSeconds * 1000,
      signal: cancel.signal,
      progress: a.say,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await closeProjectRun(a.client, run.runId, status, {}, a.say);
  }
  a.say(`=== Run ${run.runId} ${status === 'FINISHED' ? 'succeeded' : status.toLowerCase()} ===`);
  return status === 'FINISHED' ? 0 : status === 'KILLED' ? 130 : 1;
}
