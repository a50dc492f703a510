import { describe, expect, it } from 'vitest';
import { toYaml } from './yaml';

describe('toYaml', () => {
  it('writes nested maps and lists in block style', () => {
    expect(toYaml({ model: { layers: [64, 32], act: 'relu' }, runs: [{ id: 1, ok: true }, 'x'] })).toBe(
      'model:\n  layers:\n    - 64\n    - 32\n  act: relu\nruns:\n  - id: 1\n    ok: true\n  - x\n',
    );
  });

  it('quotes strings that would read back as something else', () => {
    expect(toYaml({ a: 'yes', b: '12', c: ' pad', d: 'a: b', e: '', f: 'null', g: 'plain text' })).toBe(
      'a: "yes"\nb: "12"\nc: " pad"\nd: "a: b"\ne: ""\nf: "null"\ng: plain text\n',
    );
  });

  it('writes empty containers, null and non-finite numbers', () => {
    expect(toYaml({ a: [], b: {}, c: null, d: NaN, e: -Infinity })).toBe(
      'a: []\nb: {}\nc: null\nd: .nan\ne: -.inf\n',
    );
    expect(toYaml([])).toBe('[]\n');
    expect(toYaml('s')).toBe('s\n');
  });
});
