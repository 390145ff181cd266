// Structure-aware differences (src/features/sums): a lane perturbing x_j evaluates only the
// terms that read x_j. Every gradient is compared with an analytic gradient written here
// (or, for the least-squares loss, the float64 analytic gradient of the data fit).
import { describe, expect, it, vi } from 'vitest';
import { compileExpr } from '../src/expr/index';
import { exprSumsConfig } from '../src/features/sums/config';
import { structuredApplies } from '../src/features/sums/api';
import { structuredEntry } from '../src/features/sums/entry';
import { ExprFunction } from '../src/functions/fn';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('sums');
const N = 10_000;

const ROSENBROCK = 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)';
/** ∂/∂x_j of the n-D Rosenbrock, as its contributions (their magnitudes give the scale
 *  float32 can resolve the component to: the partial is their sum, often a cancelling one) */
function rosenbrockParts(x: readonly number[]): { g: number[]; scale: number[] } {
  const n = x.length;
  const g: number[] = [], scale: number[] = [];
  for (let j = 0; j < n; j++) {
    const parts: number[] = [];
    if (j < n - 1) parts.push(-400 * x[j] * (x[j + 1] - x[j] ** 2), -2 * (1 - x[j]));
    if (j > 0) parts.push(200 * (x[j] - x[j - 1] ** 2));
    g.push(parts.reduce((a, b) => a + b, 0));
    scale.push(Math.max(1, ...parts.map(Math.abs)));
  }
  return { g, scale };
}

/** worst |g − e|/scale over the components */
function worst(g: readonly number[], e: readonly number[], scale: readonly number[] | ((j: number) => number)): number {
  let w = 0;
  for (let j = 0; j < e.length; j++) {
    const s = typeof scale === 'function' ? scale(j) : scale[j];
    w = Math.max(w, Math.abs(g[j] - e[j]) / s);
  }
  return w;
}

const job = (f: ExprFunction, n: number) => ({ f, x: new Float64Array(n), rows: 1, n, pointShape: [n], h: 'auto' as const, stencil: 3 as const });

describe('which gradients are structured', () => {
  it('sums whose terms read known parameters, from minN parameters on or with data; not others', () => {
    const fn = (s: string, o = {}) => new ExprFunction(compileExpr(s, o));
    expect(structuredApplies(job(fn(ROSENBROCK, { n: 64 }), 64))).toBe(true);
    expect(structuredApplies(job(fn('sum(x^2)', { n: 8 }), 8))).toBe(false); // below minN: the whole function
    expect(structuredApplies(job(fn('log(sum(x^2))', { n: 64 }), 64))).toBe(false); // one term reading everything
    expect(structuredApplies(job(fn('sum(i, 0, 7, x[i*i])', { n: 64 }), 64))).toBe(false); // not affine in i
    expect(structuredApplies(job(fn('sum(i, 0, 3, x[i]*sum(k, 0, n-1, x[k]))', { n: 64 }), 64))).toBe(false);
    expect(structuredApplies(job(fn('a*sum(t)', { params: ['a'], data: { t: [1, 2] } }), 1))).toBe(true);
    expect(structuredApplies({ ...job(fn(ROSENBROCK, { n: 64 }), 64), h: 'book' })).toBe(false); // fixed steps: unchanged
  });

  it("the entry point is the ladder's own main with the component stored, and refuses a main it cannot follow", () => {
    const src = '@compute @workgroup_size(WG)\nfn main(a: u32) {\n  if (true) {\n    let j = ngh_params.j0 + comp % ngh_params.nj;\n    f(j);\n  }\n}\nfn after() {}';
    const e = structuredEntry(src);
    expect(e).toBe('@compute @workgroup_size(WG)\nfn sums_main(a: u32) {\n  if (true) {\n    let j = ngh_params.j0 + comp % ngh_params.nj;\n    ngs_comp = j;\n    f(j);\n  }\n}');
    expect(() => structuredEntry(src.replace('let j', 'let jj'))).toThrow(/no longer sets j/);
  });
});

