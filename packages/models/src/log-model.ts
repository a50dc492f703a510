/**
 * Logging a saved model directory to a run through the tracking server: every file uploaded under
 * `<run artifacts>/<artifactPath>` via the artifact proxy, `run_id`/`artifact_path` stamped into the
 * uploaded MLmodel, and optionally a registered model version created from `runs:/<run>/<path>`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { LoomClient } from '@loom/client';
import type { ModelVersionJson } from '@loom/protocol';
import { MLMODEL_FILE, parseMLmodel, stringifyMLmodel } from './mlmodel';

export interface LogModelArgs {
  runId: string;
  /** A directory written by a flavor's save function. */
  dir: string;
  /** Where under the run's artifacts, e.g. `model`. */
  artifactPath: string;
  /** Also register the logged model as a new version of this registered model (created if absent). */
  registeredModelName?: string | undefined;
}

export interface LoggedModel {
  /** `runs:/<run>/<artifactPath>`. */
  modelUri: string;
  modelVersion?: ModelVersionJson | undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

/** Uploads the model in `args.dir` to the run and returns its URI (and version, when registered). */
export async function logModel(client: LoomClient, args: LogModelArgs): Promise<LoggedModel> {
  const run = await client.getRun(args.runId);
  const root = run.info.artifact_uri;
  for (const file of await listFiles(args.dir)) {
    const bytes = await readFile(join(args.dir, file));
    let body: Uint8Array | string = bytes;
    if (file === MLMODEL_FILE) {
      const mlmodel = parseMLmodel(bytes.toString('utf8'));
      mlmodel.runId = args.runId;
      mlmodel.artifactPath = args.artifactPath;
      body = stringifyMLmodel(mlmodel);
    }
    await client.uploadArtifact(root, `${args.artifactPath}/${file.split('\\').join('/')}`, body);
  }
  const modelUri = `runs:/${args.runId}/${args.artifactPath}`;
  if (!args.registeredModelName) return { modelUri };
  try {
    await client.createRegisteredModel({ name: args.registeredModelName });
  } catch (err) {
    if ((err as { code?: string }).code !== 'RESOURCE_ALREADY_EXISTS') throw err;
  }
  const modelVersion = await client.createModelVersion({
    name: args.registeredModelName,
    source: modelUri,
    runId: args.runId,
  });
  return { modelUri, modelVersion };
}
