// Structure-aware differences (src/features/sums), the cases whose shaders take seconds to
// compile on a software GPU: fixed terms dispatched by a switch, a parameter read in every term,
// an expression for any n over a batch. Gradients against analytic ones written here.
import { expect, it } from 'vitest';
import { describeBackends } from '../helpers/backends';
import { rng, seedFromEnv, uniform } from '../helpers/random';

const seed = seedFromEnv('expr-sums');

function worst(g: readonly number[], e: readonly number[], scale: (j: number) => number): number {
  let w = 0;
  for (let j = 0; j < e.length; j++) w = Math.max(w, Math.abs(g[j] - e[j]) / scale(j));
  return w;
}

describeBackends('structured sum gradients: fixed terms and batches', (ctx, kind) => {
  const r = rng(seed);
  const tol = kind === 'webgpu' ? 1e-4 : 1e-9;

  it('fixed terms, a parameter read in every term and a batch of points', async () => {
    const n = 64;
    // 0.5·Σ(x_i − x0)² − x2 + 3·x5·x6 + Σ_k x_k·x_{k+1} over k < 12 written out
    const cross = Array.from({ length: 12 }, (_, k) => `x${k}*x${k + 1}`).join(' + ');
    const src = `0.5*sum(i, 0, n-1, (x[i] - x0)^2) - x2 + 3*x5*x6 + ${cross}`;
    const rows = [uniform(r, n), uniform(r, n, -3, 3)];
    const exact = (x: number[]) => x.map((v, j) => {
      let d = j === 0 ? -x.reduce((s, u, i) => s + (i === 0 ? 0 : u - x[0]), 0) : v - x[0];
      if (j === 2) d -= 1;
      if (j === 5) d += 3 * x[6];
      if (j === 6) d += 3 * x[5];
      if (j <= 12 && j > 0) d += x[j - 1];
      if (j < 12) d += x[j + 1];
      return d;
    });
    const g = (await ctx().numericalGradient(ctx().fn(src, { n }), rows, { batch: true, warn: false })) as number[][];
    rows.forEach((x, k) => expect(worst(g[k], exact(x), () => 1 + Math.max(...x.map(Math.abs))), `row ${k}`).toBeLessThan(tol * 10));
  });

  it('an expression for any n (sum(x^2) without n) on a batch of 100-D points', async () => {
    const rows = [uniform(r, 100, -3, 3), uniform(r, 100), uniform(r, 100, -1e3, 1e3)];
    const g = (await ctx().numericalGradient(ctx().fn('sum(x^2) - 2*sum(i, 1, n-1, x[i]*x[i-1])'), rows, { batch: true, warn: false })) as number[][];
    rows.forEach((x, k) => {
      const e = x.map((v, j) => 2 * v - 2 * ((j > 0 ? x[j - 1] : 0) + (j < 99 ? x[j + 1] : 0)));
      expect(worst(g[k], e, () => Math.max(...x.map(Math.abs), 1)), `row ${k}`).toBeLessThan(tol * 10);
    });
  });

});
