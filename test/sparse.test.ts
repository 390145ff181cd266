// Sparse Jacobians and Hessians by colouring, on both backends: Broyden's tridiagonal
// function (3 colours) and a banded one of half-bandwidth 5 (11 colours) at n = 10⁴ against
// their analytic Jacobians, equal to the dense result at n = 60, evaluation counts, pattern
// detection, COO output, a pattern that disagrees with f, and a sparse Hessian (Rosenbrock).
import { expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';
import { ArgumentError } from '../src/core/errors';
import type { CooMatrix, EntriesDetail } from '../src/features/jacobian/shape';

const seed = seedFromEnv('sparse');
type M = number[][];

/** Broyden tridiagonal: F_i = (3 − 2x_i)x_i − x_{i−1} − 2x_{i+1} + 1. */
const tridiag = (n: number) => ({
  n, outputs: n,
  body: `var l = 0.0; var r = 0.0;
if (k > 0u) { l = p(k - 1u); }
if (k + 1u < ${n}u) { r = p(k + 1u); }
let x = p(k);
return (3.0 - 2.0 * x) * x - l - 2.0 * r + 1.0;`,
  cpu: (x: Float64Array) => Array.from(x, (xi, i) => (3 - 2 * xi) * xi - (i > 0 ? x[i - 1] : 0) - 2 * (i + 1 < x.length ? x[i + 1] : 0) + 1),
});
/** J entries of Broyden tridiagonal: (i, j) → value, 0 off the band. */
const tridiagJ = (x: number[], i: number, j: number) => (i === j ? 3 - 4 * x[i] : j === i - 1 ? -1 : j === i + 1 ? -2 : 0);

/** Banded, half-bandwidth 5: F_i = x_i(2 + 5x_i²) + 1 − Σ_{0<|j−i|≤5} x_j(1 + x_j). */
const banded = (n: number) => ({
  n, outputs: n,
  body: `let x = p(k);
var s = x * (2.0 + 5.0 * x * x) + 1.0;
for (var d = -5; d <= 5; d++) {
  let j = i32(k) + d;
  if (d != 0 && j >= 0 && j < ${n}) { let y = p(u32(j)); s -= y * (1.0 + y); }
}
return s;`,
  cpu: (x: Float64Array) => Array.from(x, (xi, i) => {
    let s = xi * (2 + 5 * xi * xi) + 1;
    for (let j = Math.max(0, i - 5); j <= Math.min(x.length - 1, i + 5); j++) if (j !== i) s -= x[j] * (1 + x[j]);
    return s;
  }),
});
const bandedJ = (x: number[], i: number, j: number) => (i === j ? 2 + 15 * x[i] ** 2 : Math.abs(i - j) <= 5 ? -(1 + 2 * x[j]) : 0);

const bandPattern = (n: number, w: number) => {
  const rows: number[] = [], cols: number[] = [];
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - w); j <= Math.min(n - 1, i + w); j++) { rows.push(i); cols.push(j); }
  return { rows, cols };
};

/** The coloured run's evaluations plus the pattern check's jvp: 17 on the CPU; on the GPU its
 *  finest steps are skipped where float32 rounding bends the direction (ladder-jac.ts). */
function expectChecked(evaluations: number, run: number, kind: string): void {
  if (kind === 'cpu') expect(evaluations).toBe(run + 17);
  else {
    expect(evaluations).toBeGreaterThanOrEqual(run + 1 + 2 * 2);
    expect(evaluations).toBeLessThanOrEqual(run + 17);
  }
}

