import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMlproject } from './mlproject';
import { parseParamArgs, renderCommand, resolveEntryPoint } from './parameters';
import { shellQuote } from './shell-quote';

const HOSTILE = [
  '',
  'plain',
  "it's",
  'a b',
  '$(touch /tmp/loom-pwned)',
  '`id`',
  '"; rm -rf / #',
  "'\"'\"'",
  'line\nbreak',
  '*',
  '~root',
  '--flag=x',
  'ünïcödé',
  '\\',
  '!history',
];

/** What bash receives as argument 1 when `word` is pasted into a command line. */
function echoedBy(word: string): string {
  return execFileSync('bash', ['-c', `printf %s ${word}`], { encoding: 'utf8' });
}

describe('shellQuote', () => {
  it('leaves safe words alone and quotes the rest like shlex.quote', () => {
    expect(shellQuote('abc-1.2/x:y=z@w%+,')).toBe('abc-1.2/x:y=z@w%+,');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote('a b')).toBe("'a b'");
  });

  it.each(HOSTILE)('a real bash receives %j unchanged, as one word', (value) => {
    expect(echoedBy(shellQuote(value))).toBe(value);
  });
});

const project = parseMlproject(`entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      epochs: {type: int, default: 10}
      name: string
      data: {type: path, default: data.csv}
      source: {type: uri, default: "s3://bucket/key"}
    command: "train --alpha {alpha} --epochs {epochs} --name {name} --data {data} --src {source} {{x}}"
`);
const main = project.entryPoints.get('main')!;
const cwd = mkdtempSync(join(tmpdir(), 'loom-params-'));
writeFileSync(join(cwd, 'data.csv'), 'a,b\n');
mkdirSync(join(cwd, 'other dir'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('renderCommand', () => {
  it('fills defaults, quotes values, makes paths absolute and keeps literal braces', () => {
    const out = renderCommand(main, [['name', "O'Brien; ls"]], cwd);
    expect(out.command).toBe(
      `train --alpha 0.5 --epochs 10 --name 'O'"'"'Brien; ls' --data ${join(cwd, 'data.csv')} --src s3://bucket/key {x}`,
    );
    expect(out.params).toEqual([
      ['alpha', '0.5'],
      ['epochs', '10'],
      ['name', "O'Brien; ls"],
      ['data', 'data.csv'],
      ['source', 's3://bucket/key'],
    ]);
  });

  it('appends undeclared parameters as --name value, in the order given, quoted', () => {
    const out = renderCommand(
      main,
      [
        ['extra', '$(id)'],
        ['name', 'n'],
        ['z', '1'],
      ],
      cwd,
    );
    expect(out.command.endsWith(` {x} --extra '$(id)' --z 1`)).toBe(true);
    expect(out.params.slice(-2)).toEqual([
      ['extra', '$(id)'],
      ['z', '1'],
    ]);
  });

  it('lists every missing required parameter', () => {
    const strict = parseMlproject(
      'entry_points:\n  m:\n    parameters: {a: string, b: int, c: {default: 1}}\n    command: "x {a} {b} {c}"\n',
    );
    expect(() => renderCommand(strict.entryPoints.get('m')!, [], cwd)).toThrow(
      "No value given for missing parameters: 'a', 'b'",
    );
  });

  it.each([
    ['epochs', '1.5', /'epochs' is of type int: expected an integer, got '1.5'/],
    ['alpha', 'fast', /'alpha' is of type float: expected a number, got 'fast'/],
    ['source', 'no-scheme/path', /'source' is of type uri: expected a URI with a scheme/],
    [
      'data',
      'missing.csv',
      /Got value 'missing.csv' for parameter 'data', but no such file or directory was found/,
    ],
    ['data', 's3://bucket/file', /downloading path parameters is not supported yet/],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() =>
      renderCommand(
        main,
        [
          ['name', 'n'],
          [name, value],
        ],
        cwd,
      ),
    ).toThrow(message);
  });

  it('accepts Python float syntax and relative folders with spaces for paths', () => {
    for (const v of ['1e-3', '-.5', '3.', 'inf', 'NaN', '+2E+10']) {
      expect(
        renderCommand(
          main,
          [
            ['name', 'n'],
            ['alpha', v],
          ],
          cwd,
        ).params[0],
      ).toEqual(['alpha', v]);
    }
    const out = renderCommand(
      main,
      [
        ['name', 'n'],
        ['data', 'other dir'],
      ],
      cwd,
    );
    expect(out.command).toContain(`--data '${join(cwd, 'other dir')}'`);
  });
});

describe('parseParamArgs', () => {
  it('splits at the first = and rejects duplicates and missing =', () => {
    expect(parseParamArgs(['a=1', 'b=x=y', 'c='])).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['c', ''],
    ]);
    expect(() => parseParamArgs(['a=1', 'a=2'])).toThrow("Parameter 'a' was given more than once");
    expect(() => parseParamArgs(['novalue'])).toThrow("Parameter 'novalue' must look like name=value");
  });
});

describe('resolveEntryPoint', () => {
  it('runs scripts by extension when no entry point has their name', () => {
    for (const file of ['train.py', 'run.sh', 'main.js', 'main.ts']) writeFileSync(join(cwd, file), '');
    const none = parseMlproject('');
    expect(resolveEntryPoint(none, cwd, 'train.py').command).toBe('python train.py');
    expect(resolveEntryPoint(none, cwd, 'run.sh', '/bin/zsh').command).toBe('/bin/zsh run.sh');
    expect(resolveEntryPoint(none, cwd, 'main.js').command).toBe('node main.js');
    expect(resolveEntryPoint(none, cwd, 'main.ts').command).toBe('tsx main.ts');
  });

  it('says which entry points exist when the name is neither declared nor a script', () => {
    expect(() => resolveEntryPoint(project, cwd, 'train')).toThrow(
      "Could not find entry point 'train' among entry points 'main', nor run it as a script",
    );
    expect(() => resolveEntryPoint(project, cwd, 'absent.py')).toThrow(
      "Entry point 'absent.py' is not among entry points 'main', and no such script exists",
    );
  });
});
