// The builds. The library: the Node entry (Dawn loaded lazily) and the browser entry
// (navigator.gpu only, never Dawn), with shared chunks, and one bundled declaration file per
// entry (dist/node.d.ts, dist/browser.d.ts: no relative imports, so they resolve under every
// moduleResolution). The apps: the CLI, which imports the library by its package name, so
// dist/cli.js holds app code only and loads ./node.js. Shaders become strings through the
// same plugin the tests use.
import { rmSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import dts from 'rollup-plugin-dts';
import wgsl from './build/wgsl-plugin.js';

const node = (id) => id === 'webgpu' || id === 'mnist' || id.startsWith('node:');

// The declarations name GPUDevice and friends: consumers get them from @webgpu/types (a
// dependency of the package), referenced here so no tsconfig "types" entry is needed.
const DTS_BANNER = '/// <reference types="@webgpu/types" />';

/** One self-contained .d.ts per entry, from the declarations the first build emits. */
const declarations = (name, last) => ({
  input: `dist/types/entry-${name}.d.ts`,
  output: { file: `dist/${name}.d.ts`, format: 'es', banner: DTS_BANNER },
  external: node,
  plugins: [
    dts({ respectExternal: true }),
    // dist/types is an intermediate step: the package ships only the bundled files
    last && { name: 'numgrad-drop-intermediate-types', closeBundle: () => rmSync('dist/types', { recursive: true, force: true }) },
  ],
});

export default [
  {
    input: { node: 'src/entry-node.ts', browser: 'src/entry-browser.ts' },
    // 'hidden': the maps are written (test/layout.test.ts reads them to check which sources
    // the entries contain) but not referenced from the shipped files, nor shipped.
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: 'hidden' },
    external: node,
    plugins: [wgsl(), typescript({ tsconfig: './tsconfig.build.json', declaration: true, declarationDir: 'dist/types' })],
  },
  {
    input: { cli: 'apps/cli/main.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'cli-[name]-[hash].js', paths: { numgrad: './node.js' } },
    external: (id) => id === 'numgrad' || node(id),
    plugins: [typescript({ tsconfig: './tsconfig.apps.json' })],
  },
  declarations('node', false),
  declarations('browser', true),
];
