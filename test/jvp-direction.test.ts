// A jvp along a direction whose coordinates round each on their own (float32 at fine steps
// bends x + t·u away from t·u): on a function with cancellation across coordinates
// (F_k = x_{k−1} − 2x_k + x_{k+1} at x = 0.5: |J|·|u| = 4, J·u small) the result must stay
// accurate, and a correct sparsity pattern must not be reported as wrong. Exact J written here.
import { expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('jvp-direction');

function laplacian(ctx: { wgsl: (s: never) => unknown }, n: number) {
  return ctx.wgsl({
    n, outputs: n,
    body: `var l = 0.0; var r = 0.0;
if (k > 0u) { l = p(k - 1u); }
if (k + 1u < ${n}u) { r = p(k + 1u); }
return l - 2.0 * p(k) + r;`,
    cpu: (x: Float64Array) => Array.from(x, (v, k) => (k > 0 ? x[k - 1] : 0) - 2 * v + (k + 1 < x.length ? x[k + 1] : 0)),
  } as never);
}

describeBackends('jvp along a rounding direction', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-9 : 2e-4; // relative to |J|·|u| (float32: rounding of the outputs themselves)
  it('F_k = x_{k−1} − 2x_k + x_{k+1} at x = 0.5: jvp and a sparse tridiagonal Jacobian against the exact J', async () => {
    const n = 200;
    const f = laplacian(ctx() as never, n);
    const x = new Float64Array(n).fill(0.5);
    const w = uniform(rng(seed), n, -1, 1);
    const exact = w.map((_, k) => (k > 0 ? w[k - 1] : 0) - 2 * w[k] + (k + 1 < n ? w[k + 1] : 0));
    const size = w.map((_, k) => (k > 0 ? Math.abs(w[k - 1]) : 0) + 2 * Math.abs(w[k]) + (k + 1 < n ? Math.abs(w[k + 1]) : 0));
    const got = (await ctx().jvp(f as never, x, w)) as ArrayLike<number>;
    for (let k = 0; k < n; k++) expect(Math.abs(got[k] - exact[k]), `output ${k}`).toBeLessThanOrEqual(tol * size[k]);
    const band = { rows: [] as number[], cols: [] as number[] };
    for (let i = 0; i < n; i++) for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) { band.rows.push(i); band.cols.push(j); }
    const J = (await ctx().jacobian(f as never, x, { sparsity: band, format: 'coo', detail: true })) as unknown as { colours: number; value: { rows: number[]; cols: number[]; values: ArrayLike<number> } };
    expect(J.colours).toBe(3);
    const { rows, cols, values } = J.value;
    for (let e = 0; e < values.length; e++) {
      const want = rows[e] === cols[e] ? -2 : 1;
      expect(Math.abs(values[e] - want), `J[${rows[e]}][${cols[e]}]`).toBeLessThanOrEqual(kind === 'cpu' ? 1e-9 : 1e-5);
    }
  });
});
