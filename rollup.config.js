// Three ESM entries: the Node build (Dawn loaded lazily), the browser build (navigator.gpu
// only, never Dawn), and the CLI. Shaders become strings through the same plugin the tests use.
import typescript from '@rollup/plugin-typescript';
import wgsl from './build/wgsl-plugin.js';

const external = (id) => id === 'webgpu' || id === 'mnist' || id.startsWith('node:');

export default {
  input: { node: 'src/entry-node.ts', browser: 'src/entry-browser.ts', cli: 'src/cli/main.ts' },
  output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
  external,
  plugins: [
    wgsl(),
    typescript({
      tsconfig: './tsconfig.build.json',
      declaration: true,
      declarationDir: 'dist/types',
    }),
  ],
};
