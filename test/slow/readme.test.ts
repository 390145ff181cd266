// Every JS/TS code block of the README runs, as pasted, against the built library
// (dist/node.js, the `numgrad` import pointed at it) and prints what its comments say
// (`// → VALUE`, see readme-blocks.ts). The package test runs the first one from an
// installed tarball too.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractBlocks, logSlots, mismatch, moduleSource, runBlock } from './readme-blocks';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = extractBlocks(readme);
const lib = join(root, 'dist/node.js');

// docs/ too: every JS block of its pages runs the same way
const docBlocks = ['docs/expressions.md', 'docs/design.md', 'docs/benchmarks.md', 'docs/mnist-run.md'].flatMap((f) =>
  extractBlocks(readFileSync(join(root, f), 'utf8')).map((b) => ({ ...b, file: f })));

describe('docs/ code blocks', () => {
  it.each(docBlocks.map((b) => [`${b.file}:${b.line}`, b] as const))('the block at %s runs and prints what it states', async (_at, block) => {
    const run = await runBlock(block, moduleSource(block, pathToFileURL(lib).href));
    expect(run.problems).toEqual([]);
  }, 180_000);

  it('docs/expressions.md has a checked block', () => {
    expect(docBlocks.filter((b) => b.file === 'docs/expressions.md' && logSlots(b.code).some((s) => s.expect)).length).toBeGreaterThanOrEqual(1);
  });
});

describe('README code blocks', () => {
  it('has JS blocks, the first being the first example, and most of them state values', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(readme.indexOf(blocks[0].code.split('\n')[0])).toBeGreaterThan(readme.indexOf('## A first example'));
    const checked = blocks.flatMap((b) => logSlots(b.code)).filter((s) => s.expect);
    expect(checked.length).toBeGreaterThanOrEqual(20);
    for (const b of blocks) expect(b.code, `README line ${b.line}: imports numgrad`).toMatch(/from 'numgrad'/);
  });

  it('the checker itself: ≈ tolerates float32, exact does not, objects match on their own keys', () => {
    expect(mismatch([[6.0000038, 7.999999]], [[6, 8]], true)).toBeNull();
    expect(mismatch([[6.0000038, 8]], [[6, 8]], false)).toMatch(/\[0\]\[0\]: expected 6, got 6.0000038/);
    expect(mismatch([{ slope: 0.19999976, intercept: -0.2499988, extra: 1 }], [{ slope: 0.2, intercept: -0.25 }], true)).toBeNull();
    expect(mismatch([true, 'x'], [true, 'y'], false)).toMatch(/expected "y", got "x"/);
    expect(logSlots("console.log(1); // → ≈ [6, 8], true  prose here")[0].expect).toMatchObject({ approx: true, values: [[6, 8], true] });
  });

  it.each(blocks.map((b) => [b.line, b] as const))('the block at README line %i runs and prints what it states', async (_line, block) => {
    expect(existsSync(lib), 'dist/node.js is missing: run `npm run build` (npm run test:slow does)').toBe(true);
    const run = await runBlock(block, moduleSource(block, pathToFileURL(lib).href));
    expect(run.problems).toEqual([]);
  }, 180_000);
});
