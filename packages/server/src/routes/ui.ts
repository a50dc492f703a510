/**
 * Serves the built web UI (`packages/ui/dist`) at `/`: its files with their content types, and
 * `index.html` for every other non-API GET so that deep links (`/experiments/1?filter=…`) load the
 * app. Mounted after the API, whose routes and `/health` keep priority. Paths are resolved inside
 * the UI folder only; anything that would leave it is a 404.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';

/** `packages/ui/dist` of this checkout, where `vite build` writes the UI. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

/** Paths that belong to the API: never answered with the UI, whatever is (not) mounted there. */
const API_PREFIXES = ['/api/', '/ajax-api/', '/get-artifact', '/health', '/version', '/loom/'];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type of a UI file by its extension. */
export function uiContentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that `urlPath` names, or undefined when the path is malformed or would
 * leave `root` (`..`, encoded slashes or backslashes, NUL bytes).
 */
export function resolveUiFile(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  const file = path.resolve(root, ...segments);
  const base = path.resolve(root);
  return file === base || file.startsWith(base + path.sep) ? file : undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function sendFile(c: Context, file: string, size: number, cache: string): Response {
  const headers = {
    'Content-Type': uiContentType(file),
    'Content-Length': String(size),
    'Cache-Control': cache,
  };
  if (c.req.method === 'HEAD') return new Response(null, { headers });
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, { headers });
}

/** Mounts the UI in `root` (if it has an index.html when a request comes) on GET and HEAD. */
export function mountUiRoutes(app: Hono, root: string): void {
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const urlPath = new URL(c.req.url).pathname;
    if (API_PREFIXES.some((p) => urlPath === p.replace(/\/$/, '') || urlPath.startsWith(p))) return next();
    const index = path.join(root, 'index.html');
    if (!(await isFile(index))) return next();

    const file = resolveUiFile(root, urlPath);
    if (file === undefined) return next();
    if (file !== path.resolve(root) && (await isFile(file))) {
      // Vite fingerprints everything under assets/, so those never change under their name.
      const immutable = urlPath.startsWith('/assets/');
      return sendFile(
        c,
        file,
        (await stat(file)).size,
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    }
    // A missing asset is a 404; any other path is a page of the app, which routes on the client.
    if (urlPath.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(urlPath)) return next();
    return sendFile(c, index, (await stat(index)).size, 'no-cache');
  });
}
