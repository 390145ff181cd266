// Float64 ops for the networks. The *Into variants write into caller-owned buffers so the
// numerical gradient can evaluate tens of thousands of losses without allocating.
import { ArgumentError } from '../../../core/errors';
import { type Mat, type MatInput, zeros, shapeOf, toMat } from './tensor';
import { type Target, type TargetInput, toTarget, targetLabels, argmaxRow } from './targets';

/** The book's 1e-7 inside the log of the cross-entropy. */
export const CE_EPS = 1e-7;

/**
 * C = A·B. Element (r, c) is the left-to-right sum over k starting from 0 — the same
 * order a column recompute (see two-layer-net's incremental path) reproduces bit for bit.
 */
export function matmulInto(A: Mat, B: Mat, C: Mat): Mat {
  if (A.cols !== B.rows) {
    throw new ArgumentError('B', `matmul: A is ${shapeOf(A)} but B is ${shapeOf(B)}; A.cols must equal B.rows`);
  }
  if (C.rows !== A.rows || C.cols !== B.cols) {
    throw new ArgumentError('out', `matmul: out is ${shapeOf(C)}, expected ${A.rows}×${B.cols}`);
  }
  const n = A.cols, m = B.cols, a = A.data, b = B.data, c = C.data;
  for (let r = 0; r < A.rows; r++) {
    const cr = r * m;
    c.fill(0, cr, cr + m);
    for (let k = 0; k < n; k++) {
      const ark = a[r * n + k], bk = k * m;
      for (let j = 0; j < m; j++) c[cr + j] += ark * b[bk + j];
    }
  }
  return C;
}

export function matmul(A: Mat, B: Mat): Mat {
  return matmulInto(A, B, zeros(A.rows, B.cols));
}

/** out[r][c] = M[r][c] + bias[c]; out may be M. */
export function addBiasInto(M: Mat, bias: ArrayLike<number>, out: Mat): Mat {
  if (bias.length !== M.cols) {
    throw new ArgumentError('bias', `addBias: bias has length ${bias.length} but M is ${shapeOf(M)}`);
  }
  const { rows, cols } = M;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out.data[r * cols + c] = M.data[r * cols + c] + bias[c];
  }
  return out;
}

export function addBias(M: Mat, bias: ArrayLike<number>): Mat {
  return addBiasInto(M, bias, zeros(M.rows, M.cols));
}

/** σ(a) through exp(−|a|), so neither branch overflows for large |a|. */
export function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

export function sigmoidInto(A: Mat, out: Mat): Mat {
  for (let i = 0; i < A.data.length; i++) out.data[i] = sigmoid(A.data[i]);
  return out;
}

/** Row-wise softmax with the row max subtracted first (the book's overflow guard). */
export function softmaxRowsInto(A: Mat, out: Mat): Mat {
  const { rows, cols } = A;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mx = A.data[o];
    for (let c = 1; c < cols; c++) if (A.data[o + c] > mx) mx = A.data[o + c];
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(A.data[o + c] - mx);
      out.data[o + c] = e;
      s += e;
    }
    for (let c = 0; c < cols; c++) out.data[o + c] /= s;
  }
  return out;
}

export function softmaxRows(A: Mat): Mat {
  return softmaxRowsInto(A, zeros(A.rows, A.cols));
}

/**
 * Deterministic tree sum of v[0..n): zero-pad to the next power of two P, then for
 * stride = P/2, P/4, …, 1 add v[i + stride] into v[i]. This is the shape a GPU workgroup
 * reduction has, so the GPU path can reproduce it. `scratch` needs length ≥ P.
 */
