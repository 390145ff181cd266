// Bad input to the Jacobian family on both backends: an ArgumentError naming the argument,
// nothing half-done, no GPU buffer left in use, the context still usable; plus
// jacobianCheck / hessianCheck (a wrong element named) and the jvp-based directional
// derivative (evaluations counted).
import { expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { ArgumentError, ShaderCompileError } from '../src/core/errors';
import { gpuJacobianConfig } from '../src/features/jacobian/evaluate-gpu';

describeBackends('jacobian family: bad input', (ctx, kind) => {
  const inUse = () => (kind === 'webgpu' ? ctx().runtime!.pool.bytesInUse : 0);

  it('wrong shapes and options are ArgumentErrors naming the argument, and leak nothing', async () => {
    const f = ctx().fn(['x0*x1', 'x0 + x1^2']);
    const g = ctx().fn('x0^2 + x0*x1');
    const before = inUse();
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => ctx().jvp(f, [1, 2], [1, 2, 3]), 'v', /a point of x holds 2/],
      [() => ctx().hessianVectorProduct(g, [1, 2], [[1, 0, 0]]), 'v', /holds 2/],
      [() => ctx().vjp(f, [1, 2], [1, 2, 3]), 'u', /holds 2/],
      [() => ctx().jacobian(f, [1, 2, 3]), 'x', /n = 2/],
      [() => ctx().jacobian(f, [1, 2], { sparsity: [[1, 0]] }), 'sparsity', /expected 2 rows/],
      [() => ctx().jacobian(f, [1, 2], { sparsity: [[1, 0], [1, 0, 1]] }), 'sparsity', /row 1 must hold 2/],
      [() => ctx().jacobian(f, [1, 2], { sparsity: { rows: [0, 5], cols: [0, 1] } }), 'sparsity', /outside the 2×2/],
      [() => ctx().jacobian(f, [1, 2], { sparsity: [[2, 0], [0, 1]] }), 'sparsity', /expected 0, 1/],
      [() => ctx().jacobian(f, [1, 2], { format: 'coo' }), 'format', /needs a sparsity/],
      [() => ctx().jacobian(f, [1, 2], { detial: true } as never), 'detial', /did you mean 'detail'/],
      [() => ctx().hessian(f, [1, 2]), 'f', /one output/],
      [() => ctx().hessian(g, [1, 2], { sparsity: [[1, 1]] }), 'sparsity', /expected 2 rows/],
      [() => ctx().jacobianCheck(f, [1, 2], [[1, 2, 3]]), 'analytic', /shape \[2, 2\]/],
      [() => ctx().hessianCheck(g, [1, 2], [1, 2], { rtol: -1 }), 'rtol', /≥ 0/],
      [() => ctx().hessianVectorProduct(ctx().wgsl({ n: 2, body: 'return p(0u);', cpu: (x) => x[0] }), [1, 2], [1, 0], { method: 'gradient' }), 'method', /needs an expression/],
      [async () => ctx().wgsl({ n: 2, outputs: 0, body: 'return p(0u);' }), 'outputs', /positive integer/],
      [async () => ctx().wgsl({ n: 2, outputs: 2, body: 'return k[0];', data: { k: [1] } }), 'data', /output index/],
    ];
    for (const [p, arg, msg] of cases) {
      const e = await p().then(() => null, (err: unknown) => err);
      expect(e, `${arg}: ${String(e)}`).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).argument).toBe(arg);
      expect((e as Error).message).toMatch(msg);
    }
    expect(inUse()).toBe(before);
    // still usable
    expect(await ctx().jacobian(f, [1, 2])).toHaveLength(2);
  });

  if (kind === 'webgpu') {
    it('a WGSL body with outputs that does not compile: ShaderCompileError at the body line, nothing leaked', async () => {
      const before = inUse();
      const f = ctx().wgsl({ n: 2, outputs: 2, body: 'if (k == 0u) { return p(0u); }\nreturn p(1u) * undefinedThing;' });
      const e = await ctx().jacobian(f, [1, 2]).then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(ShaderCompileError);
      expect((e as ShaderCompileError).line).toBe(2);
      expect(inUse()).toBe(before);
      expect(await ctx().jacobian(ctx().fn(['x0*x1', 'x1']), [2, 3])).toEqual([[3, 2], [0, 1]].map((r) => r.map((v) => expect.closeTo(v, 4))));
    });

    it('many small chunks give the same samples as one (the chunking is exact)', async () => {
      const f = ctx().fn(['x0*sin(x1) + x2', 'exp(x0 - x2)', 'x1^3']);
      const pts = [[0.1, 0.2, 0.3], [1, -1, 2], [0.5, 0.5, -0.5]];
      const g = 'x0^2*x1 + cos(x1*x2)', x = [0.3, 0.4, 0.5];
      const whole = await ctx().jacobian(f, pts, { batch: true });
      const wholeH = await ctx().hessian(g, x);
      const saved = gpuJacobianConfig.chunkBytes;
      gpuJacobianConfig.chunkBytes = 4 * 3 * 7; // 7 lanes per chunk
      try {
        const chunked = await ctx().jacobian(f, pts, { batch: true });
        gpuJacobianConfig.chunkBytes = 4 * 5; // 5 lanes per chunk (one output)
        const chunkedH = await ctx().hessian(g, x);
        expect(chunked).toEqual(whole);
        expect(chunkedH).toEqual(wholeH);
      } finally {
        gpuJacobianConfig.chunkBytes = saved;
      }
    });

    it('refuses x beyond float32 and JS functions, before any device work', async () => {
      const before = inUse();
      await expect(ctx().jacobian(ctx().fn(['x0', 'x1']), [1e39, 1])).rejects.toBeInstanceOf(ArgumentError);
      await expect(ctx().jacobian((x: number[]) => [x[0]], [1])).rejects.toThrow(/JS function cannot run on the webgpu backend/);
      expect(inUse()).toBe(before);
    });
  }

  it('jacobianCheck names the worst element of a wrong analytic Jacobian; passes a right one', async () => {
    const f = ctx().fn(['x0^2 * x1', '5*x0 + sin(x1)']);
    const x = [1.2, 0.7];
    const J = [[2 * 1.2 * 0.7, 1.44], [5, Math.cos(0.7)]];
    const good = await ctx().jacobianCheck(f, x, J);
    expect(good.ok).toBe(true);
    const bad = await ctx().jacobianCheck(f, x, [[J[0][0], J[0][1]], [5, -Math.cos(0.7)]]);
    expect(bad.ok).toBe(false);
    expect(bad.worst.index).toEqual([1, 1]);
    expect(bad.failures.count).toBe(1);
    const h = await ctx().hessianCheck('x0^2*x1 + exp(x1)', x, [[2 * 0.7, 2 * 1.2], [2 * 1.2, Math.exp(0.7)]]);
    expect(h.ok).toBe(true);
    const hb = await ctx().hessianCheck('x0^2*x1 + exp(x1)', x, [[2 * 0.7, 2 * 1.2], [2 * 1.2, Math.exp(0.7) * (1 + 1e-2)]]);
    expect(hb.ok).toBe(false);
    expect(hb.worst.index).toEqual([1, 1]);
  });
});

