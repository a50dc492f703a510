/**
 * A TF.js IOHandler over a local directory, without tfjs-node: `model.json` (topology + weights
 * manifest) and the weight shard files it names, as `tensorflowjs_converter` and `model.save` write
 * them. Shard paths come from the file, so each must resolve inside the directory.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { invalidParameter } from '@loom/protocol';
import type { Tfjs } from './tfjs-runtime';

/** The topology file's name in a TF.js model directory. */
export const MODEL_JSON = 'model.json';
/** The one shard Loom writes all weights to. */
export const WEIGHTS_FILE = 'group1-shard1of1.bin';

/** `name` resolved under `dir`; INVALID_PARAMETER_VALUE when it is absolute or climbs out with `..`. */
export function pathInside(dir: string, name: string, what: string): string {
  const root = resolve(dir);
  const path = resolve(root, name);
  const rel = relative(root, path);
  if (isAbsolute(name) || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw invalidParameter(`The ${what} '${name}' is outside the model directory`);
  }
  return path;
}

async function readModelJson(dir: string): Promise<io.ModelJSON> {
  let text: string;
  try {
    text = await readFile(join(dir, MODEL_JSON), 'utf8');
  } catch {
    throw invalidParameter(`No ${MODEL_JSON} in the TF.js model directory '${dir}'`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidParameter(`The TF.js ${MODEL_JSON} in '${dir}' is not valid JSON`);
  }
  const doc = json as Partial<io.ModelJSON> | null;
  if (typeof doc !== 'object' || doc === null || typeof doc.modelTopology !== 'object') {
    throw invalidParameter(`The TF.js ${MODEL_JSON} in '${dir}' has no modelTopology`);
  }
  if (doc.weightsManifest !== undefined && !Array.isArray(doc.weightsManifest)) {
    throw invalidParameter(`The TF.js ${MODEL_JSON} in '${dir}' has a weightsManifest that is not a list`);
  }
  return { ...doc, weightsManifest: doc.weightsManifest ?? [] } as io.ModelJSON;
}

/** Reads every shard the manifest names, in order, as one buffer. */
async function readWeights(
  dir: string,
  manifest: io.WeightsManifestConfig,
): Promise<[io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs: io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const name of group.paths) {
      const path = pathInside(dir, String(name), 'weight file');
      try {
        shards.push(await readFile(path));
      } catch {
        throw invalidParameter(`The weight file '${name}' named in ${MODEL_JSON} is missing`);
      }
    }
  }
  return [specs, joinBuffers(shards)];
}

function joinBuffers(parts: readonly (Uint8Array | ArrayBuffer)[]): ArrayBuffer {
  const bytes = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out.buffer;
}

/** An IOHandler that loads the TF.js model in `dir` (for `loadLayersModel` / `loadGraphModel`). */
export function directoryLoader({ tf }: Tfjs, dir: string): io.IOHandler {
  return {
    load: async () =>
      tf.io.getModelArtifactsForJSON(await readModelJson(dir), (manifest) => readWeights(dir, manifest)),
  };
}

/** Writes `artifacts` to `dir` as `model.json` + one weight shard; returns the files written. */
export async function writeTfjsArtifacts(dir: string, artifacts: io.ModelArtifacts): Promise<string[]> {
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
    throw invalidParameter('A TF.js model to save needs a JSON modelTopology');
  }
  await mkdir(dir, { recursive: true });
  const data = artifacts.weightData;
  const weights = data === undefined ? undefined : joinBuffers(Array.isArray(data) ? data : [data]);
  const json: io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: weights ? [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }] : [],
  };
  // The optional parts tfjs-converter writes when a model has them.
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature) json.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer) json.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature) json.initializerSignature = artifacts.initializerSignature;
  await writeFile(join(dir, MODEL_JSON), JSON.stringify(json));
  if (!weights) return [MODEL_JSON];
  await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
  return [MODEL_JSON, WEIGHTS_FILE];
}

/** An IOHandler whose `save` writes into `dir` (for `model.save(handler)`). */
export function directorySaver(dir: string): io.IOHandler {
  return {
    save: async (artifacts) => {
      await writeTfjsArtifacts(dir, artifacts);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: artifacts.weightData ? joinBuffers([artifacts.weightData].flat()).byteLength : 0,
        },
      };
    },
  };
}

/**
 * Copies a TF.js model directory (e.g. `tensorflowjs_converter` output) into `dest` as it is:
 * `model.json` and the shards it names, nothing else. Returns the model's `format`.
 */
export async function copyTfjsDirectory(src: string, dest: string): Promise<string | undefined> {
  const json = await readModelJson(src);
  await mkdir(dest, { recursive: true });
  await copyFile(join(src, MODEL_JSON), join(dest, MODEL_JSON));
  for (const name of json.weightsManifest.flatMap((g) => g.paths)) {
    const from = pathInside(src, String(name), 'weight file');
    const to = join(dest, relative(resolve(src), from));
    await mkdir(dirname(to), { recursive: true });
    await copyFile(from, to);
  }
  return json.format ?? (isGraphTopology(json.modelTopology) ? 'graph-model' : 'layers-model');
}

/** A graph model's topology is a GraphDef (a `node` list); a layers model's is a Keras config. */
export function isGraphTopology(topology: unknown): boolean {
  return (
    typeof topology === 'object' && topology !== null && Array.isArray((topology as { node?: unknown }).node)
  );
}
