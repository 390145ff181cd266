// ctx.hessian and ctx.hessianVectorProduct on both backends against analytic Hessians
// written here: the chapter's x0² + x1² (2I), Rosenbrock in 2-D (at (1, 1) and at seeded
// random points) and in 100-D as a sum expression (tridiagonal), and ½xᵀAx + bᵀx with a
// seeded random symmetric A (n = 64; H = A, H·v = A·v).
import { expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';
import type { EntriesDetail } from '../src/features/jacobian/shape';

const seed = seedFromEnv('hessian');
type M = number[][];

function relInf(a: unknown, b: unknown): number {
  const fa = [a].flat(Infinity) as number[], fb = [b].flat(Infinity) as number[];
  expect(fa.length).toBe(fb.length);
  let d = 0, s = 0;
  fa.forEach((v, i) => {
    d = Math.max(d, Math.abs(v - fb[i]));
    s = Math.max(s, Math.abs(fb[i]));
  });
  return d / s;
}

const ROSEN = 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)';

/** The analytic Hessian of the n-D Rosenbrock sum (tridiagonal). */
export function rosenHessian(x: number[]): M {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n - 1; i++) {
    H[i][i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2;
    H[i + 1][i + 1] += 200;
    H[i][i + 1] += -400 * x[i];
    H[i + 1][i] += -400 * x[i];
  }
  return H;
}

/** A seeded symmetric 64×64 A (entries in [-1, 1]) and b, with a WGSL body and its float64 twin. */
function quadratic(r: () => number, n: number) {
  const A = new Array<number>(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = Math.fround(2 * r() - 1);
  const b = uniform(r, n).map(Math.fround);
  const body = `var s = 0.0;
for (var i = 0u; i < ${n}u; i++) {
  var t = 0.0;
  for (var j = 0u; j < ${n}u; j++) { t += A[i * ${n}u + j] * p(j); }
  s += p(i) * (0.5 * t + b[i]);
}
return s;`;
  const cpu = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += A[i * n + j] * x[j];
      s += x[i] * (0.5 * t + b[i]);
    }
    return s;
  };
  const Am: M = Array.from({ length: n }, (_, i) => A.slice(i * n, (i + 1) * n));
  return { A: Am, spec: { n, body, data: { A, b }, cpu } };
}

