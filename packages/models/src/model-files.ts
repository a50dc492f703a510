/**
 * The files around a model's flavor data: input examples (`input_example.json`,
 * `serving_input_example.json`) and environment files — a `package.json` with exact versions for
 * Node, and conda/virtualenv/pip files so Python MLflow can load the same directory.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputExampleInfo } from './mlmodel';

/** An input example: a data frame (columns + rows) or a tensor (nested list). */
export type InputExample =
  { kind: 'dataframe'; columns: string[]; data: unknown[][] } | { kind: 'ndarray'; value: unknown };

/** Writes both example files; returns MLmodel's `saved_input_example_info`. */
export async function writeInputExample(dir: string, example: InputExample): Promise<InputExampleInfo> {
  if (example.kind === 'dataframe') {
    const split = { columns: example.columns, data: example.data };
    await writeFile(join(dir, 'input_example.json'), JSON.stringify(split));
    await writeFile(
      join(dir, 'serving_input_example.json'),
      JSON.stringify({ dataframe_split: split }, null, 2),
    );
    return {
      artifact_path: 'input_example.json',
      type: 'dataframe',
      pandas_orient: 'split',
      serving_input_path: 'serving_input_example.json',
    };
  }
  await writeFile(join(dir, 'input_example.json'), JSON.stringify({ inputs: example.value }));
  await writeFile(
    join(dir, 'serving_input_example.json'),
    JSON.stringify({ inputs: example.value }, null, 2),
  );
  return {
    artifact_path: 'input_example.json',
    type: 'ndarray',
    serving_input_path: 'serving_input_example.json',
  };
}

/** The Node environment: the exact packages the flavor loads with. */
export async function writeNodeEnvironment(dir: string, dependencies: Record<string, string>): Promise<void> {
  const pkg = {
    name: 'loom-model',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    dependencies,
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

/** The Python environment files MLflow's pyfunc expects (`requirements.txt` and its wrappers). */
export async function writePythonEnvironment(dir: string, requirements: string[]): Promise<void> {
  await writeFile(join(dir, 'requirements.txt'), `${requirements.join('\n')}\n`);
  const pip = requirements.map((r) => `    - ${r}`).join('\n');
  await writeFile(
    join(dir, 'conda.yaml'),
    `channels:\n- conda-forge\ndependencies:\n- python=3.11\n- pip\n- pip:\n${pip}\nname: mlflow-env\n`,
  );
  await writeFile(
    join(dir, 'python_env.yaml'),
    'python: 3.11\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\ndependencies:\n- -r requirements.txt\n',
  );
}

/** Total bytes of the files under `dir` (MLmodel's `model_size_bytes`). */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await directorySize(path) : (await stat(path)).size;
  }
  return total;
}
