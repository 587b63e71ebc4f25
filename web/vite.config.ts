// Vite build of the pages (plain TypeScript + Preact through esbuild's JSX; no framework plugin).
// The modeler (web-modeler/src) is imported lazily from here, so it is its own chunk that only
// admins download.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
  },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] }, proxy: { '/api': 'http://127.0.0.1:3000' } },
});