describeBackends('hessian', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-7 : 1e-3;

  it("the chapter's pictures: x0² + x1² is 2I, Rosenbrock at (1, 1) is [[802, −400], [−400, 200]]", async () => {
    const h1 = await ctx().hessian('x0^2 + x1^2', [3, -4]);
    expect(relInf(h1, [[2, 0], [0, 2]])).toBeLessThanOrEqual(tol);
    const d = (await ctx().hessian('100*(x1 - x0^2)^2 + (1 - x0)^2', [1, 1], { detail: true })) as EntriesDetail;
    const e = relInf(d.value, [[802, -400], [-400, 200]]);
    console.log(`[hessian] ${kind} Rosenbrock at (1,1): ${JSON.stringify(d.value)} rel ${e.toExponential(2)}, ${d.evaluations} evaluations`);
    expect(e).toBeLessThanOrEqual(tol);
    const v = d.value as M;
    expect(v[0][1]).toBe(v[1][0]); // symmetric by construction
    expect(d.evaluations).toBe(1 + 2 * 6 + 1 * 12); // f(x), the diagonal (3 steps × 2), one pair (3 steps × 4 corners)
  });

  it('Rosenbrock 2-D at seeded random points, one at a time and as a batch', async () => {
    const r = rng(seed);
    const f = ctx().fn(ROSEN, { n: 2 });
    const pts = Array.from({ length: 8 }, () => uniform(r, 2, -2, 2));
    const batch = (await ctx().hessian(f, pts, { batch: true })) as M[];
    let worst = 0;
    for (let k = 0; k < pts.length; k++) worst = Math.max(worst, relInf(batch[k], rosenHessian(pts[k])));
    console.log(`[hessian] ${kind} Rosenbrock 2-D, 8 random points: worst ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(tol);
  });

  it('Rosenbrock 100-D written as a sum: the tridiagonal Hessian, zeros included', async () => {
    const r = rng(seed + 1);
    const x = uniform(r, 100, -1.2, 1.2);
    const d = (await ctx().hessian(ROSEN, x, { detail: true })) as EntriesDetail;
    const e = relInf(d.value, rosenHessian(x));
    console.log(`[hessian] ${kind} Rosenbrock 100-D: rel ∞-norm ${e.toExponential(2)}, ${d.evaluations} evaluations, ${d.issues.count} flagged`);
    expect(e).toBeLessThanOrEqual(tol);
    expect(d.evaluations).toBe(1 + 100 * 6 + (100 * 99 / 2) * 12);
  });

  it('½xᵀAx + bᵀx with a seeded random A (n = 64): H = A, and H·v = A·v for several v in one call', async () => {
    const r = rng(seed + 2);
    const { A, spec } = quadratic(r, 64);
    const f = ctx().wgsl(spec);
    const x = uniform(r, 64);
    const d = (await ctx().hessian(f, x, { detail: true })) as EntriesDetail;
    const e = relInf(d.value, A);
    // the estimate covers the true error, within a factor 4, on 99% of the entries
    const v = d.value as M, err = d.error as M;
    let covered = 0, ratio = 0;
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        // within 4× (the rounding part assumes ε·|f| per evaluation; a 4096-term sum rounds more)
        if (Math.abs(v[i][j] - A[i][j]) <= 4 * err[i][j]) covered++;
        ratio = Math.max(ratio, Math.abs(v[i][j] - A[i][j]) / err[i][j]);
      }
    }
    console.log(`[hessian] ${kind} quadratic n=64: rel ∞-norm ${e.toExponential(2)}, estimate covers ${covered}/4096, worst error/estimate ${ratio.toFixed(2)}`);
    expect(e).toBeLessThanOrEqual(tol);
    expect(covered).toBeGreaterThanOrEqual(4096 * 0.99);
    const vs = [uniform(r, 64), uniform(r, 64, -10, 10), Array.from({ length: 64 }, (_, i) => (i === 5 ? 1 : 0))];
    const hv = (await ctx().hessianVectorProduct(f, x, vs)) as M;
    vs.forEach((vv, k) => {
      const ref = A.map((row) => row.reduce((s, a, j) => s + a * vv[j], 0));
      const ek = relInf(hv[k], ref);
      console.log(`[hessian] ${kind} H·v direction ${k}: rel ∞-norm ${ek.toExponential(2)}`);
      expect(ek).toBeLessThanOrEqual(tol);
    });
  });
});

describeBackends('hessianVectorProduct of expressions (a difference of gradients)', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-7 : 1e-3;

  it('½xᵀAx + bᵀx written out (n = 12, seeded A): H·v = A·v in 4 gradient evaluations per direction', async () => {
    const r = rng(seed + 4);
    const n = 12;
    const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const terms: string[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        A[i][j] = A[j][i] = Math.round((2 * r() - 1) * 1e4) / 1e4;
        terms.push(i === j ? `${0.5 * A[i][i]}*x${i}^2` : `${A[i][j]}*x${i}*x${j}`);
      }
      terms.push(`${Math.round(r() * 100) / 100}*x${i}`);
    }
    const f = ctx().fn(terms.join(' + ').replace(/\+ -/g, '- '));
    const x = uniform(r, n, -2, 2);
    const vs = [uniform(r, n), uniform(r, n, -100, 100)];
    const d = (await ctx().hessianVectorProduct(f, x, vs, { detail: true })) as EntriesDetail;
    expect(d.evaluations).toBe(4 * vs.length);
    vs.forEach((v, k) => {
      const ref = A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
      const e = relInf((d.value as M)[k], ref);
      console.log(`[hessian] ${kind} H·v by gradients, quadratic direction ${k}: ${e.toExponential(2)}`);
      expect(e).toBeLessThanOrEqual(tol);
    });
  });

  it('Rosenbrock 100-D: H·v by gradients and by values agree with the analytic H·v', async () => {
    const r = rng(seed + 5);
    const x = uniform(r, 100, -1.2, 1.2);
    const v = uniform(r, 100);
    const H = rosenHessian(x);
    const ref = H.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
    const byGrad = (await ctx().hessianVectorProduct(ROSEN, x, v, { detail: true })) as EntriesDetail;
    const byValues = (await ctx().hessianVectorProduct(ROSEN, x, v, { method: 'values', detail: true })) as EntriesDetail;
    expect(byGrad.evaluations).toBe(4);
    expect(byValues.evaluations).toBe(1 + 12 * 100);
    const eg = relInf(byGrad.value, ref), ev = relInf(byValues.value, ref);
    console.log(`[hessian] ${kind} Rosenbrock 100-D H·v: by gradients ${eg.toExponential(2)}, by values ${ev.toExponential(2)}`);
    expect(eg).toBeLessThanOrEqual(tol);
    expect(ev).toBeLessThanOrEqual(tol);
  });
});

describeBackends('hessianVectorProduct of JS functions', (ctx) => {
  it('costs 12 evaluations per component and direction plus f(x) (counted), against H·v', async () => {
    let calls = 0;
    const f = (x: number[]) => {
      calls++;
      return Math.exp(x[0]) * x[1] + x[1] * x[2] ** 2;
    };
    const x = [0.3, -1.1, 0.7];
    const H = [[Math.exp(0.3) * -1.1, Math.exp(0.3), 0], [Math.exp(0.3), 0, 2 * 0.7], [0, 2 * 0.7, 2 * -1.1]];
    const v = [1, 2, -1];
    const hv = await ctx().hessianVectorProduct(f, x, v);
    expect(calls).toBe(1 + 12 * 3);
    expect(relInf(hv, H.map((row) => row.reduce((s, a, j) => s + a * v[j], 0)))).toBeLessThanOrEqual(1e-7);
  });
}, ['cpu']);
