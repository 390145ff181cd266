// The expression language's forms beyond plain arithmetic: sums over an index with computed
// indices, named parameters, data arrays (elementwise and indexed), several outputs,
// comparisons and where, on both paths, with hand-written references; and their errors.
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/core/errors';
import { compileExpr, ExprError } from '../src/expr/index';
import { describeBackends } from './helpers/backends';
import { device, keepAlive, runWgsl } from './helpers/expr-gpu';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('expr-syntax');
const r = rng(seed);

const ROSEN = 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)';
const rosen = (x: number[]) => { let s = 0; for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2; return s; };
/** ∂/∂x_j by hand: the terms i = j − 1 and i = j */
const rosenGrad = (x: number[]) => x.map((xj, j) => {
  let g = 0;
  if (j >= 1) g += 200 * (xj - x[j - 1] ** 2);
  if (j <= x.length - 2) g += -400 * xj * (x[j + 1] - xj ** 2) - 2 * (1 - xj);
  return g;
});
const close = (a: ArrayLike<number>, b: ArrayLike<number>, rtol: number) => {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++) expect(Math.abs(a[k] - b[k]), `[${k}] ${a[k]} vs ${b[k]}`).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(b[k])));
};

// model y = a·e^(−b·t): data and its hand-written least-squares gradient
const T = [0, 0.5, 1, 1.5, 2, 3];
const Y = [2.1, 1.45, 0.9, 0.62, 0.41, 0.2];
const loss = ([a, b]: number[]) => T.reduce((s, t, k) => s + (a * Math.exp(-b * t) - Y[k]) ** 2, 0);
const lossGrad = ([a, b]: number[]) => T.reduce(([ga, gb], t, k) => {
  const e = Math.exp(-b * t), res = a * e - Y[k];
  return [ga + 2 * res * e, gb - 2 * res * a * t * e];
}, [0, 0]);

describe('sums over an index, computed indices', () => {
  it('Rosenbrock: any n, value and O(n) symbolic gradient', () => {
    const f = compileExpr(ROSEN);
    expect(f.n).toBeNull();
    for (const n of [1, 2, 3, 7, 50]) {
      const x = uniform(r, n, -1.5, 1.5);
      expect(Math.abs(f.evalJs(x) - rosen(x))).toBeLessThanOrEqual(1e-12 * Math.max(1, rosen(x)));
      close(f.gradJs(x), rosenGrad(x), 1e-12);
      close(compileExpr(ROSEN, { n }).gradJs(x), rosenGrad(x), 1e-12);
    }
    expect(f.evalJs([1, 1, 1, 1])).toBe(0);
  });
  it('constant bounds infer n; an index is a number in the body; nested sums; prod', () => {
    const f = compileExpr('sum(i, 0, 4, i*x[i]^2)');
    expect(f.n).toBe(5);
    const x = [1, 2, 3, 4, 5];
    expect(f.evalJs(x)).toBe(0 + 4 + 18 + 48 + 100);
    close(f.gradJs(x), x.map((v, i) => 2 * i * v), 0);
    const g = compileExpr('sum(i, 0, n-1, sum(j, i, n-1, x[i]*x[j]))');
    const y = uniform(r, 6, -1, 1);
    let want = 0;
    for (let i = 0; i < 6; i++) for (let j = i; j < 6; j++) want += y[i] * y[j];
    expect(Math.abs(g.evalJs(y) - want)).toBeLessThan(1e-12);
    // ∂/∂x_k Σ_{i ≤ j} x_i x_j = Σ_{j ≥ k} x_j + Σ_{i ≤ k} x_i
    close(g.gradJs(y), y.map((_, k) => y.slice(k).reduce((s, v) => s + v, 0) + y.slice(0, k + 1).reduce((s, v) => s + v, 0)), 1e-12);
    const p = compileExpr('prod(k, 1, n-1, x[k] - x[k-1])');
    const z = [0.3, 1.1, 2.6, 2.9];
    const d = [z[1] - z[0], z[2] - z[1], z[3] - z[2]];
    expect(p.evalJs(z)).toBeCloseTo(d[0] * d[1] * d[2], 14);
    close(p.gradJs(z), [-d[1] * d[2], d[1] * d[2] - d[0] * d[2], d[0] * d[2] - d[0] * d[1], d[0] * d[1]], 1e-12);
  });
  it('strided and non-affine indices; reads outside x are NaN', () => {
    const f = compileExpr('sum(i, 1, 3, x[2*i - 1]^2) + sum(i, 0, 2, x[i*i])');
    expect(f.n).toBe(6);
    const x = [1, 2, 3, 4, 5, 6];
    expect(f.evalJs(x)).toBe(4 + 16 + 36 + 1 + 2 + 5);
    close(f.gradJs(x), [1, 4 + 1, 0, 8, 1, 12], 0);
    expect(compileExpr('sum(i, 0, n-1, x[i+1])').evalJs([1, 2])).toBeNaN();
    expect(compileExpr('x[n-1]*x0').evalJs([2, 5])).toBe(10);
    close(compileExpr('x[n-1]*x0').gradJs([2, 5, 3]), [3, 0, 2], 0);
  });
  it('derivatives print as source and re-parse', () => {
    const f = compileExpr(ROSEN, { n: 3 });
    expect(f.derivativeSource(1)).toBe('200*(x1 - x0^2) - 400*(x2 - x1^2)*x1 - 2*(1 - x1)');
    expect(compileExpr(ROSEN).derivativeSource(1)).toBe('200*(x1 - x0^2) + where(1 <= n - 2, -(400*(x2 - x1^2)*x1 + 2*(1 - x1)), 0)');
    expect(compileExpr('sum(x^2)').derivativeSource(2)).toBe('2*x2');
    const x = [0.2, -0.4, 0.9];
    const back = compileExpr(compileExpr(ROSEN).derivativeSource(1), { n: 3 }).evalJs(x);
    expect(back).toBeCloseTo(rosenGrad(x)[1], 12);
  });
});

