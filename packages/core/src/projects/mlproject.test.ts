import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, parseMlproject } from './mlproject';

const VALID = `name: demo
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.1}
      data: path
      name: {default: "x y"}
      count:
        type: int
        default: 3
    command: "python train.py --alpha {alpha} --data {data} {{literal}}"
  other:
    command: echo hi
`;

describe('parseMlproject', () => {
  it('reads name, environment, entry points, parameter types and defaults', () => {
    const project = parseMlproject(VALID);
    expect(project.name).toBe('demo');
    expect(project.env).toEqual({ kind: 'python', file: 'python_env.yaml' });
    expect([...project.entryPoints.keys()]).toEqual(['main', 'other']);
    expect(project.entryPoints.get('main')!.parameters).toEqual([
      { name: 'alpha', type: 'float', default: '0.1' },
      { name: 'data', type: 'path' },
      { name: 'name', type: 'string', default: 'x y' },
      { name: 'count', type: 'int', default: '3' },
    ]);
    expect(project.entryPoints.get('other')!.parameters).toEqual([]);
  });

  it('reads docker_env with volumes and both kinds of environment entries', () => {
    const project = parseMlproject(`docker_env:
  image: python:3.11
  volumes: ["/data:/data"]
  environment: [HOME, ["MODE", "fast"]]
`);
    expect(project.env).toEqual({
      kind: 'docker',
      image: 'python:3.11',
      volumes: ['/data:/data'],
      environment: ['HOME', ['MODE', 'fast']],
    });
  });

  it('names line and column of YAML syntax errors', () => {
    const text = 'name: demo\nentry_points:\n  main:\n    command: "unclosed\n';
    expect(() => parseMlproject(text)).toThrow(/^MLproject line \d+, column \d+: invalid YAML/);
  });

  it('names line and field path of an unknown parameter type', () => {
    const text = VALID.replace('type: int', 'type: integer');
    expect(() => parseMlproject(text)).toThrow(
      "MLproject line 10: entry_points.main.parameters.count.type: unknown type 'integer' " +
        '(expected one of string, float, int, path, uri)',
    );
  });

  it('names the line of an entry point without a command', () => {
    const text = 'entry_points:\n  main:\n    parameters: {a: string}\n  second:\n    parameters: {}\n';
    expect(() => parseMlproject(text)).toThrow(
      'MLproject line 2: entry_points.main.command: expected the shell command to run',
    );
  });

  it('rejects a command that uses an undeclared parameter or a lone brace', () => {
    expect(() => parseMlproject('entry_points:\n  main:\n    command: "run {beta}"\n')).toThrow(
      'MLproject line 3: entry_points.main.command: uses {beta}, which is not a declared parameter of this entry point',
    );
    expect(() => parseMlproject('entry_points:\n  main:\n    command: "awk \'{print $1}\'"\n')).toThrow(
      /entry_points\.main\.command: '\{print \$1\}' is not a parameter reference \(write '\{\{' for a literal brace\)/,
    );
  });

  it('rejects two environment fields', () => {
    expect(() => parseMlproject('python_env: a.yaml\nconda_env: b.yaml\n')).toThrow(
      'MLproject line 2: conda_env: Project cannot contain multiple environment fields (python_env, conda_env)',
    );
  });

  it('rejects a docker_env without image and a non-mapping file', () => {
    expect(() => parseMlproject('docker_env:\n  volumes: []\n')).toThrow(
      'MLproject line 1: docker_env.image: expected the name of a Docker image',
    );
    expect(() => parseMlproject('- a\n- b\n')).toThrow('MLproject: (top level): expected a mapping');
  });
});

describe('loadProject', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the MLproject file case-insensitively and checks the env file exists', () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-mlproject-'));
    writeFileSync(join(dir, 'mlproject'), 'conda_env: env.yaml\nentry_points: {main: {command: "true"}}\n');
    expect(() => loadProject(dir)).toThrow("mlproject: environment file 'env.yaml' does not exist");
    writeFileSync(join(dir, 'env.yaml'), 'name: x\n');
    expect(loadProject(dir).env).toEqual({ kind: 'conda', file: 'env.yaml' });
  });

  it('without MLproject: no entry points, python_env.yaml picked up when present', () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-mlproject-'));
    expect(loadProject(dir)).toMatchObject({ file: undefined, env: { kind: 'none' } });
    writeFileSync(join(dir, 'python_env.yaml'), 'dependencies: []\n');
    const project = loadProject(dir);
    expect(project.env).toEqual({ kind: 'python', file: 'python_env.yaml' });
    expect(project.entryPoints.size).toBe(0);
  });
});
