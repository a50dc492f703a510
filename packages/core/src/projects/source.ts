/**
 * Where a project's files come from: a local folder used in place, or a git repository (https://,
 * ssh, file://, or a local repo with --version) cloned into a cache folder keyed by URI and version.
 * `#subdirectory` selects a folder inside either. Also reads what MLflow records as source tags.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidParameter } from '@loom/protocol';
import { cacheKey } from './cache-key';
import { exec } from './exec';

export interface GitInfo {
  commit: string;
  /** The remote the code came from, when there is one. */
  repoUrl: string | undefined;
  /** Set when --version named a branch. */
  branch: string | undefined;
}

export interface ProjectSource {
  /** The folder to run in (the subdirectory, when the URI names one). */
  dir: string;
  /** `mlflow.source.name`: the git remote when known, else the folder. */
  sourceName: string;
  git: GitInfo | undefined;
}

export interface FetchSourceOptions {
  version?: string | undefined;
  /** Root of Loom's project cache; clones go to `<cacheDir>/git/<key>`. */
  cacheDir: string;
  /** Resolves relative local paths. */
  cwd: string;
  /** Long steps (clone, fetch) announce themselves here. */
  progress?: (line: string) => void;
}

/** Resolves `uri` to a folder on disk, cloning when it is a git URI or a version is asked for. */
export async function fetchProjectSource(uri: string, options: FetchSourceOptions): Promise<ProjectSource> {
  const { base, subdirectory } = splitUri(uri.trim().replace(/^(['"])(.*)\1$/, '$2'));
  const localPath = localPathOf(base, options.cwd);
  let root: string;
  let git: GitInfo | undefined;
  if (localPath !== undefined && options.version === undefined) {
    root = localPath;
    git = await localGitInfo(root);
  } else if (localPath !== undefined || looksLikeGitRemote(base)) {
    const remote = localPath ?? base;
    ({ root, git } = await cloneAt(remote, options));
  } else {
    throw invalidParameter(
      `Project URI '${uri}' is neither an existing folder nor a git URI (https://, ssh, file://)`,
    );
  }
  const dir = subdirectory ? join(root, subdirectory) : root;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw invalidParameter(`Subdirectory '${subdirectory}' does not exist in ${uri}`);
  }
  return { dir, sourceName: git?.repoUrl ?? (localPath !== undefined ? localPath : base), git };
}

/** Splits `uri#sub/dir`; the subdirectory must stay inside the project. */
export function splitUri(uri: string): { base: string; subdirectory: string | undefined } {
  const hash = uri.indexOf('#');
  if (hash === -1) return { base: uri, subdirectory: undefined };
  const subdirectory = uri.slice(hash + 1).replace(/^\/+|\/+$/g, '');
  if (subdirectory.split('/').some((seg) => seg === '..')) {
    throw invalidParameter(`Subdirectory '${subdirectory}' of '${uri}' must not leave the project ('..')`);
  }
  return { base: uri.slice(0, hash), subdirectory: subdirectory || undefined };
}

function localPathOf(base: string, cwd: string): string | undefined {
  if (base.startsWith('file://')) {
    const path = fileURLToPath(base);
    if (!existsSync(path)) throw invalidParameter(`Project URI '${base}': ${path} does not exist`);
    return path;
  }
  const path = resolve(cwd, base);
  return existsSync(path) ? path : undefined;
}

function looksLikeGitRemote(base: string): boolean {
  return /^(https?|ssh|git|git\+ssh):\/\//.test(base) || /^[\w.-]+@[\w.-]+:/.test(base);
}

/** Commit and remote of a local folder that is inside a git work tree; undefined otherwise. */
async function localGitInfo(dir: string): Promise<GitInfo | undefined> {
  try {
    const commit = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    const repoUrl = await git(dir, ['config', '--get', 'remote.origin.url']).then(
      (out) => out.trim() || undefined,
      () => undefined,
    );
    return { commit, repoUrl, branch: undefined };
  } catch {
    return undefined;
  }
}

/**
 * Clones (or refreshes) `remote` into the cache and checks out `version` (branch, tag or commit) or
 * the remote's HEAD. The folder is reused on the next run with the same URI and version.
 */
async function cloneAt(remote: string, options: FetchSourceOptions): Promise<{ root: string; git: GitInfo }> {
  const say = options.progress ?? (() => {});
  const root = join(options.cacheDir, 'git', cacheKey(remote, options.version ?? ''));
  const fresh = !existsSync(join(root, '.git'));
  if (fresh) {
    mkdirSync(root, { recursive: true });
    await git(root, ['init', '-q']);
    await git(root, ['remote', 'add', 'origin', remote]);
  }
  say(
    `${fresh ? 'Cloning' : 'Updating'} ${remote}${options.version ? ` at ${options.version}` : ''} in ${root}`,
  );
  await git(root, ['fetch', '-q', '--tags', '--force', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
  let commit: string;
  let branch: string | undefined;
  if (options.version === undefined) {
    await git(root, ['fetch', '-q', 'origin', 'HEAD']);
    commit = await revParse(root, 'FETCH_HEAD');
  } else {
    const v = options.version;
    const asBranch = await revParse(root, `refs/remotes/origin/${v}`).catch(() => undefined);
    branch = asBranch === undefined ? undefined : v;
    commit =
      asBranch ??
      (await revParse(root, v).catch(() => {
        throw invalidParameter(`Version '${v}' is not a branch, tag or commit of ${remote}`);
      }));
  }
  await git(root, ['checkout', '-q', '-f', '--detach', commit]);
  await git(root, ['clean', '-q', '-f', '-d']);
  await git(root, ['submodule', 'update', '-q', '--init', '--recursive']);
  return { root, git: { commit, repoUrl: remote, branch } };
}

async function revParse(dir: string, ref: string): Promise<string> {
  return (await git(dir, ['rev-parse', '--verify', '-q', `${ref}^{commit}`])).trim();
}

async function git(dir: string, args: string[]): Promise<string> {
  // No prompts: a private repo without credentials fails instead of hanging on a terminal question.
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  return (await exec('git', ['-C', dir, ...args], { env })).stdout;
}
