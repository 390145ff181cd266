// GPU nets past the storage binding limit: with rt.bindingLimit lowered to a few KB, a
// 300-row batch of a 20-8-3 net runs in row chunks of 11 (28 chunks, the last of 3 rows).
// Every operation must agree with the unchunked float64 CPU path within float32 bounds and
// with the unchunked GPU run; nets that cannot fit at all are refused with ArgumentError,
// sizes named, nothing left in the pool.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ArgumentError, createContext, type Context } from '../src/entry-node';
import { Usage } from '../src/gpu/flags';
import type { Binding, GpuRuntime } from '../src/gpu/runtime';
import { fitRows } from '../src/features/nn/gpu/workspace';
import { describeBackends } from './helpers/backends';
import { normRel } from './helpers/allclose';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('nn-gpu-limits');
const fr = Math.fround;
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const rows = (v: number[], cols: number) => Array.from({ length: v.length / cols }, (_, r) => v.slice(r * cols, (r + 1) * cols));
const maxRel = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));
const log = (m: string) => console.log(`[nn-gpu-limits] ${m}`);

const I = 20, H = 8, K = 3, B = 300;
/** 11 rows of the widest per-sample buffer (the hidden table, 8H f32 = 256 bytes) */
const LIMIT = 11 * 8 * H * 4;
const CHUNKS = Math.ceil(B / 11);

function problem(s: number) {
  const r = rng(s);
  const g = (n: number, std: number) => uniform(r, n).map((v) => fr(std * v * Math.sqrt(3))); // std-scaled uniform, f32
  const params = { W1: rows(g(I * H, 0.7), H), b1: g(H, 0.3), W2: rows(g(H * K, 1), K), b2: g(K, 0.3) };
  // a third zeros, so the hidden gradient's sparse walk has gaps in every chunk
  const x = rows(uniform(r, B * I).map((v) => (r() < 0.33 ? 0 : fr(v))), I);
  const t = Array.from({ length: B }, () => Math.floor(r() * K));
  return { params, x, t };
}

/** Runs `body` with the binding limit lowered, recording the largest storage binding and the kernels dispatched. */
async function limited<T>(rt: GpuRuntime, limit: number, body: () => Promise<T>): Promise<{ out: T; maxBinding: number; kernels: Map<string, number> }> {
  const kernels = new Map<string, number>();
  let maxBinding = 0;
  const real = rt.dispatch.bind(rt);
  const spy = vi.spyOn(rt, 'dispatch').mockImplementation((enc, pipe, bindings, lanes, wg, group) => {
    kernels.set(pipe.label, (kernels.get(pipe.label) ?? 0) + 1);
    if (Array.isArray(bindings)) {
      for (const b of bindings as Binding[]) if (b.buffer.usage & Usage.STORAGE) maxBinding = Math.max(maxBinding, b.size ?? b.buffer.size);
    }
    return real(enc, pipe, bindings, lanes, wg, group);
  });
  rt.bindingLimit = limit;
  try {
    return { out: await body(), maxBinding, kernels };
  } finally {
    rt.bindingLimit = null;
    spy.mockRestore();
  }
}

describe('chunk plan at the limits of the reliability report (no device needed)', () => {
  it.each([128, 256])('%i MB: 784-50-10 runs batch 50,000 in chunks; 784-100000-10 is refused by hiddenSize', (mb) => {
    const limit = mb * 2 ** 20;
    // the widest row is x (and its nonzero index): 784 f32 = 3136 bytes
    const per = fitRows({ inputSize: 784, hiddenSize: 50, outputSize: 10 }, limit);
    expect(per).toBe(Math.floor(limit / 3136));
    expect(Math.ceil(50_000 / per)).toBe(mb === 128 ? 2 : 1);
    const e = (() => { try { fitRows({ inputSize: 784, hiddenSize: 100_000, outputSize: 10 }, limit); } catch (err) { return err; } })() as ArgumentError;
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.argument).toBe('hiddenSize');
    expect(e.message).toContain(`785 × 100000 f32 = 314000000 bytes, over this device's storage binding limit (${limit} bytes)`);
  });
});

