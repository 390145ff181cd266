// The demo page's dev server (`npm run web`) and static build (`npm run build:web` → web/dist/).
// The page imports the library and the chapter module by name; here both resolve to their
// sources (the browser entry: navigator.gpu only, never Dawn), and the .wgsl shaders become
// strings through the same plugin rollup and vitest use. No dist/ build is needed first.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import wgsl from '../build/wgsl-plugin.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './', // relative asset URLs: web/dist/ works from any folder of a static host
  publicDir: false,
  plugins: [wgsl()],
  resolve: {
    alias: [
      { find: /^numgrad$/, replacement: here('../src/entry-browser.ts') },
      { find: /^numgrad-chapter$/, replacement: here('../apps/chapter/browser.ts') },
    ],
  },
  // error classes keep their names when minified (numgrad's errors take name from new.target.name)
  esbuild: { keepNames: true },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // no inline scripts in index.html (the page runs under script-src 'self')
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { fs: { allow: [here('..')] } },
});
