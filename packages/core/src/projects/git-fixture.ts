/**
 * A real git repository for tests: `git init`, commits, a tag and a branch, made with the git CLI in
 * a temp folder (never a mock), so sources are cloned exactly as a user's would be.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface GitFixture {
  dir: string;
  git(...args: string[]): string;
  /** Writes files (paths relative to the repo) and commits them; answers the commit id. */
  commit(files: Record<string, string>, message: string): string;
}

/** A new repository with user settings that do not depend on the machine's git config. */
export function createGitFixture(): GitFixture {
  const dir = mkdtempSync(join(tmpdir(), 'loom-git-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Loom Test',
        GIT_AUTHOR_EMAIL: 'test@loom.invalid',
        GIT_COMMITTER_NAME: 'Loom Test',
        GIT_COMMITTER_EMAIL: 'test@loom.invalid',
      },
    }).trim();
  git('init', '-q', '-b', 'main');
  return {
    dir,
    git,
    commit(files, message) {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}
