// Float32 emulation of the two ways a GPU can form the numerical gradient of the nets:
// - naive: two full float32 losses per parameter, subtracted (the book's method);
// - structured: the loss differences formed directly (structured.ts), every op in float32.
// Inputs and parameters are rounded to float32 first; results are returned as float64
// arrays holding float32 values. Used to measure float32 accuracy against the float64
// exact gradient (test/nn-cpu-f32.test.ts).
import { type Mat, type MatInput, toMat, zeros } from '../../src/features/nn/cpu/tensor';
import { type Target, type TargetInput, toTarget } from '../../src/features/nn/cpu/targets';
import { nextPow2 } from '../../src/features/nn/cpu/ops';
import {
  f, CE_EPS_F32, expF32, logF32, expm1F32, log1pF32, sigmoidF32, treeSumF32,
} from './f32-math';
import type { TwoLayerParams } from '../../src/features/nn/cpu/two-layer-net';

/** A float32 layer a = z·W (+ b), with shapes. */
interface LayerF32 { W: Float32Array; b: Float32Array | null; J: number; K: number }

/** Sequential float32 dot products (what one GPU lane per output does), then + bias. */
function affineF32(z: Float32Array, B: number, L: LayerF32, out: Float32Array): void {
  const { W, b, J, K } = L;
  for (let r = 0; r < B; r++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < J; j++) s = f(s + f(z[r * J + j] * W[j * K + k]));
      out[r * K + k] = b ? f(s + b[k]) : s;
    }
  }
}

/** Row softmax in float32, max subtracted. */
function softmaxF32(a: Float32Array, B: number, K: number, y: Float32Array): void {
  for (let r = 0; r < B; r++) {
    let m = a[r * K];
    for (let k = 1; k < K; k++) m = Math.max(m, a[r * K + k]);
    let s = 0;
    for (let k = 0; k < K; k++) { y[r * K + k] = expF32(f(a[r * K + k] - m)); s = f(s + y[r * K + k]); }
    for (let k = 0; k < K; k++) y[r * K + k] = f(y[r * K + k] / s);
  }
}

/** Float32 cross-entropy: per-sample −Σ t·log(y + ε), tree sum, / B. */
function lossF32(y: Float32Array, B: number, K: number, t: Target, per: Float32Array, tree: Float32Array): number {
  for (let b = 0; b < B; b++) {
    if (t.kind === 'labels') {
      per[b] = -logF32(f(y[b * K + t.labels[b]] + CE_EPS_F32));
    } else {
      let s = 0;
      for (let c = 0; c < K; c++) s = f(s + f(f(t.t.data[b * K + c]) * logF32(f(y[b * K + c] + CE_EPS_F32))));
      per[b] = -s;
    }
  }
  return f(treeSumF32(per, B, tree) / B);
}

/** Per-sample loss change for logit changes `delta` (float32 version of output-layer.ts). */
function sampleChangeF32(y: Float32Array, b: number, K: number, t: Target, delta: Float32Array, em: Float32Array): number {
  let sm1 = 0;
  for (let k = 0; k < K; k++) { em[k] = expm1F32(delta[k]); sm1 = f(sm1 + f(y[b * K + k] * em[k])); }
  const S = f(1 + sm1);
  const term = (c: number) => {
    const yc = y[b * K + c];
    const dy = f(f(yc * f(em[c] - sm1)) / S);
    return log1pF32(f(dy / f(yc + CE_EPS_F32)));
  };
  if (t.kind === 'labels') return -term(t.labels[b]);
  let ch = 0;
  for (let c = 0; c < K; c++) {
    const tc = f(t.t.data[b * K + c]);
    if (tc !== 0) ch = f(ch - f(tc * term(c)));
  }
  return ch;
}

/** g = (ΔL(+h) − ΔL(−h)) / 2h in float32, ΔL(s) = treeSum_b(change_b(s)) / B. */
function centralF32(hf: number, B: number, ch: Float32Array, tree: Float32Array, fill: (s: number) => void): number {
  fill(hf);
  const up = f(treeSumF32(ch, B, tree) / B);
  fill(-hf);
  const down = f(treeSumF32(ch, B, tree) / B);
  return f(f(up - down) / f(2 * hf));
}

/**
 * Structured gradient of an output layer a = z·W (+ b), y = softmax(a): W[j][k] ± h moves
 * logit k by ±h·z[b][j]. Writes dW and (if the layer has a bias) db.
 */
function structuredOutputF32(
  z: Float32Array, y: Float32Array, B: number, L: LayerF32, t: Target, hf: number, dW: Float64Array, db: Float64Array | null,
): void {
  const { J, K } = L;
  const ch = new Float32Array(B), tree = new Float32Array(nextPow2(B));
  const delta = new Float32Array(K), em = new Float32Array(K);
  const one = (b: number, k: number, d: number): number => {
    if (d === 0) return 0;
    delta.fill(0);
    delta[k] = d;
    return sampleChangeF32(y, b, K, t, delta, em);
  };
  for (let j = 0; j < J; j++) {
    for (let k = 0; k < K; k++) {
      dW[j * K + k] = centralF32(hf, B, ch, tree, (s) => {
        for (let b = 0; b < B; b++) ch[b] = one(b, k, f(s * z[b * J + j]));
      });
    }
  }
  if (db) {
    for (let k = 0; k < K; k++) db[k] = centralF32(hf, B, ch, tree, (s) => { for (let b = 0; b < B; b++) ch[b] = one(b, k, s); });
  }
}