describeBackends('GPU nets past the storage binding limit', (ctx) => {
  let cpu: Context;
  beforeAll(async () => {
    cpu = await createContext({ backend: 'cpu' });
  });
  afterAll(async () => {
    await cpu?.dispose();
  });

  it(`TwoLayerNet ${I}-${H}-${K}, batch ${B} in ${CHUNKS} chunks: numericalGradient, gradient, loss, accuracy, predict`, async () => {
    const rt = ctx().runtime!;
    const { params, x, t } = problem(seed);
    const net = ctx().twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params });
    const ref = cpu.twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params });
    const all = async () => ({
      ng: flat(Object.values(await net.numericalGradient(x, t, { h: 1e-4 }))),
      bp: flat(Object.values(await net.gradient(x, t))),
      loss: await net.loss(x, t), acc: await net.accuracy(x, t), pred: flat(await net.predict(x)),
    });
    const whole = await all();
    const { out: ch, maxBinding, kernels } = await limited(rt, LIMIT, all);
    const exact = flat(Object.values(await ref.gradient(x, t)));
    const cLoss = await ref.loss(x, t), cAcc = await ref.accuracy(x, t), cPred = flat(await ref.predict(x));
    log(`limit ${LIMIT} B: largest binding ${maxBinding} B, nn_grad_hidden ${kernels.get('nn_grad_hidden')} dispatches`);
    log(`chunked vs float64: structured ${normRel(ch.ng, exact).toExponential(2)}, backprop ${normRel(ch.bp, exact).toExponential(2)}, loss ${Math.abs(ch.loss / cLoss - 1).toExponential(2)}, predict max rel ${maxRel(ch.pred, cPred).toExponential(2)}`);
    log(`chunked vs whole GPU: structured ${normRel(ch.ng, whole.ng).toExponential(2)}, backprop ${normRel(ch.bp, whole.bp).toExponential(2)}, loss ${Math.abs(ch.loss / whole.loss - 1).toExponential(2)}`);
    expect(maxBinding).toBeLessThanOrEqual(LIMIT);
    expect(kernels.get('nn_grad_hidden')).toBe(2 * CHUNKS); // moments + main per chunk: it did chunk
    // a whole batch takes the hidden layer's matmul form (nn_grad_poly.wgsl), row chunks the
    // per-lane kernel: the same differences, summed in another order (float32 rounding apart)
    expect(normRel(ch.ng, whole.ng)).toBeLessThan(1e-6);
    // float32 forward + the structured difference: ~3e-7 in nn-gpu-accuracy; 2e-6 leaves room for sigmoid/exp ulps
    expect(normRel(ch.ng, exact)).toBeLessThan(2e-6);
    // backprop adds 28 f32 partial sums per gradient entry: ≤ 28 roundings of the running
    // sum (28·2⁻²⁴ ≈ 1.7e-6 of the sum of magnitudes), far below what the float64 check allows
    expect(normRel(ch.bp, whole.bp)).toBeLessThan(2e-6);
    expect(normRel(ch.bp, exact)).toBeLessThan(2e-6);
    // the mean of 300 f32 losses: chunk sums on the device, chunks summed in float64 on the host
    expect(Math.abs(ch.loss / whole.loss - 1)).toBeLessThan(1e-6);
    expect(Math.abs(ch.loss / cLoss - 1)).toBeLessThan(1e-6);
    expect(ch.acc).toBe(whole.acc); // per-row flags are identical, sums of 0/1 exact
    expect(ch.acc).toBe(cAcc);
    expect(ch.pred).toEqual(whole.pred); // every row's forward is independent of the others
    // softmax in f32: exp is good to (3 + 2|a|) ulp in WGSL, |a| ≲ 5 here
    expect(maxRel(ch.pred, cPred)).toBeLessThan(5e-6);
    net.dispose();
  });

  it('SimpleNet and the generic path chunk too', async () => {
    const rt = ctx().runtime!;
    const r = rng(seed + 1);
    const W = rows(uniform(r, I * K).map(fr), K);
    const { x, t } = problem(seed + 2);
    const net = ctx().simpleNet({ W });
    const ref = cpu.simpleNet({ W });
    const { params } = problem(seed + 3);
    const two = ctx().twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params });
    const run = async () => ({
      ng: flat(await net.numericalGradient(x, t, { h: 1e-4 })), bp: flat(await net.gradient(x, t)),
      gen: flat(Object.values(await two.numericalGradient(x, t, { method: 'generic' }))),
    });
    const whole = await run();
    // SimpleNet's widest row is x (20 f32): 80 B a row, 35 rows a chunk (9 chunks); the
    // TwoLayerNet's is its hidden table (256 B): 10 rows a chunk (30 chunks)
    const { out: ch, maxBinding } = await limited(rt, 35 * I * 4, run);
    const exact = flat(await ref.gradient(x, t));
    const exactTwo = flat(Object.values(await cpu.twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params }).gradient(x, t)));
    log(`SimpleNet chunked: structured vs float64 ${normRel(ch.ng, exact).toExponential(2)}, backprop ${normRel(ch.bp, exact).toExponential(2)}; generic chunked vs whole ${normRel(ch.gen, whole.gen).toExponential(2)}, vs float64 ${normRel(ch.gen, exactTwo).toExponential(2)} (whole ${normRel(whole.gen, exactTwo).toExponential(2)})`);
    expect(maxBinding).toBeLessThanOrEqual(35 * I * 4);
    expect(ch.ng).toEqual(whole.ng);
    expect(normRel(ch.ng, exact)).toBeLessThan(1e-6); // nn-gpu-accuracy's SimpleNet bound
    expect(normRel(ch.bp, exact)).toBeLessThan(2e-6);
    // generic: each lane's loss is a float32 sum (rounding ~ε·L) differenced over 2h ≈ 1e-2, so
    // its noise is ~1e-5 absolute, up to ~4e-3 of the gradient's norm unchunked; held to the
    // bound of nn-gpu-accuracy's generic check. (Chunked, the chunks add in float64 on the
    // host and come out closer: 4e-5 to 2e-4 measured; whole vs chunked only compares noise.)
    expect(normRel(ch.gen, exactTwo)).toBeLessThan(5e-3);
    net.dispose();
    two.dispose();
  });

  it.each(['numerical', 'backprop'] as const)('train (gradient %s): steps on a batch of 300 in chunks follow the CPU and the unchunked GPU', async (gradient) => {
    const rt = ctx().runtime!;
    const { params, x, t } = problem(seed + 4);
    const opts = { data: { xTrain: x, tTrain: t }, iters: 4, batchSize: B, lr: 0.5, gradient, seed: 3 };
    const train = async (c: Context) => {
      const net = c.twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params });
      const res = await net.train(opts);
      const p = flat(Object.values(net.params));
      net.dispose();
      return { loss: res.lossHistory, acc: res.trainAcc, p };
    };
    const whole = await train(ctx());
    const { out: ch, maxBinding } = await limited(rt, LIMIT, () => train(ctx()));
    const ref = await train(cpu);
    log(`train ${gradient}: losses ${ch.loss.map((v) => v.toFixed(6)).join(', ')}; params vs float64 ${normRel(ch.p, ref.p).toExponential(2)}, vs whole GPU ${normRel(ch.p, whole.p).toExponential(2)}; losses vs float64 max rel ${maxRel(ch.loss, ref.loss).toExponential(2)}`);
    expect(maxBinding).toBeLessThanOrEqual(LIMIT);
    expect(ch.loss.length).toBe(4);
    // 4 steps of lr 0.5 on float32 parameters: each step adds ~1e-7 relative (the f32 update
    // and the gradient's own error); 2e-6 is ~5 steps' worth of a few ulps
    expect(normRel(ch.p, whole.p)).toBeLessThan(2e-6);
    expect(normRel(ch.p, ref.p)).toBeLessThan(2e-6);
    // the CPU's numerical gradient is the book's h = 1e-4 difference in float64 (its truncation ~1e-8)
    expect(maxRel(ch.loss, ref.loss)).toBeLessThan(2e-6);
    expect(maxRel(ch.loss, whole.loss)).toBeLessThan(2e-6);
    expect(ch.acc).toEqual(ref.acc);
  });

  it('refuses what cannot fit (a parameter matrix or one sample over the limit), naming the size; nothing left in the pool', async () => {
    const rt = ctx().runtime!;
    const { params, x, t } = problem(seed + 5);
    const net = ctx().twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params });
    const before = await net.numericalGradient(x, t);
    const inUse = rt.pool.bytesInUse;
    const refused = async (limit: number, f: () => unknown, arg: string, msg: RegExp) => {
      rt.bindingLimit = limit;
      try {
        const e = (await Promise.resolve().then(f).catch((err: unknown) => err)) as ArgumentError;
        expect(e, String(e)).toBeInstanceOf(ArgumentError);
        expect(e.argument).toBe(arg);
        expect(e.message).toMatch(msg);
        log(`limit ${limit}: ${e.message}`);
      } finally {
        rt.bindingLimit = null;
      }
      expect(rt.pool.bytesInUse).toBe(inUse);
    };
    // [W1; b1] is 21 × 8 f32 = 672 bytes: at first use of a net made at the real limit, and at creation
    const w1 = /\[W1; b1\].*21 × 8 f32 = 672 bytes.*limit \(512 bytes\)/;
    await refused(512, () => net.numericalGradient(x, t), 'hiddenSize', w1);
    await refused(512, () => net.gradient(x, t), 'hiddenSize', w1);
    await refused(512, () => net.loss(x, t), 'hiddenSize', w1);
    await refused(512, () => net.train({ data: { xTrain: x, tTrain: t }, iters: 1, batchSize: 10 }), 'hiddenSize', w1);
    await refused(512, () => ctx().twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params }), 'hiddenSize', w1);
    await refused(200, () => ctx().simpleNet({ inputSize: I, outputSize: K }), 'inputSize', /W is inputSize × outputSize = 20 × 3 f32 = 240 bytes.*\(200 bytes\)/);
    // 2-40-3: the matrices fit 1 KB (480 and 492 bytes) but one sample's hidden table is 8·40 f32 = 1280 bytes
    await refused(1024, () => ctx().twoLayerNet({ inputSize: 2, hiddenSize: 40, outputSize: 3 }), 'hiddenSize', /8 × hiddenSize = 320 f32\) needs 1280 bytes.*\(1024 bytes\)/);
    // at the device's real limit: a hidden layer so wide that one sample's table is over it
    const big = Math.floor(rt.maxBinding / 32) + 1;
    await refused(rt.maxBinding, () => ctx().twoLayerNet({ inputSize: 1, hiddenSize: big, outputSize: 2, weightInitStd: 0 }), 'hiddenSize', new RegExp(`needs ${32 * big} bytes.*limit \\(${rt.maxBinding} bytes\\)`));
    // still usable, same bits as before
    expect(await net.numericalGradient(x, t)).toEqual(before);
    expect(await ctx().sum([1, 2])).toBe(3);
    net.dispose();
  });
}, ['webgpu']);
