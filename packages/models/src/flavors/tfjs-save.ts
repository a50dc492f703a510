/**
 * Saves a TF.js model as a Loom model directory: `model/` (model.json + weight shard), MLmodel with the
 * `tfjs` flavor, examples and a package.json pinning the TF.js packages it loads with.
 */
import { join } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { invalidParameter } from '@loom/protocol';
import type { MLmodel } from '../mlmodel';
import { writeNodeEnvironment } from '../model-files';
import { writeSavedMLmodel, type SaveModelOptions } from '../save-model';
import { TFJS_FORMATS, type TfjsFormat } from './tfjs';
import { copyTfjsDirectory, isGraphTopology, writeTfjsArtifacts } from './tfjs-io';
import { TFJS_VERSION } from './tfjs-runtime';

/** Where the TF.js files go inside a saved model directory (the flavor's `data`). */
export const TFJS_DATA_DIR = 'model';

/** A model that saves itself through an IOHandler: a tfjs-layers LayersModel or a tfjs-converter GraphModel. */
export interface SavableTfjsModel {
  save(handler: io.IOHandler): Promise<unknown>;
}

/** What `saveTfjsModel` takes: a model, its artifacts, or the path of a folder with model.json + shards. */
export type TfjsModelSource = SavableTfjsModel | io.ModelArtifacts | string;

export type SaveTfjsOptions = SaveModelOptions;

const isSavable = (m: unknown): m is SavableTfjsModel => typeof (m as { save?: unknown }).save === 'function';

/** The artifacts a model hands its IOHandler on `save`, kept in memory. */
async function captureArtifacts(model: SavableTfjsModel): Promise<io.ModelArtifacts> {
  let captured: io.ModelArtifacts | undefined;
  await model.save({
    save: async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  if (!captured) throw invalidParameter('The TF.js model saved nothing');
  return captured;
}

/**
 * Writes `model` — a LayersModel/GraphModel, its `ModelArtifacts`, or the path of a directory holding
 * `model.json` and its shards (e.g. `tensorflowjs_converter` output, copied as is) — as a tfjs model.
 */
export async function saveTfjsModel(
  dir: string,
  model: TfjsModelSource,
  options: SaveTfjsOptions = {},
): Promise<MLmodel> {
  const dataDir = join(dir, TFJS_DATA_DIR);
  let format: string | undefined;
  if (typeof model === 'string') {
    format = await copyTfjsDirectory(model, dataDir);
  } else {
    const artifacts = isSavable(model) ? await captureArtifacts(model) : model;
    format = artifacts.format ?? (isGraphTopology(artifacts.modelTopology) ? 'graph-model' : 'layers-model');
    await writeTfjsArtifacts(dataDir, artifacts);
  }
  if (!TFJS_FORMATS.includes(format as TfjsFormat)) {
    throw invalidParameter(`A TF.js model of format '${format}' is neither a layers-model nor a graph-model`);
  }
  const loader = format === 'layers-model' ? '@tensorflow/tfjs-layers' : '@tensorflow/tfjs-converter';
  await writeNodeEnvironment(dir, {
    '@tensorflow/tfjs-core': TFJS_VERSION,
    '@tensorflow/tfjs-backend-cpu': TFJS_VERSION,
    [loader]: TFJS_VERSION,
  });
  return writeSavedMLmodel(
    dir,
    { tfjs: { model_format: format, data: TFJS_DATA_DIR, tfjs_version: TFJS_VERSION } },
    options,
  );
}