describe('named parameters and data', () => {
  it('a least-squares loss: sum over the data, value and gradient', () => {
    const f = compileExpr('sum((a*exp(-b*t) - y)^2)', { params: ['a', 'b'], data: { t: T, y: Y } });
    expect(f.n).toBe(2);
    expect(f.params).toEqual(['a', 'b']);
    for (const p of [[2, 0.8], [1.5, 1.2], [-0.3, 0.1]]) {
      expect(Math.abs(f.evalJs(p) - loss(p))).toBeLessThan(1e-13);
      close(f.gradJs(p), lossGrad(p), 1e-12);
    }
    // the same written with an explicit index and len()
    const g = compileExpr('sum(k, 0, len(t)-1, (a*exp(-b*t[k]) - y[k])^2)', { params: ['a', 'b'], data: { t: T, y: Y } });
    expect(g.evalJs([2, 0.8])).toBe(f.evalJs([2, 0.8]));
    expect(f.derivativeSource(0)).toBe('sum(2*(a*exp(-b*t) - y)*exp(-b*t))');
  });
  it('a bare data name outside sums: one output per element (the model), its Jacobian', () => {
    const m = compileExpr('a*exp(-b*t)', { params: ['a', 'b'], data: { t: T } });
    expect(m.outputs).toBe(T.length);
    const p = [2, 0.7];
    close(m.evalOutputs(p), T.map((t) => 2 * Math.exp(-0.7 * t)), 1e-15);
    expect(m.evalOutput(3, p)).toBe(m.evalOutputs(p)[3]);
    close(m.jacobianJs(p), T.flatMap((t) => [Math.exp(-0.7 * t), -2 * t * Math.exp(-0.7 * t)]), 1e-14);
    expect(() => m.evalJs(p)).toThrow(/has 6 outputs/);
    expect(() => m.wgsl()).toThrow(/has 6 outputs/);
  });
  it('several outputs: a list of expressions', () => {
    const f = compileExpr(['x0^2', 'x0*x1', 'sin(x1) + x2']);
    expect([f.outputs, f.n]).toEqual([3, 3]);
    const x = [2, 3, 0.5];
    close(f.evalOutputs(x), [4, 6, Math.sin(3) + 0.5], 0);
    close(f.jacobianJs(x), [4, 0, 0, 3, 2, 0, 0, Math.cos(3), 1], 1e-15);
    expect(f.derivativeSource(1, undefined, 2)).toBe('cos(x1)');
    expect(() => f.gradJs(x)).toThrow(ArgumentError);
  });
  it('bad names and data are ArgumentErrors; unknown names list what there is', () => {
    expect(() => compileExpr('a', { params: ['a', 'a'] })).toThrow(/'a' appears twice/);
    expect(() => compileExpr('a', { params: ['exp'] })).toThrow(/function or constant/);
    expect(() => compileExpr('a', { params: ['a'], data: { a: [1] } })).toThrow(/also a parameter/);
    expect(() => compileExpr('a', { params: ['a'], data: { t: [] } })).toThrow(/non-empty/);
    expect(() => compileExpr('a', { params: ['a'], data: { t: [1, NaN] } })).toThrow(/t\[1\] is NaN/);
    expect(() => compileExpr('a + x0', { params: ['a'] })).toThrow(/unknown identifier 'x0' at column 5; the parameters are a/);
    expect(() => compileExpr('sum(t*y)', { params: ['a'], data: { t: [1, 2], y: [1] } })).toThrow(/lengths differ/);
  });
});

