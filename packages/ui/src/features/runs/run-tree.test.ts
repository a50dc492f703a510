import { describe, expect, it } from 'vitest';
import type { RunJson } from '@loom/protocol';
import { groupRuns } from './run-tree';

function run(id: string, parent?: string): RunJson {
  return {
    info: {
      run_id: id,
      run_uuid: id,
      run_name: id,
      experiment_id: '1',
      user_id: '',
      status: 'FINISHED',
      start_time: 0,
      artifact_uri: '',
      lifecycle_stage: 'active',
    },
    data: { tags: parent ? [{ key: 'mlflow.parentRunId', value: parent }] : [] },
  };
}

const shape = (rows: ReturnType<typeof groupRuns>) =>
  rows.map(
    (r) =>
      `${'  '.repeat(r.depth)}${r.run.info.run_id}${r.childCount ? `(${r.childCount}${r.expanded ? '-' : '+'})` : ''}`,
  );

describe('groupRuns', () => {
  // Server order: newest first, children interleaved with other runs.
  const runs = [run('c2', 'p'), run('x'), run('c1', 'p'), run('g', 'c1'), run('p'), run('orphan', 'gone')];

  it('shows parents collapsed, with their children hidden, in the server order', () => {
    expect(shape(groupRuns(runs, new Set()))).toEqual(['x', 'p(2+)', 'orphan']);
  });

  it('lists the children of an expanded parent under it, nested as deep as they go', () => {
    expect(shape(groupRuns(runs, new Set(['p'])))).toEqual(['x', 'p(2-)', '  c2', '  c1(1+)', 'orphan']);
    expect(shape(groupRuns(runs, new Set(['p', 'c1'])))).toEqual([
      'x',
      'p(2-)',
      '  c2',
      '  c1(1-)',
      '    g',
      'orphan',
    ]);
  });

  it('keeps every run of a parent cycle reachable, without looping', () => {
    const cycle = [run('a', 'b'), run('b', 'a')];
    expect(shape(groupRuns(cycle, new Set()))).toEqual(['a(1+)']);
    expect(groupRuns(cycle, new Set(['a', 'b'])).map((r) => r.run.info.run_id)).toEqual(['a', 'b']);
  });

  it('treats a run that names itself as parent as top-level', () => {
    expect(shape(groupRuns([run('self', 'self')], new Set()))).toEqual(['self']);
  });
});
