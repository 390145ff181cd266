// Every nn_* kernel on the GPU against a float64 computation written here (independent of
// both the kernels and src/features/nn/cpu), on random odd shapes (batches not a multiple of any
// workgroup size). Seeds are printed.
import { encodeMathProbe } from './support/math-probe';
import { describe, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';
import { expectAllclose } from './helpers/allclose';
import type { GpuRuntime } from '../src/gpu/runtime';
import {
  type DMat, type DTarget, encodeMatmul, encodeSigmoid, encodeSigmoidBack, encodeSoftmax, encodeSgd,
  encodeSampleLosses, encodeCorrect, encodeLogitGrad, encodeColSums, encodeNonzeroCols,
} from '../src/features/nn/gpu/kernels';
import { readMany } from '../src/features/nn/gpu/device-mats';
import { encodeSum } from '../src/features/reduce/gpu';

const seed = seedFromEnv('nn-gpu-kernels');
const f32 = (a: number[]) => Array.from(Float32Array.from(a));

function up(rt: GpuRuntime, rows: number, cols: number, data: number[]): DMat {
  return { buf: rt.upload(Float32Array.from(data.length ? data : [0])), rows, cols };
}
function out(rt: GpuRuntime, rows: number, cols: number): DMat {
  return { buf: rt.output(Math.max(4, rows * cols * 4)), rows, cols };
}
async function read(rt: GpuRuntime, enc: GPUCommandEncoder, ...ms: DMat[]): Promise<number[][]> {
  return (await readMany(rt, enc, ms.map((m) => ({ buf: m.buf, count: m.rows * m.cols })))).map((a) => Array.from(a));
}
function free(rt: GpuRuntime, ...ms: DMat[]) {
  rt.release(...ms.map((m) => m.buf));
}

/** float64 reference helpers */
const mm = (A: number[], B: number[], M: number, K: number, N: number) => {
  const C = new Array(M * N).fill(0);
  for (let r = 0; r < M; r++) for (let c = 0; c < N; c++) { let s = 0; for (let k = 0; k < K; k++) s += A[r * K + k] * B[k * N + c]; C[r * N + c] = s; }
  return C;
};
const transpose = (A: number[], R: number, C: number) => Array.from({ length: R * C }, (_, i) => A[(i % R) * C + Math.floor(i / R)]);
const sig = (a: number) => 1 / (1 + Math.exp(-a));
function softmax(a: number[], rows: number, K: number) {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = a.slice(r * K, (r + 1) * K), m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m)), s = e.reduce((p, q) => p + q, 0);
    y.push(...e.map((v) => v / s));
  }
  return y;
}