interface TwoLayerF32 { L1: LayerF32; L2: LayerF32; I: number; H: number; K: number }

function twoLayerF32(p: TwoLayerParams): TwoLayerF32 {
  const I = p.W1.rows, H = p.W1.cols, K = p.W2.cols;
  return {
    I, H, K,
    L1: { W: Float32Array.from(p.W1.data), b: Float32Array.from(p.b1), J: I, K: H },
    L2: { W: Float32Array.from(p.W2.data), b: Float32Array.from(p.b2), J: H, K },
  };
}

function prepare(x: MatInput, t: TargetInput, I: number, K: number, h: number) {
  const X = toMat(x, 'x', I);
  const T = toTarget(t, X.rows, K);
  const hf = f(h);
  if (!(hf > 0) || !Number.isFinite(hf)) throw new RangeError(`h: expected a finite step > 0 in float32, got ${h}`);
  return { X: Float32Array.from(X.data), B: X.rows, T, hf };
}

function gradsLike(p: TwoLayerParams): TwoLayerParams {
  return { W1: zeros(p.W1.rows, p.W1.cols), b1: new Float64Array(p.b1.length), W2: zeros(p.W2.rows, p.W2.cols), b2: new Float64Array(p.b2.length) };
}

/** Structured float32 numerical gradient of a TwoLayerNet's loss (all four params). */
export function structuredNumericalGradientF32(params: TwoLayerParams, x: MatInput, t: TargetInput, h = 1e-4): TwoLayerParams {
  const N = twoLayerF32(params);
  const { I, H, K } = N;
  const { X, B, T, hf } = prepare(x, t, I, K, h);
  const a1 = new Float32Array(B * H), z1 = new Float32Array(B * H), s1m = new Float32Array(B * H);
  const a2 = new Float32Array(B * K), y = new Float32Array(B * K);
  affineF32(X, B, N.L1, a1);
  for (let i = 0; i < a1.length; i++) { z1[i] = sigmoidF32(a1[i]); s1m[i] = sigmoidF32(-a1[i]); }
  affineF32(z1, B, N.L2, a2);
  softmaxF32(a2, B, K, y);
  const g = gradsLike(params);
  structuredOutputF32(z1, y, B, N.L2, T, hf, g.W2.data, g.b2);

  const ch = new Float32Array(B), tree = new Float32Array(nextPow2(B));
  const delta = new Float32Array(K), em = new Float32Array(K);
  const W2 = N.L2.W;
  // δz = σ(−a)·σ(a+d)·(−expm1(−d)); every logit k then moves by δz·W2[j][k].
  const change = (b: number, j: number, d: number): number => {
    if (d === 0) return 0;
    const a = a1[b * H + j];
    const dz = f(f(s1m[b * H + j] * sigmoidF32(f(a + d))) * -expm1F32(-d));
    for (let k = 0; k < K; k++) delta[k] = f(dz * W2[j * K + k]);
    return sampleChangeF32(y, b, K, T, delta, em);
  };
  for (let i = 0; i < I; i++) {
    for (let j = 0; j < H; j++) {
      g.W1.data[i * H + j] = centralF32(hf, B, ch, tree, (s) => {
        for (let b = 0; b < B; b++) ch[b] = change(b, j, f(s * X[b * I + i]));
      });
    }
  }
  for (let j = 0; j < H; j++) g.b1[j] = centralF32(hf, B, ch, tree, (s) => { for (let b = 0; b < B; b++) ch[b] = change(b, j, s); });
  return g;
}

export interface NaiveF32Options {
  /** Evaluate only these W1 indices (row-major); the others come back NaN. Saves time at 784 inputs. */
  w1Indices?: ArrayLike<number>;
}

/**
 * Naive float32 numerical gradient: for each parameter w, two full float32 losses at
 * w ± h (rounded to float32) and (L₊ − L₋)/(w₊ − w₋), divided by the realised step.
 * Only the part of the forward pass a parameter touches is recomputed, with the same
 * float32 operations in the same order as a full pass, so each loss is bitwise the full one.
 */
