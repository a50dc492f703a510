/**
 * The MLproject file: entry points with typed parameters and one environment. Errors name the file,
 * the line and the field path (`entry_points.main.parameters.alpha.type`) so the fix is obvious.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { load, YAMLException } from 'js-yaml';
import { invalidParameter, type LoomError } from '@loom/protocol';
import { lineOfPath } from './yaml-lines';

export const PARAMETER_TYPES = ['string', 'float', 'int', 'path', 'uri'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface ParameterSpec {
  name: string;
  type: ParameterType;
  /** Absent: the user must give a value. */
  default?: string | undefined;
}

export interface EntryPoint {
  name: string;
  /** A Python `str.format` template: `{param}` is replaced by the shell-quoted value. */
  command: string;
  parameters: ParameterSpec[];
}

/** The environment a project declares (paths are relative to the project folder). */
export type ProjectEnv =
  | { kind: 'python'; file: string | undefined }
  | { kind: 'conda'; file: string }
  | { kind: 'docker'; image: string; volumes: string[]; environment: Array<string | [string, string]> }
  | { kind: 'node'; file: string }
  | { kind: 'none' };

export interface Project {
  name: string | undefined;
  env: ProjectEnv;
  entryPoints: Map<string, EntryPoint>;
  /** The MLproject file name as found (matched case-insensitively); undefined when there is none. */
  file: string | undefined;
}

const ENV_KEYS = ['python_env', 'conda_env', 'docker_env', 'node_env'] as const;

/** Reads the project in `dir`: its MLproject file if any, with the env files it names checked. */
export function loadProject(dir: string): Project {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw invalidParameter(`Project folder '${dir}' does not exist`);
  }
  const file = readdirSync(dir).find((f) => f.toLowerCase() === 'mlproject');
  const project: Project = file
    ? parseMlproject(readFileSync(join(dir, file), 'utf8'), file)
    : { name: undefined, env: { kind: 'none' }, entryPoints: new Map(), file: undefined };
  if (project.env.kind === 'none') project.env = detectEnv(dir);
  const envFile = 'file' in project.env ? project.env.file : undefined;
  if (envFile !== undefined && !existsSync(join(dir, envFile))) {
    throw invalidParameter(
      `${project.file ?? 'Project'}: environment file '${envFile}' does not exist in ${dir}`,
    );
  }
  return project;
}

/** With no env key, MLflow uses python_env.yaml, else conda.yaml, when the folder has one. */
function detectEnv(dir: string): ProjectEnv {
  if (existsSync(join(dir, 'python_env.yaml'))) return { kind: 'python', file: 'python_env.yaml' };
  if (existsSync(join(dir, 'conda.yaml'))) return { kind: 'conda', file: 'conda.yaml' };
  return { kind: 'none' };
}