describeBackends('nn kernels vs float64', (ctx) => {
  it.each([[1, 1, 1], [7, 13, 5], [100, 97, 50], [33, 784, 10], [129, 3, 70]])('matmul %i×%i · %i×… (plain, bias, Aᵀ, Bᵀ)', async (M, K, N) => {
    const rt = ctx().runtime!;
    const r = rng(seed + M * 7 + K);
    const A = f32(uniform(r, M * K)), B = f32(uniform(r, K * N)), bias = f32(uniform(r, N));
    const Bb = [...B, ...bias]; // [W | b] layout: the bias read at offset K·N
    const At = transpose(A, M, K), Bt = transpose(B, K, N);
    const ref = mm(A, B, M, K, N);
    const dA = up(rt, M, K, A), dB = up(rt, K + 1, N, Bb), dAt = up(rt, K, M, At), dBt = up(rt, N, K, Bt);
    const c1 = out(rt, M, N), c2 = out(rt, M, N), c3 = out(rt, M, N), c4 = out(rt, M, N);
    try {
      const enc = rt.encoder();
      await encodeMatmul(rt, enc, dA, dB, c1, K);
      await encodeMatmul(rt, enc, dA, dB, c2, K, { bias: { m: dB, off: K * N } });
      await encodeMatmul(rt, enc, dAt, dB, c3, K, { ta: true });
      await encodeMatmul(rt, enc, dA, dBt, c4, K, { tb: true });
      const [g1, g2, g3, g4] = await read(rt, enc, c1, c2, c3, c4);
      const tol = { rtol: 1e-5, atol: 1e-6 * Math.sqrt(K) };
      expectAllclose(g1, ref, tol, 'A·B');
      expectAllclose(g2, ref.map((v, i) => v + bias[i % N]), tol, 'A·B + b');
      expectAllclose(g3, ref, tol, 'Aᵀ stored');
      expectAllclose(g4, ref, tol, 'Bᵀ stored');
    } finally {
      free(rt, dA, dB, dAt, dBt, c1, c2, c3, c4);
    }
  });

  it('sigmoid forward/backward, softmax (+ 1 − y without cancellation), SGD step, column sums, nonzero columns', async () => {
    const rt = ctx().runtime!;
    const r = rng(seed + 1);
    const B = 37, H = 11, K = 7;
    const a = f32(uniform(r, B * H, -30, 30)), gup = f32(uniform(r, B * H)), logits = f32(uniform(r, B * K, -20, 20));
    const xs = f32(uniform(r, B * H).map((v) => (v > 0.3 ? v : 0)));
    const dA = up(rt, B, H, a), dG = up(rt, B, H, gup), dL = up(rt, B, K, logits), dX = up(rt, B, H, xs), w = up(rt, B, H, a);
    const z = out(rt, B, H), zm = out(rt, B, H), back = out(rt, B, H), y = out(rt, B, K), yc = out(rt, B, K);
    const cs = out(rt, 1, K + 3), nz = out(rt, H, B), nzc = out(rt, H, 1);
    try {
      const enc = rt.encoder();
      await encodeSigmoid(rt, enc, dA, z, zm);
      await encodeSigmoidBack(rt, enc, dG, z, zm, back);
      await encodeSoftmax(rt, enc, dL, y, yc);
      await encodeSgd(rt, enc, w, dG, 0.25);
      await encodeColSums(rt, enc, dL, cs, 3);
      await encodeNonzeroCols(rt, enc, dX, nz, nzc);
      const [gz, gzm, gb, gy, gyc, gw, gcs, gnz, gnzc] = await read(rt, enc, z, zm, back, y, yc, w, cs, nz, nzc);
      // WGSL's exp is good to (3 + 2|a|) ulp, so tiny σ values carry that relative error
      const sigOk = (got: number[], sign: number) => got.forEach((g, i) => {
        const want = sig(sign * a[i]);
        expect(Math.abs(g - want) / want, `σ(${sign * a[i]})`).toBeLessThanOrEqual((6 + 2 * Math.abs(a[i])) * 2 ** -24);
      });
      sigOk(gz, 1);
      sigOk(gzm, -1);
      expectAllclose(gb, gup.map((g, i) => g * sig(a[i]) * sig(-a[i])), { rtol: 2e-6, atol: 0 }, 'σ back');
      const yr = softmax(logits, B, K);
      // exp(a − max) is good to (3 + 2|a − max|) ulp (WGSL), so tiny probabilities carry that
      gy.forEach((g, i) => {
        const b = Math.floor(i / K), m = Math.max(...logits.slice(b * K, (b + 1) * K));
        expect(Math.abs(g - yr[i]) / yr[i], `y[${i}]`).toBeLessThanOrEqual((3 * K + 2 * (m - logits[i])) * 2 ** -24);
      });
      // 1 − y_k relative to itself (the point: no cancellation when y_k ≈ 1)
      const ycr = yr.map((_, i) => { const b = Math.floor(i / K); let s = 0; for (let c = 0; c < K; c++) if (c !== i % K) s += yr[b * K + c]; return s; });
      // a sum of the other probabilities, each good to (3K + 2|a_c − max|) ulp as above
      gyc.forEach((g, i) => {
        const b = Math.floor(i / K), row = logits.slice(b * K, (b + 1) * K), m = Math.max(...row);
        const worst = Math.max(...row.filter((_, c) => c !== i % K).map((v) => 3 * K + 2 * (m - v)));
        expect(Math.abs(g - ycr[i]) / ycr[i], `1 − y[${i}]`).toBeLessThanOrEqual((worst + 2) * 2 ** -24);
      });
      expectAllclose(gw, a.map((v, i) => v - 0.25 * gup[i]), { rtol: 1e-6, atol: 1e-6 }, 'sgd');
      const colRef = Array.from({ length: K }, (_, k) => { let s = 0; for (let b = 0; b < B; b++) s += logits[b * K + k]; return s; });
      expectAllclose(gcs.slice(3), colRef, { rtol: 1e-5, atol: 1e-4 }, 'column sums');
      for (let i = 0; i < H; i++) {
        const want = Array.from({ length: B }, (_, b) => b).filter((b) => xs[b * H + i] !== 0);
        expect(gnzc[i]).toBe(want.length);
        expect(gnz.slice(i * B, i * B + want.length)).toEqual(want);
      }
    } finally {
      free(rt, dA, dG, dL, dX, w, z, zm, back, y, yc, cs, nz, nzc);
    }
  });

  it.each([false, true])('cross-entropy, correct flags, exact logit gradient (one-hot: %s), tree-summed', async (onehot) => {
    const rt = ctx().runtime!;
    const r = rng(seed + (onehot ? 3 : 2));
    const B = 517, K = 9; // past one 512-wide reduction pass
    const yv = softmax(f32(uniform(r, B * K, -6, 6)), B, K).map(Math.fround);
    const labels = Array.from({ length: B }, () => Math.floor(r() * K));
    // soft one-hot rows exercise the general form
    const tRows = labels.flatMap((l) => Array.from({ length: K }, (_, k) => (k === l ? 0.7 : 0.3 / (K - 1))));
    const tData = onehot ? tRows : labels;
    const tgt: DTarget = { m: up(rt, B, onehot ? K : 1, tData), onehot };
    const dy = up(rt, B, K, yv);
    const ycv = yv.map((_, i) => { const b = Math.floor(i / K); let s = 0; for (let c = 0; c < K; c++) if (c !== i % K) s += yv[b * K + c]; return s; });
    const dyc = up(rt, B, K, ycv);
    const losses = out(rt, B, 1), correct = out(rt, B, 1), da = out(rt, B, K);
    let sumBuf: GPUBuffer | undefined;
    try {
      const enc = rt.encoder();
      await encodeSampleLosses(rt, enc, dy, tgt, losses);
      await encodeCorrect(rt, enc, dy, tgt, correct);
      await encodeLogitGrad(rt, enc, dy, dyc, tgt, da);
      sumBuf = await encodeSum(rt, enc, losses.buf, B);
      const [gl, gc, gda, gs] = await read(rt, enc, losses, correct, da, { buf: sumBuf, rows: 1, cols: 1 });
      const t = (b: number, c: number) => (onehot ? tRows[b * K + c] : c === labels[b] ? 1 : 0);
      const lref = Array.from({ length: B }, (_, b) => { let s = 0; for (let c = 0; c < K; c++) if (t(b, c)) s += t(b, c) * Math.log(yv[b * K + c] + 1e-7); return -s; });
      expectAllclose(gl, lref, { rtol: 3e-6, atol: 1e-6 }, 'per-sample loss');
      expect(Math.abs(gs[0] - lref.reduce((p, q) => p + q, 0)) / lref.reduce((p, q) => p + q, 0)).toBeLessThan(1e-5);
      const cref = Array.from({ length: B }, (_, b) => { let best = 0; for (let k = 1; k < K; k++) if (yv[b * K + k] > yv[b * K + best]) best = k; return best === labels[b] ? 1 : 0; });
      expect(gc).toEqual(cref);
      // exact dL/da_k = (1/B) Σ_c t_c (y_c/(y_c+ε)) (y_k − δ_ck), summed directly here
      const daRef = Array.from({ length: B * K }, (_, i) => {
        const b = Math.floor(i / K), k = i % K;
        let s = 0;
        for (let c = 0; c < K; c++) { const yc = yv[b * K + c]; s += t(b, c) * (yc / (yc + 1e-7)) * (yv[b * K + k] - (c === k ? 1 : 0)); }
        return s / B;
      });
      // soft rows cancel inside R − r_k: judge small elements against the largest
      const big = Math.max(...daRef.map(Math.abs));
      expectAllclose(gda, daRef, { rtol: 1e-5, atol: 1e-6 * big }, 'logit gradient');
    } finally {
      free(rt, tgt.m, dy, dyc, losses, correct, da);
      rt.release(sumBuf);
    }
  });
}, ['webgpu']);

