import { describe, expect, it } from 'vitest';
import {
  isLocalUri,
  parseModelsUri,
  parseRunsUri,
  validateLocalSource,
  validateRemoteSource,
} from './model-source';

describe('validateRemoteSource', () => {
  it.each([
    's3://bucket/path/model',
    'mlflow-artifacts:/0/abc/artifacts/model',
    'runs:/abc/model',
    'models:/m-0123',
    'https://host/a/b?x=1',
    'gs://bucket/a//b/',
  ])('accepts %s', (source) => {
    expect(() => validateRemoteSource(source)).not.toThrow();
  });

  it.each([
    's3://bucket/a/../b',
    's3://bucket/a/%2E%2E/b',
    's3://bucket/a/%252e%252e/b',
    'https://host/a/..',
    's3://bucket/a/./b',
    's3://bucket/a%00b',
    'http://host',
  ])('rejects %s', (source) => {
    expect(() => validateRemoteSource(source)).toThrow(/^Invalid model version source/);
  });
});

describe('validateLocalSource', () => {
  it('accepts a path inside the local artifact folder, itself included', () => {
    expect(() =>
      validateLocalSource('/data/run/artifacts/model', 'file:///data/run/artifacts', 'run_id', '/'),
    ).not.toThrow();
    expect(() =>
      validateLocalSource('file:///data/run/artifacts', '/data/run/artifacts', 'run_id', '/'),
    ).not.toThrow();
    expect(() =>
      validateLocalSource('artifacts/model', 'file:///data/run/artifacts', 'run_id', '/data/run'),
    ).not.toThrow();
  });

  it.each([
    ['/data/run/artifacts-other/model', 'file:///data/run/artifacts'],
    ['/data/run/artifacts/../secret', 'file:///data/run/artifacts'],
    ['/data/run/artifacts/model', 'mlflow-artifacts:/0/run/artifacts'],
    ['/data/run/artifacts/model', undefined],
  ])('rejects %s against %s', (source, root) => {
    expect(() => validateLocalSource(source, root, 'model_id', '/')).toThrow(
      /the model_id request parameter has to be specified/,
    );
  });
});

describe('URIs', () => {
  it('tells local URIs', () => {
    expect(isLocalUri('/abs')).toBe(true);
    expect(isLocalUri('rel/path')).toBe(true);
    expect(isLocalUri('file:///abs')).toBe(true);
    expect(isLocalUri('file://localhost/abs')).toBe(true);
    expect(isLocalUri('file://remote-host/abs')).toBe(false);
    expect(isLocalUri('s3://b/k')).toBe(false);
  });

  it('parses models:/ sources', () => {
    expect(parseModelsUri('models:/m-abc')).toEqual({ modelId: 'm-abc' });
    expect(parseModelsUri('models:/name/3')).toEqual({ name: 'name', version: '3' });
    expect(parseModelsUri('models:/name/Production')).toBeUndefined();
    expect(parseModelsUri('models:/name@champ')).toBeUndefined();
    expect(parseModelsUri('models:/a/b/c')).toBeUndefined();
    expect(parseModelsUri('runs:/x')).toBeUndefined();
  });

  it('parses runs:/ sources', () => {
    expect(parseRunsUri('runs:/abc/model/sub')).toEqual({ runId: 'abc', path: 'model/sub' });
    expect(parseRunsUri('runs:/abc')).toEqual({ runId: 'abc', path: '' });
    expect(parseRunsUri('s3://x')).toBeUndefined();
  });
});
