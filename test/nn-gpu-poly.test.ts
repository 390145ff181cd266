// The hidden layer's matmul form (nn_grad_poly.wgsl) and its hand-over to the per-lane kernel.
// A whole batch within the bound takes the matmul form: it must agree with the float64 central
// difference at the same h (the CPU path's structured gradient, an independent float64
// computation of the same finite difference) to float32 rounding, and differ in bits from
// the per-lane kernel
// (row chunks always run that one). Which kernels ran is read from the indirect dispatch
// arguments the coefficient kernel wrote. Outside the bound (large h·x, large weights, huge
// inputs) the device hands over: the whole-batch result is then bit for bit the per-lane one.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createContext, type Context } from '../src/entry-node';
import { describeBackends } from './helpers/backends';
import { normRel } from './helpers/allclose';
import { rng, seedFromEnv, uniform } from './helpers/random';
import { TwoLayerNet as RefTwoLayer } from '../src/features/nn/cpu/two-layer-net';

const seed = seedFromEnv('nn-gpu-poly');
const fr = Math.fround;
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const rows = (v: number[], cols: number) => Array.from({ length: v.length / cols }, (_, r) => v.slice(r * cols, (r + 1) * cols));
const log = (m: string) => console.log(`[nn-gpu-poly] ${m}`);
const I = 30, H = 12, K = 5, B = 40;
/** 10 rows of the widest per-sample buffer (the hidden table, 8H f32): 4 chunks */
const LIMIT = 10 * 8 * H * 4;

function problem(s: number, { xScale = 1, w1 = 0.5, w2 = 0.8, soft = false } = {}) {
  const r = rng(s);
  const g = (n: number, std: number) => uniform(r, n).map((v) => fr(std * v));
  const params = { W1: rows(g(I * H, w1), H), b1: g(H, 0.3), W2: rows(g(H * K, w2), K), b2: g(K, 0.3) };
  const x = rows(uniform(r, B * I, 0, 1).map((v) => (r() < 0.6 ? 0 : fr(xScale * v))), I);
  x[3] = new Array(I).fill(0); // a sample with no input: only the bias lanes see it
  const labels = Array.from({ length: B }, () => Math.floor(r() * K));
  const t = soft ? labels.map((l) => Array.from({ length: K }, (_, k) => fr(k === l ? 0.7 : 0.3 / (K - 1)))) : labels;
  return { params, x, t, labels };
}

