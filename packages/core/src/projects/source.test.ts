import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitFixture, type GitFixture } from './git-fixture';
import { fetchProjectSource, splitUri } from './source';

let repo: GitFixture;
let cacheDir: string;
let v1: string;
let v2: string;
let feature: string;
const cwd = tmpdir();

beforeAll(() => {
  repo = createGitFixture();
  cacheDir = mkdtempSync(join(tmpdir(), 'loom-cache-'));
  v1 = repo.commit({ 'sub/proj/VERSION': 'one', README: 'root' }, 'v1');
  repo.git('tag', 'v1.0');
  v2 = repo.commit({ 'sub/proj/VERSION': 'two' }, 'v2');
  repo.git('checkout', '-q', '-b', 'feature');
  feature = repo.commit({ 'sub/proj/VERSION': 'feature' }, 'on a branch');
  repo.git('checkout', '-q', 'main');
});
afterAll(() => {
  rmSync(repo.dir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

const version = (dir: string) => readFileSync(join(dir, 'VERSION'), 'utf8');

describe('fetchProjectSource', () => {
  it('uses a local folder in place and records its commit', async () => {
    const source = await fetchProjectSource(`${repo.dir}#sub/proj`, { cacheDir, cwd });
    expect(source.dir).toBe(join(repo.dir, 'sub/proj'));
    expect(source.git).toEqual({ commit: v2, repoUrl: undefined, branch: undefined });
    expect(source.sourceName).toBe(repo.dir);
  });

  it('uses a folder outside git in place, without git facts', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'loom-plain-'));
    try {
      const source = await fetchProjectSource(plain, { cacheDir, cwd });
      expect(source).toEqual({ dir: plain, sourceName: plain, git: undefined });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('clones a file:// repository at a tag, a branch and a commit into the cache', async () => {
    const uri = pathToFileURL(repo.dir).href;
    const atTag = await fetchProjectSource(`${uri}#sub/proj`, { version: 'v1.0', cacheDir, cwd });
    expect(atTag.dir.startsWith(cacheDir)).toBe(true);
    expect(version(atTag.dir)).toBe('one');
    expect(atTag.git).toEqual({ commit: v1, repoUrl: repo.dir, branch: undefined });

    const atBranch = await fetchProjectSource(`${uri}#sub/proj`, { version: 'feature', cacheDir, cwd });
    expect(version(atBranch.dir)).toBe('feature');
    expect(atBranch.git).toEqual({ commit: feature, repoUrl: repo.dir, branch: 'feature' });

    const atCommit = await fetchProjectSource(`${uri}#sub/proj`, { version: v2, cacheDir, cwd });
    expect(version(atCommit.dir)).toBe('two');
    expect(atCommit.git?.commit).toBe(v2);
  });

  it('reuses the cached clone and picks up new commits of a moving branch', async () => {
    const lines: string[] = [];
    const first = await fetchProjectSource(repo.dir, {
      version: 'main',
      cacheDir,
      cwd,
      progress: (l) => lines.push(l),
    });
    const moved = repo.commit({ 'sub/proj/VERSION': 'three' }, 'v3');
    const second = await fetchProjectSource(repo.dir, {
      version: 'main',
      cacheDir,
      cwd,
      progress: (l) => lines.push(l),
    });
    expect(second.dir).toBe(first.dir);
    expect(second.git?.commit).toBe(moved);
    expect(version(join(second.dir, 'sub/proj'))).toBe('three');
    expect(lines[0]).toMatch(/^Cloning .* at main in /);
    expect(lines[1]).toMatch(/^Updating .* at main in /);
  });

  it('says what is wrong with a version, a subdirectory or a URI', async () => {
    await expect(fetchProjectSource(repo.dir, { version: 'nope', cacheDir, cwd })).rejects.toThrow(
      `Version 'nope' is not a branch, tag or commit of ${repo.dir}`,
    );
    await expect(fetchProjectSource(`${repo.dir}#absent`, { cacheDir, cwd })).rejects.toThrow(
      `Subdirectory 'absent' does not exist in ${repo.dir}#absent`,
    );
    await expect(fetchProjectSource('no/such/folder', { cacheDir, cwd })).rejects.toThrow(
      "Project URI 'no/such/folder' is neither an existing folder nor a git URI",
    );
    await expect(
      fetchProjectSource(pathToFileURL(join(repo.dir, 'missing')).href, { cacheDir, cwd }),
    ).rejects.toThrow(/does not exist/);
  });

  it('reports a git remote that cannot be reached without prompting', async () => {
    await expect(fetchProjectSource('https://127.0.0.1:9/none.git', { cacheDir, cwd })).rejects.toThrow(
      /`git -C .* fetch .*` failed/,
    );
  });
});

describe('splitUri', () => {
  it('splits #subdirectory and refuses to leave the project', () => {
    expect(splitUri('https://h/r.git#a/b/')).toEqual({ base: 'https://h/r.git', subdirectory: 'a/b' });
    expect(splitUri('dir')).toEqual({ base: 'dir', subdirectory: undefined });
    expect(() => splitUri('dir#../etc')).toThrow("must not leave the project ('..')");
  });
});
