/** HTTP plumbing shared by the artifact routes: streaming bodies in and files out, listings. */
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Context } from 'hono';
import {
  guessMimeType,
  joinArtifactPath,
  resolveArtifactUri,
  validateArtifactPath,
  type ArtifactFileInfo,
  type ArtifactLocation,
} from '@loom/core';
import { invalidParameter, type FileInfoJson } from '@loom/protocol';
import type { AppDeps } from '../deps';

/** MLflow's FileInfo; the caller decides what `path` is relative to. */
export function presentFileInfo(info: ArtifactFileInfo, wirePath: string): FileInfoJson {
  return info.isDir
    ? { path: wirePath, is_dir: true }
    : { path: wirePath, is_dir: false, file_size: info.fileSize ?? 0 };
}

/** The request body as a Node stream, without buffering it. */
export function bodyStream(c: Context): Readable {
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body) : Readable.from([]);
}

/** The still-encoded path after `prefix`: Hono's own path is partly decoded, and the safe-path rule wants the raw text. */
export function pathAfter(c: Context, prefix: string): string {
  const pathname = new URL(c.req.url).pathname;
  if (!pathname.startsWith(prefix)) throw invalidParameter('Invalid path');
  return pathname.slice(prefix.length);
}

/** `attachment; filename=<name>` as MLflow sends it, plus RFC 5987 for names HTTP headers cannot carry. */
export function contentDisposition(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name)) return `attachment; filename=${name}`;
  const fallback = name.replace(/[^\x20-\x7e]|"/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Streams one file as a download (attachment + mime rule + nosniff), as MLflow's `_send_artifact`. */
export async function sendArtifact(
  c: Context,
  { repository, path: file }: ArtifactLocation,
): Promise<Response> {
  const { stream, size } = await repository.readArtifact(file);
  const headers = {
    'Content-Type': guessMimeType(file),
    'Content-Length': String(size),
    'Content-Disposition': contentDisposition(path.posix.basename(file)),
    'X-Content-Type-Options': 'nosniff',
  };
  // Hono answers HEAD with GET's headers and drops the body; close the file rather than leak it.
  if (c.req.method === 'HEAD') {
    stream.destroy();
    return new Response(null, { headers });
  }
  return new Response(Readable.toWeb(stream) as ReadableStream, { status: 200, headers });
}

/** Lists one level under `relative` of the artifact root `rootUri`; FileInfo paths include `relative`. */
export async function listUnder(
  deps: AppDeps,
  rootUri: string,
  relative: string | undefined,
): Promise<FileInfoJson[]> {
  const rel = relative === undefined ? '' : validateArtifactPath(relative);
  const { repository, path: base } = resolveArtifactUri(rootUri, deps.artifacts, deps.config.s3);
  const infos = await repository.listArtifacts(joinArtifactPath(base, rel));
  return infos.map((i) => presentFileInfo(i, joinArtifactPath(rel, path.posix.basename(i.path))));
}

/** The file `relative` under the artifact root `rootUri`. */
export function locate(deps: AppDeps, rootUri: string, relative: string): ArtifactLocation {
  const rel = validateArtifactPath(relative);
  const { repository, path: base } = resolveArtifactUri(rootUri, deps.artifacts, deps.config.s3);
  return { repository, path: joinArtifactPath(base, rel) };
}

/** Fails the stream with a 400 once more than `limit` bytes have passed. */
export function byteLimit(limit: number, message: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > limit ? invalidParameter(message) : null, chunk);
    },
  });
}
