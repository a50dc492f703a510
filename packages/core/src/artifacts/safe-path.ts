/**
 * The two guards every artifact path passes before any I/O: MLflow's "safe path" rule for what a
 * caller sent, and confinement of the resolved file to its repository root (symlinks included).
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { invalidParameter, type LoomError } from '@loom/protocol';

const MAX_DECODE_ROUNDS = 10;
// C0 controls and DEL: NUL truncates paths in C APIs, CR/LF would reach the Content-Disposition header.
// (MLflow escapes them to `%xx` and accepts; refusing is stricter and breaks no real client.)
const hasControl = (text: string): boolean =>
  [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
const DRIVE = /^[A-Za-z]:/;

const invalidPath = (): LoomError => invalidParameter('Invalid path');

/** Python's `urllib.parse.unquote`: runs of `%XX` become UTF-8 text (bad bytes → U+FFFD); a stray `%` stays. */
function unquote(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) =>
    Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'),
  );
}

/**
 * Applies MLflow's safe-path rule to a caller-supplied relative artifact path and returns it fully
 * URL-decoded (decoding repeats until stable, so `%252e%252e` is caught as `..`); throws
 * INVALID_PARAMETER_VALUE "Invalid path" otherwise.
 */
export function validateArtifactPath(raw: string): string {
  let decoded = raw;
  for (let round = 0; ; round++) {
    const next = unquote(decoded);
    if (next === decoded) break;
    if (round === MAX_DECODE_ROUNDS) throw invalidPath();
    decoded = next;
  }
  if (
    decoded.includes('#') ||
    decoded.includes('\\') ||
    hasControl(decoded) ||
    decoded.startsWith('/') ||
    DRIVE.test(decoded) ||
    // MLflow converts `file:` URIs to local paths before its checks; none is a relative path.
    /^file:/i.test(decoded) ||
    decoded.split('/').includes('..')
  ) {
    throw invalidPath();
  }
  return decoded;
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The real path of `target`'s deepest existing ancestor, with the not-yet-existing rest appended. */
async function realpathOfDeepest(target: string): Promise<string> {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing);
    } catch (err) {
      const code = errno(err);
      if (code === 'ELOOP') throw invalidPath();
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    // realpath failed yet the entry exists: a dangling symlink. Writing through it would create
    // its target wherever it points, so it is refused rather than treated as "not there yet".
    const exists = await lstat(current).then(
      () => true,
      () => false,
    );
    if (exists) throw invalidPath();
    const parent = path.dirname(current);
    if (parent === current) return target;
    missing.unshift(path.basename(current));
    current = parent;
  }
}

/**
 * Resolves `relative` against the folder `root` and returns the absolute path, after checking that
 * it stays under the root both lexically and once symlinks are followed (realpath of the deepest
 * existing ancestor); throws INVALID_PARAMETER_VALUE "Invalid path" otherwise.
 */
export async function resolveUnderRoot(root: string, relative: string): Promise<string> {
  if (relative.includes('\0')) throw invalidPath();
  const base = path.resolve(root);
  const target = path.resolve(base, relative);
  if (!isInside(base, target)) throw invalidPath();
  const [realBase, realTarget] = await Promise.all([realpathOfDeepest(base), realpathOfDeepest(target)]);
  if (!isInside(realBase, realTarget)) throw invalidPath();
  // The lexical path is returned so that deleting a symlink removes the link, not what it points to.
  return target;
}
