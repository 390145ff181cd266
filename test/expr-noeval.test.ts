// No eval anywhere: the library never builds code from strings (so it runs under a
// Content-Security-Policy without 'unsafe-eval'). Checked in the built files (dist/*.js and
// dist/chunks/*.js, written by `npm run build`, which `npm test` runs first), in src/, and by
// running the CPU path with eval and the Function constructor made to throw.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileExpr } from '../src/expr/index';

const root = join(import.meta.dirname, '..');
const EVAL = /\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(/;

function files(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name), ext) : ext.test(d.name) ? [join(dir, d.name)] : []);
}

describe('no eval', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('not in the built library (dist/*.js, dist/chunks/*.js)', () => {
    const dist = join(root, 'dist');
    expect(existsSync(join(dist, 'node.js')), 'dist/node.js is missing: run `npm run build` first').toBe(true);
    const built = [...readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => join(dist, f)),
      ...files(join(dist, 'chunks'), /\.js$/)];
    expect(built.length).toBeGreaterThan(1);
    for (const f of built) expect(EVAL.exec(readFileSync(f, 'utf8'))?.[0], f).toBeUndefined();
  });
  it('not in src/', () => {
    for (const f of files(join(root, 'src'), /\.ts$/)) expect(EVAL.exec(readFileSync(f, 'utf8'))?.[0], f).toBeUndefined();
  });
  it('expressions compile and evaluate with eval and Function blocked (as under a strict CSP)', () => {
    const blocked = () => { throw new EvalError('blocked by Content-Security-Policy'); };
    vi.stubGlobal('eval', blocked);
    vi.stubGlobal('Function', new Proxy(Function, { construct: blocked, apply: blocked }));
    for (const src of ['x0^2 + x1^2', 'sum(x^2)', 'sum(i, 0, n-2, (x[i+1] - x[i])^2)', 'erf(x0)*where(x1 > 0, x1, -x1)']) {
      const e = compileExpr(src, { n: 3 });
      expect(Number.isFinite(e.evalJs([0.1, 0.2, 0.3]))).toBe(true);
      expect(e.gradJs([0.1, 0.2, 0.3]).every(Number.isFinite)).toBe(true);
      expect(e.wgsl()).toContain('fn user_f');
    }
  });
});
