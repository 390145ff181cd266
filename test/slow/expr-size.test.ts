// Any size: long sums and deep nesting compile and agree on both paths, the generated WGSL
// stays shallow (no nesting proportional to the number of terms), sums over an index are WGSL
// loops, and a 10⁴-D Rosenbrock runs: its gradient through ctx.numericalGradient on WebGPU.
import { describe, expect, it } from 'vitest';
import { compileExpr } from '../../src/expr/index';
import { MAX_DEPTH } from '../../src/expr/parser';
import { describeBackends } from '../helpers/backends';
import { rng, seedFromEnv, uniform } from '../helpers/random';

const seed = seedFromEnv('expr-size');
const r = rng(seed);

const ROSEN = 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)';
const rosen = (x: ArrayLike<number>) => { let s = 0; for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2; return s; };
const rosenGrad = (x: number[]) => x.map((xj, j) => {
  let g = 0;
  if (j >= 1) g += 200 * (xj - x[j - 1] ** 2);
  if (j <= x.length - 2) g += -400 * xj * (x[j + 1] - xj ** 2) - 2 * (1 - xj);
  return g;
});

/** Σ (k+1)·x_k², written out term by term */
const explicit = (m: number) => Array.from({ length: m }, (_, k) => `${k + 1}*x${k}^2`).join(' + ');
/** sin(sin(…sin(x0)…)), d levels */
const nested = (d: number) => 'sin('.repeat(d) + 'x0' + ')'.repeat(d);
const nestedRef = (d: number, x: number) => { let v = x, g = 1; for (let k = 0; k < d; k++) { g *= Math.cos(v); v = Math.sin(v); } return [v, g]; };

function maxParenDepth(code: string): number {
  let d = 0, m = 0;
  for (const c of code.replace(/\/\/.*$/gm, '')) { if (c === '(') m = Math.max(m, ++d); else if (c === ')') d--; }
  return m;
}

describe('CPU: long sums and deep nesting', () => {
  it('an explicit 10⁴-term sum: value and symbolic gradient, no stack overflow', () => {
    const m = 1e4;
    const f = compileExpr(explicit(m));
    expect(f.n).toBe(m);
    const x = uniform(r, m, -1, 1);
    const want = x.reduce((s, v, k) => s + (k + 1) * v * v, 0);
    expect(Math.abs(f.evalJs(x) - want)).toBeLessThanOrEqual(1e-12 * want);
    const g = f.gradJs(x);
    for (let k = 0; k < m; k += 97) expect(g[k]).toBeCloseTo(2 * (k + 1) * x[k], 10);
  });
  it(`nesting up to the limit (${MAX_DEPTH}) works, one more is an ExprError`, () => {
    const d = MAX_DEPTH - 1;
    const [v, g] = nestedRef(d, 0.7);
    const f = compileExpr(nested(d));
    expect(f.evalJs([0.7])).toBeCloseTo(v, 14);
    expect(f.gradJs([0.7])[0]).toBeCloseTo(g, 14);
    expect(() => compileExpr(nested(MAX_DEPTH + 1))).toThrow(/nested more than 256 levels/);
  });
  it('10⁴-D Rosenbrock: value and the O(n) symbolic gradient', () => {
    const x = uniform(r, 1e4, -1, 1.5);
    const f = compileExpr(ROSEN);
    expect(Math.abs(f.evalJs(x) - rosen(x))).toBeLessThanOrEqual(1e-12 * rosen(x));
    const t0 = performance.now();
    const g = f.gradJs(x);
    expect(performance.now() - t0).toBeLessThan(2000);
    const want = rosenGrad(x);
    for (let k = 0; k < x.length; k++) expect(Math.abs(g[k] - want[k])).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(want[k])));
  });
});

describe('generated WGSL: bounded nesting, loops not unrolled', () => {
  it('nesting does not grow with the number of terms or the input depth', () => {
    const long = compileExpr(explicit(2000));
    const deep = compileExpr(nested(MAX_DEPTH - 1));
    const both = compileExpr(`${explicit(300)} + ${nested(200)}`, { n: 300 });
    for (const [name, e] of [['2000 terms', long], ['255 levels', deep], ['both', both]] as const) {
      expect(maxParenDepth(e.wgsl()), `${name}: user_f`).toBeLessThanOrEqual(24);
      expect(maxParenDepth(e.wgslGrad()), `${name}: user_df`).toBeLessThanOrEqual(24);
    }
  });
  it('a sum over an index is one WGSL loop whatever n is', () => {
    const a = compileExpr(ROSEN).wgsl(), b = compileExpr(ROSEN, { n: 1e4 }).wgsl();
    expect(a).toMatch(/for \(var ng_v\d+: i32 = 0i; ng_v\d+ <= \(i32\(N\) - 2i\)/);
    expect(b.length).toBeLessThan(2 * a.length);
    expect(compileExpr(ROSEN, { n: 1e4 }).wgslGrad().length).toBeLessThan(4000);
  });
});

describeBackends('long and deep expressions on both paths', (ctx, kind) => {
  const f32 = kind === 'webgpu';
  it('300 explicit terms (127 and more failed before) and 200 nested calls', async () => {
    const m = 300;
    const x = uniform(r, m, -1, 1).map(Math.fround);
    const want = x.reduce((s, v, k) => s + (k + 1) * v * v, 0);
    const got = (await ctx().evaluate(explicit(m), x)) as number;
    expect(Math.abs(got - want)).toBeLessThanOrEqual((f32 ? 1e-5 : 1e-13) * want);
    const [v, g] = nestedRef(200, 0.7);
    const fn = ctx().fn(nested(200));
    expect(Math.abs(((await ctx().evaluate(fn, [0.7])) as number) - v)).toBeLessThan(f32 ? 1e-6 : 1e-14);
    const d = (await ctx().numericalGradient(fn, [0.7])) as number[];
    expect(Math.abs(d[0] - g)).toBeLessThan(f32 ? 1e-3 : 1e-8);
  });
  it('10⁴-D Rosenbrock: value, and the gradient through numericalGradient', async () => {
    const n = kind === 'cpu' ? 2000 : 1e4; // the CPU path evaluates f 2n times, 2n·n terms
    const x = uniform(r, n, -1, 1.5).map(Math.fround);
    const f = ctx().fn(ROSEN);
    const fx = rosen(x);
    const value = (await ctx().evaluate(f, x)) as number;
    expect(Math.abs(value - fx)).toBeLessThanOrEqual((f32 ? 1e-5 : 1e-12) * fx);
    const d = await ctx().numericalGradient(f, x, { detail: true, warn: false });
    const g = d.value as number[];
    const want = rosenGrad(x);
    // float32: each difference of two sums of 10⁴ terms carries ~ε·f/h of rounding (the
    // library estimates it per component); float64 with h = 1e-4: truncation ~1e-7
    const atol = f32 ? (8 * 2 ** -24 * fx) / Math.cbrt(2 ** -23) : 1e-5;
    let worst = 0;
    for (let k = 0; k < n; k++) worst = Math.max(worst, Math.abs(g[k] - want[k]) - 1e-3 * Math.abs(want[k]));
    expect(worst, `worst excess over rtol 1e-3 (atol ${atol.toExponential(2)})`).toBeLessThanOrEqual(atol);
  }, 120_000);
});
