/** The run behind a model version: its `run_id`, or the run a `runs:/<id>/…` source names. */
import type { ModelVersionJson } from '@loom/protocol';

/** The run id of `runs:/<id>/<path>`, undefined for any other URI. */
export function runIdOfSource(source: string): string | undefined {
  const match = /^runs:\/([^/]+)(\/|$)/.exec(source.trim());
  return match?.[1];
}

/** The version's source run, from its `run_id` or else its source URI. */
export function sourceRunId(version: Pick<ModelVersionJson, 'run_id' | 'source'>): string | undefined {
  return version.run_id || runIdOfSource(version.source);
}
