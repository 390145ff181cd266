// Float32 accuracy of the numerical gradient, emulated on the CPU (every op Math.fround):
// naive (two float32 losses subtracted) vs structured (loss differences formed directly).
// Both are measured against the float64 exact analytic gradient at the *same* float32-rounded
// parameters and inputs, so only the method's own error is counted.
import { describe, it, expect } from 'vitest';
import { type Mat } from '../../src/features/nn/cpu/tensor';
import { Rng } from '../../src/features/nn/cpu/rng';
import { SimpleNet } from '../../src/features/nn/cpu/simple-net';
import { TwoLayerNet, type TwoLayerParams } from '../../src/features/nn/cpu/two-layer-net';
import {
  structuredNumericalGradientF32, naiveNumericalGradientF32,
  simpleNetStructuredGradientF32, simpleNetNaiveGradientF32, twoLayerLossF32,
} from '../support/f32-emulation';
import { expm1F32, log1pF32 } from '../support/f32-math';

const fr = Math.fround;

/** ‖a − b‖ / ‖b‖ over the given indices (all if none). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>, idx?: ArrayLike<number>): number {
  let num = 0, den = 0;
  const n = idx ? idx.length : b.length;
  for (let m = 0; m < n; m++) {
    const i = idx ? idx[m] : m;
    num += (a[i] - b[i]) ** 2; den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

function flat(p: TwoLayerParams): Record<string, Float64Array> {
  return { W1: p.W1.data, b1: p.b1, W2: p.W2.data, b2: p.b2 };
}

function uniformMat(rng: Rng, rows: number, cols: number): Mat {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = fr(rng.uniform());
  return { rows, cols, data };
}

describe('float32 polynomial expm1/log1p', () => {
  it('are within a few float32 ulp of the float64 functions', () => {
    const rng = new Rng(99);
    let worstE = 0, worstL = 0;
    for (let n = 0; n < 20000; n++) {
      const u = fr((rng.uniform() * 2 - 1) * 10 ** (-8 * rng.uniform()) * (n % 2 ? 0.9 : 0.34));
      worstE = Math.max(worstE, Math.abs(expm1F32(u) - Math.expm1(u)) / Math.abs(Math.expm1(u)));
      worstL = Math.max(worstL, Math.abs(log1pF32(u) - Math.log1p(u)) / Math.abs(Math.log1p(u)));
    }
    console.log(`expm1F32 worst rel ${worstE.toExponential(2)}, log1pF32 worst rel ${worstL.toExponential(2)} (ulp 2^-24 = 5.96e-8)`);
    expect(worstE).toBeLessThan(4 * 2 ** -24);
    expect(worstL).toBeLessThan(4 * 2 ** -24);
  });
});

describe('SimpleNet in float32', () => {
  it('the book example: structured dW ≤ 1e-6, naive far worse', () => {
    const W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]].map((r) => r.map(fr));
    const net = new SimpleNet({ W });
    const x = [0.6, 0.9].map(fr), t = [0, 0, 1];
    const exact = net.gradient(x, t).data;
    for (const h of [1e-4, 5e-3]) {
      const s = relErr(simpleNetStructuredGradientF32(net.W, x, t, h).data, exact);
      const n = relErr(simpleNetNaiveGradientF32(net.W, x, t, h).data, exact);
      console.log(`SimpleNet book 2×3, h=${h}: naive f32 ${n.toExponential(2)}, structured f32 ${s.toExponential(2)}`);
      expect(s).toBeLessThan(1e-6);
      expect(n).toBeGreaterThan(10 * s);
    }
  });
});

describe('TwoLayerNet in float32', () => {
  // The book's sizes and init: 784-50-10, weightInitStd 0.01, a batch of 100 rows in [0, 1].
  const seed = 4;
  const [I, H, K, B] = [784, 50, 10, 100];
  const rng = new Rng(seed);
  const net0 = new TwoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, weightInitStd: 0.01, seed });
  const p = net0.params;
  // Round params and inputs to float32 and give the biases small random values (not all zeros).
  const params = {
    W1: Array.from({ length: I }, (_, i) => Array.from(p.W1.data.subarray(i * H, (i + 1) * H), fr)),
    b1: Array.from({ length: H }, () => fr(0.01 * rng.normal())),
    W2: Array.from({ length: H }, (_, j) => Array.from(p.W2.data.subarray(j * K, (j + 1) * K), fr)),
    b2: Array.from({ length: K }, () => fr(0.01 * rng.normal())),
  };
  const net = new TwoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params });
  const X = uniformMat(rng, B, I);
  const labels = rng.choice(K, B);
  const exact = flat(net.gradient(X, labels));
  // Naive float32 needs two full forward passes per parameter: W1 is sampled.
  const w1Sample = Array.from(new Rng(seed + 1).choice(I * H, 1000));

  it('float32 loss agrees with float64 loss to float32 precision', () => {
    console.log(`TwoLayerNet ${I}-${H}-${K}, std 0.01, batch ${B}, x ~ U[0,1), random labels, seed=${seed}`);
    const l64 = net.loss(X, labels), l32 = twoLayerLossF32(net.params, X, labels);
    expect(Math.abs(l32 - l64) / l64).toBeLessThan(1e-6);
  });

  // Structured error = float32 rounding + central-difference truncation (h²·f‴/6). The
  // float64 structured gradient at the same h has the truncation alone, so the float32
  // rounding part is measured against it. At h = 5e-3 truncation exceeds 1e-5 for b2
  // (its gradient is a small mean of y − t), so there the 1e-5 bound is on the rounding part.
  for (const h of [1e-4, 5e-3]) {
    it(`h=${h}: structured float32 ≤ 1e-5 per parameter, naive float32 far worse`, () => {
      const t0 = performance.now();
      const s = flat(structuredNumericalGradientF32(net.params, X, labels, h));
      const t1 = performance.now();
      const n = flat(naiveNumericalGradientF32(net.params, X, labels, h, { w1Indices: w1Sample }));
      const t2 = performance.now();
      const s64 = flat(net.structuredNumericalGradient(X, labels, h));
      console.log(`h=${h} (emulation: structured ${((t1 - t0) / 1000).toFixed(1)} s, naive ${((t2 - t1) / 1000).toFixed(1)} s)`);
      for (const k of Object.keys(exact)) {
        const idx = k === 'W1' ? w1Sample : undefined;
        const eN = relErr(n[k], exact[k], idx);
        const eS = relErr(s[k], exact[k]), eSs = relErr(s[k], exact[k], idx);
        const trunc = relErr(s64[k], exact[k]), round = relErr(s[k], s64[k]);
        console.log(`  ${k}: naive f32 ${eN.toExponential(2)}${idx ? ` (${idx.length} sampled)` : ''}` +
          `, structured f32 ${eS.toExponential(2)}${idx ? ` (sample ${eSs.toExponential(2)})` : ''}` +
          ` [truncation ${trunc.toExponential(2)} (f64 structured), rounding ${round.toExponential(2)}]`);
        expect(round, k).toBeLessThan(1e-5);
        expect(eS, k).toBeLessThan(h <= 1e-4 ? 1e-5 : 5e-5);
        expect(eN, k).toBeGreaterThan(10 * eSs);
      }
    });
  }
});
