import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArtifactRepository } from './local-artifact-repository';

const from = (...chunks: string[]): Readable => Readable.from(chunks.map((c) => Buffer.from(c)));

async function readAll(repo: LocalArtifactRepository, file: string): Promise<string> {
  const { stream } = await repo.readArtifact(file);
  return text(stream);
}

describe('LocalArtifactRepository', () => {
  let dir: string;
  let root: string;
  let repo: LocalArtifactRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'loom-local-repo-'));
    root = path.join(dir, 'root');
    repo = new LocalArtifactRepository(root);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes, reads and overwrites files, creating parent folders', async () => {
    await repo.writeArtifact('a/b/c.txt', from('hello ', 'world'));
    const opened = await repo.readArtifact('a/b/c.txt');
    expect(opened.size).toBe(11);
    expect(await text(opened.stream)).toBe('hello world');
    await repo.writeArtifact('a/b/c.txt', from('bye'));
    expect(await readAll(repo, 'a/b/c.txt')).toBe('bye');
  });

  it('streams a large body without holding it whole', async () => {
    const chunk = Buffer.alloc(1 << 20, 7);
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 32; i++) yield chunk;
      })(),
    );
    await repo.writeArtifact('big.bin', body);
    const { stream, size } = await repo.readArtifact('big.bin');
    expect(size).toBe(32 << 20);
    let seen = 0;
    let largest = 0;
    for await (const piece of stream) {
      seen += (piece as Buffer).length;
      largest = Math.max(largest, (piece as Buffer).length);
    }
    expect(seen).toBe(32 << 20);
    expect(largest).toBeLessThanOrEqual(1 << 20);
  });

  it('lists one level, sorted, with sizes for files and paths relative to the root', async () => {
    await repo.writeArtifact('model/MLmodel', from('flavors: {}'));
    await repo.writeArtifact('model/data/weights.bin', from('1234'));
    await repo.writeArtifact('a.txt', from('a'));
    expect(await repo.listArtifacts('')).toEqual([
      { path: 'a.txt', isDir: false, fileSize: 1 },
      { path: 'model', isDir: true },
    ]);
    expect(await repo.listArtifacts('model')).toEqual([
      { path: 'model/MLmodel', isDir: false, fileSize: 11 },
      { path: 'model/data', isDir: true },
    ]);
    expect(await repo.listArtifacts('model/')).toHaveLength(2);
  });

  it('lists a missing folder, a file, or a missing root as empty', async () => {
    expect(await repo.listArtifacts('')).toEqual([]);
    await repo.writeArtifact('f.txt', from('x'));
    expect(await repo.listArtifacts('nope')).toEqual([]);
    expect(await repo.listArtifacts('f.txt')).toEqual([]);
  });

  it('answers RESOURCE_DOES_NOT_EXIST for a missing file or a folder', async () => {
    await repo.writeArtifact('d/f.txt', from('x'));
    for (const p of ['missing.txt', 'd', 'd/f.txt/x', '']) {
      await expect(repo.readArtifact(p)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    }
  });

  it('deletes files and trees; deleting nothing is fine', async () => {
    await repo.writeArtifact('t/a/1.txt', from('1'));
    await repo.writeArtifact('t/2.txt', from('2'));
    await repo.writeArtifact('keep.txt', from('k'));
    await repo.deleteArtifacts('t/2.txt');
    expect(await repo.listArtifacts('t')).toEqual([{ path: 't/a', isDir: true }]);
    await repo.deleteArtifacts('t');
    await repo.deleteArtifacts('never-was');
    // Under a file nothing can be either (found by the artifact path fuzzer: it was a 500).
    await repo.deleteArtifacts('keep.txt/below');
    expect(await repo.listArtifacts('')).toEqual([{ path: 'keep.txt', isDir: false, fileSize: 1 }]);
  });

  it('writes atomically: readers see the old file until the new one is whole', async () => {
    await repo.writeArtifact('f.txt', from('old'));
    const body = new PassThrough();
    const writing = repo.writeArtifact('f.txt', body);
    body.write('new-part-1 ');
    await new Promise((r) => setTimeout(r, 20));
    expect(await readAll(repo, 'f.txt')).toBe('old');
    // The half-written temp file is hidden from listings.
    expect(await repo.listArtifacts('')).toEqual([{ path: 'f.txt', isDir: false, fileSize: 3 }]);
    body.end('new-part-2');
    await writing;
    expect(await readAll(repo, 'f.txt')).toBe('new-part-1 new-part-2');
  });

  it('keeps the old file and leaves no temp file when the body fails', async () => {
    await repo.writeArtifact('f.txt', from('old'));
    const failing = new Readable({
      read() {
        this.push('partial');
        this.destroy(new Error('client went away'));
      },
    });
    await expect(repo.writeArtifact('f.txt', failing)).rejects.toThrow('client went away');
    expect(await readAll(repo, 'f.txt')).toBe('old');
    expect(await readdir(root)).toEqual(['f.txt']);
  });

  it('deletes the whole folder only for an explicit empty path', async () => {
    await repo.writeArtifact('a.txt', from('a'));
    for (const p of ['.', './', 'x/..'])
      await expect(repo.deleteArtifacts(p)).rejects.toThrow('Invalid path');
    expect(await repo.listArtifacts('')).toHaveLength(1);
    await repo.deleteArtifacts('');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to write over a folder or below a file', async () => {
    await repo.writeArtifact('d/f.txt', from('x'));
    await expect(repo.writeArtifact('d', from('y'))).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    await expect(repo.writeArtifact('d/f.txt/g', from('y'))).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    await expect(repo.writeArtifact('', from('y'))).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
  });

  it('refuses every operation through a symlink that leaves the root', async () => {
    const outside = path.join(dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    await mkdir(root, { recursive: true });
    await symlink(outside, path.join(root, 'escape'));
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
    await expect(repo.readArtifact('escape/secret.txt')).rejects.toThrow('Invalid path');
    await expect(repo.readArtifact('secret-link')).rejects.toThrow('Invalid path');
    await expect(repo.writeArtifact('escape/planted.txt', from('x'))).rejects.toThrow('Invalid path');
    await expect(repo.listArtifacts('escape')).rejects.toThrow('Invalid path');
    await expect(repo.deleteArtifacts('escape/secret.txt')).rejects.toThrow('Invalid path');
    // Listing the root does not describe what the links point to.
    expect(await repo.listArtifacts('')).toEqual([]);
    expect(await readdir(outside)).toEqual(['secret.txt']);
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses paths that climb out of the root', async () => {
    for (const p of ['../x', 'a/../../x', '/etc/passwd']) {
      await expect(repo.writeArtifact(p, from('x'))).rejects.toThrow('Invalid path');
    }
    expect(await readdir(dir)).toEqual([]);
  });

  describe('multipart upload', () => {
    const mpu = () => repo.multipart;

    it('joins parts uploaded in any order into the target file, then forgets the upload', async () => {
      const { uploadId, credentials } = await mpu().createMultipartUpload('big/file.bin', 3);
      expect(uploadId).toMatch(/^[0-9a-f]{32}$/);
      expect(credentials).toBeUndefined();
      const p3 = await mpu().uploadPart(uploadId, 3, from('ccc'));
      const p1 = await mpu().uploadPart(uploadId, 1, from('aaa'));
      const p2 = await mpu().uploadPart(uploadId, 2, from('bb', 'b'));
      expect(p1.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(await repo.listArtifacts('big')).toEqual([]);
      await mpu().completeMultipartUpload('big/file.bin', uploadId, [
        { partNumber: 2, etag: p2.etag },
        { partNumber: 1, etag: p1.etag },
        { partNumber: 3, etag: p3.etag },
      ]);
      expect(await readAll(repo, 'big/file.bin')).toBe('aaabbbccc');
      await expect(mpu().uploadPart(uploadId, 1, from('x'))).rejects.toMatchObject({
        code: 'RESOURCE_DOES_NOT_EXIST',
      });
    });

    it('hides its working folder from listings and paths', async () => {
      const { uploadId } = await mpu().createMultipartUpload('f.bin', 1);
      await mpu().uploadPart(uploadId, 1, from('x'));
      expect(await repo.listArtifacts('')).toEqual([]);
      await expect(repo.readArtifact(`.mpu/${uploadId}/1.part`)).rejects.toThrow('Invalid path');
      await expect(repo.writeArtifact('.mpu/x', from('x'))).rejects.toThrow('Invalid path');
      await expect(repo.deleteArtifacts('.mpu')).rejects.toThrow('Invalid path');
      await expect(repo.readArtifact(`./.mpu/${uploadId}/1.part`)).rejects.toThrow('Invalid path');
      await expect(repo.deleteArtifacts('a/../.mpu')).rejects.toThrow('Invalid path');
    });

    it('refuses a mismatched ETag, a missing part, a wrong path and a bad part number', async () => {
      const { uploadId } = await mpu().createMultipartUpload('f.bin', 2);
      await mpu().uploadPart(uploadId, 1, from('a'));
      await expect(mpu().uploadPart(uploadId, 3, from('x'))).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
      });
      await expect(
        mpu().completeMultipartUpload('f.bin', uploadId, [{ partNumber: 1, etag: '"0000"' }]),
      ).rejects.toThrow('ETag');
      await expect(
        mpu().completeMultipartUpload('f.bin', uploadId, [{ partNumber: 1 }, { partNumber: 2 }]),
      ).rejects.toThrow('never uploaded');
      await expect(mpu().completeMultipartUpload('other.bin', uploadId, [{ partNumber: 1 }])).rejects.toThrow(
        'is for',
      );
      expect(await readdir(root)).toEqual(['.mpu']);
    });

    it('aborts, and refuses upload ids that are not its own shape', async () => {
      const { uploadId } = await mpu().createMultipartUpload('f.bin', 1);
      await mpu().abortMultipartUpload('f.bin', uploadId);
      await expect(mpu().uploadPart(uploadId, 1, from('x'))).rejects.toMatchObject({
        code: 'RESOURCE_DOES_NOT_EXIST',
      });
      for (const bad of ['../../x', '', 'ABC']) {
        await expect(mpu().uploadPart(bad, 1, from('x'))).rejects.toMatchObject({
          code: 'INVALID_PARAMETER_VALUE',
        });
      }
      await expect(mpu().createMultipartUpload('../x', 1)).rejects.toThrow('Invalid path');
      await expect(mpu().createMultipartUpload('f.bin', 0)).rejects.toThrow('num_parts');
    });
  });
});