describeBackends('TwoLayerNet hidden gradient: matmul form and hand-over', (ctx) => {
  let cpu: Context;
  beforeAll(async () => { cpu = await createContext({ backend: 'cpu' }); });
  afterAll(async () => { await cpu?.dispose(); });

  /** GPU whole batch, GPU in row chunks (per-lane kernel), CPU float64 at h, exact float64 gradient */
  async function run(p: ReturnType<typeof problem>, h: number) {
    const net = ctx().twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params: p.params });
    const rt = ctx().runtime!;
    try {
      // the hidden layer's indirect dispatch arguments: [0..2] the per-lane kernel, [9..11] the cubic matmul
      let args: GPUBuffer | null = null;
      const real = rt.dispatchIndirect.bind(rt);
      const spy = vi.spyOn(rt, 'dispatchIndirect').mockImplementation((enc, pipe, b, a, off, g) => {
        if (pipe.label.startsWith('nn_grad_hidden')) args ??= a;
        return real(enc, pipe, b, a, off, g);
      });
      let whole: number[];
      try { whole = flat(Object.values(await net.numericalGradient(p.x, p.t, { h }))); } finally { spy.mockRestore(); }
      const aux = args ? new Uint32Array((await rt.readF32(args, 12)).buffer) : null;
      const ran = { handOver: aux ? aux[0] > 0 : true, cubic: aux ? aux[9] > 0 : false };
      rt.bindingLimit = LIMIT;
      let chunked: number[];
      try { chunked = flat(Object.values(await net.numericalGradient(p.x, p.t, { h }))); } finally { rt.bindingLimit = null; }
      const c = cpu.twoLayerNet({ inputSize: I, hiddenSize: H, outputSize: K, params: p.params });
      const fd = flat(Object.values(await c.numericalGradient(p.x, p.t, { h })));
      c.dispose();
      const R = new RefTwoLayer({ inputSize: I, hiddenSize: H, outputSize: K, params: p.params });
      const X = { rows: B, cols: I, data: Float64Array.from(p.x.flat()) };
      const T = Array.isArray(p.t[0]) ? { rows: B, cols: K, data: Float64Array.from((p.t as number[][]).flat()) } : Int32Array.from(p.labels);
      const e = R.gradient(X, T);
      const exact = [...e.W1.data, ...e.b1, ...e.W2.data, ...e.b2];
      return { whole, chunked, fd, exact, ran };
    } finally {
      net.dispose();
    }
  }

  it.each([
    { name: 'labels, h = 1e-4', h: 1e-4, o: {} },
    { name: 'soft targets, h = 1e-4', h: 1e-4, o: { soft: true } },
    { name: 'labels, h·max x at the bound (1.6e-3)', h: 1.6e-3, o: { w2: 1 } },
    { name: 'tiny inputs (x ≤ 1e-20)', h: 1e-4, o: { xScale: 1e-20 } },
    { name: 'W1 and W2 up to 20 and 10 at h = 1.5e-4 (saturated units)', h: 1.5e-4, o: { w1: 20, w2: 10 } },
  ])('within the bound ($name): the matmul form, equal to the float64 difference at h', async ({ h, o }) => {
    const p = problem(seed + Math.round(h * 1e5) + (o.soft ? 7 : 0) + (o.xScale ? 11 : 0), o);
    const r = await run(p, h);
    const vsFd = normRel(r.whole, r.fd), vsChunk = normRel(r.whole, r.chunked), fdVsExact = normRel(r.fd, r.exact);
    log(`h ${h} ${JSON.stringify(o)}: ran ${JSON.stringify(r.ran)}; whole vs float64 difference ${vsFd.toExponential(2)}, vs per-lane ${vsChunk.toExponential(2)}; the difference's truncation ${fdVsExact.toExponential(2)}`);
    // inside the bound the cubic term stays below float32's resolution of the linear one
    // ((δ·|w|)²/16 ≤ 2^-22), so its matmul must not be set off by rounding noise
    expect(r.ran).toEqual({ handOver: false, cubic: false });
    expect(r.whole).not.toEqual(r.chunked); // another summation order than the per-lane kernel's
    expect(vsChunk).toBeLessThan(1e-6);
    // float32's forward pass limits both kernels (saturated units: ~1e-6 for the per-lane one too)
    expect(vsFd).toBeLessThan(Math.max(1e-6, 1.5 * normRel(r.chunked, r.fd)));
  });

  it.each([
    { name: 'h·x past the bound (h = 1e-2)', h: 1e-2, o: {} },
    { name: 'large weights (|W2| up to 40)', h: 1e-4, o: { w2: 40 } },
    { name: 'large inputs (x up to 100)', h: 1e-4, o: { xScale: 100 } },
  ])('outside the bound ($name): the per-lane kernel, bit for bit', async ({ h, o }) => {
    const p = problem(seed + 31 + Math.round(h * 1e3), o);
    const r = await run(p, h);
    log(`${JSON.stringify(o)} h ${h}: whole vs float64 difference ${normRel(r.whole, r.fd).toExponential(2)}, difference vs exact ${normRel(r.fd, r.exact).toExponential(2)}`);
    expect(r.ran.handOver).toBe(true);
    expect(r.whole).toEqual(r.chunked);
    expect(normRel(r.whole, r.fd)).toBeLessThan(2e-6);
  });

  it('inputs near float32\'s top (x up to 1e30) hand over too, and the entries that overflow are said so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const p = problem(seed + 41, { xScale: 1e30 });
      const r = await run(p, 1e-4);
      expect(r.ran.handOver).toBe(true);
      expect(r.whole).toEqual(r.chunked); // NaN where the per-lane kernel has it
      const bad = r.whole.filter((v) => !Number.isFinite(v)).length;
      log(`x up to 1e30: ${bad} of ${r.whole.length} entries not finite (float64: ${r.fd.filter((v) => !Number.isFinite(v)).length})`);
      if (bad > 0) expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^numgrad: \d+ of \d+ entries of the numerical gradient are not finite \(first W1\[/));
    } finally {
      warn.mockRestore();
    }
  });
}, ['webgpu']);
