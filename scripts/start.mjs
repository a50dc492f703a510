#!/usr/bin/env node
// `npm start [-- <loom server flags>]`: builds the web UI when packages/ui/dist is missing or stale,
// then runs `loom server` in this process (so Ctrl-C and SIGTERM reach it directly).
import { fileURLToPath } from 'node:url';
import { ensureUiBuilt } from './build-ui.mjs';

try {
  ensureUiBuilt();
} catch (err) {
  console.error(`loom: ${err.message}; serving the API without the UI`);
}
const bin = fileURLToPath(new URL('../packages/cli/bin/loom.js', import.meta.url));
process.argv = [process.argv[0], bin, 'server', ...process.argv.slice(2)];
await import(bin);
