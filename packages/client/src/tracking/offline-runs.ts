/** Starting runs in the offline spool: from the start (a local id), or for the rest of a server run. */
import type { KeyValue, RunInfoJson } from '@loom/protocol';
import { newLocalRunId, SPOOL_FORMAT, SpoolWriter, type ExperimentRef } from './offline-spool';

export interface SpoolRunFields {
  experiment: ExperimentRef;
  runName?: string | undefined;
  userId?: string | undefined;
  tags: KeyValue[];
  parentLocalId?: string | undefined;
  /** A server run resumed while offline. */
  serverRunId?: string | undefined;
}

/** A new run folder, and the run info the SDK shows for it (its id is the local one until synced). */
export async function spoolNewRun(
  offlineDir: string,
  fields: SpoolRunFields,
): Promise<{ writer: SpoolWriter; info: RunInfoJson }> {
  const localId = newLocalRunId();
  const startTime = Date.now();
  const writer = await SpoolWriter.create(offlineDir, {
    format: SPOOL_FORMAT,
    localId,
    startTime,
    ...fields,
  });
  const info: RunInfoJson = {
    run_id: localId,
    run_uuid: localId,
    run_name: fields.runName ?? '',
    experiment_id: 'experimentId' in fields.experiment ? fields.experiment.experimentId : '',
    user_id: fields.userId ?? '',
    status: 'RUNNING',
    start_time: startTime,
    artifact_uri: `file://${writer.dir}/artifacts`,
    lifecycle_stage: 'active',
  };
  return { writer, info };
}

/** A run folder for the rest of server run `info` whose server has gone away; says so on stderr. */
export async function spoolRestOfRun(
  offlineDir: string,
  info: RunInfoJson,
  cause: unknown,
): Promise<SpoolWriter> {
  const writer = await SpoolWriter.create(offlineDir, {
    format: SPOOL_FORMAT,
    localId: newLocalRunId(),
    experiment: { experimentId: info.experiment_id },
    runName: info.run_name,
    startTime: info.start_time,
    tags: [],
    serverRunId: info.run_id,
  });
  console.warn(
    `loom: the tracking server has been unreachable for the whole retry window ` +
      `(${(cause as Error).message}); the rest of run ${info.run_id} is logged offline to ${writer.dir}: ` +
      'upload it later with `loom sync`',
  );
  return writer;
}
