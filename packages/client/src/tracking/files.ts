/**
 * Node-only: the files of a local artifact, for `logArtifact(s)`. Loaded lazily, so the fluent API
 * still runs in a browser as long as no local file is logged.
 */

export interface LocalFile {
  /** Relative to the logged folder (or the file's own name), `/`-separated. */
  relative: string;
  absolute: string;
}

/** The file itself, or every file under a folder (sorted, recursively). */
export async function localFiles(path: string): Promise<LocalFile[]> {
  const fs = await import('node:fs/promises');
  const { basename, join, relative, sep } = await import('node:path');
  const stat = await fs.stat(path);
  if (!stat.isDirectory()) return [{ relative: basename(path), absolute: path }];
  const out: LocalFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push({ relative: relative(path, full).split(sep).join('/'), absolute: full });
    }
  };
  await walk(path);
  return out;
}

export async function readLocalFile(path: string): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  return fs.readFile(path);
}

/** The user name MLflow records (`mlflow.user`), and the running script (`mlflow.source.name`). */
export function processIdentity(): { user?: string; source?: string } {
  const g = globalThis as { process?: { env?: Record<string, string | undefined>; argv?: string[] } };
  const env = g.process?.env ?? {};
  return { user: env.USER ?? env.USERNAME ?? env.LOGNAME, source: g.process?.argv?.[1] };
}
