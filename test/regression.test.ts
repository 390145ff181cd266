import { expect, it } from 'vitest';
import { ArgumentError } from '../src/core/errors';
import { Rng } from '../src/features/nn/cpu/rng';
import { makeLinearRegression, regressionGradient } from '../src/features/descent/regression-data';
import {
  linearRegressionDescent, manualGradient, manualGradientDescent, manualLossExpr, normalEquations, regressionCost,
} from '../src/features/descent/regression';
import { describeBackends } from './helpers/backends';
import { expectAllclose } from './helpers/allclose';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('regression');

// Independent references, written here from the formulas rather than imported.
function J(X: number[][], y: number[], th: number[]): number {
  return X.reduce((s, r, i) => s + (r.reduce((a, v, j) => a + v * th[j], 0) - y[i]) ** 2, 0) / (2 * X.length);
}

/** θ* of the 3-parameter least squares by Cramer's rule on XᵀXθ = Xᵀy. */
function cramer3(X: number[][], y: number[]): number[] {
  const A = [0, 1, 2].map((a) => [0, 1, 2].map((b) => X.reduce((s, r) => s + r[a] * r[b], 0)));
  const c = [0, 1, 2].map((a) => X.reduce((s, r, i) => s + r[a] * y[i], 0));
  const det = (M: number[][]) =>
    M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
  const d = det(A);
  return [0, 1, 2].map((k) => det(A.map((row, i) => row.map((v, j) => (j === k ? c[i] : v)))) / d);
}

const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));

const data = makeLinearRegression({ n: 24, theta: [0.5, 2, -1], noiseStd: 0.1, seed });
const rows = Array.from({ length: data.X.rows }, (_, i) => Array.from(data.X.data.subarray(i * 3, i * 3 + 3)));
const y = Array.from(data.y);
const thetaStar = cramer3(rows, y);

it('normalEquations agrees with Cramer\'s rule, and J is least there', () => {
  expectAllclose(normalEquations(rows, y), thetaStar, { rtol: 1e-10, atol: 1e-12 });
  expectAllclose(normalEquations(data.X, data.y), thetaStar, { rtol: 1e-10, atol: 1e-12 });
  const r = rng(seed);
  for (let k = 0; k < 5; k++) expect(J(rows, y, thetaStar.map((t) => t + 0.01 * (r() - 0.5)))).toBeGreaterThan(J(rows, y, thetaStar));
});

it('manualGradientDescent: w → 2 on x = [1, 2, 3], y = [2, 4, 6]; manual gradient 2x(xw − y) at w = 1 is −28/3', () => {
  const r = manualGradientDescent();
  expect(Math.abs(r.w - 2)).toBeLessThan(1e-4);
  expect(r.wHistory[0]).toBe(1);
  expect(r.wHistory).toHaveLength(101);
  // hand-computed: mean of 2·1·(1−2), 2·2·(2−4), 2·3·(3−6) = (−2 − 8 − 18)/3
  expect(manualGradient([1, 2, 3], [2, 4, 6], 1)).toBeCloseTo(-28 / 3, 14);
  // the loss falls monotonically for this small lr (a convex quadratic)
  for (let e = 1; e < r.lossHistory.length; e++) expect(r.lossHistory[e]).toBeLessThan(r.lossHistory[e - 1]);
  expect(() => manualGradientDescent({ x: [1, 2], y: [1] })).toThrow(ArgumentError);
});

