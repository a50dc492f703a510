/**
 * `node`: Loom's environment for TypeScript/JavaScript projects. `node_env` names the package.json;
 * `npm ci` installs its lockfile's dependencies once per lockfile (and project folder), the result
 * is kept in `<cache>/node/<key>/node_modules` and linked as the project's node_modules, with its
 * `.bin` first on PATH. A project that has a real node_modules folder of its own keeps using it.
 */
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { invalidParameter } from '@loom/protocol';
import { cacheKey } from '../cache-key';
import { exec } from '../exec';
import { ensureCachedFolder } from './cached-folder';
import { hostShell, type EnvironmentContext, type EnvironmentManager } from './environment';

export const nodeEnvironment: EnvironmentManager = {
  name: 'node',
  async prepare(ctx) {
    const env = ctx.project.env;
    const manifest = join(ctx.projectDir, env.kind === 'node' ? env.file : 'package.json');
    if (!existsSync(manifest)) {
      throw invalidParameter(
        `The node environment needs ${manifest} (declare it with \`node_env: package.json\`)`,
      );
    }
    const root = dirname(manifest);
    const lockfile = join(root, 'package-lock.json');
    if (!existsSync(lockfile)) {
      throw invalidParameter(
        `The node environment installs with \`npm ci\`, which needs ${lockfile}: run \`npm install\` once and commit it`,
      );
    }
    const projectModules = join(root, 'node_modules');
    const present = lstatOrUndefined(projectModules);
    if (present && !present.isSymbolicLink()) {
      ctx.progress(`Using the project's own ${projectModules}`);
      return prepared(ctx, projectModules);
    }
    // `file:` dependencies are relative to the project folder, so it is part of the key.
    const lent = Object.entries(ctx.lentPackages);
    const dir = join(ctx.cacheDir, 'node', cacheKey(readFileSync(lockfile), root, JSON.stringify(lent)));
    const modules = join(dir, 'node_modules');
    const cached = await ensureCachedFolder(dir, async (target) => {
      await install(ctx, root, join(target, 'node_modules'));
      lend(join(target, 'node_modules'), lent);
    });
    ctx.progress(cached ? `Using cached node_modules ${modules}` : `Installed node_modules in ${modules}`);
    if (existsSync(modules)) link(projectModules, modules);
    return prepared(ctx, modules);
  },
};

function prepared(ctx: EnvironmentContext, modules: string) {
  return {
    name: 'node' as const,
    tags: {},
    launch: (command: string, runEnv: Record<string, string>) =>
      hostShell(ctx, command, runEnv, [join(modules, '.bin')]),
  };
}

/** `npm ci` where the lockfile is (its relative paths hold there), then the result moves to `target`. */
async function install(ctx: EnvironmentContext, root: string, target: string): Promise<void> {
  const modules = join(root, 'node_modules');
  // npm ci empties node_modules: through a link that would be an older cache's contents.
  if (lstatOrUndefined(modules)?.isSymbolicLink()) unlinkSync(modules);
  ctx.progress(`Installing dependencies with npm ci in ${root}`);
  await exec('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, env: ctx.baseEnv });
  if (!existsSync(modules)) return; // nothing to install
  absolutizeOutsideLinks(modules);
  try {
    renameSync(modules, target);
  } catch {
    // The cache is on another file system.
    cpSync(modules, target, { recursive: true, verbatimSymlinks: true });
    rmSync(modules, { recursive: true, force: true });
  }
}

/**
 * npm links `file:` folders with relative symlinks; once node_modules moves to the cache they would
 * point nowhere, so links that leave node_modules are made absolute first.
 */
function absolutizeOutsideLinks(modules: string): void {
  const entries = readdirSync(modules).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => join(name, n)) : [name],
  );
  for (const entry of entries) {
    const path = join(modules, entry);
    if (!lstatSync(path).isSymbolicLink()) continue;
    const target = readlinkSync(path);
    if (isAbsolute(target)) continue;
    const absolute = resolve(dirname(path), target);
    if (!relative(modules, absolute).startsWith('..')) continue;
    unlinkSync(path);
    symlinkSync(absolute, path, 'dir');
  }
}

/** Links each lent package the install did not bring into `modules`. */
function lend(modules: string, lent: ReadonlyArray<[string, string]>): void {
  for (const [name, folder] of lent) {
    const path = join(modules, name);
    if (existsSync(path)) continue;
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(folder, path, 'dir');
  }
}

/** Links `link` to `target`, replacing a link to another cache entry. */
function link(link: string, target: string): void {
  const present = lstatOrUndefined(link);
  if (present) {
    if (readlinkSync(link) === target) return;
    unlinkSync(link);
  }
  symlinkSync(target, link, 'dir');
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