describeBackends('directional derivative through jvp', (ctx) => {
  it('∇f·v/‖v‖ in 17 evaluations whatever n (counted), against the analytic gradient', async () => {
    for (const n of [3, 200]) {
      let calls = 0;
      const f = (x: number[]) => {
        calls++;
        return x.reduce((s, xi, i) => s + Math.sin(xi) * (i + 1), 0);
      };
      const x = Array.from({ length: n }, (_, i) => 0.01 * i);
      const v = Array.from({ length: n }, (_, i) => (i % 2 ? 2 : -1));
      const norm = Math.hypot(...v);
      const ref = x.reduce((s, xi, i) => s + Math.cos(xi) * (i + 1) * v[i], 0);
      const got = (await ctx().directionalDerivative(f, x, v)) as number; // the context method is the jvp
      expect(calls).toBe(17);
      expect(Math.abs(got - ref / norm)).toBeLessThanOrEqual(1e-9 * Math.abs(ref / norm));
      calls = 0;
      const raw = (await ctx().directionalDerivative(f, x, v, { normalize: false })) as number;
      expect(calls).toBe(17);
      expect(Math.abs(raw - ref)).toBeLessThanOrEqual(1e-9 * Math.abs(ref));
      // a fixed step is per parameter: the whole gradient, 2n evaluations
      calls = 0;
      const fixed = (await ctx().directionalDerivative(f, x, v, { h: 1e-5 })) as number;
      expect(calls).toBe(2 * n);
      expect(Math.abs(fixed - ref / norm)).toBeLessThanOrEqual(1e-7 * Math.abs(ref / norm));
    }
  });
}, ['cpu']);