describeBackends('linear regression (BGD vs SGD)', (ctx, kind) => {
  const f32 = kind === 'webgpu';

  it('numerical ∇J matches the analytic regressionGradient at random θ (all rows and one row)', async () => {
    const r = rng(seed + 1);
    for (let k = 0; k < 3; k++) {
      const th = uniform(r, 3, -2, 2);
      const g = (await ctx().numericalGradient(regressionCost(ctx(), data.X, data.y), th)) as number[];
      expectAllclose(g, regressionGradient(data.X, data.y, th), f32 ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-8, atol: 1e-10 }, `∇J at [${th}]`);
      const i = Math.floor(r() * data.X.rows);
      const gi = (await ctx().numericalGradient(regressionCost(ctx(), data.X, data.y, [i]), th)) as number[];
      expectAllclose(gi, regressionGradient(data.X, data.y, th, [i]), f32 ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-8, atol: 1e-10 }, `∇cost of row ${i}`);
    }
  });

  it('J evaluated on the backend equals the float64 formula', async () => {
    const th = [0.3, -0.7, 1.1];
    const v = (await ctx().evaluate(regressionCost(ctx(), data.X, data.y), th)) as number;
    expect(Math.abs(v - J(rows, y, th))).toBeLessThan(f32 ? 1e-5 * J(rows, y, th) : 1e-14); // float32: inputs rounded, 24-term sum
  });

  it('BGD converges to the normal-equation θ*', async () => {
    // over 20 000 seeds of this data λ(XᵀX/m) ∈ [0.065, 1.32]: lr 1.4 < 2/1.32 is stable, and
    // 200 epochs shrink the slowest error by (1 − 1.4·0.065)^200 ≈ 5e-9
    const r = await linearRegressionDescent(ctx(), { X: rows, y, mode: 'batch', lr: 1.4, epochs: 200 });
    expect(r.backend).toBe(kind);
    expect(r.updates).toBe(200);
    expect(r.diverged).toBe(false);
    expect(r.lossHistory).toHaveLength(201);
    expect(r.thetaHistory[0]).toEqual([0, 0, 0]);
    expect(Math.abs(r.lossHistory[0] - J(rows, y, [0, 0, 0]))).toBeLessThan(f32 ? 1e-5 * J(rows, y, [0, 0, 0]) : 1e-14);
    expect(dist(r.theta, thetaStar)).toBeLessThan(f32 ? 1e-4 : 1e-6);
    const last = r.lossHistory[200];
    expect(Math.abs(last - J(rows, y, thetaStar))).toBeLessThan(f32 ? 5e-8 : 1e-14); // J* ≈ 5e-3
  });

  it('SGD gets close to θ* (looser: it jitters around it) and is reproducible by seed', async () => {
    // a float64 sweep of 5 000 data seeds with these settings ended at most 0.052 from θ*
    const opts = { X: data.X, y: data.y, mode: 'stochastic' as const, lr: 0.1, epochs: 30, seed: 3 };
    const r = await linearRegressionDescent(ctx(), opts);
    expect(r.updates).toBe(30 * 24);
    expect(r.lossHistory).toHaveLength(31);
    expect(dist(r.theta, thetaStar)).toBeLessThan(0.1);
    expect(r.lossHistory[30] - J(rows, y, thetaStar)).toBeLessThan(2e-3);
    expect(r.lossHistory[30]).toBeLessThan(r.lossHistory[0] / 20);
    // the reported loss is J at the reported θ
    expect(Math.abs(r.lossHistory[30] - J(rows, y, r.theta))).toBeLessThan(f32 ? 1e-6 : 1e-14);
    const again = await linearRegressionDescent(ctx(), opts);
    expect(again.theta).toEqual(r.theta);
  });

  it('SGD follows a float64 SGD on the analytic per-row gradient, rows in the same seeded order', async () => {
    const r = await linearRegressionDescent(ctx(), { X: rows, y, mode: 'stochastic', lr: 0.05, epochs: 3, seed: 7 });
    const order = new Rng(7);
    let th = [0, 0, 0];
    for (let e = 0; e < 3; e++) {
      for (const i of order.permutation(rows.length)) {
        const err = rows[i].reduce((s, v, j) => s + v * th[j], 0) - y[i];
        th = th.map((t, j) => t - 0.05 * err * rows[i][j]); // ∂/∂θ ½(θᵀx − y)² = (θᵀx − y)·x
      }
      expectAllclose(r.thetaHistory[e + 1], th, f32 ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-9, atol: 1e-11 }, `θ after epoch ${e + 1}`);
    }
  });

  it('numerical derivative of the manual example\'s loss at w = 1 is the manual −28/3', async () => {
    const d = (await ctx().numericalDiff(manualLossExpr([1, 2, 3], [2, 4, 6]), 1)) as number;
    expect(Math.abs(d + 28 / 3)).toBeLessThan(f32 ? 1e-4 : 1e-9);
  });

  it('a too-large lr is reported as diverged; bad options are ArgumentErrors naming the argument', async () => {
    const r = await linearRegressionDescent(ctx(), { X: rows, y, mode: 'batch', lr: 10, epochs: 40 });
    expect(r.diverged).toBe(true);
    const s = await linearRegressionDescent(ctx(), { X: rows, y, mode: 'stochastic', lr: 50, epochs: 5 });
    expect(s.diverged).toBe(true);
    for (const [bad, arg] of [
      [{ mode: 'minibatch' }, 'mode'], [{ lr: 0 }, 'lr'], [{ epochs: 1.5 }, 'epochs'], [{ y: [1, 2] }, 'y'], [{ theta0: [0] }, 'theta0'],
    ] as const) {
      const err = await linearRegressionDescent(ctx(), Object.assign({ X: rows, y, mode: 'batch', lr: 0.1, epochs: 1 }, bad) as never).catch((e) => e);
      expect(err).toBeInstanceOf(ArgumentError);
      expect(err.argument).toBe(arg);
    }
  });
});
