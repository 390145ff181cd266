// Float64 reference for the networks: every value is checked against an independent
// reference (the book's printed numbers, a hand computation, or a different method).
import { describe, it, expect } from 'vitest';
import { ArgumentError } from '../src/core/errors';
import { type Mat, toRows } from '../src/features/nn/cpu/tensor';
import {
  matmul, addBias, sigmoid, softmaxRows, crossEntropy, accuracy, treeSum,
} from '../src/features/nn/cpu/ops';
import { Rng } from '../src/features/nn/cpu/rng';
import { SimpleNet } from '../src/features/nn/cpu/simple-net';
import { TwoLayerNet, type TwoLayerParams } from '../src/features/nn/cpu/two-layer-net';

const BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]];

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, what = ''): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= worst)) { worst = e; at = i; }
  }
  if (!(worst <= atol)) throw new Error(`${what}: worst |Δ| ${worst} at [${at}]: got ${got[at]}, want ${want[at]} (atol ${atol})`);
}

/** ‖a − b‖ / ‖b‖ */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

function flat(p: TwoLayerParams): Record<string, Float64Array> {
  return { W1: p.W1.data, b1: p.b1, W2: p.W2.data, b2: p.b2 };
}

function randMat(rng: Rng, rows: number, cols: number, scale = 1): Mat {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = scale * (2 * rng.uniform() - 1);
  return { rows, cols, data };
}

/** Independent loss: log-sum-exp form, naive loops over nested arrays. */
function refLoss(logits: number[][], labels: number[]): number {
  let s = 0;
  logits.forEach((row, b) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((acc, v) => acc + Math.exp(v - m), 0));
    s += -Math.log(Math.exp(row[labels[b]] - lse) + 1e-7);
  });
  return s / logits.length;
}

describe('ops (float64)', () => {
  it('softmax: the book example and its overflow-guard example', () => {
    expectClose(softmaxRows({ rows: 1, cols: 3, data: Float64Array.of(0.3, 2.9, 4.0) }).data,
      [0.01821127, 0.24519181, 0.73659691], 5e-9, 'softmax [0.3,2.9,4]');
    expectClose(softmaxRows({ rows: 1, cols: 3, data: Float64Array.of(1010, 1000, 990) }).data,
      [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], 5e-9, 'softmax [1010,1000,990]');
    // Hand computation: rows are independent, each sums to 1.
    const y = softmaxRows({ rows: 2, cols: 2, data: Float64Array.of(0, Math.log(3), 5, 5) });
    expectClose(y.data, [0.25, 0.75, 0.5, 0.5], 1e-15, 'softmax 2×2');
  });

  it('cross-entropy: the book examples; one-hot and labels give the identical loss', () => {
    const y1 = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
    const y2 = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0];
    const t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    expect(crossEntropy({ rows: 1, cols: 10, data: Float64Array.from(y1) }, t)).toBeCloseTo(0.510825457099338, 14);
    expect(crossEntropy({ rows: 1, cols: 10, data: Float64Array.from(y2) }, t)).toBeCloseTo(2.302584092994546, 14);
    const Y = { rows: 2, cols: 10, data: Float64Array.from([...y1, ...y2]) };
    const byLabel = crossEntropy(Y, Int32Array.of(2, 7));
    expect(crossEntropy(Y, [t, [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]])).toBe(byLabel);
    expect(crossEntropy(Y, [2, 7])).toBe(byLabel);
    expect(byLabel).toBeCloseTo(-(Math.log(0.6 + 1e-7) + Math.log(0.6 + 1e-7)) / 2, 15);
  });

  it('sigmoid is finite and accurate at large |a|', () => {
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-40) / Math.exp(-40)).toBeCloseTo(1, 14); // σ(−40) = e⁻⁴⁰/(1+e⁻⁴⁰)
    expect(sigmoid(0)).toBe(0.5);
  });

  it('matmul / addBias against hand computation; accuracy ties go to the first max', () => {
    const A = { rows: 2, cols: 3, data: Float64Array.of(1, 2, 3, 4, 5, 6) };
    const B = { rows: 3, cols: 2, data: Float64Array.of(7, 8, 9, 10, 11, 12) };
    expect(toRows(addBias(matmul(A, B), [1, -1]))).toEqual([[59, 63], [140, 153]]);
    const y = { rows: 3, cols: 3, data: Float64Array.of(0.5, 0.5, 0, 0.2, 0.3, 0.5, 0.1, 0.1, 0.1) };
    expect(accuracy(y, [0, 2, 1])).toBeCloseTo(2 / 3, 15);
    expect(accuracy(y, [[0, 1, 0], [0, 0, 1], [0, 0, 1]])).toBeCloseTo(1 / 3, 15);
  });

  it('treeSum: stride-halving tree, padded with zeros', () => {
    const v = Float64Array.of(1e16, 1, -1e16, 1, 3);
    // ((1e16+3) + (-1e16)) + (1 + 1) with the stride-4/2/1 tree: [1e16+3, 1, -1e16, 1] → …
    const p = [1e16 + 3, 1, -1e16, 1];
    const want = ((p[0] + p[2]) + (p[1] + p[3]));
    expect(treeSum(v, 5, new Float64Array(8))).toBe(want);
  });
});

