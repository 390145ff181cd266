// Two builds. The library: the Node entry (Dawn loaded lazily) and the browser entry
// (navigator.gpu only, never Dawn), with shared chunks. The apps: the CLI, which imports
// the library by its package name, so dist/cli.js holds app code only and loads ./node.js.
// Shaders become strings through the same plugin the tests use.
import typescript from '@rollup/plugin-typescript';
import wgsl from './build/wgsl-plugin.js';

const node = (id) => id === 'webgpu' || id === 'mnist' || id.startsWith('node:');

export default [
  {
    input: { node: 'src/entry-node.ts', browser: 'src/entry-browser.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    external: node,
    plugins: [wgsl(), typescript({ tsconfig: './tsconfig.build.json', declaration: true, declarationDir: 'dist/types' })],
  },
  {
    input: { cli: 'apps/cli/main.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'cli-[name]-[hash].js', paths: { numgrad: './node.js' } },
    external: (id) => id === 'numgrad' || node(id),
    plugins: [typescript({ tsconfig: './tsconfig.apps.json' })],
  },
  // The chapter for the web page (web/sections.js): the CLI demo's section computations and
  // figures, importing the browser library once, by the URL the page itself uses.
  {
    input: { chapter: 'apps/chapter/browser.ts' },
    output: { dir: 'web/build', format: 'es', entryFileNames: '[name].js', paths: { numgrad: '../../dist/browser.js' } },
    external: (id) => id === 'numgrad',
    plugins: [typescript({ tsconfig: './tsconfig.apps.json', outDir: 'web/build' })],
  },
];
