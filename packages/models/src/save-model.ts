/**
 * What every flavor's save function writes besides its own files: the MLmodel with the keys common to
 * all flavors (uuid, creation time, signature, metadata, run link), the input example, and the
 * directory's size — the size last, since it counts MLmodel and the examples too.
 */
import { randomUUID } from 'node:crypto';
import { utcTimeCreated, writeMLmodel, type FlavorConfig, type MLmodel } from './mlmodel';
import { directorySize, writeInputExample, type InputExample } from './model-files';
import { storeSignature, type Signature } from './signature';

/** The options every flavor's save function takes. */
export interface SaveModelOptions {
  signature?: Signature | undefined;
  inputExample?: InputExample | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** Recorded in MLmodel (`run_id`, `artifact_path`) when the model is logged to a run. */
  runId?: string | undefined;
  artifactPath?: string | undefined;
}

/** Writes `dir`/MLmodel declaring `flavors`, and the input example; returns what was written. */
export async function writeSavedMLmodel(
  dir: string,
  flavors: Record<string, FlavorConfig>,
  options: SaveModelOptions,
): Promise<MLmodel> {
  const model: MLmodel = {
    flavors,
    runId: options.runId,
    artifactPath: options.artifactPath,
    modelUuid: randomUUID().replaceAll('-', ''),
    utcTimeCreated: utcTimeCreated(),
    signature: options.signature ? storeSignature(options.signature) : undefined,
    metadata: options.metadata,
    rest: {},
  };
  if (options.inputExample) model.savedInputExampleInfo = await writeInputExample(dir, options.inputExample);
  await writeMLmodel(dir, model);
  model.modelSizeBytes = await directorySize(dir);
  await writeMLmodel(dir, model);
  return model;
}