describe('comparisons and where', () => {
  it('1 or 0, NaN when a side is NaN; where selects (derivative of the selected branch)', () => {
    const f = compileExpr('(x0 < x1) + 2*(x0 <= x1) + 4*(x0 > x1) + 8*(x0 >= x1) + 16*(x0 == x1) + 32*(x0 != x1)');
    expect([f.evalJs([1, 2]), f.evalJs([2, 2]), f.evalJs([3, 2])]).toEqual([1 + 2 + 32, 2 + 8 + 16, 4 + 8 + 32]);
    const w = compileExpr('where(x0 < 0, -x0, x0^2)');
    expect([w.evalJs([-3]), w.evalJs([3])]).toEqual([3, 9]);
    expect([w.gradJs([-3])[0], w.gradJs([3])[0]]).toEqual([-1, 6]);
    expect(compileExpr('where(x0 - 1, 5, 7)').evalJs([1])).toBe(7);
    expect(compileExpr('where(x0/x0, 5, 7)').evalJs([0])).toBeNaN();
  });
  it('comparisons do not chain', () => {
    expect(() => compileExpr('x0 < x1 < 2')).toThrow(/comparisons do not chain \(column 9\)/);
  });
});

describe('errors: columns, nesting, names', () => {
  const col = (src: string) => { try { compileExpr(src); } catch (e) { expect(e).toBeInstanceOf(ExprError); return (e as ExprError).column; } return 0; };
  it('a 10⁵-deep input is an ExprError with its column, quickly', () => {
    for (const [open, close2] of [['(', ')'], ['sin(', ')'], ['2^', ''], ['-(', ')'], ['(x0 + ', ')']]) {
      const src = open.repeat(1e5) + 'x0' + close2.repeat(1e5);
      const t0 = performance.now();
      const c = col(src);
      expect(performance.now() - t0, src.slice(0, 8)).toBeLessThan(100);
      expect(c).toBeGreaterThan(200);
      expect(c).toBeLessThan(300 * open.length);
    }
    // long flat sums and products are not nesting
    expect(compileExpr(Array.from({ length: 2e4 }, (_, k) => `x${k % 7}`).join(' + ')).n).toBe(7);
    expect(compileExpr('-'.repeat(1e5) + 'x0').evalJs([2])).toBe(2);
  });
  it.each([
    ['sum(i, 0, n-1, x[i] + sum(i, 0, 2, x[i]))', 27, /already the index of an enclosing sum/],
    ['sum(i, 0, 3.5, x[i])', 11, /integer bound/],
    ['sum(i, 0, 3, x[i]', 18, /takes 4 arguments/],
    ['x[i]', 3, /non-negative integer index/],
    ['sum(i, 0, 100000000, x[i])', 1, /at most 2\^24/],
    ['x[x[1]]', 3, /non-negative integer index/],
    ['sum(x*t)', 7, /cannot also run over data 't'/],
    ['len(y)', 5, /expected x but found 'y'/],
  ])('%j → column %i', (src, c, msg) => {
    let err: unknown;
    try { compileExpr(src, src.includes('t') && !src.includes('len') ? { data: { t: [1, 2] } } : {}); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ExprError);
    expect((err as ExprError).column).toBe(c);
    expect((err as Error).message).toMatch(msg);
  });
});

