// The chapter notes' linear regression for batch vs stochastic gradient descent:
// y = θᵀx + noise, J(θ) = 1/(2m)·Σ (θᵀxⁱ − yⁱ)², ∂J/∂θ_j = (1/m)·Σ (θᵀxⁱ − yⁱ)·xⁱ_j (BGD);
// SGD uses one sample's cost ½(θᵀxⁱ − yⁱ)², gradient (θᵀxⁱ − yⁱ)·xⁱ.
import { ArgumentError } from '../../core/errors';
import { type Mat } from '../nn/cpu/tensor';
import { Rng } from '../nn/cpu/rng';

export interface RegressionOptions {
  /** Number of samples m. */
  n: number;
  /** True parameters; with `bias`, theta[0] is the intercept (x₀ = 1). */
  theta: ArrayLike<number>;
  /** Standard deviation of the Gaussian noise. Default 0.1. */
  noiseStd?: number;
  /** Features are uniform in [lo, hi). Default [-1, 1]. */
  xRange?: [number, number];
  /** Prepend a column of ones. Default true. */
  bias?: boolean;
  seed?: number;
}

export interface RegressionData {
  /** n×theta.length design matrix (first column ones when bias). */
  X: Mat;
  y: Float64Array;
  theta: Float64Array;
}

export function makeLinearRegression(opts: RegressionOptions): RegressionData {
  const { n } = opts;
  const theta = Float64Array.from(opts.theta);
  const bias = opts.bias ?? true;
  const [lo, hi] = opts.xRange ?? [-1, 1];
  const noise = opts.noiseStd ?? 0.1;
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError('n', `expected a positive integer, got ${n}`);
  if (theta.length < 1) throw new ArgumentError('theta', 'expected at least one parameter');
  const d = theta.length;
  const rng = new Rng(opts.seed ?? 0);
  const X: Mat = { rows: n, cols: d, data: new Float64Array(n * d) };
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = bias && j === 0 ? 1 : lo + (hi - lo) * rng.uniform();
      X.data[i * d + j] = v;
      s += theta[j] * v;
    }
    y[i] = s + noise * rng.normal();
  }
  return { X, y, theta };
}

/** J(θ) = 1/(2m)·Σ (θᵀxⁱ − yⁱ)² over the given rows (all by default). */
export function regressionLoss(X: Mat, y: ArrayLike<number>, theta: ArrayLike<number>, rows?: ArrayLike<number>): number {
  const m = rows ? rows.length : X.rows;
  let s = 0;
  for (let r = 0; r < m; r++) {
    const e = residual(X, y, theta, rows ? rows[r] : r);
    s += e * e;
  }
  return s / (2 * m);
}

/** ∂J/∂θ = (1/m)·Σ (θᵀxⁱ − yⁱ)·xⁱ over the given rows: all rows → BGD, one row → SGD. */
export function regressionGradient(X: Mat, y: ArrayLike<number>, theta: ArrayLike<number>, rows?: ArrayLike<number>): Float64Array {
  const m = rows ? rows.length : X.rows;
  const g = new Float64Array(X.cols);
  for (let r = 0; r < m; r++) {
    const i = rows ? rows[r] : r;
    const e = residual(X, y, theta, i);
    for (let j = 0; j < X.cols; j++) g[j] += e * X.data[i * X.cols + j];
  }
  for (let j = 0; j < X.cols; j++) g[j] /= m;
  return g;
}

function residual(X: Mat, y: ArrayLike<number>, theta: ArrayLike<number>, i: number): number {
  let s = 0;
  for (let j = 0; j < X.cols; j++) s += theta[j] * X.data[i * X.cols + j];
  return s - y[i];
}
