import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import wgsl from './build/wgsl-plugin.js';

export default defineConfig({
  plugins: [wgsl()],
  // The apps import the library by its package name, as a user would; in tests that is the source.
  resolve: { alias: [{ find: /^numgrad$/, replacement: fileURLToPath(new URL('./src/entry-node.ts', import.meta.url)) }] },
  test: {
    // Two tiers: `npm test` runs test/*.test.ts; `npm run test:slow` runs test/slow/ (the
    // browser, the float32 emulation, CLI training). The README's test command runs both.
    include: process.env.NUMGRAD_TIER === 'slow' ? ['test/slow/**/*.test.ts'] : ['test/*.test.ts'],
    // Dawn is a native addon: forks keep each test file in its own process, and a
    // software GPU on 2 cores needs generous time for the first pipeline compile.
    pool: 'forks',
    // the fast tier reuses worker processes across files (saves ~8 s of process and Dawn
    // start-up on 2 cores); the slow tier keeps one process per file
    poolOptions: { forks: { isolate: process.env.NUMGRAD_TIER === 'slow' } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
