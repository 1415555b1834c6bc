import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The portal is served by the API at /portal (apps/api/src/portal-assets.ts) under a strict CSP: no inline
// script, so no module-preload polyfill (it is an inline script) and no inlined assets.
export default defineConfig({
  root,
  base: '/portal/',
  publicDir: false,
  resolve: { alias: { '@roster/contract': fileURLToPath(new URL('../../libs/contract/src/index.ts', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/portal', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
