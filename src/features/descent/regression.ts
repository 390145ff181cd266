// Batch vs stochastic gradient descent for linear regression, as the chapter's notes derive
// it: h(θ) = θᵀx, J(θ) = 1/(2m)·Σ (θᵀxⁱ − yⁱ)². The gradient of J is taken numerically by
// numgrad on the context's backend (J is a WGSL body with a float64 CPU twin), so the same
// code runs on 'cpu' and 'webgpu'. Also the notes' one-weight example with the manual
// gradient 2x(xw − y), and the normal equations as the closed-form reference.
import type { Runner } from '../../core/backend';
import { evaluate, numericalGradient } from '../diff/api';
import { gradientDescent } from './api';
import { ArgumentError } from '../../core/errors';
import { readMatrix, readTensor } from '../../core/input';
import { WgslFunction } from '../../functions/fn';
import { Rng } from '../nn/cpu/rng';
import type { Mat } from '../nn/cpu/tensor';
import { regressionLoss } from './regression-data';

export type RegressionMode = 'batch' | 'stochastic';

export interface LinearRegressionOptions {
  /** m×d design matrix (include a column of ones for an intercept) */
  X: Mat | number[][];
  y: ArrayLike<number>;
  /** 'batch': one update per epoch on J over all rows; 'stochastic': one update per row, rows shuffled each epoch */
  mode: RegressionMode;
  lr: number;
  epochs: number;
  /** seed of SGD's row order (default 0) */
  seed?: number;
  /** starting θ (default zeros) */
  theta0?: ArrayLike<number>;
}

export interface LinearRegressionResult {
  theta: number[];
  /** J(θ) over all rows before training and after each epoch, evaluated on the context's backend */
  lossHistory: number[];
  /** θ before training and after each epoch */
  thetaHistory: number[][];
  /** parameter updates applied: epochs (batch) or epochs·m (stochastic) */
  updates: number;
  /** θ became non-finite or exploded; training stopped there */
  diverged: boolean;
  backend: 'cpu' | 'webgpu';
}

// J over the rows listed in `rows` (f32 indices): all rows for BGD, one row for SGD, whose
// cost ½(θᵀxⁱ − yⁱ)² is J restricted to that row. One body for both: one pipeline.
const COST_BODY = `let m = arrayLength(&y);
let d = arrayLength(&X) / m;
let k = arrayLength(&rows);
var s = 0.0;
for (var r = 0u; r < k; r++) {
  let i = u32(rows[r]);
  var e = -y[i];
  for (var j = 0u; j < d; j++) { e += p(j) * X[i * d + j]; }
  s += e * e;
}
return s / (2.0 * f32(k));`;

/** A float64 matrix from either input form (core's readMatrix), checked against y. */
export function toMat(X: Mat | number[][], y: ArrayLike<number>): Mat {
  const M = readMatrix(X, 'X', { vector: false });
  const other = ArrayBuffer.isView(y) && !(y instanceof DataView) && !(y instanceof Float32Array) && !(y instanceof Float64Array);
  const yt = readTensor(other ? Float64Array.from(y) : y, 'y'); // numbers, finite
  if (yt.shape.length !== 1 || yt.data.length !== M.rows) {
    throw new ArgumentError('y', `expected ${M.rows} values (one per row of X), got shape [${yt.shape.join(', ')}]`);
  }
  return M;
}

/**
 * J(θ) over the given rows (all by default) as a numgrad function of θ on ctx: a WGSL body
 * for the GPU, `regressionLoss` (float64) as its CPU twin.
 */
export function regressionCost(ctx: Runner, X: Mat, y: ArrayLike<number>, rows?: ArrayLike<number>): WgslFunction {
  const idx = rows ? Array.from(rows) : Array.from({ length: X.rows }, (_, i) => i);
  return new WgslFunction({
    n: X.cols,
    body: COST_BODY,
    data: { X: X.data, y, rows: idx },
    cpu: (theta) => regressionLoss(X, y, theta, idx),
  });
}

/** Gradient descent on J with numerical gradients on ctx's backend: BGD or SGD (see options). */
export async function linearRegressionDescent(ctx: Runner, opts: LinearRegressionOptions): Promise<LinearRegressionResult> {
  if (!opts || typeof opts !== 'object') throw new ArgumentError('opts', 'expected { X, y, mode, lr, epochs }');
  const X = toMat(opts.X, opts.y);
  const { mode, lr, epochs } = opts;
  if (mode !== 'batch' && mode !== 'stochastic') throw new ArgumentError('mode', `expected 'batch' or 'stochastic', got ${String(mode)}`);
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) throw new ArgumentError('lr', `expected a positive finite number, got ${String(lr)}`);
  if (!Number.isInteger(epochs) || epochs < 0) throw new ArgumentError('epochs', `expected a non-negative integer, got ${String(epochs)}`);
  const theta0 = Array.from(opts.theta0 ?? new Float64Array(X.cols));
  if (theta0.length !== X.cols) throw new ArgumentError('theta0', `expected ${X.cols} values (columns of X), got ${theta0.length}`);
  const J = regressionCost(ctx, X, opts.y);

  let thetaHistory: number[][];
  let updates: number;
  let diverged = false;
  if (mode === 'batch') {
    // one update per epoch: numgrad's own descent (device-resident on WebGPU), θ per step kept
    const r = await gradientDescent(ctx, J, theta0, { lr, steps: epochs, history: true });
    thetaHistory = r.history as number[][];
    updates = r.steps;
    diverged = r.diverged;
  } else {
    ({ thetaHistory, updates, diverged } = await sgd(ctx, X, opts.y, theta0, lr, epochs, opts.seed ?? 0));
  }
  // one batched evaluation of J at every θ kept (finite ones; the rest stay NaN)
  const finite = thetaHistory.filter((t) => t.every(Number.isFinite));
  const losses = finite.length ? ((await evaluate(ctx, J, finite, { batch: true })) as number[]) : [];
  const lossHistory = thetaHistory.map((t) => (t.every(Number.isFinite) ? losses.shift()! : NaN));
  return { theta: thetaHistory[thetaHistory.length - 1], lossHistory, thetaHistory, updates, diverged, backend: ctx.backend };
}