export function naiveNumericalGradientF32(
  params: TwoLayerParams, x: MatInput, t: TargetInput, h = 1e-4, opts: NaiveF32Options = {},
): TwoLayerParams {
  const N = twoLayerF32(params);
  const { I, H, K } = N;
  const { X, B, T, hf } = prepare(x, t, I, K, h);
  const a1 = new Float32Array(B * H), z1 = new Float32Array(B * H);
  const a2 = new Float32Array(B * K), y = new Float32Array(B * K);
  const per = new Float32Array(B), tree = new Float32Array(nextPow2(B));
  const col = new Float32Array(B);
  affineF32(X, B, N.L1, a1);
  for (let i = 0; i < a1.length; i++) z1[i] = sigmoidF32(a1[i]);
  const outLoss = () => { affineF32(z1, B, N.L2, a2); softmaxF32(a2, B, K, y); return lossF32(y, B, K, T, per, tree); };
  // Column j of z1 recomputed exactly as affineF32 + sigmoidF32 would.
  const colLoss = (j: number) => {
    const { W, b } = N.L1;
    for (let r = 0; r < B; r++) {
      let s = 0;
      for (let i = 0; i < I; i++) s = f(s + f(X[r * I + i] * W[i * H + j]));
      z1[r * H + j] = sigmoidF32(f(s + b![j]));
    }
    return outLoss();
  };
  const perturb = (p: Float32Array, i: number, loss: () => number): number => {
    const w = p[i];
    const wp = f(w + hf), wm = f(w - hf);
    p[i] = wp; const lp = loss();
    p[i] = wm; const lm = loss();
    p[i] = w;
    return f(f(lp - lm) / f(wp - wm));
  };
  const withCol = (j: number, fn: () => void) => {
    for (let r = 0; r < B; r++) col[r] = z1[r * H + j];
    fn();
    for (let r = 0; r < B; r++) z1[r * H + j] = col[r];
  };
  const g = gradsLike(params);
  const idx = opts.w1Indices ?? Array.from({ length: I * H }, (_, i) => i);
  if (opts.w1Indices) g.W1.data.fill(NaN);
  for (let n = 0; n < idx.length; n++) {
    const i = idx[n], j = i % H;
    withCol(j, () => { g.W1.data[i] = perturb(N.L1.W, i, () => colLoss(j)); });
  }
  for (let j = 0; j < H; j++) withCol(j, () => { g.b1[j] = perturb(N.L1.b!, j, () => colLoss(j)); });
  for (let i = 0; i < H * K; i++) g.W2.data[i] = perturb(N.L2.W, i, outLoss);
  for (let k = 0; k < K; k++) g.b2[k] = perturb(N.L2.b!, k, outLoss);
  return g;
}

/** SimpleNet (a = x·W, no bias): structured float32 numerical gradient of W. */
export function simpleNetStructuredGradientF32(W: Mat, x: MatInput, t: TargetInput, h = 1e-4): Mat {
  const L: LayerF32 = { W: Float32Array.from(W.data), b: null, J: W.rows, K: W.cols };
  const { X, B, T, hf } = prepare(x, t, W.rows, W.cols, h);
  const a = new Float32Array(B * L.K), y = new Float32Array(B * L.K);
  affineF32(X, B, L, a);
  softmaxF32(a, B, L.K, y);
  const g = zeros(W.rows, W.cols);
  structuredOutputF32(X, y, B, L, T, hf, g.data, null);
  return g;
}

/** SimpleNet: naive float32 numerical gradient of W (two float32 losses per weight). */
export function simpleNetNaiveGradientF32(W: Mat, x: MatInput, t: TargetInput, h = 1e-4): Mat {
  const L: LayerF32 = { W: Float32Array.from(W.data), b: null, J: W.rows, K: W.cols };
  const { X, B, T, hf } = prepare(x, t, W.rows, W.cols, h);
  const a = new Float32Array(B * L.K), y = new Float32Array(B * L.K);
  const per = new Float32Array(B), tree = new Float32Array(nextPow2(B));
  const loss = () => { affineF32(X, B, L, a); softmaxF32(a, B, L.K, y); return lossF32(y, B, L.K, T, per, tree); };
  const g = zeros(W.rows, W.cols);
  for (let i = 0; i < L.W.length; i++) {
    const w = L.W[i], wp = f(w + hf), wm = f(w - hf);
    L.W[i] = wp; const lp = loss();
    L.W[i] = wm; const lm = loss();
    L.W[i] = w;
    g.data[i] = f(f(lp - lm) / f(wp - wm));
  }
  return g;
}

/** Float32 loss of a TwoLayerNet (same forward pass as the emulated gradients). */
export function twoLayerLossF32(params: TwoLayerParams, x: MatInput, t: TargetInput): number {
  const N = twoLayerF32(params);
  const { X, B, T } = prepare(x, t, N.I, N.K, 1);
  const a1 = new Float32Array(B * N.H), a2 = new Float32Array(B * N.K), y = new Float32Array(B * N.K);
  affineF32(X, B, N.L1, a1);
  for (let i = 0; i < a1.length; i++) a1[i] = sigmoidF32(a1[i]);
  affineF32(a1, B, N.L2, a2);
  softmaxF32(a2, B, N.K, y);
  return lossF32(y, B, N.K, T, new Float32Array(B), new Float32Array(nextPow2(B)));
}
