/**
 * Builds a cache folder once. The work happens in place (virtualenvs record their absolute path, so
 * they cannot be built elsewhere and moved) and a marker file written last says the folder is
 * complete: an interrupted build is thrown away and redone, never mistaken for a ready one.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const READY = '.loom-ready';

/** Ensures `dir` is built, calling `build(dir)` when it is not; answers whether it was cached. */
export async function ensureCachedFolder(
  dir: string,
  build: (dir: string) => Promise<void>,
): Promise<boolean> {
  if (existsSync(join(dir, READY))) return true;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    await build(dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  writeFileSync(join(dir, READY), new Date().toISOString());
  return false;
}
