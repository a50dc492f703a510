import { describe, expect, it } from 'vitest';
import { joinArtifactPath, resolveArtifactUri } from './artifact-uri';
import { LocalArtifactRepository } from './local-artifact-repository';
import { S3ArtifactRepository } from './s3-artifact-repository';

const proxy = new LocalArtifactRepository('/srv/mlartifacts');

describe('resolveArtifactUri', () => {
  it.each([
    ['mlflow-artifacts:/0/abc/artifacts', '0/abc/artifacts'],
    ['mlflow-artifacts:///0/abc/artifacts', '0/abc/artifacts'],
    ['mlflow-artifacts://tracking.example:5000/0/abc/artifacts', '0/abc/artifacts'],
    ['mlflow-artifacts:/', ''],
    ['http://host:5000/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts', '0/abc/artifacts'],
  ])('sends %s to the proxy repository at %j', (uri, inside) => {
    const location = resolveArtifactUri(uri, proxy);
    expect(location.repository).toBe(proxy);
    expect(location.path).toBe(inside);
  });

  it.each([
    ['file:///data/mlruns/0/abc/artifacts', '/data/mlruns/0/abc/artifacts'],
    ['file://localhost/data/x', '/data/x'],
    ['file:///data/with%20space', '/data/with space'],
    ['/data/mlruns/0/abc/artifacts', '/data/mlruns/0/abc/artifacts'],
  ])('opens %s as a local folder', (uri, folder) => {
    const location = resolveArtifactUri(uri, proxy);
    expect(location.repository).toBeInstanceOf(LocalArtifactRepository);
    expect((location.repository as LocalArtifactRepository).rootDir).toBe(folder);
    expect(location.path).toBe('');
  });

  it('needs the proxy for mlflow-artifacts URIs', () => {
    expect(() => resolveArtifactUri('mlflow-artifacts:/0/x', undefined)).toThrow(/--no-serve-artifacts/);
  });

  it('maps s3:// URIs to an S3 repository rooted at the prefix', () => {
    const location = resolveArtifactUri('s3://bucket/team/1/run/artifacts/', proxy, {
      endpointUrl: 'http://127.0.0.1:9000',
    });
    expect(location.repository).toBeInstanceOf(S3ArtifactRepository);
    expect(location.path).toBe('');
    const repo = location.repository as S3ArtifactRepository;
    expect([repo.bucket, repo.prefix]).toEqual(['bucket', 'team/1/run/artifacts']);
    expect(() => resolveArtifactUri('s3:///x', proxy)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }),
    );
  });

  it.each(['gs://b/x', 'wasbs://c@a.blob.core.windows.net/x', 'dbfs:/x', 'https://example.com/x'])(
    'answers NOT_IMPLEMENTED for %s',
    (uri) => {
      expect(() => resolveArtifactUri(uri, proxy)).toThrow(
        expect.objectContaining({ code: 'NOT_IMPLEMENTED' }),
      );
    },
  );

  it('rejects file URIs naming another host', () => {
    expect(() => resolveArtifactUri('file://elsewhere/x', proxy)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }),
    );
  });
});

describe('joinArtifactPath', () => {
  it('joins with single slashes and skips empty parts', () => {
    expect(joinArtifactPath('0/r/artifacts', 'model/MLmodel')).toBe('0/r/artifacts/model/MLmodel');
    expect(joinArtifactPath('', 'model/')).toBe('model');
    expect(joinArtifactPath('model/', '')).toBe('model');
    expect(joinArtifactPath('', '')).toBe('');
  });
});