describeBackends('WGSL expm1f / log1pf / sigmoidf vs float64', (ctx) => {
  it('are within a few ulp on a sweep 1e-30 … 1 (both signs) and beyond', async () => {
    const rt = ctx().runtime!;
    const us: number[] = [];
    for (let e = -30; e <= 0; e += 0.05) us.push(10 ** e, -(10 ** e));
    for (let v = 1; v <= 20; v += 0.37) us.push(v, -v);
    us.push(0.35, -0.35, 0.0078125, -0.0078125, 0.5, -0.5, 0.9999, -0.9999, 0);
    const u = f32(us);
    const du = up(rt, u.length, 1, u), o = out(rt, u.length, 3);
    try {
      const enc = rt.encoder();
      await encodeMathProbe(rt, enc, du, o);
      const [g] = await read(rt, enc, o);
      const ulp = 2 ** -24;
      let we = 0, wl = 0, ws = 0, worstE = 0, worstL = 0, wBig = 0;
      u.forEach((v, i) => {
        const e = Math.expm1(v), l = Math.log1p(v), s = 1 / (1 + Math.exp(-v));
        const re = e === 0 ? Math.abs(g[3 * i]) : Math.abs(g[3 * i] - e) / Math.abs(e);
        if (Math.abs(v) > 1) wBig = Math.max(wBig, re / ((3 + 2 * Math.abs(v)) * ulp)); // past 1: exp's own WGSL bound
        else if (re > we) { we = re; worstE = v; }
        if (v > -1) {
          const rl = l === 0 ? Math.abs(g[3 * i + 1]) : Math.abs(g[3 * i + 1] - l) / Math.abs(l);
          if (rl > wl && Math.abs(v) <= 1) { wl = rl; worstL = v; }
        }
        ws = Math.max(ws, Math.abs(g[3 * i + 2] - s) / s / (3 + 2 * Math.abs(v)));
      });
      console.log(`[nn-gpu-kernels] |u| ≤ 1: expm1f worst ${(we / ulp).toFixed(2)} ulp at ${worstE}, log1pf worst ${(wl / ulp).toFixed(2)} ulp at ${worstL}; ` +
        `|u| > 1: expm1f ${wBig.toFixed(2)}× exp's WGSL bound (3 + 2|u|) ulp; sigmoidf ${(ws / ulp).toFixed(2)}× (3 + 2|u|) ulp`);
      expect(we / ulp).toBeLessThan(4);
      expect(wl / ulp).toBeLessThan(4);
      expect(wBig).toBeLessThan(2);
      expect(ws / ulp).toBeLessThan(3);
      // the naive forms lose everything near 0: the point of the helpers
      expect(Math.fround(Math.fround(Math.exp(1e-9)) - 1)).toBe(0);
    } finally {
      free(rt, du, o);
    }
  });
}, ['webgpu']);
