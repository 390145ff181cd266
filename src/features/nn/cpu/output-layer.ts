// Softmax + cross-entropy output layer: its exact gradient, the book's gradient, and the
// loss *change* for a given change of the logits (the core of the structured numerical
// gradient, which never subtracts two nearly equal losses).
import { type Mat } from './tensor';
import { type Target } from './targets';
import { CE_EPS } from './ops';

/**
 * Exact dL/da for L = −(1/B)·Σ_b Σ_c t_c·log(y_c + ε), y = softmax(a), ε = 1e-7:
 *   dL/da_k = −(1/B)·Σ_c t_c·(y_c/(y_c+ε))·(δ_ck − y_k) = (1/B)·(y_k·R − r_k),
 * with r_c = t_c·y_c/(y_c+ε) and R = Σ_c r_c. With ε = 0 this is the book's (y − t)/B.
 */
export function exactLogitGradInto(y: Mat, t: Target, out: Mat): Mat {
  const { rows: B, cols: K } = y;
  for (let b = 0; b < B; b++) {
    const o = b * K;
    if (t.kind === 'labels') {
      const l = t.labels[b];
      const R = y.data[o + l] / (y.data[o + l] + CE_EPS);
      for (let k = 0; k < K; k++) out.data[o + k] = (y.data[o + k] * R - (k === l ? R : 0)) / B;
    } else {
      let R = 0;
      for (let c = 0; c < K; c++) R += t.t.data[o + c] * (y.data[o + c] / (y.data[o + c] + CE_EPS));
      for (let k = 0; k < K; k++) {
        const rk = t.t.data[o + k] * (y.data[o + k] / (y.data[o + k] + CE_EPS));
        out.data[o + k] = (y.data[o + k] * R - rk) / B;
      }
    }
  }
  return out;
}

/**
 * The book's backprop seed (y − t)/B. It is the gradient of the loss *without* the 1e-7,
 * so against the loss as defined it is off by about ε/y_label relative (~1e-6 for 10
 * classes). Kept for comparison with the book; the nets' gradient() uses the exact one.
 */
export function bookLogitGradInto(y: Mat, t: Target, out: Mat): Mat {
  const { rows: B, cols: K } = y;
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < K; k++) {
      const i = b * K + k;
      const tk = t.kind === 'labels' ? (t.labels[b] === k ? 1 : 0) : t.t.data[i];
      out.data[i] = (y.data[i] - tk) / B;
    }
  }
  return out;
}

/**
 * Loss change of sample b when its logits change by `delta` (length K), from y alone:
 *   S − 1 = Σ_k y_k·expm1(Δ_k),  y'_c − y_c = y_c·(expm1(Δ_c) − (S − 1))/S,
 *   change = −Σ_c t_c·log1p((y'_c − y_c)/(y_c + ε)).
 * `em` is scratch of length ≥ K.
 */
export function sampleLossChange(
  y: Float64Array, b: number, K: number, t: Target, delta: Float64Array, em: Float64Array,
): number {
  const o = b * K;
  let sm1 = 0;
  for (let k = 0; k < K; k++) {
    em[k] = Math.expm1(delta[k]);
    sm1 += y[o + k] * em[k];
  }
  const S = 1 + sm1;
  if (t.kind === 'labels') {
    const l = t.labels[b], yl = y[o + l];
    return -Math.log1p((yl * (em[l] - sm1)) / S / (yl + CE_EPS));
  }
  let ch = 0;
  for (let c = 0; c < K; c++) {
    const tc = t.t.data[o + c];
    if (tc === 0) continue;
    const yc = y[o + c];
    ch -= tc * Math.log1p((yc * (em[c] - sm1)) / S / (yc + CE_EPS));
  }
  return ch;
}

/** The same when only logit k changes (by d): S − 1 = y_k·expm1(d). */
export function sampleLossChange1(y: Float64Array, b: number, K: number, t: Target, k: number, d: number): number {
  const o = b * K;
  const e = Math.expm1(d);
  const sm1 = y[o + k] * e;
  const S = 1 + sm1;
  if (t.kind === 'labels') {
    const l = t.labels[b], yl = y[o + l];
    return -Math.log1p((yl * ((l === k ? e : 0) - sm1)) / S / (yl + CE_EPS));
  }
  let ch = 0;
  for (let c = 0; c < K; c++) {
    const tc = t.t.data[o + c];
    if (tc === 0) continue;
    const yc = y[o + c];
    ch -= tc * Math.log1p((yc * ((c === k ? e : 0) - sm1)) / S / (yc + CE_EPS));
  }
  return ch;
}
