/**
 * The `js_function` flavor, Loom's analog of `python_function` with custom code: a JavaScript module
 * saved with the model (`code/<file>`) that exports `predict(input, params)`. The input it receives
 * is plain JSON: records for a data frame, a nested list for a tensor, a dict of nested lists for
 * named tensors. Whatever it returns (or resolves to) is the prediction.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalidParameter } from '@loom/protocol';
import type { FlavorConfig, MLmodel } from '../mlmodel';
import { writeNodeEnvironment } from '../model-files';
import { toNested, type ModelInput } from '../model-input';
import { writeSavedMLmodel, type SaveModelOptions } from '../save-model';
import type { FlavorLoader, LoadedModel } from './flavor';

type PredictFn = (input: unknown, params?: Record<string, unknown>) => unknown;

/** The plain-JSON form of an input that a JavaScript `predict` receives. */
export function plainInput(input: ModelInput): unknown {
  if (input.kind === 'tensor') return toNested(input.array.shape, input.array.data);
  if (input.kind === 'tensors') {
    return Object.fromEntries(Object.entries(input.arrays).map(([k, a]) => [k, toNested(a.shape, a.data)]));
  }
  const { columns, values, rowCount } = input.frame;
  return Array.from({ length: rowCount }, (_, r) =>
    Object.fromEntries(columns.map((c) => [c, values.get(c)![r]])),
  );
}

/** Loads `js_function` models: imports the saved module and calls its `predict`. */
export const jsFunctionFlavor: FlavorLoader = {
  name: 'js_function',
  async load(dir: string, config: FlavorConfig): Promise<LoadedModel> {
    if (typeof config.module !== 'string') throw invalidParameter('The js_function flavor needs `module`');
    const mod = (await import(pathToFileURL(resolve(dir, config.module)).href)) as { predict?: unknown };
    if (typeof mod.predict !== 'function') {
      throw invalidParameter(
        `The module '${config.module}' of this js_function model exports no predict function`,
      );
    }
    const predict = mod.predict as PredictFn;
    return {
      flavor: 'js_function',
      predict: async (input, params) => predict(plainInput(input), params),
      close: async () => {},
    };
  },
};

export interface SaveJsFunctionOptions extends SaveModelOptions {
  /** Exact versions of the packages the module imports. */
  dependencies?: Record<string, string> | undefined;
}

/** Saves `modulePath` (an ES module exporting `predict`) as a js_function model in `dir`. */
export async function saveJsFunctionModel(
  dir: string,
  modulePath: string,
  options: SaveJsFunctionOptions = {},
): Promise<MLmodel> {
  await mkdir(join(dir, 'code'), { recursive: true });
  const file = `code/${basename(modulePath)}`;
  await copyFile(modulePath, join(dir, file));
  await writeNodeEnvironment(dir, options.dependencies ?? {});
  return writeSavedMLmodel(
    dir,
    { js_function: { module: file, node_version: process.versions.node, env: { npm: 'package.json' } } },
    options,
  );
}
