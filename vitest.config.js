import { defineConfig } from 'vitest/config';
import wgsl from './build/wgsl-plugin.js';

export default defineConfig({
  plugins: [wgsl()],
  test: {
    include: ['test/**/*.test.ts'],
    // Dawn is a native addon: forks keep each test file in its own process, and a
    // software GPU on 2 cores needs generous time for the first pipeline compile.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
