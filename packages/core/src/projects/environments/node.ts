/**
 * `node`: Loom's environment for TypeScript/JavaScript projects. `node_env` names the package.json;
 * its dependencies are installed with `npm ci` into `<cache>/node/<hash of package-lock.json>` and
 * linked as the project's node_modules (unless the project has its own), with `.bin` first on PATH.
 */
import { copyFileSync, existsSync, lstatSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { invalidParameter } from '@loom/protocol';
import { cacheKey } from '../cache-key';
import { exec } from '../exec';
import { ensureCachedFolder } from './cached-folder';
import { hostShell, type EnvironmentManager } from './environment';

export const nodeEnvironment: EnvironmentManager = {
  name: 'node',
  async prepare(ctx) {
    const env = ctx.project.env;
    const manifest = join(ctx.projectDir, env.kind === 'node' ? env.file : 'package.json');
    if (!existsSync(manifest)) {
      throw invalidParameter(`The node environment needs ${manifest} (declare it with \`node_env: package.json\`)`);
    }
    const lockfile = join(dirname(manifest), 'package-lock.json');
    if (!existsSync(lockfile)) {
      throw invalidParameter(
        `The node environment installs with \`npm ci\`, which needs ${lockfile}: run \`npm install\` once and commit it`,
      );
    }
    const dir = join(ctx.cacheDir, 'node', cacheKey(readFileSync(lockfile)));
    const cached = await ensureCachedFolder(dir, async (target) => {
      ctx.progress(`Installing dependencies with npm ci in ${target}`);
      copyFileSync(manifest, join(target, 'package.json'));
      copyFileSync(lockfile, join(target, 'package-lock.json'));
      await exec('npm', ['ci', '--no-audit', '--no-fund'], {
        cwd: target,
        env: ctx.baseEnv,
      });
    });
    ctx.progress(cached ? `Using cached node_modules ${dir}` : `Installed node_modules in ${dir}`);
    const modules = join(dir, 'node_modules');
    linkModules(join(dirname(manifest), 'node_modules'), modules);
    return {
      name: 'node',
      tags: {},
      launch: (command, runEnv) => hostShell(ctx, command, runEnv, [join(modules, '.bin')]),
    };
  },
};

/** Node resolves packages from the folder tree, so the cache is linked where the project looks. */
function linkModules(link: string, target: string): void {
  if (!existsSync(target)) return; // no dependencies: npm ci made no folder
  const present = (() => {
    try {
      return lstatSync(link);
    } catch {
      return undefined;
    }
  })();
  if (present && !present.isSymbolicLink()) return; // the project brings its own node_modules
  if (present) {
    if (readlinkSync(link) === target) return;
    unlinkSync(link); // a link to the cache of an older lockfile
  }
  symlinkSync(target, link, 'dir');
}
