// An expression's data arrays on every GPU path (bound as storage buffers, not embedded in the
// shader): a least-squares loss over 10⁵ points through evaluate, numericalGradient (the
// ladder with and without the sums structure, a fixed h), gradientDescent, jacobian, the
// Jacobian of several outputs and hessianVectorProduct, against float64 analytic values
// written here. Every call must leave the buffer pool as it found it.
import { afterEach, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv } from './helpers/random';
import { exprSumsConfig } from '../src/features/sums/config';
import type { Context } from '../src/entry-node';

const seed = seedFromEnv('expr-data-gpu');
const r = rng(seed);
const M = 100_000;
// float32-representable data, so both paths see the same numbers
const T = Float64Array.from({ length: M }, (_, k) => Math.fround((4 * k) / M));
const Y = Float64Array.from(T, (t) => Math.fround(2 * Math.exp(-0.7 * t) + 0.05 * (r() - 0.5)));
const LOSS = 'sum(k, 0, len(t)-1, (a*exp(-b*t[k]) - y[k])^2)';
const opts = { params: ['a', 'b'], data: { t: T, y: Y } };

/** float64 L, ∇L and the Hessian of L(a, b) = Σ (a e^(−b t) − y)², by hand. */
function exact([a, b]: number[]): { L: number; g: number[]; H: number[][] } {
  let L = 0, ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
  for (let k = 0; k < M; k++) {
    const t = T[k], E = Math.exp(-b * t), res = a * E - Y[k];
    L += res * res;
    ga += 2 * res * E;
    gb += -2 * a * res * t * E;
    haa += 2 * E * E;
    hab += -2 * t * E * (a * E + res);
    hbb += 2 * a * t * t * E * (a * E + res);
  }
  return { L, g: [ga, gb], H: [[haa, hab], [hab, hbb]] };
}

/** max |got − want| / max |want| */
function relErr(got: number[], want: number[]): number {
  let d = 0, s = 0;
  want.forEach((w, i) => {
    d = Math.max(d, Math.abs(got[i] - w));
    s = Math.max(s, Math.abs(w));
  });
  return d / s;
}

/** normwise within `cap` (detail: true, so the ladder's flags do not warn) */
function covered(d: { value: number[] }, want: number[], cap: number): void {
  expect(relErr(d.value, want)).toBeLessThan(cap);
}

function poolIdle(ctx: Context): void {
  const rt = ctx.runtime;
  if (rt) expect(rt.pool.bytesInUse, 'pooled bytes still in use after the call').toBe(0);
}

afterEach(() => {
  exprSumsConfig.enabled = true;
});

describeBackends('a least-squares loss over 10⁵ data points', (ctx, kind) => {
  const gpu = kind === 'webgpu';
  const p = [1.5, 0.5];
  const ref = exact(p);

  it('evaluate and numericalGradient (ladder with and without sums structure, fixed h)', async () => {
    const f = ctx().fn(LOSS, opts as never);
    const v = (await ctx().evaluate(f, p)) as number;
    // float32: a sequential sum of 10⁵ positive terms, ~√n·ε relative
    expect(Math.abs(v - ref.L) / ref.L).toBeLessThan(gpu ? 3e-4 : 1e-12);
    poolIdle(ctx());
    // float32 differences of a 10⁵-term float32 sum: its rounding noise (~√n·ε·|L|, beyond the
    // ladder's rounding model of a few ε·|L|) over the step is the error: 0.02-0.56 % normwise
    // over 9 seeds, where the ladder flags the component 'not-converged'
    const ladder = await ctx().numericalGradient(f, p, { detail: true });
    covered(ladder as never, ref.g, gpu ? 1.5e-2 : 1e-8);
    poolIdle(ctx());
    exprSumsConfig.enabled = false; // the whole-function ladder (diff/gpu.ts), data bound there too
    const whole = await ctx().numericalGradient(f, p, { detail: true });
    exprSumsConfig.enabled = true;
    covered(whole as never, ref.g, gpu ? 1.5e-2 : 1e-8);
    poolIdle(ctx());
    // a fixed step: 0.06-0.07 % over 9 seeds on the GPU; truncation h⁴ on the CPU
    const fixed = (await ctx().numericalGradient(f, p, { h: 1e-2, stencil: 5 })) as number[];
    expect(relErr(fixed, ref.g)).toBeLessThan(gpu ? 3e-3 : 1e-5);
    poolIdle(ctx());
  });

  it('gradientDescent follows the float64 descent with the analytic gradient', async () => {
    const f = ctx().fn(LOSS, opts as never);
    const lr = 2e-6, steps = 20;
    let x = p.slice();
    for (let s = 0; s < steps; s++) {
      const g = exact(x).g;
      x = x.map((v, i) => v - lr * g[i]);
    }
    const got = await ctx().gradientDescent(f, p, { lr, steps });
    const moved = x.map((v, i) => v - p[i]);
    const gotMoved = (got.x as number[]).map((v, i) => v - p[i]);
    expect(got.diverged).toBe(false);
    expect(Math.hypot(moved[0], moved[1])).toBeGreaterThan(0.05); // it did move
    expect(relErr(gotMoved, moved)).toBeLessThan(gpu ? 1e-2 : 1e-5);
    poolIdle(ctx());
  });

  it('jacobian (one and two outputs) and hessianVectorProduct read the data', async () => {
    const f = ctx().fn(LOSS, opts as never);
    const J = (await ctx().jacobian(f, p)) as number[][]; // the same ladder as the gradient's
    expect(relErr(J.flat(), ref.g)).toBeLessThan(gpu ? 1.5e-2 : 1e-8);
    poolIdle(ctx());
    // two outputs: the loss and Σ t·(model − y), whose gradient is [Σ t e^(−bt), −a Σ t² e^(−bt)]
    const two = ctx().fn([LOSS, 'sum(k, 0, len(t)-1, t[k]*(a*exp(-b*t[k]) - y[k]))'], opts as never);
    let sa = 0, sb = 0;
    for (let k = 0; k < M; k++) {
      const E = Math.exp(-p[1] * T[k]);
      sa += T[k] * E;
      sb += -p[0] * T[k] * T[k] * E;
    }
    const J2 = (await ctx().jacobian(two, p)) as number[][];
    expect(relErr(J2[0], ref.g)).toBeLessThan(gpu ? 1.5e-2 : 1e-8);
    expect(relErr(J2[1], [sa, sb])).toBeLessThan(gpu ? 2e-3 : 1e-8);
    poolIdle(ctx());
    // H·v from differences of the symbolic gradient (its user_df alone reads the data)
    const v = [0.3, -0.8];
    const Hv = (await ctx().hessianVectorProduct(f, p, v)) as number[];
    const want = ref.H.map((row) => row[0] * v[0] + row[1] * v[1]);
    expect(relErr(Hv, want)).toBeLessThan(gpu ? 5e-3 : 1e-6);
    poolIdle(ctx());
  });

  it('the generated shader does not grow with the data (the WGSL text, on either backend)', () => {
    const f = ctx().fn(LOSS, opts as never);
    const small = ctx().fn(LOSS, { params: ['a', 'b'], data: { t: [0, 1], y: [1, 2] } } as never);
    const big = f.expr.wgsl({ dataBinding: 4 }), few = small.expr.wgsl({ dataBinding: 4 });
    expect(big.length - few.length).toBeLessThan(20); // only the lengths (2 → 100000, 1 → 99999) differ
    expect(big).toMatch(/@binding\(5\) var<storage, read> ng_d_y: array<f32>;/);
  });
});
