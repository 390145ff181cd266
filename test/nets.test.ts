// SimpleNet and TwoLayerNet through ctx on both backends: book values, every method against
// the float64 reference of src/features/nn/cpu (or a direct computation), params, train(), and bad
// input (clear ArgumentErrors, nothing leaked, the context still usable). Seeds printed.
import { describe, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { rng, seedFromEnv, uniform } from './helpers/random';
import { expectAllclose, normRel } from './helpers/allclose';
import { ArgumentError } from '../src/core/errors';
import { TwoLayerNet as RefTwoLayer } from '../src/features/nn/cpu/two-layer-net';

const seed = seedFromEnv('nets');
const BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]];
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

function randomNet(r: () => number, I: number, H: number, K: number, scale = 0.5) {
  return { W1: rows(uniform(r, I * H, -scale, scale), H), b1: uniform(r, H, -scale, scale), W2: rows(uniform(r, H * K, -scale, scale), K), b2: uniform(r, K, -scale, scale) };
}
function rows(v: number[], cols: number): number[][] {
  return Array.from({ length: v.length / cols }, (_, r) => v.slice(r * cols, (r + 1) * cols));
}
function ref(p: ReturnType<typeof randomNet>, f32: boolean) {
  const q = f32 ? (a: number[]) => a.map(Math.fround) : (a: number[]) => a;
  return new RefTwoLayer({
    inputSize: p.W1.length, hiddenSize: p.b1.length, outputSize: p.b2.length,
    params: { W1: p.W1.map(q), b1: q(p.b1), W2: p.W2.map(q), b2: q(p.b2) },
  });
}

describeBackends('SimpleNet (the book example)', (ctx, kind) => {
  const tol = kind === 'cpu' ? { rtol: 1e-7, atol: 1e-9 } : { rtol: 2e-6, atol: 1e-7 };
  it('predict, loss and dW match the book', async () => {
    const net = ctx().simpleNet({ W: BOOK_W });
    expectAllclose(await net.predict([0.6, 0.9]), [1.05414809, 0.63071653, 1.1328074], tol, 'predict');
    expect(Math.abs((await net.loss([0.6, 0.9], [0, 0, 1])) - 0.9280682857864075)).toBeLessThan(kind === 'cpu' ? 1e-15 : 2e-7);
    const book = [[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]];
    for (const opts of [{}, { h: 1e-4 }, { method: 'generic' as const }]) {
      expectAllclose(await net.numericalGradient([0.6, 0.9], [0, 0, 1], opts), book, kind === 'cpu' || !opts.method ? { rtol: 5e-7, atol: 1e-7 } : { rtol: 1e-4, atol: 1e-5 }, `dW ${JSON.stringify(opts)}`);
    }
    expectAllclose(await net.gradient([0.6, 0.9], [0, 0, 1]), book, { rtol: 5e-7, atol: 1e-7 }, 'analytic dW');
    expect(await net.numericalGradient([0.6, 0.9], 2)).toEqual(await net.numericalGradient([0.6, 0.9], [0, 0, 1])); // label = one-hot
    net.dispose();
  });

  it('any size, batches, W readable and assignable, seeded init', async () => {
    const a = ctx().simpleNet({ seed: 5, inputSize: 7, outputSize: 4 });
    const b = ctx().simpleNet({ seed: 5, inputSize: 7, outputSize: 4 });
    expect(a.W).toEqual(b.W);
    expect(a.W.length).toBe(7);
    const r = rng(seed);
    const x = rows(uniform(r, 5 * 7), 7), t = [0, 3, 1, 2, 3];
    const y = (await a.predict(x)) as number[][];
    expectAllclose(y.flat(), x.flatMap((row) => [0, 1, 2, 3].map((k) => row.reduce((s, v, i) => s + v * a.W[i][k], 0))), { rtol: 1e-5, atol: 1e-6 }, 'x·W');
    const W2 = rows(uniform(r, 28), 4);
    a.W = W2;
    expect(a.W).toEqual(W2);
    expectAllclose(flat(await a.predict(x[0])), [0, 1, 2, 3].map((k) => x[0].reduce((s, v, i) => s + v * W2[i][k], 0)), { rtol: 1e-5, atol: 1e-6 }, 'after W =');
    // accuracy = share of rows whose first-max logit is the label, from each net's own predict()
    const acc = (ys: number[][]) => ys.filter((row, i) => row.indexOf(Math.max(...row)) === t[i]).length / ys.length;
    expect(await a.accuracy(x, t)).toBeCloseTo(acc((await a.predict(x)) as number[][]), 12);
    expect(await b.accuracy(x, t)).toBeCloseTo(acc(y), 12); // y: a's predict before W =, with b's (equal) W
    a.dispose();
    b.dispose();
  });
});

