/**
 * Cuts a package-lock.json (lockfileVersion 2 or 3) down to what a few of its packages need at run
 * time, for a smaller project (the model image) that must install exactly the versions Loom was
 * tested with. Each dependency is resolved the way Node does (nearest `node_modules` upwards from
 * the package that requires it), so the kept entries keep their paths and `npm ci` lays out the same
 * tree. Paths under a workspace folder move to the top, since the new project has no workspaces.
 */
import { invalidParameter } from '@loom/protocol';

/** One entry of a lockfile's `packages` map (only the fields this module reads are typed). */
export interface LockEntry {
  version?: string;
  link?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
  [field: string]: unknown;
}

/** Where `name` resolves from the package at `from` ('' is the root), or undefined. */
function resolveFrom(lock: Lockfile, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    // Climb one level: drop the last `node_modules/<name>` (scoped names have two segments) or,
    // for a workspace folder, go straight to the root.
    const at = dir.lastIndexOf('node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at).replace(/\/$/, '');
  }
}

/** The names a package needs installed: dependencies, optional ones and required peers. */
function needs(entry: LockEntry): { name: string; optional: boolean }[] {
  const out = Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false }));
  out.push(...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })));
  for (const name of Object.keys(entry.peerDependencies ?? {}))
    if (!entry.peerDependenciesMeta?.[name]?.optional) out.push({ name, optional: false });
  return out;
}

/**
 * A lockfile for a project `name` whose only dependencies are `deps` (package names), each at the
 * exact version the workspace `workspace` (e.g. `packages/models`) of `lock` resolves it to.
 * Returns the lockfile and the `dependencies` map its package.json must declare.
 */
export function pruneLockfile(
  lock: Lockfile,
  workspace: string,
  deps: readonly string[],
  name: string,
): { lockfile: Lockfile; dependencies: Record<string, string> } {
  if (lock.lockfileVersion < 2)
    throw invalidParameter('package-lock.json must be lockfileVersion 2 or later');
  const rehome = (path: string) =>
    path.startsWith(`${workspace}/`) ? path.slice(workspace.length + 1) : path;
  const kept = new Map<string, LockEntry>();
  const dependencies: Record<string, string> = {};
  const visit = (path: string) => {
    const target = rehome(path);
    const entry = lock.packages[path]!;
    const seen = kept.get(target);
    if (seen) {
      if (seen.version !== entry.version)
        throw invalidParameter(`Two versions of ${target} in the lockfile; cannot flatten ${workspace}`);
      return;
    }
    if (entry.link) throw invalidParameter(`${target} is a link (a workspace package); bundle it instead`);
    // The dev/peer flags describe the whole workspace graph; here everything kept is a run-time need.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry;
    kept.set(target, rest);
    for (const need of needs(entry)) {
      const found = resolveFrom(lock, path, need.name);
      if (found) visit(found);
      else if (!need.optional)
        throw invalidParameter(`${need.name} (needed by ${target}) is not in the lockfile`);
    }
  };
  for (const dep of deps) {
    const found = resolveFrom(lock, workspace, dep);
    if (!found) throw invalidParameter(`${dep} is not in the lockfile for ${workspace}`);
    dependencies[dep] = lock.packages[found]!.version!;
    visit(found);
  }
  const packages: Record<string, LockEntry> = { '': { name, dependencies } };
  for (const path of [...kept.keys()].sort()) packages[path] = kept.get(path)!;
  return {
    lockfile: { name, lockfileVersion: lock.lockfileVersion, requires: true, packages },
    dependencies,
  };
}
