// `vite` serves the UI with hot reload and proxies the API to a `loom server` on port 5000;
// `vite build` writes dist/, which `loom server` serves at `/`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: {
    proxy: { '/api': api, '/ajax-api': api, '/get-artifact': api },
  },
});
