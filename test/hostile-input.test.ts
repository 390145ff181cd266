// Hostile input: values float32 cannot hold, BigInts and Symbols, overflowing norms,
// non-boolean flags and misspelt options. Each is refused with an ArgumentError naming the
// argument (or handled exactly, for the norm), before any device work: on webgpu the pool
// is as it was and the context still computes a correct gradient afterwards.
import { expect, it } from 'vitest';
import { ArgumentError, type Context } from '../src/entry-node';
import { describeBackends, type Kind } from './helpers/backends';
import { expectAllclose } from './helpers/allclose';

const F32 = /beyond float32's range \(±3\.4028235e38\)/;

/** The context still works: ∇(x0² + x1²) at (3, 4) is (6, 8). */
async function stillComputes(ctx: Context, kind: Kind): Promise<void> {
  const g = await ctx.numericalGradient('x0^2 + x1^2', [3, 4]);
  expectAllclose(g, [6, 8], { rtol: kind === 'cpu' ? 1e-9 : 1e-4 });
}

/** `call` rejects (or throws) an ArgumentError naming `arg`, leaving the pool unchanged. */
async function refuses(ctx: Context, kind: Kind, call: () => unknown, arg: string, msg: RegExp): Promise<ArgumentError> {
  const rt = ctx.runtime;
  const before = rt?.pool.bytesInUse;
  let err: unknown = null;
  try {
    await call();
  } catch (e) {
    err = e;
  }
  expect(err, `expected an ArgumentError naming ${arg}`).toBeInstanceOf(ArgumentError);
  expect((err as ArgumentError).argument, (err as Error).message).toBe(arg);
  expect((err as Error).message).toMatch(msg);
  if (kind === 'webgpu') expect(rt!.pool.bytesInUse, 'pooled bytes after the refusal').toBe(before);
  await stillComputes(ctx, kind);
  return err as ArgumentError;
}

