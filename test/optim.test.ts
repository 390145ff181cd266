import { expect, it, vi } from 'vitest';
import type { Context } from '../src/entry-node';
import { createContext } from '../src/entry-node';
import { ArgumentError } from '../src/core/errors';
import { describeBackends } from './helpers/backends';
import { bookDescent } from './helpers/book';
import { expectAllclose } from './helpers/allclose';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('optim');

const sq = (x: number[]) => x[0] ** 2 + x[1] ** 2;
const poolIdle = (ctx: Context) => ctx.runtime && expect(ctx.runtime.pool.bytesInUse).toBe(0);

describeBackends('gradient descent', (ctx, kind) => {
  it('lr 0.1 from (-3, 4), 100 steps: the book\'s [-6.11110793e-10, 8.14814391e-10]', async () => {
    const r = await ctx().gradientDescent('x0^2 + x1^2', [-3, 4], { lr: 0.1, steps: 100 });
    expect(r).toMatchObject({ diverged: false, stopped: false, steps: 100, vanishedSteps: 0, backend: kind });
    if (kind === 'cpu') {
      expectAllclose(r.x, [-6.11110793e-10, 8.14814391e-10], { rtol: 1e-8, atol: 1e-12 }, 'book (printed to 9 digits)');
      expect(r.x).toEqual(bookDescent(sq, [-3, 4], 0.1, 100)); // bitwise the book's loop
    } else {
      // float32, 'auto' step: |x| shrinks from 5 to 1e-9; rounding of f ≈ ε·h leaves ~1e-10 absolute
      expectAllclose(r.x, [-6.11110793e-10, 8.14814391e-10], { rtol: 0, atol: 2e-10 }, 'float32 vs book');
    }
  });

  it('lr 1e-10: the book\'s [-2.99999994, 3.99999992]', async () => {
    const r = await ctx().gradientDescent('x0^2 + x1^2', [-3, 4], { lr: 1e-10, steps: 100 });
    if (kind === 'cpu') {
      expectAllclose(r.x, [-2.99999994, 3.99999992], { rtol: 0, atol: 1e-12 + 5e-9 }, 'book (printed to 9 digits)');
      expect(r.x).toEqual(bookDescent(sq, [-3, 4], 1e-10, 100));
    } else {
      // each update (6e-10) is below half an ulp of x in float32: x stays at the nearest f32 values
      expectAllclose(r.x, [-2.99999994, 3.99999992], { rtol: 0, atol: 2.4e-7 }, 'float32 resolution');
    }
    expect(r.diverged).toBe(false);
  });

  it('lr 10: the book\'s exploding [-2.58983747e+13, -1.29524862e+12] on the CPU, reported as diverged', async () => {
    const r = await ctx().gradientDescent('x0^2 + x1^2', [-3, 4], { lr: 10, steps: 100 });
    expect(r.diverged).toBe(true);
    expect(r.divergedAt).toBe(5); // 5·19⁵ > 1e6·‖x₀‖: the explosion rule
    if (kind === 'cpu') {
      expectAllclose(r.x, [-2.58983747e13, -1.29524862e12], { rtol: 1e-8 }, 'book (printed to 9 digits)');
      expect(r.x).toEqual(bookDescent(sq, [-3, 4], 10, 100));
      // the book's x stops growing because x ± 1e-4 rounds to x: the gradient vanished
      expect(r.stopped).toBe(false);
      expect(r.vanishedSteps).toBeGreaterThan(0);
      expect(r.firstVanishedAt).toBeGreaterThan(5);
    } else {
      // with 'auto' steps nothing vanishes: x grows ×19 per step until f overflows float32
      expect(r.stopped).toBe(true);
      expect(r.steps).toBeLessThan(100);
      expect(r.x.every(Number.isFinite)).toBe(true);
      const h = await ctx().gradientDescent('x0^2 + x1^2', [-3, 4], { lr: 10, steps: 100, h: 1e-4 });
      expect(h.vanishedSteps).toBeGreaterThan(0); // the book's step vanishes in float32 much sooner
      expect(h.x.every(Number.isFinite)).toBe(true);
    }
  });

  it('history: steps + 1 points, first the initial x, last the result; initX is never changed', async () => {
    const init = [-3, 4];
    const r = await ctx().gradientDescent('x0^2 + x1^2', init, { lr: 0.1, steps: 20, history: true });
    expect(init).toEqual([-3, 4]);
    expect(r.history!.length).toBe(21);
    expect(r.history![0]).toEqual([-3, 4]);
    expect(r.history![20]).toEqual(r.x);
    for (const p of r.history!) expect(p.length).toBe(2);
    // x_k = 0.8^k·x_0 exactly for a quadratic (central differences are exact there, up to rounding)
    expectAllclose(r.history![10], [-3 * 0.8 ** 10, 4 * 0.8 ** 10], { rtol: kind === 'cpu' ? 1e-9 : 5e-5, atol: 1e-6 });
    const typed = Float64Array.of(1, 2, 3, 4, 5, 6);
    const W = await ctx().gradientDescent('sum(x^2)', typed, { shape: [2, 3], lr: 0.25, steps: 3, history: true });
    expect(Array.from(typed)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(W.history!.length).toBe(4);
    expect((W.history![3] as number[][]).length).toBe(2);
    expectAllclose(W.x, [[1, 2, 3], [4, 5, 6]].map((r) => r.map((v) => v / 8)), { rtol: 5e-5, atol: kind === 'cpu' ? 1e-9 : 1e-4 }, 'x·(1 − 2·0.25)³');
    const none = await ctx().gradientDescent('x0^2 + x1^2', init, { steps: 0, history: true });
    expect(none).toMatchObject({ x: [-3, 4], history: [[-3, 4]], steps: 0, diverged: false });
  });

  it('an exploding run is reported as diverged at the first step with ‖x‖ > 1e6·max(1, ‖x₀‖)', async () => {
    const r = await ctx().gradientDescent('x0^2 + x1^2', [-3, 4], { lr: 1.5, steps: 200, history: true });
    expect(r.diverged).toBe(true);
    expect(r.divergedAt).toBe(20); // x_k = (−2)^k·x₀: 5·2^20 > 5e6 first at k = 20
    expect(r.history!.length).toBe(r.steps + 1);
    expect(r.history![r.steps]).toEqual(r.x);
    expect(r.x.every(Number.isFinite)).toBe(true);
    // rounding of f ≈ 1e13 over h = 1e-4 costs ~1e-6 per step in float64
    expectAllclose(r.history![20], [-3 * 2 ** 20, 4 * 2 ** 20], { rtol: kind === 'cpu' ? 1e-5 : 1e-3 });
    if (kind === 'cpu') {
      // float64 with h = 1e-4: x stops growing near 1e12, where x ± h rounds to x
      expect(r).toMatchObject({ stopped: false, steps: 200 });
      expect(r.vanishedSteps).toBeGreaterThan(0);
    } else {
      // float32 with 'auto' steps: f = x0² + x1² overflows near |x| = 1.8e19 and the run stops there
      expect(r.stopped).toBe(true);
      expect(r.steps).toBeLessThan(200);
    }
  });

  it('a step that makes x non-finite is not applied: the run stops with the last finite x', async () => {
    // f = −exp(x²) from 3 with lr 1: x₁ = 3 + 6e⁹ ≈ 4.9e4, then f(x₁ ± h) overflows → NaN gradient
    const r = await ctx().gradientDescent('-exp(x^2)', 3, { lr: 1, steps: 10, history: true });
    expect(r).toMatchObject({ diverged: true, divergedAt: 2, stopped: true, steps: 1 });
    // truncation h²·f‴/(6f′) ≈ 42h²/6: 7e-8 with h = 1e-4, 1.5e-3 with float32's auto h = 0.015
    expectAllclose(r.x, 3 + 6 * Math.exp(9), { rtol: kind === 'cpu' ? 1e-6 : 3e-3 });
    expect(r.history!.length).toBe(2);
    expect(r.history![1]).toBe(r.x);
  });

  it('agrees with the float64 path along a whole trajectory (smooth non-quadratic f, WGSL body with data)', async () => {
    const cpu = await createContext({ backend: 'cpu' });
    try {
      const f = ctx().fn('sin(x0) + (x1 - 1)^2 + 0.1*x0^2 + 0.2*x0*x1');
      const init = uniform(rng(seed), 2, -2, 2);
      const a = await ctx().gradientDescent(f, init, { lr: 0.05, steps: 200, history: true });
      const b = await cpu.gradientDescent(f, init, { lr: 0.05, steps: 200, history: true });
      expectAllclose(a.history!, b.history!, { rtol: 1e-4, atol: 1e-4 }, `${kind} vs cpu trajectory`);
      // least squares y ≈ w·t + c as a WGSL body over data arrays, with its CPU twin
      const t = [0, 0.5, 1, 1.5, 2];
      const y = [1.1, 1.9, 3.2, 3.9, 5.1];
      const ls = ctx().wgsl({
        n: 2,
        body: 'var s = 0.0;\nfor (var k = 0u; k < arrayLength(&t); k++) {\n  let r = p(0u) * t[k] + p(1u) - y[k];\n  s += r * r;\n}\nreturn s / f32(arrayLength(&t));',
        data: { t, y },
        cpu: (x, d) => t.reduce((s, tk, k) => s + (x[0] * tk + x[1] - (d.y[k] as number)) ** 2, 0) / t.length,
      });
      const g = await ctx().gradientDescent(ls, [0, 0], { lr: 0.2, steps: 300 });
      const ref = await cpu.gradientDescent(ls, [0, 0], { lr: 0.2, steps: 300 });
      expectAllclose(g.x, ref.x, { rtol: 1e-4, atol: 1e-4 });
      expectAllclose(g.x, [2, 1.04], { rtol: 1e-3, atol: 1e-3 }, 'the least-squares fit'); // closed form: w = Sty/Stt, c = ȳ − w·t̄
    } finally {
      await cpu.dispose();
    }
    poolIdle(ctx());
  });

  it.each([
    ['lr 0', { lr: 0 }, 'lr'],
    ['lr NaN', { lr: NaN }, 'lr'],
    ['steps -1', { steps: -1 }, 'steps'],
    ['steps 1.5', { steps: 1.5 }, 'steps'],
    ['h 0', { h: 0 }, 'h'],
    ['stencil 7', { stencil: 7 }, 'stencil'],
  ])('%s → ArgumentError', async (_n, opts, arg) => {
    const err = await ctx().gradientDescent('x0^2 + x1^2', [-3, 4], opts as never).catch((e) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.argument).toBe(arg);
    poolIdle(ctx());
  });

  it('bad initX → ArgumentError naming it; the context still works', async () => {
    await expect(ctx().gradientDescent('x0^2 + x1^2', [1, 2, 3])).rejects.toThrow(/initX: x has shape \[3\]/);
    await expect(ctx().gradientDescent('x0^2 + x1^2', [1, NaN])).rejects.toThrow(/initX\[1\] \(flat index 1\) is NaN/);
    poolIdle(ctx());
    expectAllclose((await ctx().gradientDescent('x0^2 + x1^2', [-3, 4], { steps: 1, lr: 0.5 })).x, [0, 0], { atol: 1e-4 });
  });
});

describeBackends('gradient descent on the device', (ctx) => {
  it('x stays on the device: one readback for the whole run, history included, across several submits', async () => {
    const rt = ctx().runtime!;
    const reads = vi.spyOn(rt, 'readF32');
    const submits = vi.spyOn(rt, 'submit');
    const r = await ctx().gradientDescent('x0^2 + x1^2', [-3, 4], { lr: 0.001, steps: 1200, history: true });
    expect(reads).toHaveBeenCalledTimes(1);
    expect(submits.mock.calls.length).toBe(3); // 500 steps per command buffer
    expect(r.history!.length).toBe(1201);
    expectAllclose(r.x, [-3 * 0.998 ** 1200, 4 * 0.998 ** 1200], { rtol: 1e-4 });
    vi.restoreAllMocks();
    poolIdle(ctx());
  });

  it('a JS function gets the clear GPU error', async () => {
    await expect(ctx().gradientDescent((x: number[]) => x[0] ** 2, [1])).rejects.toThrow(/a plain JS function cannot run on the webgpu backend/);
    poolIdle(ctx());
  });
}, ['webgpu']);