describe('dependencies of the top-level terms', () => {
  it('fixed indices, affine ranges and, with n known, every index', () => {
    const d = compileExpr('x0^2 + x0*x1 - sum(x^2)', { n: 3 }).dependencies();
    expect(d.terms.map((t) => [t.source, t.negated, t.fixed, t.indices])).toEqual([
      ['x0^2', false, [0], [0]], ['x0*x1', false, [0, 1], [0, 1]], ['sum(x^2)', true, [], [0, 1, 2]],
    ]);
    const r2 = compileExpr(ROSEN).dependencies();
    expect(r2.terms[0].ranges).toEqual([
      { v: 'i', a: 1, b: '1', lo: '0', hi: 'n - 2' }, { v: 'i', a: 1, b: '0', lo: '0', hi: 'n - 2' }]);
    expect(r2.terms[0].indices).toBeNull();
    expect(compileExpr('sum(i, 0, 3, x[i*i])').dependencies().terms[0].irregular).toBe(true);
  });
});

describe.skipIf(!device)('data in WGSL: embedded, or as storage bindings for a harness that binds them', () => {
  afterAll(() => keepAlive());
  it('both forms give the loss; bound data has no size cost in the shader text', async () => {
    const f = compileExpr('sum((a*exp(-b*t) - y)^2)', { params: ['a', 'b'], data: { t: T, y: Y } });
    const p = [2, 0.8];
    const [emb] = await runWgsl(f, [p]);
    const [bound] = await runWgsl(f, [p], true, true);
    expect(Math.abs(emb[0] - loss(p))).toBeLessThan(1e-6);
    expect(Array.from(bound)).toEqual(Array.from(emb));
    expect(Math.abs(bound[1] - lossGrad(p)[0])).toBeLessThan(1e-5);
    expect(f.wgsl({ dataBinding: 4 })).toMatch(/@group\(0\) @binding\(5\) var<storage, read> ng_d_y: array<f32>;/);
    const m = 3000, t = Array.from({ length: m }, (_, k) => k / m);
    const big = compileExpr('sum((a*exp(-b*t) - 1)^2)', { params: ['a', 'b'], data: { t } });
    expect(big.wgsl({ dataBinding: 4 }).length).toBeLessThan(f.wgsl({ dataBinding: 4 }).length + 100);
    const [v] = await runWgsl(big, [p], false, true);
    expect(Math.abs(v[0] - t.reduce((s, tk) => s + (2 * Math.exp(-0.8 * tk) - 1) ** 2, 0))).toBeLessThan(1e-6 * m);
    expect(() => compileExpr('sum(t)', { data: { t: [1e39] } }).wgsl()).toThrow(/beyond float32's range/);
  });
});

describeBackends('index sums, parameters and data on the device', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-12 : 3e-6;
  it('Rosenbrock (n = 9), a least-squares loss and where: values and gradients', async () => {
    const x = uniform(r, 9, -1, 1).map(Math.fround);
    const f = ctx().fn(ROSEN);
    close([(await ctx().evaluate(f, x)) as number], [rosen(x)], tol);
    close((await ctx().numericalGradient(f, x)) as number[], rosenGrad(x), kind === 'cpu' ? 1e-7 : 2e-3);
    const ls = ctx().fn('sum((a*exp(-b*t) - y)^2)', { params: ['a', 'b'], data: { t: T, y: Y } } as never);
    const p = [2, 0.8];
    close([(await ctx().evaluate(ls, p)) as number], [loss(p)], tol);
    close((await ctx().numericalGradient(ls, p)) as number[], lossGrad(p), kind === 'cpu' ? 1e-7 : 2e-3);
    const idx = ctx().fn('sum(k, 0, len(t)-1, (a*exp(-b*t[k]) - y[k])^2)', { params: ['a', 'b'], data: { t: T, y: Y } } as never);
    close([(await ctx().evaluate(idx, p)) as number], [loss(p)], tol);
    const w = ctx().fn('where(x0 < 0, -x0, x0^2) + (x1 >= 1)');
    close((await ctx().evaluate(w, [[-3, 1], [3, 0]])) as number[], [4, 9], tol);
  });
  it('constant expressions', async () => {
    for (const [src, v] of [['2.5', 2.5], ['tanh(9)', Math.tanh(9)], ['erf(0.5) + 1', 1.5204998778130465]] as const) {
      const f = ctx().fn(src);
      close([(await ctx().evaluate(f, [1])) as number], [v], kind === 'cpu' ? 1e-15 : 1e-7);
      expect(await ctx().numericalGradient(f, [1])).toEqual([0]);
    }
  });
});