describeBackends('TwoLayerNet vs the float64 reference', (ctx, kind) => {
  const S = seed + 11;
  it.each([[13, 7, 5, 9], [31, 17, 10, 65]])('I=%i H=%i K=%i batch %i: predict, loss, accuracy, gradient', async (I, H, K, B) => {
    const r = rng(S + I);
    const p = randomNet(r, I, H, K);
    const net = ctx().twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params: p });
    const R = ref(p, kind === 'webgpu');
    const x = rows(uniform(r, B * I, 0, 1).map((v) => (v < 0.4 ? 0 : v)), I);
    const t = Array.from({ length: B }, () => Math.floor(r() * K));
    const X = { rows: B, cols: I, data: Float64Array.from(x.flat().map(kind === 'webgpu' ? Math.fround : (v) => v)) };
    const tol = kind === 'cpu' ? { rtol: 1e-12, atol: 1e-15 } : { rtol: 1e-5, atol: 1e-7 };
    expectAllclose(flat(await net.predict(x)), R.predict(X).data, tol, 'predict');
    expect(Math.abs((await net.loss(x, t)) - R.loss(X, t)) / R.loss(X, t)).toBeLessThan(kind === 'cpu' ? 1e-14 : 1e-6);
    expect(await net.accuracy(x, t)).toBeCloseTo(R.accuracy(X, t), 12);
    const g = await net.gradient(x, t), ge = R.gradient(X, Int32Array.from(t));
    const exact = { W1: ge.W1.data, b1: ge.b1, W2: ge.W2.data, b2: ge.b2 };
    for (const k of ['W1', 'b1', 'W2', 'b2'] as const) {
      expect(normRel(flat(g[k]), exact[k]), `backprop ${k}`).toBeLessThan(kind === 'cpu' ? 1e-13 : 2e-6);
    }
    // one-hot rows give the same as labels
    const onehot = t.map((l) => Array.from({ length: K }, (_, k) => (k === l ? 1 : 0)));
    expect(await net.loss(x, onehot)).toBe(await net.loss(x, t));
    net.dispose();
  });

  it('params: nested, readable, assignable (partially), seeded init as the reference', async () => {
    const net = ctx().twoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 9 });
    const R = new RefTwoLayer({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 9 });
    expect(flat(net.params.W1)).toEqual(Array.from(R.params.W1.data));
    expect(net.params.b1).toEqual([0, 0, 0, 0]);
    net.params = { b2: [1, 2, 3] };
    expect(net.params.b2).toEqual([1, 2, 3]);
    expect(flat(net.params.W2)).toEqual(Array.from(R.params.W2.data));
    net.dispose();
  });

  it('train(): loss falls, parameters stay on the device, seeded runs repeat, progress reported', async () => {
    const r = rng(S);
    const I = 8, K = 3, N = 300;
    // a separable toy problem: the label is the argmax of three fixed projections
    const P = rows(uniform(r, I * K), K);
    const xTrain = rows(uniform(r, N * I), I);
    const tTrain = xTrain.map((row) => { const s = [0, 1, 2].map((k) => row.reduce((a, v, i) => a + v * P[i][k], 0)); return s.indexOf(Math.max(...s)); });
    const run = async (gradient: 'backprop' | 'numerical') => {
      const net = ctx().twoLayerNet({ inputSize: I, hiddenSize: 10, outputSize: K, seed: 1, weightInitStd: 0.5 });
      const seen: number[] = [];
      const res = await net.train({ data: { xTrain, tTrain, xTest: xTrain.slice(0, 50), tTest: tTrain.slice(0, 50) }, iters: 120, batchSize: 30, lr: 1, gradient, evalEvery: 40, seed: 3, onProgress: (p) => { if (p.evaluated) seen.push(p.iter); } });
      const params = net.params;
      net.dispose();
      return { res, seen, params };
    };
    const a = await run('backprop');
    expect(a.res.lossHistory.length).toBe(120);
    expect(a.seen).toEqual([1, 41, 81, 120]);
    expect(a.res.trainAcc.length).toBe(4);
    expect(a.res.testAcc.length).toBe(4);
    const first = a.res.lossHistory.slice(0, 10).reduce((s, v) => s + v, 0), last = a.res.lossHistory.slice(-10).reduce((s, v) => s + v, 0);
    expect(last).toBeLessThan(0.8 * first);
    expect(a.res.trainAcc[3]).toBeGreaterThan(a.res.trainAcc[0]);
    const b = await run('backprop');
    expect(b.res.lossHistory).toEqual(a.res.lossHistory); // same seed, same bits
    const n = await run('numerical');
    // numerical and backprop training follow the same path to float32 noise
    expect(Math.abs(n.res.lossHistory[119] - a.res.lossHistory[119]) / a.res.lossHistory[119]).toBeLessThan(kind === 'cpu' ? 1e-5 : 1e-3);
    expect(normRel(flat(n.params.W1), flat(a.params.W1))).toBeLessThan(kind === 'cpu' ? 1e-6 : 1e-4);
  });
});