/** SGD: per epoch a fresh permutation of the rows, one numerical-gradient update per row. */
async function sgd(ctx: Runner, X: Mat, y: ArrayLike<number>, theta0: number[], lr: number, epochs: number, seed: number) {
  const rng = new Rng(seed);
  const perRow = Array.from({ length: X.rows }, (_, i) => regressionCost(ctx, X, y, [i])); // built once, reused every epoch
  const limit = 1e6 * Math.max(1, Math.hypot(...theta0));
  let theta = theta0.slice();
  const thetaHistory = [theta.slice()];
  let updates = 0;
  for (let e = 0; e < epochs; e++) {
    for (const i of rng.permutation(X.rows)) {
      const g = (await numericalGradient(ctx, perRow[i], theta)) as number[];
      theta = theta.map((t, j) => t - lr * g[j]);
      updates++;
      if (!theta.every(Number.isFinite) || Math.hypot(...theta) > limit) {
        thetaHistory.push(theta.slice());
        return { thetaHistory, updates, diverged: true };
      }
    }
    thetaHistory.push(theta.slice());
  }
  return { thetaHistory, updates, diverged: false };
}

/**
 * The closed-form least-squares θ: solves (XᵀX)θ = Xᵀy by Gaussian elimination with partial
 * pivoting, in float64. The reference BGD should converge to.
 */
export function normalEquations(Xin: Mat | number[][], y: ArrayLike<number>): number[] {
  const X = toMat(Xin, y);
  const d = X.cols;
  const A = Array.from({ length: d }, () => new Float64Array(d + 1)); // [XᵀX | Xᵀy]
  for (let i = 0; i < X.rows; i++) {
    for (let a = 0; a < d; a++) {
      const xa = X.data[i * d + a];
      for (let b = 0; b < d; b++) A[a][b] += xa * X.data[i * d + b];
      A[a][d] += xa * y[i];
    }
  }
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    if (Math.abs(A[piv][c]) < 1e-12 * Math.max(1, Math.abs(A[c][c]))) throw new ArgumentError('X', 'XᵀX is singular: the columns are linearly dependent');
    [A[c], A[piv]] = [A[piv], A[c]];
    for (let r = c + 1; r < d; r++) {
      const k = A[r][c] / A[c][c];
      for (let j = c; j <= d; j++) A[r][j] -= k * A[c][j];
    }
  }
  const theta = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let s = A[r][d];
    for (let j = r + 1; j < d; j++) s -= A[r][j] * theta[j];
    theta[r] = s / A[r][r];
  }
  return theta;
}

// --- the notes' one-weight example: forward x·w, loss (xw − y)², gradient 2x(xw − y) ---

export interface ManualDescentOptions {
  x?: number[];
  y?: number[];
  /** start (default 1, the notes' "random guess") */
  w0?: number;
  lr?: number;
  epochs?: number;
}

export interface ManualDescentResult {
  w: number;
  /** w before training and after each epoch */
  wHistory: number[];
  /** mean loss at each w of wHistory */
  lossHistory: number[];
}

/** Mean of (x·w − y)² over the samples. */
export function manualLoss(x: number[], y: number[], w: number): number {
  return x.reduce((s, xi, i) => s + (xi * w - y[i]) ** 2, 0) / x.length;
}

/** The hand-derived gradient of the mean loss: mean of 2x(xw − y). */
export function manualGradient(x: number[], y: number[], w: number): number {
  return x.reduce((s, xi, i) => s + 2 * xi * (xi * w - y[i]), 0) / x.length;
}

/** The mean loss as a numgrad expression in x (the weight), to differentiate numerically. */
export function manualLossExpr(x: number[], y: number[]): string {
  return '(' + x.map((xi, i) => `(${xi}*x - ${y[i]})^2`).join(' + ') + `) / ${x.length}`;
}

/** Plain float64 descent with the manual gradient (defaults: the notes' data, w: 1 → 2). */
export function manualGradientDescent(opts: ManualDescentOptions = {}): ManualDescentResult {
  const x = opts.x ?? [1, 2, 3];
  const y = opts.y ?? [2, 4, 6];
  const lr = opts.lr ?? 0.01;
  const epochs = opts.epochs ?? 100;
  if (x.length === 0 || x.length !== y.length) throw new ArgumentError('y', `expected ${x.length} values (one per x), got ${y.length}`);
  let w = opts.w0 ?? 1;
  const wHistory = [w];
  for (let e = 0; e < epochs; e++) {
    w -= lr * manualGradient(x, y, w);
    wHistory.push(w);
  }
  return { w, wHistory, lossHistory: wHistory.map((v) => manualLoss(x, y, v)) };
}