describe('Rng', () => {
  it('is deterministic for a seed, uniform in [0,1), normal with mean 0 / var 1', () => {
    const seed = 12345;
    console.log(`rng seed=${seed}`);
    const a = new Rng(seed), b = new Rng(seed);
    for (let i = 0; i < 100; i++) expect(a.uniform()).toBe(b.uniform());
    const r = new Rng(seed);
    let s = 0, s2 = 0, lo = 1, hi = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) { const u = r.uniform(); lo = Math.min(lo, u); hi = Math.max(hi, u); }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    for (let i = 0; i < n; i++) { const z = r.normal(); s += z; s2 += z * z; }
    expect(Math.abs(s / n)).toBeLessThan(0.02); // 5σ of the mean is 0.016
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
    expect(new Rng(1).uniform()).not.toBe(new Rng(2).uniform());
    expect(Array.from(new Rng(7).permutation(10)).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('SimpleNet (the book)', () => {
  const x = [0.6, 0.9], t = [0, 0, 1];
  const net = new SimpleNet({ W: BOOK_W });

  it('predict and loss match the printed values', () => {
    expectClose(net.predict(x).data, [1.05414809, 0.63071653, 1.1328074], 5e-9, 'predict');
    // Hand computation of the predict row: x·W.
    expectClose(net.predict(x).data, [0, 1, 2].map((c) => 0.6 * BOOK_W[0][c] + 0.9 * BOOK_W[1][c]), 1e-15, 'x·W');
    expect(net.loss(x, t)).toBeCloseTo(0.9280682857864075, 15);
    expect(net.loss(x, [2])).toBe(net.loss(x, t));
  });

  it('numerical, structured and analytic dW match numpy and the printed dW', () => {
    // numpy 2.4 running the book's numerical_gradient on the 8-digit W (h = 1e-4):
    const numpy = [0.2192475712392561, 0.14356242984070455, -0.3628100010055757,
      0.3288713569016277, 0.21534364482433954, -0.5442150014739466];
    // The book prints dW for its unrounded W; the 8-digit W moves it by up to 1.4e-7.
    const printed = [0.21924763, 0.14356247, -0.36281009, 0.32887144, 0.2153437, -0.54421514];
    const num = net.numericalGradient(x, t).data;
    expectClose(num, numpy, 1e-11, 'numerical dW vs numpy');
    expectClose(num, printed, 2e-7, 'numerical dW vs printed');
    expectClose(net.gradient(x, t).data, numpy, 5e-9, 'analytic dW');
    expectClose(net.structuredNumericalGradient(x, t).data, numpy, 5e-9, 'structured dW');
    expect(toRows(net.W)).toEqual(BOOK_W); // every W restored
  });

  it('batched, odd sizes: exact analytic vs numerical; the book gradient is ~1e-6 off', () => {
    const seed = 31;
    console.log(`SimpleNet 5×7 batch 9 seed=${seed}`);
    const rng = new Rng(seed);
    const n = new SimpleNet({ inputSize: 5, outputSize: 7, seed });
    const X = randMat(rng, 9, 5, 2);
    const labels = rng.choice(7, 9);
    const exact = n.gradient(X, labels).data;
    const num = n.numericalGradient(X, labels).data;
    const str = n.structuredNumericalGradient(X, labels).data;
    const book = n.bookGradient(X, labels).data;
    console.log(`SimpleNet rel err: numerical ${relErr(num, exact).toExponential(2)}, structured ${relErr(str, exact).toExponential(2)}, book ${relErr(book, exact).toExponential(2)}`);
    expect(relErr(num, exact)).toBeLessThan(1e-7);
    expect(relErr(str, exact)).toBeLessThan(1e-8);
    expect(relErr(book, exact)).toBeGreaterThan(1e-7);
    expect(relErr(book, exact)).toBeLessThan(1e-3); // ε/y_label: some labels have small y here
    expect(n.loss(X, labels)).toBeCloseTo(refLoss(toRows(n.predict(X)), Array.from(labels)), 14);
  });
});

describe('TwoLayerNet', () => {
  const seed = 2024;
  const rng = new Rng(seed);
  const net = new TwoLayerNet({ inputSize: 7, hiddenSize: 5, outputSize: 3, weightInitStd: 1, seed });
  net.params.b1.set(Array.from({ length: 5 }, () => rng.normal()));
  net.params.b2.set(Array.from({ length: 3 }, () => rng.normal()));
  const X = randMat(rng, 4, 7, 1.5);
  const labels = rng.choice(3, 4);

  it('loss matches an independent forward pass', () => {
    console.log(`TwoLayerNet 7-5-3 batch 4 seed=${seed}`);
    const { W1, b1, W2, b2 } = net.params;
    const logits = toRows(X).map((x) => {
      const z = Array.from({ length: 5 }, (_, j) => 1 / (1 + Math.exp(-(b1[j] + x.reduce((s, v, i) => s + v * W1.data[i * 5 + j], 0)))));
      return Array.from({ length: 3 }, (_, k) => b2[k] + z.reduce((s, v, j) => s + v * W2.data[j * 3 + k], 0));
    });
    expect(net.loss(X, labels)).toBeCloseTo(refLoss(logits, Array.from(labels)), 14);
    const onehot = Array.from(labels, (l) => [0, 1, 2].map((c) => (c === l ? 1 : 0)));
    expect(net.loss(X, onehot)).toBe(net.loss(X, labels));
  });

  it('exact analytic vs plain numerical vs structured; book variant ~1e-6 off', () => {
    const exact = flat(net.gradient(X, labels));
    const num = flat(net.numericalGradient(X, labels));
    const str = flat(net.structuredNumericalGradient(X, labels));
    const book = flat(net.bookGradient(X, labels));
    for (const k of Object.keys(exact)) {
      const eN = relErr(num[k], exact[k]), eS = relErr(str[k], exact[k]), eB = relErr(book[k], exact[k]);
      console.log(`${k}: numerical ${eN.toExponential(2)}, structured ${eS.toExponential(2)}, book ${eB.toExponential(2)}, structured vs numerical ${relErr(str[k], num[k]).toExponential(2)}`);
      expect(eN, k).toBeLessThan(1e-7);
      expect(eS, k).toBeLessThan(1e-8);
      expect(eB, k).toBeGreaterThan(1e-7);
      expect(eB, k).toBeLessThan(1e-4);
    }
  });

  it('structured agrees with exact to ~1e-9 on a wider net with one-hot targets', () => {
    const s = 77;
    console.log(`TwoLayerNet 13-9-10 batch 11 seed=${s}`);
    const r = new Rng(s);
    const n = new TwoLayerNet({ inputSize: 13, hiddenSize: 9, outputSize: 10, weightInitStd: 0.5, seed: s });
    const Xw = randMat(r, 11, 13, 1);
    const oh = Array.from(r.choice(10, 11), (l) => Array.from({ length: 10 }, (_, c) => (c === l ? 1 : 0)));
    const exact = flat(n.gradient(Xw, oh)), str = flat(n.structuredNumericalGradient(Xw, oh));
    for (const k of Object.keys(exact)) {
      const e = relErr(str[k], exact[k]);
      console.log(`${k}: structured vs exact ${e.toExponential(2)}`);
      expect(e, k).toBeLessThan(1e-8);
    }
  });

  it('book-sized weights (std 0.01, 10 classes): the book gradient is ~1e-6 off, exact is not', () => {
    const s = 5;
    console.log(`TwoLayerNet 20-8-10 std 0.01 batch 6 seed=${s}`);
    const r = new Rng(s);
    const n = new TwoLayerNet({ inputSize: 20, hiddenSize: 8, outputSize: 10, seed: s });
    const Xs = randMat(r, 6, 20, 1);
    const ls = r.choice(10, 6);
    const exact = flat(n.gradient(Xs, ls)), str = flat(n.structuredNumericalGradient(Xs, ls));
    const book = flat(n.bookGradient(Xs, ls));
    for (const k of Object.keys(exact)) {
      const eS = relErr(str[k], exact[k]), eB = relErr(book[k], exact[k]);
      console.log(`${k}: structured ${eS.toExponential(2)}, book ${eB.toExponential(2)}`);
      expect(eS, k).toBeLessThan(1e-8);
      expect(eB, k).toBeGreaterThan(3e-7);
      expect(eB, k).toBeLessThan(3e-6);
    }
  });

  it('the incremental numerical gradient is bitwise the plain one; params restored', () => {
    const before = flat(net.params);
    const copy = Object.fromEntries(Object.entries(before).map(([k, v]) => [k, Float64Array.from(v)]));
    const a = flat(net.numericalGradient(X, labels));
    const b = flat(net.numericalGradient(X, labels, 1e-4, { incremental: true }));
    for (const k of Object.keys(a)) {
      expect(Array.from(b[k]), k).toEqual(Array.from(a[k]));
      expect(Array.from(before[k]), k).toEqual(Array.from(copy[k]));
    }
  });

  it('accuracy is argmax vs labels', () => {
    const y = net.predict(X);
    const want = toRows(y).filter((row, b) => row.indexOf(Math.max(...row)) === labels[b]).length / 4;
    expect(net.accuracy(X, labels)).toBe(want);
  });
});

describe('validation', () => {
  const net = new TwoLayerNet({ inputSize: 3, hiddenSize: 2, outputSize: 4, seed: 1 });
  // Every bad input is an ArgumentError naming the argument, with the message given.
  const rejects = (f: () => unknown, arg: string, msg: RegExp) => {
    let err: unknown;
    try { f(); } catch (e) { err = e; }
    expect(err, String(msg)).toBeInstanceOf(ArgumentError);
    expect((err as ArgumentError).argument).toBe(arg);
    expect((err as Error).message).toMatch(msg);
  };
  it('shape mismatches name the argument and both shapes', () => {
    rejects(() => net.loss([[1, 2]], [0]), 'x', /x: expected N×3, got 1×2/);
    rejects(() => net.loss([[1, 2, 3], [4, 5, 6]], [[0, 1, 0, 0]]), 't', /t: one-hot targets must be 2×4 .* got 1×4/);
    rejects(() => matmul({ rows: 2, cols: 3, data: new Float64Array(6) }, { rows: 2, cols: 3, data: new Float64Array(6) }),
      'B', /A is 2×3 but B is 2×3/);
    rejects(() => new SimpleNet({ W: BOOK_W }).predict([1, 2, 3]), 'x', /x: expected N×2, got 1×3/);
    rejects(() => net.loss([[1, 2, 3], [1, 2]], [0, 0]), 'x', /x: ragged: x\[1\] is an array of length 2, expected an array of length 3/);
  });
  it('labels out of range or not integers, NaN in x, bad h', () => {
    rejects(() => net.loss([[1, 2, 3]], [4]), 't', /t: label 4 at \[0\] is not an integer in \[0, 4\)/);
    rejects(() => net.loss([[1, 2, 3]], [1.5]), 't', /label 1.5/);
    rejects(() => net.loss([[1, 2, 3]], Int32Array.of(-1)), 't', /label -1/);
    rejects(() => net.loss([[1, NaN, 3]], [0]), 'x', /x: x\[0\]\[1\] \(flat index 1\) is NaN; expected a finite number/);
    rejects(() => net.numericalGradient([[1, 2, 3]], [0], 0), 'h', /h: expected a finite step > 0/);
    rejects(() => net.loss([[1, 2, 3]], [0, 1, 0]), 't', /t: expected 1 labels or one-hot 1×4, got a vector of length 3/);
  });
});