describeBackends('structured sum gradients', (ctx, kind) => {
  const r = rng(seed);
  // float32: the ladder's floor is a few ε of the terms a component sums (not of the whole f)
  const tol = kind === 'webgpu' ? 1e-4 : 1e-9;

  it(`${N}-D Rosenbrock: within ${tol} of max|∇f| (normwise), each component within 10·${tol} of the terms it sums`, async () => {
    const x = uniform(r, N, -2, 2);
    const { g: e, scale } = rosenbrockParts(x);
    const g = (await ctx().numericalGradient(ctx().fn(ROSENBROCK, { n: N }), x, { warn: false })) as number[];
    const emax = Math.max(...e.map(Math.abs));
    expect(worst(g, e, () => emax)).toBeLessThan(tol);
    // float32's floor per component is ε·|term|/h: at x_j ≈ 0 beside |x_j+1| ≈ 2 the term
    // 100(x_j+1 − x_j²)² ≈ 400 limits a partial of order 1 to ~1e-4 of its parts (measured 1.3e-4)
    expect(worst(g, e, scale)).toBeLessThan(10 * tol);
  });

  it(`a ${N}-term transcendental sum, elementwise and over an index, within ${tol} of max(|∂f|, 1)`, async () => {
    const x = uniform(r, N, -3, 3);
    const srcs = ['sum(sin(x)*exp(-x^2/4))', 'sum(i, 0, n-1, sin(x[i])*exp(-x[i]^2/4))'];
    const e = x.map((v) => Math.exp(-v * v / 4) * (Math.cos(v) - (v / 2) * Math.sin(v)));
    for (const src of srcs) {
      const g = (await ctx().numericalGradient(ctx().fn(src, { n: N }), x, { warn: false })) as number[];
      expect(worst(g, e, (j) => Math.max(Math.abs(e[j]), 1)), src).toBeLessThan(tol);
    }
  });

  it('a term non-finite at x flags only the components that read it (the whole function would flag all)', async () => {
    const n = 64;
    const x = uniform(r, n, 0.5, 2);
    x[5] = -1;
    const d = (await ctx().numericalGradient(ctx().fn('sum(log(x))', { n }), x, { detail: true })) as { value: number[]; status: string[] };
    expect(d.status[5]).toBe('non-finite');
    for (let j = 0; j < n; j++) {
      if (j === 5) continue;
      expect(d.status[j]).toBe('ok');
      expect(Math.abs(d.value[j] - 1 / x[j])).toBeLessThan(tol * 10 / x[j]);
    }
  });

  it('an expression that is not a sum of separable terms uses the whole function and is still right', async () => {
    const n = 64;
    const x = uniform(r, n);
    const s = x.reduce((a, v) => a + v * v, 0);
    const g = (await ctx().numericalGradient(ctx().fn('log(sum(x^2))', { n }), x, { warn: false })) as number[];
    expect(worst(g, x.map((v) => 2 * v / s), () => Math.max(...x.map((v) => Math.abs(2 * v / s))))).toBeLessThan(tol * 10);
  });

  it('structured and whole-function lanes agree (n = 48, both paths on this backend)', async () => {
    const n = 48;
    const x = uniform(r, n, -1.5, 1.5);
    const f = ctx().fn(ROSENBROCK, { n });
    const a = (await ctx().numericalGradient(f, x, { warn: false })) as number[];
    exprSumsConfig.enabled = false;
    let b: number[], be: number[];
    try {
      const d = await ctx().numericalGradient(f, x, { detail: true });
      b = d.value as number[];
      be = d.error as number[];
    } finally {
      exprSumsConfig.enabled = true;
    }
    const { g: e, scale } = rosenbrockParts(x);
    expect(worst(a, e, scale)).toBeLessThan(tol);
    // the whole function in float32 differences a sum of 47 terms up to ~10³ each: its error
    // is the ladder's to state (about 1e-3 of the scale here, more on some draws), and the
    // structured lanes must beat it
    const off = b.map((v, j) => Math.abs(v - e[j]));
    expect(off.every((o, j) => o <= Math.max(2 * be[j], 1e-12 * scale[j]))).toBe(true);
    if (kind === 'cpu') expect(worst(b, e, scale)).toBeLessThan(1e-8);
    else expect(worst(a, e, scale)).toBeLessThan(worst(b, e, scale));
  });

  it('a least-squares loss over 10⁵ data points (data bound as storage buffers), against float64', async () => {
    const m = 100_000;
    const t = Float64Array.from({ length: m }, (_, k) => (4 * k) / m);
    const y = t.map((v, k) => 2 * Math.exp(-0.7 * v) + 0.05 * Math.sin(k));
    const f = ctx().fn('sum((y - a*exp(-b*t))^2) / 100000', { params: ['a', 'b'], data: { t, y } });
    for (const p of [[1.5, 0.5], [2, 0.7], [3, 1.2]]) {
      const [a, b] = p;
      let ga = 0, gb = 0;
      for (let k = 0; k < m; k++) {
        const ex = Math.exp(-b * t[k]), res = y[k] - a * ex;
        ga += -2 * res * ex;
        gb += 2 * res * a * t[k] * ex;
      }
      const e = [ga / m, gb / m];
      const g = (await ctx().numericalGradient(f, p, { warn: false })) as number[];
      const scale = Math.max(...e.map(Math.abs), 1e-3);
      expect(worst(g, e, () => scale), `at ${p}`).toBeLessThan(kind === 'webgpu' ? 2e-3 : 1e-8);
    }
  });

  if (kind === 'webgpu') {
    it('verify on a 10⁴-D sum checks against the float64 structured twin (O(n), not O(n²))', async () => {
      const x = uniform(r, N, -1.5, 1.5).map(Math.fround);
      const f = ctx().fn(ROSENBROCK, { n: N }) as ExprFunction;
      const local = vi.spyOn(f.expr, 'evalLocal');
      const whole = vi.spyOn(f.expr, 'evalJs');
      try {
        const d = await ctx().numericalGradient(f, x, { verify: true });
        expect(d.verify).toMatchObject({ ok: true, reference: 'cpu-float64' });
        // the twin evaluated terms per component (8 steps × 2 sides + x), never the whole sum
        expect(local.mock.calls.length).toBe(17 * N);
        expect(whole).not.toHaveBeenCalled();
        const { g: e, scale } = rosenbrockParts(x);
        expect(worst(d.value as number[], e, scale)).toBeLessThan(10 * tol); // per component, as above
      } finally {
        local.mockRestore();
        whole.mockRestore();
      }
    });

    it('data beyond float32 is an ArgumentError before any device work; the context stays usable', async () => {
      const f = ctx().fn('sum((y - a*t)^2)', { params: ['a'], data: { t: [1, 2], y: [1, 1e39] } });
      const pool = ctx().runtime!.pool, before = pool.bytesInUse;
      await expect(ctx().numericalGradient(f, [1])).rejects.toThrow(/y\[1\].*float32/);
      expect(pool.bytesInUse).toBe(before);
      const g = (await ctx().numericalGradient(ctx().fn('sum(x^2)', { n: 40 }), new Array(40).fill(1), { warn: false })) as number[];
      expect(g.every((v) => Math.abs(v - 2) < 1e-4)).toBe(true);
    });
  }
});