describeBackends('nets: bad input', (ctx) => {
  it('names the argument and both shapes; leaks nothing; the context stays usable', async () => {
    const net = ctx().twoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, seed: 1 });
    const x = [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8], [0, 0, 0, 1]];
    await net.loss(x, [0, 1, 1]); // warm: workspace and pipelines exist
    const pool = ctx().runtime?.pool;
    const before = pool?.bytesInUse;
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => net.loss([[1, 2, 3]], [0]), 'x', /shape \[1, 3\]/],
      [() => net.loss(x, [0, 1]), 't', /x has shape \[3, 4\].*t has shape \[2\]/],
      [() => net.loss(x, [[1, 0], [0, 1]]), 't', /\[3, 2\].*t has shape \[2, 2\]/],
      [() => net.loss(x, [0, 2, 1]), 't', /label 2 at t\[1\].*\[0, 2\)/],
      [() => net.loss(x, [0, 1.5, 1]), 't', /label 1.5/],
      [() => net.loss([[0.1, NaN, 0, 0]], [0]), 'x', /x\[0\]\[1\].*NaN/],
      [() => net.numericalGradient(x, [0, 1, 1], { h: -1 }), 'h', /step > 0/],
      [() => net.numericalGradient(x, [0, 1, 1], { method: 'fast' as never }), 'method', /structured/],
      [() => net.predict([[1, 2], [3, 4]]), 'x', /\[batch, 4\]/],
      [() => net.train({ data: { xTrain: x, tTrain: [0, 1] }, iters: 2 }), 'tTrain', /3 labels/],
      [() => net.train({ data: { xTrain: x, tTrain: [0, 1, 0] }, iters: 0 }), 'iters', /positive integer/],
    ];
    for (const [f, arg, msg] of cases) {
      const e = (await f().catch((err: unknown) => err)) as ArgumentError;
      expect(e, `${arg}: ${String(e)}`).toBeInstanceOf(ArgumentError);
      expect(e.argument).toBe(arg);
      expect(e.message).toMatch(msg);
    }
    expect(() => ctx().twoLayerNet({ inputSize: 4, hiddenSize: 0, outputSize: 2 })).toThrow(/hiddenSize/);
    expect(() => ctx().simpleNet({ W: [[1, 2], [3]] })).toThrow(ArgumentError);
    expect(() => { net.params = { W1: [[1, 2]] }; }).toThrow(/W1: expected shape \[4, 3\], got \[1, 2\]/);
    expect(pool?.bytesInUse).toBe(before);
    expect(await net.loss(x, [0, 1, 1])).toBeGreaterThan(0); // still usable
    expect(await ctx().sum([1, 2])).toBe(3);
    net.dispose();
  });
});
