import { describe, expect, it } from 'vitest';
import { pruneLockfile, type Lockfile } from './prune-lockfile';

/** A workspace lockfile: `ws` needs `a`, which needs `b` (nested copy) and `c` (hoisted). */
function lockfile(): Lockfile {
  return {
    name: 'root',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'root', workspaces: ['packages/ws'] },
      'node_modules/@x/ws': { resolved: 'packages/ws', link: true },
      'packages/ws': { version: '1.0.0', dependencies: { a: '^1.0.0' } },
      'packages/ws/node_modules/a': { version: '1.2.0', dependencies: { b: '2', c: '1' } },
      'packages/ws/node_modules/a/node_modules/b': { version: '2.0.0', optionalDependencies: { gone: '1' } },
      'node_modules/b': { version: '3.0.0', dev: true },
      'node_modules/c': { version: '1.0.1', devOptional: true, integrity: 'sha512-c' },
      'node_modules/unrelated': { version: '9.9.9' },
    },
  };
}

describe('pruneLockfile', () => {
  it('keeps the run-time closure at the locked versions, moved out of the workspace, without dev flags', () => {
    const pruned = pruneLockfile(lockfile(), 'packages/ws', ['a'], 'img');
    expect(pruned.dependencies).toEqual({ a: '1.2.0' });
    expect(pruned.lockfile).toEqual({
      name: 'img',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'img', dependencies: { a: '1.2.0' } },
        'node_modules/a': { version: '1.2.0', dependencies: { b: '2', c: '1' } },
        'node_modules/a/node_modules/b': { version: '2.0.0', optionalDependencies: { gone: '1' } },
        'node_modules/c': { version: '1.0.1', integrity: 'sha512-c' },
      },
    });
  });

  it('refuses a dependency missing from the lockfile and a workspace link', () => {
    expect(() => pruneLockfile(lockfile(), 'packages/ws', ['nope'], 'img')).toThrow(
      /nope is not in the lockfile/,
    );
    const broken = lockfile();
    delete broken.packages['node_modules/c'];
    expect(() => pruneLockfile(broken, 'packages/ws', ['a'], 'img')).toThrow(
      /c \(needed by node_modules\/a\) is not in the lockfile/,
    );
    expect(() => pruneLockfile(lockfile(), '', ['@x/ws'], 'img')).toThrow(/is a link/);
  });

  it('refuses two versions that would land on one path when the workspace folder goes', () => {
    const lock = lockfile();
    // a (in the workspace) takes the workspace's e@2; g (hoisted) takes the root's e@1.
    lock.packages['packages/ws/node_modules/a'] = { version: '1.2.0', dependencies: { e: '2' } };
    lock.packages['packages/ws/node_modules/e'] = { version: '2.0.0' };
    lock.packages['node_modules/g'] = { version: '1.0.0', dependencies: { e: '1' } };
    lock.packages['node_modules/e'] = { version: '1.0.0' };
    expect(pruneLockfile(lock, 'packages/ws', ['a'], 'img').lockfile.packages['node_modules/e']).toEqual({
      version: '2.0.0',
    });
    expect(() => pruneLockfile(lock, 'packages/ws', ['a', 'g'], 'img')).toThrow(
      /Two versions of node_modules\/e/,
    );
  });
});