describeBackends('sparse jacobian', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-9 : 1e-5;

  // float32: each banded output sums 11 terms with cancellation, so its floor (over 10⁵ entries) is ~2e-5
  const TOL = { cpu: [1e-9, 1e-9], webgpu: [1e-5, 1e-4] } as const;
  for (const [name, make, J, w, colours, which] of [['tridiagonal', tridiag, tridiagJ, 1, 3, 0], ['banded (half-bandwidth 5)', banded, bandedJ, 5, 11, 1]] as const) {
    const tolCase = TOL[kind][which];
    it(`${name} at n = 10⁴: ${colours} colours, 1 + 16·${colours} evaluations (+ 17 for the pattern check), against the analytic Jacobian (COO)`, async () => {
      const n = 10_000;
      const x = uniform(rng(seed), n, -1, 1);
      const f = ctx().wgsl(make(n));
      const d = (await ctx().jacobian(f, x, { sparsity: bandPattern(n, w), format: 'coo', detail: true })) as EntriesDetail;
      const coo = d.value as unknown as CooMatrix;
      expect(d.colours).toBe(colours);
      expectChecked(d.evaluations, 1 + 16 * colours, kind);
      expect(coo.shape).toEqual([n, n]);
      expect(coo.values.length).toBe(d.nonzeros);
      let diff = 0, big = 0;
      coo.values.forEach((v, k) => {
        const ref = J(x, coo.rows[k], coo.cols[k]);
        diff = Math.max(diff, Math.abs(v - ref));
        big = Math.max(big, Math.abs(ref));
      });
      console.log(`[sparse] ${kind} ${name} n=1e4: ${d.colours} colours, ${d.evaluations} evaluations, rel ∞-norm ${(diff / big).toExponential(2)}`);
      expect(diff / big).toBeLessThanOrEqual(tolCase);
    });

    it(`${name}: the sparse result equals the dense one at n = 60`, async () => {
      const n = 60;
      const x = uniform(rng(seed + 1), n, -1, 1);
      const f = ctx().wgsl(make(n));
      const dense = (await ctx().jacobian(f, x, { detail: true })) as EntriesDetail;
      const sparse = (await ctx().jacobian(f, x, { sparsity: bandPattern(n, w), detail: true })) as EntriesDetail;
      expect(dense.evaluations).toBe(1 + 16 * n);
      expectChecked(sparse.evaluations, 1 + 16 * colours, kind);
      const dv = (dense.value as M).flat(), sv = (sparse.value as M).flat();
      let diff = 0, big = 0;
      dv.forEach((v, k) => { diff = Math.max(diff, Math.abs(v - sv[k])); big = Math.max(big, Math.abs(v)); });
      expect(diff / big).toBeLessThanOrEqual(kind === 'cpu' ? 1e-10 : tolCase);
      // and both against the analytic Jacobian, zeros included
      const ref = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => J(x, i, j))).flat();
      let e = 0;
      sv.forEach((v, k) => { e = Math.max(e, Math.abs(v - ref[k])); });
      expect(e / big).toBeLessThanOrEqual(tolCase);
    });
  }

  it("'detect' finds the tridiagonal pattern by probing, then uses 3 colours", async () => {
    const n = 40;
    const x = uniform(rng(seed + 2), n, -1, 1);
    const d = (await ctx().jacobian(ctx().wgsl(tridiag(n)), x, { sparsity: 'detect', detail: true })) as EntriesDetail;
    expect(d.colours).toBe(3);
    expect(d.nonzeros).toBe(3 * n - 2);
    expectChecked(d.evaluations, 2 * (1 + 16 * n) + 1 + 16 * 3, kind); // two dense probes, the coloured run, the pattern check
    const v = d.value as M;
    let e = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) e = Math.max(e, Math.abs(v[i][j] - tridiagJ(x, i, j)));
    expect(e / 4).toBeLessThanOrEqual(tol * 2);
  });

  it('a pattern that misses entries of f is reported, not used (a diagonal pattern, and one missing a single entry)', async () => {
    const n = 30;
    const f = ctx().wgsl(tridiag(n));
    const diagonal = bandPattern(n, 0);
    const band = bandPattern(n, 1);
    const k = band.rows.findIndex((r, q) => r === 17 && band.cols[q] === 18);
    const missing = { rows: band.rows.filter((_, q) => q !== k), cols: band.cols.filter((_, q) => q !== k) };
    const inUse = () => (kind === 'webgpu' ? ctx().runtime!.pool.bytesInUse : 0);
    const before = inUse();
    await expect(ctx().jacobian(f, uniform(rng(seed), n), { sparsity: missing })).rejects.toThrow(/output 17/);
    expect(inUse()).toBe(before); // the device work finished and went back to the pool
    await expect(ctx().jacobian(f, uniform(rng(seed), n), { sparsity: diagonal })).rejects.toThrow(/the pattern disagrees with f: .*output \d+/);
    await expect(ctx().jacobian(f, uniform(rng(seed), n), { sparsity: diagonal })).rejects.toBeInstanceOf(ArgumentError);
  });

  it('a sparse Hessian from f alone (Rosenbrock, n = 200, method values) by a symmetric colouring', async () => {
    const n = 200;
    const x = uniform(rng(seed + 3), n, -1.2, 1.2);
    const f = ctx().fn('sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)', { n });
    const sp = (await ctx().hessian(f, x, { sparsity: bandPattern(n, 1), method: 'values', detail: true })) as EntriesDetail;
    expect(sp.colours).toBe(3);
    expect(sp.evaluations).toBe(1 + 12 * (3 * n - 2) + 1 + 12 * n); // the coloured run, then the pattern check (one H·w)
    const v = sp.value as M;
    let e = 0, big = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const ref = i === j ? (i < n - 1 ? 1200 * x[i] ** 2 - 400 * x[i + 1] + 2 : 0) + (i > 0 ? 200 : 0) : Math.abs(i - j) === 1 ? -400 * x[Math.min(i, j)] : 0;
        e = Math.max(e, Math.abs(v[i][j] - ref));
        big = Math.max(big, Math.abs(ref));
      }
    }
    console.log(`[sparse] ${kind} Rosenbrock Hessian n=200: ${sp.colours} colours, ${sp.evaluations} evaluations (dense: ${1 + 6 * n + 12 * n * (n - 1) / 2}), rel ${(e / big).toExponential(2)}`);
    expect(e / big).toBeLessThanOrEqual(kind === 'cpu' ? 1e-7 : 1e-3);
    // the same entries as COO
    const coo = (await ctx().hessian(f, x, { sparsity: bandPattern(n, 1), method: 'values', format: 'coo' })) as unknown as CooMatrix;
    expect(coo.values.length).toBe(3 * n - 2);
    coo.values.forEach((val, k) => expect(val).toBe(v[coo.rows[k]][coo.cols[k]]));
  });

  it('a sparse Hessian of an expression at n = 10⁴ from its gradients: 3 colours, 4·3 + 4 gradient evaluations (COO)', async () => {
    const n = 10_000;
    const x = uniform(rng(seed + 4), n, -1.2, 1.2);
    const d = (await ctx().hessian('sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)', x, { sparsity: bandPattern(n, 1), format: 'coo', detail: true })) as EntriesDetail;
    const coo = d.value as unknown as CooMatrix;
    expect(d.colours).toBe(3);
    expect(d.evaluations).toBe(4 * 3 + 4);
    expect(coo.values.length).toBe(3 * n - 2);
    let e = 0, big = 0;
    coo.values.forEach((v, k) => {
      const i = coo.rows[k], j = coo.cols[k];
      const ref = i === j ? (i < n - 1 ? 1200 * x[i] ** 2 - 400 * x[i + 1] + 2 : 0) + (i > 0 ? 200 : 0) : -400 * x[Math.min(i, j)];
      e = Math.max(e, Math.abs(v - ref));
      big = Math.max(big, Math.abs(ref));
    });
    console.log(`[sparse] ${kind} Rosenbrock Hessian n=1e4 by gradients: ${d.evaluations} gradient evaluations, rel ${(e / big).toExponential(2)}`);
    expect(e / big).toBeLessThanOrEqual(kind === 'cpu' ? 1e-7 : 1e-3);
  });

  it('a Hessian pattern that misses entries is reported, not used (by gradients and by values)', async () => {
    const n = 20;
    const f = ctx().fn('sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)', { n });
    for (const method of ['gradient', 'values'] as const) {
      await expect(ctx().hessian(f, uniform(rng(seed), n), { sparsity: bandPattern(n, 0), method })).rejects.toThrow(/the pattern disagrees with f: .*row \d+ of H·w/);
    }
  });
});
