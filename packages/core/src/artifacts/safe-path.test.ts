import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoomError } from '@loom/protocol';
import { resolveUnderRoot, validateArtifactPath } from './safe-path';

const HOSTILE = [
  '..',
  '../x',
  'a/../../x',
  'a/..',
  '%2e%2e/x',
  '%2E%2E%2Fx',
  '..%2fx',
  '%252e%252e/x',
  '%252e%252e%252fx',
  '%25252e%25252e%25252fx',
  '/etc/passwd',
  '%2fetc%2fpasswd',
  '//server/share',
  'C:\\x',
  'c:/x',
  'C:x',
  'a\\..\\b',
  '..%5cx',
  '\\\\server\\share',
  'a#b',
  'a%23b',
  'a\0b',
  'a%00b',
  'a%2500b',
  'a\nb',
  'file:///etc/passwd',
  'file%3A%2F%2F%2Fetc%2Fpasswd',
];

const LEGIT: [string, string][] = [
  ['', ''],
  ['a', 'a'],
  ['model/MLmodel', 'model/MLmodel'],
  ['a/b/c/d.txt', 'a/b/c/d.txt'],
  ['a b.txt', 'a b.txt'],
  ['a%20b.txt', 'a b.txt'],
  ['a%2520b.txt', 'a b.txt'],
  ['a..b/...', 'a..b/...'],
  ['.hidden/x', '.hidden/x'],
  ['x/./y', 'x/./y'],
  ['dir/', 'dir/'],
  ['100%.txt', '100%.txt'],
  ['%E2%9C%93.txt', '✓.txt'],
  ['données/été.csv', 'données/été.csv'],
];

function expectInvalidPath(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LoomError);
    expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((err as LoomError).message).toBe('Invalid path');
    return;
  }
  throw new Error('expected Invalid path');
}

describe('validateArtifactPath', () => {
  it.each(HOSTILE)('refuses %j', (p) => expectInvalidPath(() => validateArtifactPath(p)));

  it.each(LEGIT)('accepts %j as %j', (p, decoded) => expect(validateArtifactPath(p)).toBe(decoded));

  it('refuses paths that never stop decoding', () => {
    let p = '..%2fx';
    for (let i = 0; i < 12; i++) p = encodeURIComponent(p);
    expectInvalidPath(() => validateArtifactPath(p));
  });
});

describe('resolveUnderRoot', () => {
  let dir: string;
  let root: string;
  let outside: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'loom-safe-path-'));
    root = path.join(dir, 'root');
    outside = path.join(dir, 'outside');
    await mkdir(path.join(root, 'inner'), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    await writeFile(path.join(root, 'inner', 'ok.txt'), 'ok');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('resolves nested paths, existing or not', async () => {
    expect(await resolveUnderRoot(root, 'inner/ok.txt')).toBe(path.join(root, 'inner/ok.txt'));
    expect(await resolveUnderRoot(root, 'new/deep/file.bin')).toBe(path.join(root, 'new/deep/file.bin'));
    expect(await resolveUnderRoot(root, '')).toBe(root);
  });

  it('works for a root that does not exist yet', async () => {
    const fresh = path.join(dir, 'not-yet', 'root');
    expect(await resolveUnderRoot(fresh, 'a/b')).toBe(path.join(fresh, 'a/b'));
    await expect(resolveUnderRoot(fresh, '../../outside')).rejects.toThrow('Invalid path');
  });

  it.each(['..', '../outside/secret.txt', 'inner/../../outside', '/etc/passwd', 'a\0b'])(
    'refuses %j lexically',
    async (p) => {
      await expect(resolveUnderRoot(root, p)).rejects.toThrow('Invalid path');
    },
  );

  it('refuses a symlinked folder that points outside, and anything below it', async () => {
    await symlink(outside, path.join(root, 'escape'));
    for (const p of ['escape', 'escape/secret.txt', 'escape/new/file']) {
      await expect(resolveUnderRoot(root, p)).rejects.toThrow('Invalid path');
    }
  });

  it('refuses a symlinked file that points outside', async () => {
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'inner', 'link.txt'));
    await expect(resolveUnderRoot(root, 'inner/link.txt')).rejects.toThrow('Invalid path');
  });

  it('refuses a dangling symlink, which a write would follow', async () => {
    await symlink(path.join(outside, 'not-there.txt'), path.join(root, 'dangling'));
    await expect(resolveUnderRoot(root, 'dangling')).rejects.toThrow('Invalid path');
    await expect(resolveUnderRoot(root, 'dangling/x')).rejects.toThrow('Invalid path');
  });

  it('accepts symlinks that stay inside the root, and a root reached through a symlink', async () => {
    await symlink(path.join(root, 'inner'), path.join(root, 'alias'));
    expect(await resolveUnderRoot(root, 'alias/ok.txt')).toBe(path.join(root, 'alias/ok.txt'));
    const linkedRoot = path.join(dir, 'linked-root');
    await symlink(root, linkedRoot);
    expect(await resolveUnderRoot(linkedRoot, 'inner/ok.txt')).toBe(path.join(linkedRoot, 'inner/ok.txt'));
  });

  it('refuses a symlink loop', async () => {
    await symlink(path.join(root, 'loop'), path.join(root, 'loop'));
    await expect(resolveUnderRoot(root, 'loop/x')).rejects.toThrow('Invalid path');
  });
});