describeBackends('hostile input: values beyond float32', (ctx, kind) => {
  const lin = 'x0/4 + x1';

  it('x = [1e308, 1]: refused on webgpu naming x[0], exact on the CPU (float64)', async () => {
    if (kind === 'webgpu') {
      await refuses(ctx(), kind, () => ctx().numericalGradient(lin, [1e308, 1]), 'x',
        /^numgrad: x: x\[0\] \(flat index 0\) is 1e\+308, beyond float32's range \(±3\.4028235e38\) on the webgpu backend; use the cpu backend/);
      await refuses(ctx(), kind, () => ctx().numericalDiff('x^2', [1, -2e300]), 'x', /x\[1\] \(flat index 1\) is -2e\+300, beyond float32/);
      await refuses(ctx(), kind, () => ctx().tangentLine('x^2', 1e300), 'x', F32);
      await refuses(ctx(), kind, () => ctx().directionalDerivative(lin, [1e308, 1], [1, 1]), 'x', /x\[0\].*1e\+308/);
      await refuses(ctx(), kind, () => ctx().numericalGradient(lin, [[1, 2], [3, 1e39]], { batch: true }), 'x', /x\[1\]\[1\] \(flat index 3\) is 1e\+39/);
    } else {
      // h = 1e-4 vanishes beside 1e308 (reported); the ladder and a step to match give the exact slope
      const d = await ctx().numericalGradient(lin, [1e308, 1], { detail: true, h: 'book' });
      expect(d.vanished.count).toBe(1);
      // the ladder: ∂/∂x0 exact; ∂/∂x1 cannot be seen beside f ≈ 2.5e307 and says so
      const l = await ctx().numericalGradient(lin, [1e308, 1], { detail: true });
      expect((l.value as number[])[0]).toBeCloseTo(0.25, 9);
      expect(l.status).toEqual(['ok', 'saturated']);
      expect((l.error as number[])[1]).toBeGreaterThan(1);
      expectAllclose(await ctx().numericalGradient(lin, [1e308, 1], { h: 1e300 }), [0.25, 1], { rtol: 1e-9 });
      expectAllclose(await ctx().numericalDiff('x/4 - 1', [1e300, -2e300], { h: 1e296 }), [0.25, 0.25], { rtol: 1e-9 });
    }
  });

  it('x ± h beyond float32 (x itself in range): refused on webgpu, naming x, h and the stencil', async () => {
    const f = 'x0 + x1';
    if (kind === 'webgpu') {
      // 'auto' (the ladder) skips the steps that leave float32's range and still answers
      const l = await ctx().numericalGradient(f, [3.4e38, 1], { detail: true });
      expect((l.value as number[])[0]).toBeCloseTo(1, 5);
      expect(l.status).toEqual(['one-sided', 'saturated']); // x + h overflows: backward differences; x1's change is below f's float32 spacing, and flagged
      expect((l.error as number[])[1]).toBeGreaterThan(1);
      await refuses(ctx(), kind, () => ctx().numericalGradient(f, [1, -3e38], { h: 1e38 }), 'x',
        /x\[1\] \(flat index 1\) is -3e\+38: x − h \(h = 1\.0000e\+38\) is beyond float32's range .* or a smaller h/);
      // the 5-point stencil reaches x ± 2h
      await ctx().numericalGradient(f, [3e38, 1], { h: 2.5e37 }); // x + h = 3.25e38 fits
      await refuses(ctx(), kind, () => ctx().numericalGradient(f, [3e38, 1], { h: 2.5e37, stencil: 5 }), 'x', /x\[0\].*: x \+ 2h \(h = 2\.5000e\+37\)/);
      await refuses(ctx(), kind, () => ctx().numericalGradient(f, [1, 1], { h: 1e39 }), 'h', /^numgrad: h: 1e\+39 is beyond float32's range/);
    } else {
      const g = (await ctx().numericalGradient(f, [3.4e38, 1], { h: 1e30 })) as number[];
      expectAllclose(g, [1, 1], { rtol: 1e-6 }); // (1 + h) − (1 − h) loses ~1e-8 to rounding at h = 1e30
    }
  });

  it("a WGSL function's data holding 1e39: refused on webgpu naming the array and index; its CPU twin reads it in float64", async () => {
    const g = ctx().wgsl({ n: 1, body: 'return p(0u)*w[0];', data: { w: [1e39] }, cpu: (x, d) => x[0] * (d.w[0] as number) });
    const g2 = ctx().wgsl({ n: 1, body: 'return p(0u)*a[0] + w[2];', data: { a: [1, 2], w: [0.5, 1, -1e39] }, cpu: (x, d) => x[0] + (d.w[2] as number) });
    if (kind === 'webgpu') {
      const msg = /^numgrad: data: w\[0\] is beyond float32's range \(±3\.4028235e38\): it would be Infinity on the webgpu backend; use the cpu backend/;
      await refuses(ctx(), kind, () => ctx().numericalGradient(g, [2]), 'data', msg);
      await refuses(ctx(), kind, () => ctx().evaluate(g, [2]), 'data', msg);
      await refuses(ctx(), kind, () => ctx().gradientDescent(g, [2], { steps: 3 }), 'data', msg);
      await refuses(ctx(), kind, () => ctx().numericalGradient(g2, [2]), 'data', /w\[2\] is beyond float32's range.*-Infinity/);
    } else {
      expectAllclose(await ctx().numericalGradient(g, [2]), [1e39], { rtol: 1e-9 });
      expectAllclose(await ctx().evaluate(g, [2]), 2e39, { rtol: 1e-15 });
    }
  });

  it('evaluate and gradientDescent: x / initX beyond float32 refused on webgpu, taken on the CPU', async () => {
    if (kind === 'webgpu') {
      await refuses(ctx(), kind, () => ctx().evaluate(lin, [1e308, 1]), 'x', /x\[0\] \(flat index 0\) is 1e\+308, beyond float32/);
      await refuses(ctx(), kind, () => ctx().evaluate(lin, [[1, 2], [3, -1e300]]), 'x', /x\[1\]\[1\] \(flat index 3\) is -1e\+300/);
      await refuses(ctx(), kind, () => ctx().gradientDescent(lin, [1e308, 1], { steps: 3 }), 'initX',
        /^numgrad: initX: initX\[0\] \(flat index 0\) is 1e\+308, beyond float32's range .* use the cpu backend/);
      await refuses(ctx(), kind, () => ctx().gradientDescent('x0^2 + x1^2', [3.4e38, 1], { steps: 3 }), 'initX', /initX\[0\].*x \+ h/);
      await refuses(ctx(), kind, () => ctx().gradientDescent('x0^2 + x1^2', [1, 1], { lr: 1e39, steps: 3 }), 'lr', /^numgrad: lr: 1e\+39 is beyond float32's range/);
      await refuses(ctx(), kind, () => ctx().gradientDescent('x0^2 + x1^2', [1, 1], { h: 1e39, steps: 3 }), 'h', F32);
    } else {
      expect(await ctx().evaluate(lin, [1e308, 1])).toBe(2.5e307 + 1);
      // taken, and stopped at once by the |x| > 1e30 rule (the step is not applied), as any x that large
      const r = await ctx().gradientDescent(lin, [1e308, 1], { steps: 3, h: 1e300 });
      expect(r.stopped).toBe(true);
      expect(r.x).toEqual([1e308, 1]);
    }
  });
});

describeBackends('hostile input: BigInts, Symbols, objects and strings as numbers', (ctx, kind) => {
  const bad: [string, unknown, RegExp][] = [
    ['1n', 1n, /got a BigInt \(1n\)/],
    ['Symbol()', Symbol('s'), /got a symbol \(Symbol\(s\)\)/],
    ['{}', {}, /got an object/],
    ["'0.1'", '0.1', /got a string \("0\.1"\)/],
  ];
  const f = 'x0^2 + x1^2';
  for (const [label, v, msg] of bad) {
    it(`h, stencil, lr and steps = ${label}`, async () => {
      const c = ctx();
      const o = (k: string) => ({ [k]: v }) as never;
      await refuses(c, kind, () => c.numericalGradient(f, [3, 4], o('h')), 'h', /^numgrad: h: expected 'auto' \(the step ladder\), 'book' \(h = 1e-4\) or a positive finite step, got /);
      await refuses(c, kind, () => c.numericalGradient(f, [3, 4], o('h')), 'h', msg);
      await refuses(c, kind, () => c.numericalDiff('x^2', 1, o('h')), 'h', msg);
      await refuses(c, kind, () => c.tangentLine('x^2', 1, o('h')), 'h', msg);
      await refuses(c, kind, () => c.directionalDerivative(f, [3, 4], [1, 1], o('h')), 'h', msg);
      await refuses(c, kind, () => c.gradientDescent(f, [3, 4], o('h')), 'h', msg);
      await refuses(c, kind, () => c.numericalGradient(f, [3, 4], o('stencil')), 'stencil', /^numgrad: stencil: expected 3 or 5/);
      await refuses(c, kind, () => c.numericalDiff('x^2', 1, o('stencil')), 'stencil', msg);
      await refuses(c, kind, () => c.gradientDescent(f, [3, 4], o('stencil')), 'stencil', msg);
      await refuses(c, kind, () => c.gradientDescent(f, [3, 4], o('lr')), 'lr', msg);
      await refuses(c, kind, () => c.gradientDescent(f, [3, 4], o('steps')), 'steps', msg);
      await refuses(c, kind, () => c.numericalGradient(f, Float64Array.of(3, 4), { shape: [v] } as never), 'shape', /expected an array of integers ≥ 0/);
      // the nets' step and method options
      const net = c.simpleNet({ W: [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]] });
      try {
        await refuses(c, kind, () => net.numericalGradient([0.6, 0.9], [0, 0, 1], o('h')), 'h', msg);
        await refuses(c, kind, () => net.numericalGradient([0.6, 0.9], [0, 0, 1], o('method')), 'method', msg);
      } finally {
        net.dispose();
      }
    });
  }
  it('a BigInt or Symbol element of x is refused by name, not a raw TypeError', async () => {
    const c = ctx();
    await refuses(c, kind, () => c.numericalGradient(f, [3, 4n] as never), 'x', /x\[1\] is a BigInt \(4n\)/);
    await refuses(c, kind, () => c.numericalGradient(f, [Symbol('q'), 4] as never), 'x', /x\[0\] is a symbol \(Symbol\(q\)\)/);
  });
});

describeBackends('hostile input: directionalDerivative scales its norm', (ctx, kind) => {
  const tol = kind === 'cpu' ? 1e-9 : 5e-5;
  const f = 'x0^2 + x1^2'; // ∇f(3, 4) = (6, 8)
  it('v = [1e200, 1e200] (‖v‖² overflows) and [1e-200, 1e-200] (it underflows): (6 + 8)/√2', async () => {
    for (const v of [[1e200, 1e200], [1e-200, 1e-200], [5e-324, 5e-324], [1.5e308, 1.5e308]]) {
      expectAllclose(await ctx().directionalDerivative(f, [3, 4], v), 14 / Math.SQRT2, { rtol: tol }, `v = [${v}]`);
    }
    expectAllclose(await ctx().directionalDerivative(f, [[3, 4], [1, 0]], [1e-200, -1e-200]), [-2 / Math.SQRT2, 2 / Math.SQRT2], { rtol: tol });
    expectAllclose(await ctx().directionalDerivative(f, [3, 4], [1e200, 1e200], { normalize: false }), 1.4e201, { rtol: tol });
    expectAllclose(await ctx().directionalDerivative(f, [3, 4], [1e-200, 0], { normalize: false }), 6e-200, { rtol: tol });
    await refuses(ctx(), kind, () => ctx().directionalDerivative(f, [3, 4], [0, -0]), 'v', /is the zero vector/);
  });
});

describeBackends('hostile input: the descent size error names what does not fit', (ctx, kind) => {
  it('history off: x itself is too large → initX; history on → history', async () => {
    const rt = ctx().runtime!;
    try {
      rt.bindingLimit = 16;
      await refuses(ctx(), kind, () => ctx().gradientDescent('sum(x^2)', [1, 2, 3, 4, 5], { steps: 2 }), 'initX',
        /^numgrad: initX: 5 parameters \(20 bytes of float32\) exceed this device's storage binding limit \(16 bytes\)/);
      await refuses(ctx(), kind, () => ctx().gradientDescent('sum(x^2)', [1, 2, 3, 4, 5], { steps: 2, history: true }), 'initX', /5 parameters/);
      rt.bindingLimit = 64;
      await refuses(ctx(), kind, () => ctx().gradientDescent('x0^2 + x1^2', [1, 2], { steps: 10, history: true }), 'history',
        /^numgrad: history: \(10 \+ 1\) × 2 values \(88 bytes\) exceed the storage binding limit \(64 bytes\); ask for fewer steps or history: false/);
      const r = await ctx().gradientDescent('x0^2 + x1^2', [1, 2], { steps: 10 }); // history off fits
      expectAllclose(r.x, [0.98 ** 10, 2 * 0.98 ** 10], { rtol: 1e-4 });
    } finally {
      rt.bindingLimit = null;
    }
  });
}, ['webgpu']);

describeBackends('hostile input: flags are booleans', (ctx, kind) => {
  const f = 'x0^2 + x1^2';
  for (const v of ['yes', 1, null, 1n]) {
    it(`batch, detail, verify, warn, normalize, history = ${typeof v === 'bigint' ? '1n' : JSON.stringify(v)}`, async () => {
      const c = ctx();
      const o = (k: string) => ({ [k]: v }) as never;
      const msg = /expected true or false, got /;
      await refuses(c, kind, () => c.numericalGradient(f, [3, 4], o('batch')), 'batch', /^numgrad: batch: expected true or false, got /);
      if (v === 'yes') await refuses(c, kind, () => c.numericalGradient(f, [3, 4], o('batch')), 'batch', /got a string \("yes"\)/);
      await refuses(c, kind, () => c.evaluate(f, [3, 4], o('batch')), 'batch', msg);
      await refuses(c, kind, () => c.numericalDiff('x^2', [1, 2], o('batch')), 'batch', msg);
      for (const k of ['detail', 'verify', 'warn']) {
        await refuses(c, kind, () => c.numericalGradient(f, [3, 4], o(k)), k, msg);
        await refuses(c, kind, () => c.numericalDiff('x^2', 1, o(k)), k, msg);
      }
      await refuses(c, kind, () => c.directionalDerivative(f, [3, 4], [1, 1], o('normalize')), 'normalize', msg);
      await refuses(c, kind, () => c.gradientDescent(f, [3, 4], o('history')), 'history', msg);
    });
  }
  it('true, false and undefined are accepted', async () => {
    const c = ctx();
    expectAllclose(await c.numericalGradient(f, [3, 4], { batch: false, detail: undefined, verify: false, warn: true }), [6, 8], { rtol: 1e-4 });
    expectAllclose(await c.directionalDerivative(f, [3, 4], [0, 2], { normalize: false }), 16, { rtol: 1e-4 });
    expect((await c.gradientDescent(f, [3, 4], { steps: 2, history: false })).history).toBeUndefined();
  });
});

describeBackends('hostile input: strict options', (ctx, kind) => {
  const f = 'x0^2 + x1^2';
  const DIFF = 'it accepts batch, shape, h, stencil, bounds, verify, detail, warn$';
  it('unknown keys name the key and list the accepted ones; a near miss is suggested', async () => {
    const c = ctx();
    await refuses(c, kind, () => c.numericalGradient(f, [3, 4], { order: 2 } as never), 'order',
      new RegExp(`^numgrad: order: is not an option of numericalGradient; ${DIFF}`));
    await refuses(c, kind, () => c.numericalGradient(f, [3, 4], { stencl: 5 } as never), 'stencl',
      new RegExp(`^numgrad: stencl: is not an option of numericalGradient \\(did you mean 'stencil'\\?\\); ${DIFF}`));
    await refuses(c, kind, () => c.numericalDiff('x^2', 1, { H: 1e-3 } as never), 'H', /numericalDiff \(did you mean 'h'\?\)/);
    await refuses(c, kind, () => c.evaluate(f, [3, 4], { h: 1e-3 } as never), 'h', /^numgrad: h: is not an option of evaluate; it accepts batch, shape$/);
    await refuses(c, kind, () => c.tangentLine('x^2', 1, { order: 2 } as never), 'order', /is not an option of tangentLine; it accepts batch, shape, h/);
    await refuses(c, kind, () => c.directionalDerivative(f, [3, 4], [1, 1], { normalise: false } as never), 'normalise',
      /is not an option of directionalDerivative \(did you mean 'normalize'\?\); it accepts batch, shape, h, stencil, bounds, verify, detail, warn, normalize$/);
    await refuses(c, kind, () => c.gradientDescent(f, [3, 4], { lr: 0.1, step: 10 } as never), 'step',
      /^numgrad: step: is not an option of gradientDescent \(did you mean 'steps'\?\); it accepts lr, steps, history, h, stencil, shape$/);
    await refuses(c, kind, () => c.gradientDescent(f, [3, 4], { learningRate: 0.1 } as never), 'learningRate', /gradientDescent; it accepts/);
    const sym = Symbol('opt');
    await refuses(c, kind, () => c.numericalGradient(f, [3, 4], { [sym]: 1 } as never), 'Symbol(opt)', /is not an option of numericalGradient/);
  });
  it('options that are not an object', async () => {
    const c = ctx();
    for (const o of [null, 5, [], 'h', 1n]) {
      await refuses(c, kind, () => c.numericalGradient(f, [3, 4], o as never), 'opts', /numericalGradient expected an options object/);
      await refuses(c, kind, () => c.gradientDescent(f, [3, 4], o as never), 'opts', /gradientDescent expected an options object/);
    }
  });
  it('gradCheck passes its step through and still works', async () => {
    const rep = await ctx().gradCheck(f, [3, 4], { h: 'auto' });
    expect(rep.ok).toBe(true);
  });
});
