/** Loads what the version page shows of a version's files: the parsed MLmodel and its input example. */
import { LoomError } from '@loom/protocol';
import { loom } from '../../api';
import { parseMLmodel, type MLmodelSummary } from './mlmodel';

export interface ModelFiles {
  /** Undefined when the version has no MLmodel (a plain folder registered as a model). */
  mlmodel: MLmodelSummary | undefined;
  inputExample: { path: string; text: string } | undefined;
}

// Previews stop here: an example can be a whole dataset.
const PREVIEW_CHARS = 20_000;

const missing = (err: unknown): boolean => err instanceof LoomError && err.code === 'RESOURCE_DOES_NOT_EXIST';

/** The file's text, or undefined when the version has no such file. */
async function readOptional(name: string, version: string, path: string, signal: AbortSignal) {
  try {
    return await loom.getModelVersionArtifact(name, version, path, { signal });
  } catch (err) {
    if (missing(err)) return undefined;
    throw err;
  }
}

/** The MLmodel of a version and the first input example file that exists, pretty-printed when JSON. */
export async function loadModelFiles(
  name: string,
  version: string,
  signal: AbortSignal,
): Promise<ModelFiles> {
  const source = await readOptional(name, version, 'MLmodel', signal);
  if (source === undefined) return { mlmodel: undefined, inputExample: undefined };
  const mlmodel = parseMLmodel(source);
  for (const path of mlmodel.inputExamplePaths) {
    const text = await readOptional(name, version, path, signal);
    if (text !== undefined) return { mlmodel, inputExample: { path, text: preview(text) } };
  }
  return { mlmodel, inputExample: undefined };
}

function preview(text: string): string {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as written
  }
  return shown.length > PREVIEW_CHARS ? `${shown.slice(0, PREVIEW_CHARS)}\n…` : shown;
}
