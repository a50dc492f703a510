/**
 * The registry's own copy of a version's files. A version created from a run's (or logged model's)
 * artifacts gets its files copied under `_registry/<id>/` of the artifact proxy's destination, and
 * its download URI points there, so the version keeps working when the run's artifacts are deleted
 * or overwritten. Experiment folders are numbered, so `_registry` cannot collide with one.
 */
import { randomUUID } from 'node:crypto';
import { LoomError } from '@loom/protocol';
import type { S3Settings } from '../config';
import type { ArtifactRepository } from '../artifacts/artifact-repository';
import { joinArtifactPath, resolveArtifactUri, type ArtifactLocation } from '../artifacts/artifact-uri';

const REGISTRY_FOLDER = '_registry';

export type VersionFilesOutcome =
  /** The files now live at `location` (an `mlflow-artifacts:` URI). */
  | { kind: 'copied'; location: string; files: number; bytes: number }
  /** Nothing was copied; the version keeps pointing at its source, for `reason`. */
  | { kind: 'referenced'; reason: string };

/** Copies model files into registry storage. */
export interface VersionFiles {
  /** Copies the tree at `fromUri`; throws when a copy that should work fails midway. */
  copy(fromUri: string): Promise<VersionFilesOutcome>;
}

/** Registry storage in the artifact proxy's destination (`--artifacts-destination`). */
export class ProxiedVersionFiles implements VersionFiles {
  constructor(
    private readonly destination: ArtifactRepository,
    private readonly s3?: S3Settings,
  ) {}

  async copy(fromUri: string): Promise<VersionFilesOutcome> {
    if (/^mlflow-artifacts:\/*_registry\//.test(fromUri)) {
      return { kind: 'referenced', reason: 'the source is already a registry copy' };
    }
    let from: ArtifactLocation;
    try {
      from = resolveArtifactUri(fromUri, this.destination, this.s3);
    } catch (err) {
      // A scheme this server cannot read (gs:, hdfs:, ...): the client's storage, not ours.
      if (err instanceof LoomError) return { kind: 'referenced', reason: err.message };
      throw err;
    }
    let files: string[];
    try {
      files = await listTree(from.repository, from.path);
    } catch (err) {
      // Storage this server may not read (no credentials, another account): the version keeps
      // pointing at it, as in MLflow. Failures after the files were seen are real failures.
      return { kind: 'referenced', reason: `cannot list ${fromUri}: ${(err as Error).message}` };
    }
    if (files.length === 0) return { kind: 'referenced', reason: `no files at ${fromUri}` };
    const folder = `${REGISTRY_FOLDER}/${randomUUID().replace(/-/g, '')}`;
    let bytes = 0;
    for (const file of files) {
      const { stream, size } = await from.repository.readArtifact(joinArtifactPath(from.path, file));
      await this.destination.writeArtifact(joinArtifactPath(folder, file), stream);
      bytes += size;
    }
    return { kind: 'copied', location: `mlflow-artifacts:/${folder}`, files: files.length, bytes };
  }
}

/** Every file under `root`, relative to it; a file at `root` itself lists as ''. */
async function listTree(repository: ArtifactRepository, root: string): Promise<string[]> {
  const out: string[] = [];
  const prefix = root ? `${root}/` : '';
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await repository.listArtifacts(dir)) {
      if (entry.isDir) await walk(entry.path);
      else out.push(entry.path.startsWith(prefix) ? entry.path.slice(prefix.length) : entry.path);
    }
  };
  await walk(root);
  return out;
}
