// Section 6: batch vs stochastic gradient descent on a small linear regression, and the
// notes' one-weight example. Browser-safe, like the other sections.
import {
  linearRegressionDescent, makeLinearRegression, manualGradient, manualGradientDescent, manualLossExpr, normalEquations,
  regressionCost, regressionGradient, regressionLoss, type LinearRegressionResult, type ManualDescentResult,
} from 'numgrad';
import { both, type Contexts, type Side } from './sides';

export interface RegressionSetup {
  m: number;
  trueTheta: number[];
  noiseStd: number;
  seed: number;
  bgd: { lr: number; epochs: number };
  sgd: { lr: number; epochs: number; seed: number };
}

/**
 * A small problem on which, per epoch, SGD (32 updates) falls faster at first and then jitters
 * around θ* while BGD (one update, lr 1.5 < 2/λmax(XᵀX/m) ≈ 1.8) converges steadily past it.
 */
export const REGRESSION: RegressionSetup = {
  m: 32,
  trueTheta: [0.5, 2, -1],
  noiseStd: 0.1,
  seed: 4,
  bgd: { lr: 1.5, epochs: 40 },
  sgd: { lr: 0.1, epochs: 40, seed: 1 },
};

export interface RegressionResult {
  setup: RegressionSetup;
  thetaStar: number[];
  /** J(θ*) in float64: the least loss any θ reaches */
  lossStar: number;
  /** numerical ∇J at θ = 0 on both contexts vs the analytic float64 regressionGradient */
  gradAtZero: Side<number[]>;
  analyticGradAtZero: number[];
  bgd: Side<LinearRegressionResult>;
  sgd: Side<LinearRegressionResult>;
  manual: ManualDescentResult & { x: number[]; y: number[]; gradAtStart: Side<number>; manualGradAtStart: number };
}

export async function regressionSection(c: Contexts): Promise<RegressionResult> {
  const s = REGRESSION;
  const data = makeLinearRegression({ n: s.m, theta: s.trueTheta, noiseStd: s.noiseStd, seed: s.seed });
  const zero = new Array<number>(data.X.cols).fill(0);
  const gradAtZero = await both(c, (ctx) => ctx.numericalGradient(regressionCost(ctx, data.X, data.y), zero) as Promise<number[]>);
  const bgd = await both(c, (ctx) => linearRegressionDescent(ctx, { X: data.X, y: data.y, mode: 'batch', ...s.bgd }));
  const sgd = await both(c, (ctx) => linearRegressionDescent(ctx, { X: data.X, y: data.y, mode: 'stochastic', ...s.sgd }));
  const x = [1, 2, 3];
  const y = [2, 4, 6];
  const man = manualGradientDescent({ x, y, w0: 1, lr: 0.01, epochs: 100 });
  const expr = manualLossExpr(x, y);
  const thetaStar = normalEquations(data.X, data.y);
  return {
    setup: s,
    thetaStar,
    lossStar: regressionLoss(data.X, data.y, thetaStar),
    gradAtZero,
    analyticGradAtZero: Array.from(regressionGradient(data.X, data.y, zero)),
    bgd,
    sgd,
    manual: { ...man, x, y, manualGradAtStart: manualGradient(x, y, 1), gradAtStart: await both(c, (ctx) => ctx.numericalDiff(expr, 1) as Promise<number>) },
  };
}
