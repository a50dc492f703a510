import { describe, expect, it } from 'vitest';
import { matchRoute, paths, withParams } from './router';

describe('matchRoute', () => {
  it('maps paths to pages and back', () => {
    expect(matchRoute('/')).toEqual({ page: 'experiments' });
    expect(matchRoute('/experiments')).toEqual({ page: 'experiments' });
    expect(matchRoute('/experiments/12')).toEqual({ page: 'runs', experimentId: '12' });
    expect(matchRoute('/experiments/12/compare')).toEqual({ page: 'compare', experimentId: '12' });
    expect(matchRoute('/runs/abc')).toEqual({ page: 'run', runId: 'abc' });
    expect(matchRoute('/runs/abc/x')).toEqual({ page: 'not-found' });
    expect(matchRoute(paths.runs('a b'))).toEqual({ page: 'runs', experimentId: 'a b' });
    expect(paths.runs('1,2')).toBe('/experiments/1,2');
    expect(matchRoute(paths.runs('1,2'))).toEqual({ page: 'runs', experimentId: '1,2' });
  });

  it('maps the registry pages, names with slashes and spaces included', () => {
    expect(matchRoute('/models')).toEqual({ page: 'models' });
    expect(matchRoute(paths.model('team/churn v2'))).toEqual({ page: 'model', name: 'team/churn v2' });
    expect(matchRoute(paths.modelVersion('a/b', '3'))).toEqual({
      page: 'model-version',
      name: 'a/b',
      version: '3',
    });
    expect(
      matchRoute(paths.compareVersions('m', new URLSearchParams('versions=1,2')).split('?')[0]!),
    ).toEqual({
      page: 'compare-versions',
      name: 'm',
    });
    expect(matchRoute('/models/m/versions')).toEqual({ page: 'not-found' });
    // The version page keeps its history filter in the query; none means no `?`.
    expect(paths.modelVersion('m', '3', new URLSearchParams('history=requests'))).toBe(
      '/models/m/versions/3?history=requests',
    );
    expect(paths.modelVersion('m', '3', new URLSearchParams())).toBe('/models/m/versions/3');
  });

  it('maps the registry audit log', () => {
    expect(matchRoute(paths.registryAudit(new URLSearchParams('model=m')).split('?')[0]!)).toEqual({
      page: 'registry-audit',
    });
  });

  it('maps the account and admin pages', () => {
    expect(matchRoute(paths.tokens())).toEqual({ page: 'tokens' });
    expect(matchRoute(paths.adminUsers(new URLSearchParams('user=a')).split('?')[0]!)).toEqual({
      page: 'admin-users',
    });
  });

  it('edits query strings without dropping other keys', () => {
    const q = new URLSearchParams('filter=x&sort=metrics.loss');
    expect(withParams(q, { filter: undefined, cols: 'a' }).toString()).toBe('sort=metrics.loss&cols=a');
    expect(paths.runs('1', withParams(q, { sort: '' }))).toBe('/experiments/1?filter=x');
  });
});
