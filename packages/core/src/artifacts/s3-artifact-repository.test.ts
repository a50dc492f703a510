import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3, type TestS3 } from '../testing/test-s3';
import { openArtifactDestination } from './artifact-destination';
import { resolveArtifactUri } from './artifact-uri';
import { S3ArtifactRepository } from './s3-artifact-repository';
import { parseS3Uri, s3ClientFor } from './s3-client';

const MiB = 1024 * 1024;

async function readAll(repo: S3ArtifactRepository, file: string): Promise<string> {
  const { stream } = await repo.readArtifact(file);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

/** Runs `work` over `items` with `limit` in flight at once. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

describe('S3ArtifactRepository (s3rver on loopback)', () => {
  let s3: TestS3;
  let bucket: string;
  let repo: S3ArtifactRepository;
  const write = (p: string, text: string) => repo.writeArtifact(p, Readable.from([Buffer.from(text)]));

  beforeAll(async () => {
    s3 = await startTestS3();
    bucket = await s3.createBucket();
    repo = new S3ArtifactRepository(s3ClientFor(s3.settings), bucket, 'root/p');
  });
  afterAll(() => s3.close());

  it('parses s3:// URIs', () => {
    expect(parseS3Uri('s3://b')).toEqual({ bucket: 'b', prefix: '' });
    expect(parseS3Uri('s3://b/x/y/')).toEqual({ bucket: 'b', prefix: 'x/y' });
    expect(() => parseS3Uri('s3:///x')).toThrow(/Invalid S3 URI/);
  });

  it('resolves s3:// artifact URIs to a repository on the configured endpoint', () => {
    const { repository, path } = resolveArtifactUri(
      `s3://${bucket}/root/p/0/run/artifacts`,
      undefined,
      s3.settings,
    );
    expect(repository).toBeInstanceOf(S3ArtifactRepository);
    expect((repository as S3ArtifactRepository).prefix).toBe('root/p/0/run/artifacts');
    expect(path).toBe('');
  });

  it('writes, reads and lists one level, sorted, with sizes', async () => {
    await write('run/model/MLmodel', 'flavors: {}\n');
    await write('run/model/data/w.bin', 'ww');
    await write('run/metrics.json', '{}');
    expect(await readAll(repo, 'run/model/MLmodel')).toBe('flavors: {}\n');
    const { size, stream } = await repo.readArtifact('run/model/data/w.bin');
    stream.destroy();
    expect(size).toBe(2);
    expect(await repo.listArtifacts('run')).toEqual([
      { path: 'run/metrics.json', isDir: false, fileSize: 2 },
      { path: 'run/model', isDir: true },
    ]);
    expect(await repo.listArtifacts('run/model/')).toEqual([
      { path: 'run/model/MLmodel', isDir: false, fileSize: 12 },
      { path: 'run/model/data', isDir: true },
    ]);
    expect(await repo.listArtifacts('')).toEqual(expect.arrayContaining([{ path: 'run', isDir: true }]));
    // Everything lives under the repository's prefix.
    const outer = new S3ArtifactRepository(s3ClientFor(s3.settings), bucket, '');
    expect(await outer.listArtifacts('root/p')).toEqual(
      expect.arrayContaining([{ path: 'root/p/run', isDir: true }]),
    );
  });

  it('answers missing files with RESOURCE_DOES_NOT_EXIST and missing folders with []', async () => {
    await expect(repo.readArtifact('nope.txt')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    await expect(repo.readArtifact('')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    await write('f.txt', 'x');
    expect(await repo.listArtifacts('nope')).toEqual([]);
    expect(await repo.listArtifacts('f.txt')).toEqual([]);
  });

  it('refuses paths that would escape the prefix', async () => {
    for (const p of ['../x', 'a/../../x', '/abs', '..', 'a\\b']) {
      expect(() => repo.key(p), p).toThrow('Invalid path');
      await expect(repo.writeArtifact(p, Readable.from(['x']))).rejects.toThrow('Invalid path');
    }
    expect(repo.key('a/./b/')).toBe('root/p/a/b');
    await expect(repo.writeArtifact('', Readable.from(['x']))).rejects.toThrow('Invalid path');
  });

  it('pages through a folder of more than 1000 entries, then deletes it in batches', async () => {
    const files = Array.from({ length: 1050 }, (_, i) => `many/f${String(i).padStart(4, '0')}.txt`);
    // (s3rver only reports a folder that holds an object directly, so no deeper nesting here.)
    const dirs = Array.from({ length: 3 }, (_, i) => `many/d${i}/x.txt`);
    await inParallel([...files, ...dirs], 16, (p) => write(p, 'y'));
    const listed = await repo.listArtifacts('many');
    expect(listed).toHaveLength(1053);
    expect(listed.slice(0, 3).map((i) => i.path)).toEqual(['many/d0', 'many/d1', 'many/d2']);
    expect(listed[3]).toEqual({ path: 'many/f0000.txt', isDir: false, fileSize: 1 });
    expect(listed.at(-1)?.path).toBe('many/f1049.txt');

    await write('many-sibling/keep.txt', 'kept');
    await repo.deleteArtifacts('many');
    expect(await repo.listArtifacts('many')).toEqual([]);
    expect(await readAll(repo, 'many-sibling/keep.txt')).toBe('kept');
  }, 60_000);

  it('deletes a single file, a folder, and nothing at all without error', async () => {
    await write('del/a.txt', 'a');
    await write('del/sub/b.txt', 'b');
    await repo.deleteArtifacts('del/a.txt');
    expect(await repo.listArtifacts('del')).toEqual([{ path: 'del/sub', isDir: true }]);
    await repo.deleteArtifacts('del');
    expect(await repo.listArtifacts('del')).toEqual([]);
    await repo.deleteArtifacts('never/was');
  });

  it('streams a body larger than one part through a multipart upload', async () => {
    const size = 20 * MiB + 123;
    const chunk = Buffer.alloc(MiB, 7);
    const expected = createHash('sha256');
    async function* body() {
      for (let sent = 0; sent < size; sent += MiB) {
        const piece = chunk.subarray(0, Math.min(MiB, size - sent));
        expected.update(piece);
        yield piece;
      }
    }
    await repo.writeArtifact('big/blob.bin', Readable.from(body()));
    const { stream, size: stored } = await repo.readArtifact('big/blob.bin');
    expect(stored).toBe(size);
    const actual = createHash('sha256');
    for await (const c of stream) actual.update(c as Buffer);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
  }, 60_000);

  it('runs a multipart upload through presigned part URLs, and aborts one', async () => {
    const multipart = repo.multipart;
    const created = await multipart.createMultipartUpload('mpu/weights.bin', 2);
    expect(created.credentials?.map((c) => c.partNumber)).toEqual([1, 2]);
    const bodies = [Buffer.alloc(5 * MiB, 1), Buffer.from('tail')];
    const parts = [];
    for (const [i, cred] of (created.credentials ?? []).entries()) {
      expect(cred.url.startsWith(s3.endpoint)).toBe(true);
      const res = await fetch(cred.url, { method: 'PUT', body: bodies[i], headers: cred.headers });
      expect(res.status).toBe(200);
      parts.push({ partNumber: cred.partNumber, etag: res.headers.get('etag') ?? undefined });
    }
    await multipart.completeMultipartUpload('mpu/weights.bin', created.uploadId, parts.reverse());
    const { size } = await repo.readArtifact('mpu/weights.bin');
    expect(size).toBe(5 * MiB + 4);
    await expect(multipart.completeMultipartUpload('mpu/x', created.uploadId, [])).rejects.toThrow(
      'parts must not be empty',
    );
    await expect(multipart.uploadPart(created.uploadId, 1, Readable.from(['x']))).rejects.toMatchObject({
      code: 'NOT_IMPLEMENTED',
    });

    const other = await multipart.createMultipartUpload('mpu/aborted.bin', 1);
    const url = other.credentials?.[0]?.url ?? '';
    const part = await fetch(url, { method: 'PUT', body: 'abc' });
    await multipart.abortMultipartUpload('mpu/aborted.bin', other.uploadId);
    // Aborting twice is fine; completing an aborted upload is not, and nothing was written.
    await multipart.abortMultipartUpload('mpu/aborted.bin', other.uploadId);
    await expect(
      multipart.completeMultipartUpload('mpu/aborted.bin', other.uploadId, [
        { partNumber: 1, etag: part.headers.get('etag') ?? undefined },
      ]),
    ).rejects.toThrow();
    expect((await repo.listArtifacts('mpu')).map((i) => i.path)).toEqual(['mpu/weights.bin']);
    await expect(multipart.createMultipartUpload('mpu/x', 0)).rejects.toThrow(/num_parts/);
  });

  it('checks the bucket when opened as a destination, failing in one line', async () => {
    const ok = await openArtifactDestination(`s3://${bucket}/dest`, s3.settings);
    expect(ok).toBeInstanceOf(S3ArtifactRepository);
    const missing = openArtifactDestination('s3://no-such-bucket/x', s3.settings);
    await expect(missing).rejects.toThrow(
      `artifact destination s3://no-such-bucket/x: S3 bucket 'no-such-bucket' at ${s3.endpoint}: bucket does not exist (404)`,
    );
    const unreachable = { ...s3.settings, endpointUrl: 'http://127.0.0.1:1' };
    const err = (await openArtifactDestination('s3://b', unreachable).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /^artifact destination s3:\/\/b: S3 bucket 'b' at http:\/\/127\.0\.0\.1:1: ECONNREFUSED/,
    );
    expect(err.message).not.toContain('\n');
  });
});
