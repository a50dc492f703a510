#!/usr/bin/env node
// Builds the web UI (packages/ui → packages/ui/dist) when dist is missing or older than any of its
// sources (the UI, the client and the protocol it imports). Exits 0 without work when it is fresh.
// Usage: node scripts/build-ui.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ui = join(root, 'packages/ui');
const builtIndex = join(ui, 'dist/index.html');
const SOURCES = [
  'packages/ui/src',
  'packages/ui/public',
  'packages/ui/index.html',
  'packages/ui/vite.config.ts',
  'packages/ui/package.json',
  'packages/client/src',
  'packages/protocol/src',
];

/** The newest modification time under `path` (a file or a folder, recursively). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the UI must be (re)built, or undefined when dist is up to date. */
export function staleReason() {
  if (!existsSync(builtIndex)) return 'packages/ui/dist is missing';
  const built = statSync(builtIndex).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(join(root, s)) > built);
  return changed ? `${changed} changed since the last build` : undefined;
}

/** Builds the UI if it is stale (or `force`); throws when the build fails. */
export function ensureUiBuilt({ force = false } = {}) {
  const reason = force ? 'forced' : staleReason();
  if (!reason) return false;
  console.log(`loom: building the web UI (${reason})...`);
  const started = Date.now();
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  // NODE_ENV must say production whoever calls this (vitest sets it to `test`), or Vite bundles
  // React's development build, several times slower.
  const res = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: ui,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (res.status !== 0) throw new Error(`the UI build failed (vite exited with ${res.status})`);
  console.log(`loom: web UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureUiBuilt({ force: process.argv.includes('--force') });
  } catch (err) {
    console.error(`loom: ${err.message}`);
    process.exit(1);
  }
}
