/**
 * `virtualenv`: a Python venv made from python_env.yaml (`python`, `build_dependencies`,
 * `dependencies`), cached under `<cache>/virtualenv/<hash of the spec>` and reused while the spec
 * is unchanged. The venv's bin folder comes first on PATH, as `activate` would do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { invalidParameter } from '@loom/protocol';
import { cacheKey } from '../cache-key';
import { exec } from '../exec';
import { ensureCachedFolder } from './cached-folder';
import { hostShell, type EnvironmentContext, type EnvironmentManager } from './environment';

export interface PythonEnvSpec {
  /** e.g. "3.11" or "3.11.7"; undefined: whatever python3 is. */
  python: string | undefined;
  buildDependencies: string[];
  dependencies: string[];
}

/** Parses python_env.yaml text. */
export function parsePythonEnv(text: string, fileName = 'python_env.yaml'): PythonEnvSpec {
  const doc = (load(text) ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw invalidParameter(`${fileName}: expected a mapping`);
  const list = (key: string): string[] => {
    const v = doc[key] ?? [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || typeof x === 'number')) {
      throw invalidParameter(`${fileName}: ${key}: expected a list of requirement strings`);
    }
    return v.map(String);
  };
  const python = doc.python;
  if (python !== undefined && python !== null && typeof python !== 'string' && typeof python !== 'number') {
    throw invalidParameter(`${fileName}: python: expected a version such as "3.11"`);
  }
  return {
    python: python === undefined || python === null ? undefined : String(python),
    buildDependencies: list('build_dependencies'),
    dependencies: list('dependencies'),
  };
}

export const virtualenvEnvironment: EnvironmentManager = {
  name: 'virtualenv',
  async prepare(ctx) {
    const env = ctx.project.env;
    const file = env.kind === 'python' ? env.file : undefined;
    const text = file ? readFileSync(join(ctx.projectDir, file), 'utf8') : '';
    const spec = parsePythonEnv(text, file);
    const python = await findPython(spec.python, ctx.baseEnv);
    const dir = join(ctx.cacheDir, 'virtualenv', cacheKey(python.version, JSON.stringify(spec)));
    const cached = await ensureCachedFolder(dir, (target) => buildVenv(ctx, python.file, target, spec));
    ctx.progress(cached ? `Using cached virtualenv ${dir}` : `Created virtualenv ${dir}`);
    const bin = join(dir, 'bin');
    return {
      name: 'virtualenv',
      tags: {},
      launch: (command, runEnv) => hostShell(ctx, command, runEnv, [bin], { VIRTUAL_ENV: dir }),
    };
  },
};

async function buildVenv(
  ctx: EnvironmentContext,
  python: string,
  dir: string,
  spec: PythonEnvSpec,
): Promise<void> {
  ctx.progress(`Creating virtualenv with ${python} in ${dir}`);
  // Seeding pip takes most of the time (tens of seconds on a busy machine): skip it when nothing is to be installed.
  const needsPip = spec.buildDependencies.length + spec.dependencies.length > 0;
  await exec(python, ['-m', 'venv', ...(needsPip ? [] : ['--without-pip']), dir], { env: ctx.baseEnv });
  const pip = (args: string[]) =>
    exec(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', ...args], {
      cwd: ctx.projectDir,
      env: ctx.baseEnv,
    });
  if (spec.buildDependencies.length > 0) {
    ctx.progress(`Installing build dependencies: ${spec.buildDependencies.join(' ')}`);
    await pip(spec.buildDependencies);
  }
  if (spec.dependencies.length > 0) {
    ctx.progress(`Installing dependencies: ${spec.dependencies.join(' ')}`);
    await pip(spec.dependencies);
  }
}

/** The interpreter for `wanted` (python3.X first, then python3 when its version matches). */
async function findPython(
  wanted: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ file: string; version: string }> {
  const minor = wanted?.split('.').slice(0, 2).join('.');
  const candidates = minor ? [`python${minor}`, 'python3'] : ['python3'];
  const found: string[] = [];
  for (const file of candidates) {
    const version = await exec(file, ['-c', 'import platform; print(platform.python_version())'], {
      env,
    }).then(
      (r) => r.stdout.trim(),
      () => undefined,
    );
    if (version === undefined) continue;
    found.push(`${file} is ${version}`);
    if (!wanted || version === wanted || version.startsWith(`${wanted}.`)) return { file, version };
  }
  throw invalidParameter(
    `python_env.yaml asks for Python ${wanted}, which is not installed ` +
      `(${found.length > 0 ? found.join('; ') : 'no python3 on PATH'}); install it or change \`python:\``,
  );
}