/** Parses MLproject text; `fileName` is used in messages. */
export function parseMlproject(text: string, fileName = 'MLproject'): Project {
  let doc: unknown;
  try {
    doc = load(text, { filename: fileName });
  } catch (err) {
    if (err instanceof YAMLException) {
      const where = err.mark ? ` line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
      throw invalidParameter(`${fileName}${where}: invalid YAML: ${err.reason}`);
    }
    throw err;
  }
  const fail = (path: string[], problem: string): LoomError => {
    const line = lineOfPath(text, path);
    const at = line === undefined ? '' : ` line ${line}`;
    return invalidParameter(`${fileName}${at}: ${path.join('.') || '(top level)'}: ${problem}`);
  };
  if (doc === undefined || doc === null) doc = {};
  if (!isMap(doc)) throw fail([], 'expected a mapping of keys (name, entry_points, ...)');

  const name = doc.name;
  if (name !== undefined && name !== null && typeof name !== 'string' && typeof name !== 'number') {
    throw fail(['name'], 'expected a string');
  }
  const present = ENV_KEYS.filter((k) => doc[k] !== undefined && doc[k] !== null);
  if (present.length > 1) {
    throw fail([present[1]!], `Project cannot contain multiple environment fields (${present.join(', ')})`);
  }
  return {
    name: name === undefined || name === null ? undefined : String(name),
    env: present[0] ? parseEnv(present[0], doc[present[0]], fail) : { kind: 'none' },
    entryPoints: parseEntryPoints(doc.entry_points, fail),
    file: fileName,
  };
}

type Fail = (path: string[], problem: string) => LoomError;

function parseEnv(key: (typeof ENV_KEYS)[number], value: unknown, fail: Fail): ProjectEnv {
  if (key !== 'docker_env') {
    if (typeof value !== 'string' || value === '') throw fail([key], 'expected the path of a file');
    if (key === 'python_env') return { kind: 'python', file: value };
    if (key === 'conda_env') return { kind: 'conda', file: value };
    return { kind: 'node', file: value };
  }
  if (!isMap(value)) throw fail([key], 'expected a mapping with at least `image`');
  if (typeof value.image !== 'string' || value.image === '') {
    throw fail([key, 'image'], 'expected the name of a Docker image');
  }
  const volumes = value.volumes ?? [];
  if (!Array.isArray(volumes) || !volumes.every((v) => typeof v === 'string')) {
    throw fail([key, 'volumes'], "expected a list of 'host:container' strings");
  }
  const environment = value.environment ?? [];
  const entryOk = (e: unknown) =>
    typeof e === 'string' ||
    (Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && e[1] !== null && e[1] !== undefined);
  if (!Array.isArray(environment) || !environment.every(entryOk)) {
    throw fail([key, 'environment'], "expected a list of variable names to copy or ['NAME', 'value'] pairs");
  }
  return {
    kind: 'docker',
    image: value.image,
    volumes: volumes as string[],
    environment: environment.map((e) =>
      typeof e === 'string' ? e : ([String(e[0]), String(e[1])] as [string, string]),
    ),
  };
}

function parseEntryPoints(value: unknown, fail: Fail): Map<string, EntryPoint> {
  const entryPoints = new Map<string, EntryPoint>();
  if (value === undefined || value === null) return entryPoints;
  if (!isMap(value)) throw fail(['entry_points'], 'expected a mapping of entry point names');
  for (const [name, raw] of Object.entries(value)) {
    const path = ['entry_points', name];
    if (!isMap(raw)) throw fail(path, 'expected a mapping with `command` (and optional `parameters`)');
    if (typeof raw.command !== 'string' || raw.command.trim() === '') {
      throw fail([...path, 'command'], 'expected the shell command to run');
    }
    const parameters = parseParameters(raw.parameters, path, fail);
    checkPlaceholders(raw.command, parameters, [...path, 'command'], fail);
    entryPoints.set(name, { name, command: raw.command, parameters });
  }
  return entryPoints;
}

function parseParameters(value: unknown, entryPath: string[], fail: Fail): ParameterSpec[] {
  if (value === undefined || value === null) return [];
  const path = [...entryPath, 'parameters'];
  if (!isMap(value)) throw fail(path, 'expected a mapping of parameter names');
  return Object.entries(value).map(([name, raw]) => {
    const paramPath = [...path, name];
    if (typeof raw === 'string' || raw === null) {
      return { name, type: parseType(raw ?? 'string', paramPath, fail) };
    }
    if (!isMap(raw)) throw fail(paramPath, 'expected a type name or a mapping with `type` and `default`');
    const type = parseType(raw.type ?? 'string', [...paramPath, 'type'], fail);
    const dflt = raw.default;
    if (dflt !== undefined && dflt !== null && typeof dflt === 'object') {
      throw fail([...paramPath, 'default'], 'expected a single value, not a list or mapping');
    }
    return { name, type, default: dflt === undefined || dflt === null ? undefined : scalarText(dflt) };
  });
}

function parseType(value: unknown, path: string[], fail: Fail): ParameterType {
  if (typeof value === 'string' && (PARAMETER_TYPES as readonly string[]).includes(value)) {
    return value as ParameterType;
  }
  throw fail(path, `unknown type '${String(value)}' (expected one of ${PARAMETER_TYPES.join(', ')})`);
}

/** Every `{name}` in a command must be a declared parameter (else the command could never render). */
function checkPlaceholders(command: string, params: ParameterSpec[], path: string[], fail: Fail): void {
  const declared = new Set(params.map((p) => p.name));
  let names: string[];
  try {
    names = templateFields(command);
  } catch (err) {
    throw fail(path, (err as Error).message);
  }
  const unknown = names.filter((n) => !declared.has(n));
  if (unknown.length > 0) {
    throw fail(path, `uses {${unknown[0]}}, which is not a declared parameter of this entry point`);
  }
}

/** The field names of a `str.format` template; `{{` and `}}` are literal braces. */
export function templateFields(template: string): string[] {
  const names: string[] = [];
  for (const part of splitTemplate(template)) if (typeof part !== 'string') names.push(part.field);
  return names;
}

/** A template as literal text and `{field}` parts, in order. */
export function splitTemplate(template: string): Array<string | { field: string }> {
  const parts: Array<string | { field: string }> = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '{' && template[i + 1] === '{') {
      text += '{';
      i++;
    } else if (c === '}' && template[i + 1] === '}') {
      text += '}';
      i++;
    } else if (c === '{') {
      const end = template.indexOf('}', i);
      if (end === -1) throw new Error(`unclosed '{' at character ${i + 1}`);
      const field = template.slice(i + 1, end).trim();
      if (!/^[A-Za-z_][\w.-]*$/.test(field)) {
        throw new Error(`'{${field}}' is not a parameter reference (write '{{' for a literal brace)`);
      }
      if (text) parts.push(text);
      text = '';
      parts.push({ field });
      i = end;
    } else if (c === '}') {
      throw new Error(`single '}' at character ${i + 1} (write '}}' for a literal brace)`);
    } else {
      text += c;
    }
  }
  if (text) parts.push(text);
  return parts;
}

/** Scalars as text the way YAML wrote them (numbers and booleans too). */
function scalarText(v: unknown): string {
  return String(v);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
