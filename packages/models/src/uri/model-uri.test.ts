import { describe, expect, it } from 'vitest';
import { parseModelUri } from './model-uri';

describe('parseModelUri', () => {
  it.each([
    ['runs:/abc/model', { kind: 'run', runId: 'abc', path: 'model' }],
    ['runs:/abc/deep/model/', { kind: 'run', runId: 'abc', path: 'deep/model' }],
    ['models:/m/3', { kind: 'registry', name: 'm', version: '3' }],
    ['models:/m/Production', { kind: 'registry', name: 'm', stage: 'Production' }],
    ['models:/m/latest', { kind: 'registry', name: 'm', stage: 'latest' }],
    [
      'models:/m-0123456789abcdef0123456789abcdef',
      { kind: 'logged', modelId: 'm-0123456789abcdef0123456789abcdef' },
    ],
    ['models:/m@champion', { kind: 'registry', name: 'm', alias: 'champion' }],
    ['models:/team/m@prod', { kind: 'registry', name: 'team/m', alias: 'prod' }],
    [
      'mlflow-artifacts:/1/x/artifacts/model',
      { kind: 'artifacts', uri: 'mlflow-artifacts:/1/x/artifacts/model' },
    ],
    ['file:///tmp/model', { kind: 'local', path: '/tmp/model' }],
    ['./model', { kind: 'local', path: './model' }],
  ])('%s', (uri, want) => {
    expect(parseModelUri(uri)).toEqual(want);
  });

  it('rejects malformed URIs and unsupported schemes', () => {
    expect(() => parseModelUri('models:/')).toThrow(/Not a valid model URI/);
    expect(() => parseModelUri('models:/@alias')).toThrow(/Not a valid model URI/);
    expect(() => parseModelUri('runs:/')).toThrow(/Not a valid model URI/);
    expect(() => parseModelUri('s3://bucket/model')).toThrow(/not supported/);
  });
});
