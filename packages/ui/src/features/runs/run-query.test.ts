import { describe, expect, it } from 'vitest';
import { experimentIdsOf, nextSort, orderByClause, parseRunsQuery, runsQueryParams } from './run-query';

describe('runs query', () => {
  it('round-trips through the URL', () => {
    const q = parseRunsQuery(
      new URLSearchParams(
        'filter=metrics.loss+%3C+1&sort=metrics.val%3Aloss:desc&cols=metrics.loss,params.lr',
      ),
    );
    expect(q).toEqual({
      filter: 'metrics.loss < 1',
      sort: { column: 'metrics.val:loss', dir: 'desc' },
      columns: ['metrics.loss', 'params.lr'],
    });
    expect(runsQueryParams(q)).toEqual({
      filter: 'metrics.loss < 1',
      sort: 'metrics.val:loss:desc',
      cols: 'metrics.loss,params.lr',
    });
  });

  it('has defaults and tolerates hand-edited URLs', () => {
    expect(parseRunsQuery(new URLSearchParams(''))).toEqual({
      filter: '',
      sort: undefined,
      columns: undefined,
    });
    expect(parseRunsQuery(new URLSearchParams('sort=params.lr')).sort).toEqual({
      column: 'params.lr',
      dir: 'asc',
    });
    expect(parseRunsQuery(new URLSearchParams('cols=none')).columns).toEqual([]);
    expect(runsQueryParams({ filter: '', sort: undefined, columns: [] }).cols).toBe('none');
    expect(parseRunsQuery(new URLSearchParams('sort=:desc')).sort).toBeUndefined();
  });

  it('sorts metrics best-last first, then flips', () => {
    expect(nextSort(undefined, 'metrics.loss')).toEqual({ column: 'metrics.loss', dir: 'desc' });
    expect(nextSort(undefined, 'params.lr')).toEqual({ column: 'params.lr', dir: 'asc' });
    expect(nextSort({ column: 'params.lr', dir: 'asc' }, 'params.lr')).toEqual({
      column: 'params.lr',
      dir: 'desc',
    });
  });

  it('writes order_by clauses the server parses, quoting odd keys', () => {
    expect(orderByClause({ column: 'metrics.loss', dir: 'desc' })).toBe('metrics.loss DESC');
    expect(orderByClause({ column: 'attributes.start_time', dir: 'asc' })).toBe('attributes.start_time ASC');
    expect(orderByClause({ column: 'metrics.val loss', dir: 'asc' })).toBe('metrics.`val loss` ASC');
    expect(orderByClause({ column: 'params.a.b', dir: 'asc' })).toBe('params.`a.b` ASC');
  });
});

describe('experimentIdsOf', () => {
  it('reads one or several experiment ids from the path, once each', () => {
    expect(experimentIdsOf('7')).toEqual(['7']);
    expect(experimentIdsOf('1,2, 5,2,')).toEqual(['1', '2', '5']);
  });
});
