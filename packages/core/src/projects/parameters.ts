/**
 * From an entry point and the user's `-P name=value` pairs to the final command: types checked,
 * defaults filled in, `{param}` replaced by shell-quoted values, undeclared parameters appended as
 * ` --name value` (MLflow's behaviour). Everything is checked before any run exists.
 */
import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidParameter } from '@loom/protocol';
import { splitTemplate, type EntryPoint, type ParameterSpec, type Project } from './mlproject';
import { shellQuote } from './shell-quote';

/** Commands for entry points that name a script file instead of a declared entry point. */
const SCRIPT_RUNNERS: Record<string, (file: string, shell: string) => string> = {
  '.py': (file) => `python ${shellQuote(file)}`,
  '.sh': (file, shell) => `${shell} ${shellQuote(file)}`,
  '.js': (file) => `node ${shellQuote(file)}`,
  '.mjs': (file) => `node ${shellQuote(file)}`,
  '.ts': (file) => `tsx ${shellQuote(file)}`,
};

/**
 * The entry point `name` of `project`: a declared one, else a script in `projectDir` run by its
 * extension (`shell` runs `.sh`, MLflow's `$SHELL`).
 */
export function resolveEntryPoint(
  project: Project,
  projectDir: string,
  name: string,
  shell = 'bash',
): EntryPoint {
  const declared = project.entryPoints.get(name);
  if (declared) return declared;
  const runner = SCRIPT_RUNNERS[extname(name).toLowerCase()];
  const known = [...project.entryPoints.keys()];
  const listed =
    known.length > 0 ? `entry points ${known.map((k) => `'${k}'`).join(', ')}` : 'no declared entry points';
  if (!runner) {
    throw invalidParameter(
      `Could not find entry point '${name}' among ${listed}, nor run it as a script ` +
        `(supported extensions: ${Object.keys(SCRIPT_RUNNERS).join(', ')})`,
    );
  }
  if (!existsSync(join(projectDir, name))) {
    throw invalidParameter(
      `Entry point '${name}' is not among ${listed}, and no such script exists in ${projectDir}`,
    );
  }
  return { name, command: runner(name, shell), parameters: [] };
}

/** `-P` pairs as given on the command line, in order. */
export type UserParams = ReadonlyArray<readonly [string, string]>;

/** Parses `name=value` strings (value may contain `=`); duplicate names are an error, as in MLflow. */
export function parseParamArgs(args: readonly string[]): Array<[string, string]> {
  const seen = new Set<string>();
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw invalidParameter(`Parameter '${arg}' must look like name=value`);
    const name = arg.slice(0, eq);
    if (seen.has(name)) throw invalidParameter(`Parameter '${name}' was given more than once`);
    seen.add(name);
    return [name, arg.slice(eq + 1)];
  });
}

export interface ResolvedCommand {
  /** The shell command to run in the project folder. */
  command: string;
  /** What to log as the run's params: declared (given or default) then extras, values as given. */
  params: Array<[string, string]>;
}

/**
 * Checks `userParams` against `entry` and renders its command. `cwd` resolves relative `path`
 * parameters (the user's folder, as MLflow does), which are handed to the command as absolute paths.
 */
export function renderCommand(entry: EntryPoint, userParams: UserParams, cwd: string): ResolvedCommand {
  const given = new Map(userParams);
  const declared = new Set(entry.parameters.map((p) => p.name));
  const missing = entry.parameters.filter((p) => !given.has(p.name) && p.default === undefined);
  if (missing.length > 0) {
    throw invalidParameter(
      `No value given for missing parameters: ${missing.map((p) => `'${p.name}'`).join(', ')} ` +
        `(entry point '${entry.name}'; pass them with -P name=value)`,
    );
  }
  const logged: Array<[string, string]> = [];
  const forCommand = new Map<string, string>();
  for (const spec of entry.parameters) {
    const value = given.get(spec.name) ?? spec.default!;
    logged.push([spec.name, value]);
    forCommand.set(spec.name, commandValue(spec, value, cwd));
  }
  let command = splitTemplate(entry.command)
    .map((part) => (typeof part === 'string' ? part : shellQuote(forCommand.get(part.field)!)))
    .join('');
  for (const [name, value] of userParams) {
    if (declared.has(name)) continue;
    logged.push([name, value]);
    command += ` --${shellQuote(name)} ${shellQuote(value)}`;
  }
  return { command, params: logged };
}

/** Python's `float()` syntax: decimals, exponents, inf and nan. */
const FLOAT = /^[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|inf|infinity|nan)$/i;

/** Checks a value against its declared type; `path` values become absolute local paths. */
function commandValue(spec: ParameterSpec, value: string, cwd: string): string {
  const bad = (expected: string) =>
    invalidParameter(
      `Parameter '${spec.name}' is of type ${spec.type}: expected ${expected}, got '${value}'`,
    );
  switch (spec.type) {
    case 'int':
      if (!/^[+-]?\d+$/.test(value.trim())) throw bad('an integer');
      return value;
    case 'float':
      if (!FLOAT.test(value.trim())) throw bad('a number');
      return value;
    case 'uri':
      if (!hasScheme(value)) throw bad("a URI with a scheme (e.g. 's3://bucket/key', 'file:///data')");
      return value;
    case 'path':
      return localPath(spec, value, cwd);
    default:
      return value;
  }
}

function localPath(spec: ParameterSpec, value: string, cwd: string): string {
  if (hasScheme(value) && !value.startsWith('file:')) {
    throw invalidParameter(
      `Parameter '${spec.name}' is a path: '${value}' is a remote URI, and downloading path parameters ` +
        'is not supported yet; download it first and pass the local path',
    );
  }
  const path = value.startsWith('file:') ? fileURLToPath(value) : resolve(cwd, value);
  if (!existsSync(path)) {
    throw invalidParameter(
      `Got value '${value}' for parameter '${spec.name}', but no such file or directory was found`,
    );
  }
  return path;
}

/** True for `scheme:...` (two letters at least, so a Windows drive letter is not a scheme). */
function hasScheme(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]+:/.test(value);
}