export function treeSum(v: ArrayLike<number>, n: number, scratch: Float64Array): number {
  if (n === 0) return 0;
  let p = 1;
  while (p < n) p <<= 1;
  for (let i = 0; i < n; i++) scratch[i] = v[i];
  scratch.fill(0, n, p);
  for (let stride = p >> 1; stride >= 1; stride >>= 1) {
    for (let i = 0; i < stride; i++) scratch[i] += scratch[i + stride];
  }
  return scratch[0];
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * Per-sample losses −Σ_c t_c·log(y_c + 1e-7), each summed left to right over c. For exact
 * one-hot rows this is bitwise the label form (the zero terms add ±0).
 */
export function sampleLossesInto(y: Mat, t: Target, out: Float64Array): Float64Array {
  const { rows, cols, data } = y;
  for (let b = 0; b < rows; b++) {
    if (t.kind === 'labels') {
      out[b] = -Math.log(data[b * cols + t.labels[b]] + CE_EPS);
    } else {
      let s = 0;
      for (let c = 0; c < cols; c++) s += t.t.data[b * cols + c] * Math.log(data[b * cols + c] + CE_EPS);
      out[b] = -s;
    }
  }
  return out;
}

/** Cross-entropy from per-sample losses: tree sum over the batch, then / batch. */
export function meanOfSamples(losses: Float64Array, n: number, scratch: Float64Array): number {
  return treeSum(losses, n, scratch) / n;
}

/**
 * The book's cross_entropy_error: −Σ t·log(y + 1e-7) / batch. `t` is one-hot (same shape
 * as y) or label indices (one per row of y); a 1-D y is one sample.
 */
export function crossEntropy(yIn: MatInput, t: TargetInput | Target): number {
  const y = toMat(yIn, 'y');
  const tt = isTarget(t) ? t : toTarget(t, y.rows, y.cols);
  const losses = sampleLossesInto(y, tt, new Float64Array(y.rows));
  return meanOfSamples(losses, y.rows, new Float64Array(nextPow2(y.rows)));
}

/** Index of the row max, ties → first (numpy argmax). */
export function argmaxRows(y: Mat): Int32Array {
  const out = new Int32Array(y.rows);
  for (let r = 0; r < y.rows; r++) out[r] = argmaxRow(y.data, r * y.cols, y.cols);
  return out;
}

/** Fraction of rows whose argmax equals the label (one-hot targets: their argmax). */
export function accuracy(yIn: MatInput, t: TargetInput | Target): number {
  const y = toMat(yIn, 'y');
  const tt = isTarget(t) ? t : toTarget(t, y.rows, y.cols);
  const labels = targetLabels(tt);
  const pred = argmaxRows(y);
  let ok = 0;
  for (let r = 0; r < y.rows; r++) if (pred[r] === labels[r]) ok++;
  return ok / y.rows;
}

export function isTarget(t: unknown): t is Target {
  return typeof t === 'object' && t !== null && 'kind' in t &&
    ((t as Target).kind === 'labels' || (t as Target).kind === 'onehot');
}

/** C = Aᵀ·B (A is n×p, B is n×m, C is p×m): weight gradients xᵀ·δ. */
export function matmulTransAInto(A: Mat, B: Mat, C: Mat): Mat {
  if (A.rows !== B.rows) {
    throw new ArgumentError('B', `matmulTransA: A is ${shapeOf(A)} but B is ${shapeOf(B)}; rows must match`);
  }
  const n = A.rows, p = A.cols, m = B.cols;
  C.data.fill(0);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      const a = A.data[r * p + i];
      for (let j = 0; j < m; j++) C.data[i * m + j] += a * B.data[r * m + j];
    }
  }
  return C;
}

/** C = A·Bᵀ (A is n×m, B is p×m, C is n×p): back through a weight, δ·Wᵀ. */
export function matmulTransBInto(A: Mat, B: Mat, C: Mat): Mat {
  if (A.cols !== B.cols) {
    throw new ArgumentError('B', `matmulTransB: A is ${shapeOf(A)} but B is ${shapeOf(B)}; cols must match`);
  }
  const n = A.rows, m = A.cols, p = B.rows;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += A.data[r * m + j] * B.data[i * m + j];
      C.data[r * p + i] = s;
    }
  }
  return C;
}

/** Column sums (bias gradients). */
export function colSums(A: Mat): Float64Array {
  const out = new Float64Array(A.cols);
  for (let r = 0; r < A.rows; r++) for (let c = 0; c < A.cols; c++) out[c] += A.data[r * A.cols + c];
  return out;
}
