import { afterEach, expect, it, vi } from 'vitest';
import { createContext, ShaderCompileError, type Context } from '../src/entry-node';
import { ArgumentError } from '../src/core/errors';
import { ExprError } from '../src/expr/index';
import { describeBackends } from './helpers/backends';
import { bookGradient } from './helpers/book';
import { expectAllclose } from './helpers/allclose';
import { rng, seedFromEnv, uniform } from './helpers/random';

const seed = seedFromEnv('diff');


const sig = (x: number) => 1 / (1 + Math.exp(-x));
/** exact derivatives and the points the accuracy bounds are checked at */
const ACCURACY: [string, (x: number) => number, number[]][] = [
  ['exp(x)', Math.exp, [-2, -1, -0.5, 0.25, 0.5, 1, 2]],
  ['tanh(x)', (x) => 1 - Math.tanh(x) ** 2, [-1, -0.6, -0.25, 0.1, 0.4, 0.8, 1]],
  ['sigmoid(x)', (x) => sig(x) * (1 - sig(x)), [-2, -1, -0.4, 0, 0.3, 0.7, 1]],
];

/** Expressions checked against their symbolic derivative at random points in [-1, 1]ⁿ. */
const EXPRS: { src: string; n: number; ok?: (x: number[]) => boolean; gpuTol?: [number, number] }[] = [
  { src: 'x0^2 + x1^2', n: 2 },
  { src: '0.01*x^2 + 0.1*x', n: 1 },
  { src: 'sin(x0)*cos(x1)', n: 2 },
  { src: 'exp(x0*x1) - x1', n: 2 },
  { src: 'x0*x1*x2 + x2^3', n: 3 },
  { src: 'log(2 + x0^2) + sqrt(2 + x1)', n: 2 },
  { src: 'tanh(x0) + sigmoid(x1)*x2', n: 3 },
  { src: 'sum(x^2)', n: 4 },
  { src: 'prod(cos(x))', n: 4 },
  { src: 'sum(sigmoid(x)) + prod(x)', n: 5 },
  { src: 'x0/(2 + x1) + abs(x2 - 3)', n: 3 },
  { src: 'sum((x - 1)^2) / 2', n: 3 },
  { src: 'exp(-x0^2 - x1^2)', n: 2 },
  // kinks: points within 0.2 of x0 = x1 (more than the 5-point stencil's ±2h) are skipped (a difference across a kink is not a derivative)
  { src: 'max(x0, x1) + min(x1, 2)', n: 2, ok: (x) => Math.abs(x[0] - x[1]) > 0.2 },
  // WGSL pow is exp2(v·log2(u)): ~1e-6 relative in f32, so its differences are noisier
  { src: 'pow(1.5 + x0, x1)', n: 2, gpuTol: [2e-4, 5e-4] },
];

function poolIdle(ctx: Context): void {
  const rt = ctx.runtime;
  if (rt) expect(rt.pool.bytesInUse, 'pooled bytes still in use after the call').toBe(0);
}

afterEach(() => vi.restoreAllMocks());

describeBackends('numerical differentiation: book values', (ctx, kind) => {
  const f1 = '0.01*x^2 + 0.1*x';
  // the book's fixed h = 1e-4 is h: 'book'; the default (the step ladder) is checked below
  const bookH = { h: 'book' } as const;
  it('numericalDiff of 0.01x² + 0.1x at 5 and 10', async () => {
    const d5 = await ctx().numericalDiff(f1, 5, kind === 'cpu' ? bookH : {});
    const d10 = await ctx().numericalDiff(f1, 10, kind === 'cpu' ? bookH : {});
    if (kind === 'cpu') {
      expect(d5).toBe(0.1999999999990898); // bit for bit, as the book prints
      expect(d10).toBe(0.2999999999986347);
    } else {
      expectAllclose([d5, d10], [0.2, 0.3], { rtol: 5e-5, atol: 0 }, 'float32 vs exact');
    }
    expectAllclose(await ctx().numericalDiff(f1, [5, 10], kind === 'cpu' ? bookH : {}), [d5, d10], { rtol: 0, atol: 0 }, 'an array of xs is a batch');
    // the default: the ladder extrapolates a quadratic exactly, up to rounding
    expectAllclose(await ctx().numericalDiff(f1, [5, 10]), [0.2, 0.3], { rtol: kind === 'cpu' ? 1e-12 : 5e-5, atol: 0 }, 'ladder');
  });

  it('numericalGradient of x0² + x1² at (3,4), (0,2), (3,0), one point at a time and as a batch', async () => {
    const f = ctx().fn('x0^2 + x1^2');
    const pts = [[3, 4], [0, 2], [3, 0]];
    const book = [[6, 8], [0, 4], [6, 0]];
    const each = [];
    const o = kind === 'cpu' ? bookH : {};
    for (const p of pts) each.push(await ctx().numericalGradient(f, p, o));
    const batch = await ctx().numericalGradient(f, pts, o);
    expect(batch).toEqual(each); // one dispatch gives exactly the per-point numbers
    if (kind === 'cpu') {
      expectAllclose(batch, book, { rtol: 2e-12, atol: 1e-12 }, 'book values');
      expect(batch).toEqual(pts.map((p) => bookGradient((x) => x[0] ** 2 + x[1] ** 2, p))); // bitwise the book's computation
    } else {
      expectAllclose(batch, book, { rtol: 5e-5, atol: 5e-5 }, 'float32 vs book');
    }
  });

  it('tangentLine at 5 is the book\'s y = slope·t + (f(5) − slope·5)', async () => {
    const { slope, intercept } = await ctx().tangentLine(f1, 5, kind === 'cpu' ? bookH : {});
    if (kind === 'cpu') {
      expect(slope).toBe(0.1999999999990898);
      expect(intercept).toBe(0.75 - 0.1999999999990898 * 5);
    } else {
      expectAllclose([slope, intercept], [0.2, -0.25], { rtol: 5e-5, atol: 5e-6 });
    }
  });
});

describeBackends('numerical differentiation: accuracy', (ctx, kind) => {
  // Fixed steps. GPU: float32 with the steps that balance truncation and rounding for |x| ≤ 2
  // (∛ε for 3 points, 0.045 for 5); CPU: float64 with the book's h = 1e-4 (truncation ~1e-9)
  for (const stencil of [3, 5] as const) {
    it.each(ACCURACY)(`%s: relative error within the bound (${stencil}-point stencil, fixed step)`, async (src, df, xs) => {
      const h = kind === 'cpu' ? 1e-4 : stencil === 3 ? Math.cbrt(2 ** -23) : 0.045;
      const got = (await ctx().numericalDiff(ctx().fn(src), xs, { stencil, h })) as number[];
      const bound = kind === 'cpu' ? (stencil === 3 ? 1e-8 : 1e-11) : stencil === 3 ? 5e-5 : 5e-6;
      const errs = xs.map((x, i) => Math.abs(got[i] - df(x)) / Math.abs(df(x)));
      expect(Math.max(...errs), `errors ${errs.map((e) => e.toExponential(1)).join(' ')}`).toBeLessThanOrEqual(bound);
    });
  }

  it.each(ACCURACY)('%s: the default step ladder is within its bound, and its error estimates cover the true error', async (src, df, xs) => {
    const d = await ctx().numericalDiff(ctx().fn(src), xs, { detail: true });
    const got = d.value as number[], est = d.error as number[];
    const errs = xs.map((x, i) => Math.abs(got[i] - df(x)) / Math.abs(df(x)));
    expect(Math.max(...errs), `errors ${errs.map((e) => e.toExponential(1)).join(' ')}`).toBeLessThanOrEqual(kind === 'cpu' ? 1e-9 : 5e-5);
    xs.forEach((x, i) => expect(Math.abs(got[i] - df(x)), `x = ${x}`).toBeLessThanOrEqual(est[i]));
  });

  it('the 5-point stencil beats the 3-point one (fixed step)', async () => {
    const xs = uniform(rng(seed), 256, -1, 1);
    const mean = async (stencil: 3 | 5) => {
      const g = (await ctx().numericalDiff('exp(x)*sin(x)', xs, { stencil, h: kind === 'cpu' ? 1e-3 : 0.03 })) as number[];
      return xs.reduce((s, x, i) => s + Math.abs(g[i] - Math.exp(x) * (Math.sin(x) + Math.cos(x))), 0) / xs.length;
    };
    const e3 = await mean(3);
    const e5 = await mean(5);
    console.log(`[diff ${kind}] mean |error| of d/dx exp(x)sin(x): 3-point ${e3.toExponential(2)}, 5-point ${e5.toExponential(2)}`);
    expect(e5).toBeLessThan(e3 / 3);
  });

  it.each(EXPRS)('$src: numerical gradient agrees with the symbolic derivative at random points', async ({ src, n, ok, gpuTol }) => {
    const f = ctx().fn(src);
    const r = rng(seed + n + src.length);
    const rows: number[][] = [];
    while (rows.length < 64) {
      const x = uniform(r, n, -1, 1);
      if (!ok || ok(x)) rows.push(x);
    }
    for (const stencil of [3, 5] as const) {
      // the default (the ladder; the stencil applies to fixed steps) and a fixed 5-point step
      const opts = stencil === 3 ? { batch: true } : { stencil, batch: true, h: kind === 'cpu' ? 1e-4 : 0.045 };
      const g = (await ctx().numericalGradient(f, rows, opts)) as number[][];
      // error relative to the function's own scale: max(‖∇f‖∞, |f|, 1)
      // GPU: the ladder (measured up to 2.6e-5 of the scale on these points over 12 seeds, pow
      // 6.2e-5; its estimates are checked in 'big batches') and a fixed 5-point step
      const bound = kind === 'cpu' ? 1e-7 : stencil === 3 ? Math.max(gpuTol?.[0] ?? 0, 1e-4) : (gpuTol ?? [0, 1e-5])[1];
      let worst = 0;
      let at = -1;
      rows.forEach((x, i) => {
        const s = f.gradJs(x);
        const scale = Math.max(1, Math.abs(f.evalJs(x)), ...Array.from(s, Math.abs));
        const e = Math.max(...g[i].map((v, j) => Math.abs(v - s[j]))) / scale;
        if (e > worst) [worst, at] = [e, i];
      });
      expect(worst, `${stencil}-point, worst at x = [${rows[at]}]`).toBeLessThanOrEqual(bound);
    }
  });
});

describeBackends('numerical differentiation: shapes and functions', (ctx, kind) => {
  it('n-d parameters: a 2×3 W keeps its shape (the book\'s nditer version)', async () => {
    const W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]];
    const g = await ctx().numericalGradient('sum(x^2)', W);
    expect(g.length).toBe(2);
    expect(g[0].length).toBe(3);
    // float32 rounding error ≈ ε·|f|/h is absolute: atol scales with |f| ≈ 2.9
    expectAllclose(g, W.map((r) => r.map((w) => 2 * w)), { rtol: kind === 'cpu' ? 1e-9 : 5e-5, atol: kind === 'cpu' ? 1e-9 : 1e-4 });
    const g6 = await ctx().numericalGradient(ctx().fn('x0*x5 + x1*x4 + x2*x3'), W);
    expectAllclose(g6, [[W[1][2], W[1][1], W[1][0]], [W[0][2], W[0][1], W[0][0]]], { rtol: 5e-5, atol: 5e-6 });
    // typed in, typed out: the same kind, flat, in x's row-major order
    const typed = await ctx().numericalGradient('sum(x^2)', Float64Array.from(W.flat()), { shape: [2, 3] });
    expect(typed).toBeInstanceOf(Float64Array);
    expect(Array.from(typed)).toEqual(g.flat());
    const t32 = await ctx().numericalGradient('sum(x^2)', Float32Array.from(W.flat()), { shape: [2, 3], detail: true });
    expect(t32.value).toBeInstanceOf(Float32Array);
    expect(t32.error).toBeInstanceOf(Float32Array);
    expect(t32.status).toHaveLength(6);
    expectAllclose(Array.from(t32.value), W.flat().map((w) => 2 * Math.fround(w)), { rtol: kind === 'cpu' ? 1e-6 : 5e-5, atol: 1e-4 });
    const ev = await ctx().evaluate('sum(x^2)', Float32Array.from(W.flat()), { shape: [2, 3], batch: true });
    expect(ev).toBeInstanceOf(Float32Array);
    expectAllclose(Array.from(ev as Float32Array), W.map((r) => r.reduce((a, w) => a + Math.fround(w) ** 2, 0)), { rtol: 1e-6 });
  });

  it('evaluate and directionalDerivative', async () => {
    const f = ctx().fn('x0^2 + x1^2');
    expectAllclose(await ctx().evaluate(f, [[3, 4], [1, 2]]), [25, 5], { rtol: 1e-7 });
    expect(await ctx().evaluate(f, [3, 4])).toBeCloseTo(25, 5);
    const tol = kind === 'cpu' ? 1e-9 : 5e-5;
    expectAllclose(await ctx().directionalDerivative(f, [3, 4], [1, 1]), 14 / Math.SQRT2, { rtol: tol });
    expectAllclose(await ctx().directionalDerivative(f, [3, 4], [1, 1], { normalize: false }), 14, { rtol: tol });
    expectAllclose(await ctx().directionalDerivative(f, [[3, 4], [0, 2]], [0, 2]), [8, 4], { rtol: tol, atol: 1e-6 });
    await expect(ctx().directionalDerivative(f, [3, 4], [0, 0])).rejects.toThrow(/v: is the zero vector/);
    await expect(ctx().directionalDerivative(f, [3, 4], [1, 2, 3])).rejects.toThrow(/v: has shape \[3\]/);
  });

  it('a raw WGSL function with data arrays: gradient against its analytic form', async () => {
    const w = [0.5, -1.25, 2];
    const t = [1, 0.25, -0.5];
    // f = Σ w_k·(p(k) − t_k)² → ∂f/∂x_k = 2·w_k·(x_k − t_k)
    const g = ctx().wgsl({
      n: 3,
      body: 'var s = 0.0;\nfor (var k = 0u; k < arrayLength(&w); k++) {\n  let d = p(k) - t[k];\n  s += w[k] * d * d;\n}\nreturn s;',
      data: { w, t },
      cpu: (x, d) => x.reduce((s, v, k) => s + (d.w[k] as number) * (v - (d.t[k] as number)) ** 2, 0),
    });
    const xs = [[0.3, -0.7, 0.9], [1.5, 0.5, -1]];
    const got = await ctx().numericalGradient(g, xs);
    const exact = xs.map((x) => x.map((v, k) => 2 * w[k] * (v - t[k])));
    expectAllclose(got, exact, { rtol: kind === 'cpu' ? 1e-9 : 5e-5, atol: 5e-5 });
    const rep = await ctx().numericalGradient(g, xs, { verify: kind === 'webgpu' });
    if (kind === 'webgpu') {
      const v = (rep as unknown as { verify: { ok: boolean; reference: string; worstIndex: number } }).verify;
      expect(v).toMatchObject({ ok: true, reference: 'cpu-float64' });
      expect(v.worstIndex).toBeGreaterThanOrEqual(0);
    }
    poolIdle(ctx());
  });

  it('a WGSL function without a CPU twin fails clearly on the CPU path', async () => {
    const g = ctx().wgsl({ n: 1, body: 'return p(0u) * p(0u);' });
    if (kind === 'cpu') await expect(ctx().numericalGradient(g, [2])).rejects.toThrow(/WGSL functions need the webgpu backend; give a CPU twin/);
    else expectAllclose(await ctx().numericalGradient(g, [2]), [4], { rtol: 5e-5 });
  });

  it('plain JS functions run on the CPU path and get a clear error on the GPU', async () => {
    const f = (x: number[]) => x[0] ** 2 + x[1] ** 2;
    if (kind === 'cpu') {
      expect(await ctx().numericalGradient(f, [3, 4], { h: 'book' })).toEqual(bookGradient(f, [3, 4]));
      expect(await ctx().numericalDiff((x: number) => 0.01 * x * x + 0.1 * x, 5, { h: 'book' })).toBe(0.1999999999990898);
      expectAllclose(await ctx().numericalGradient(f, [3, 4]), [6, 8], { rtol: 1e-12 }); // the ladder
      const loss = (W: number[][]) => W[0][0] * W[1][2] + W[0][1] ** 2; // sees the 2×3 nesting
      expectAllclose(await ctx().numericalGradient(loss, [[1, 2, 3], [4, 5, 6]]), [[6, 4, 0], [0, 0, 1]], { atol: 1e-8 });
      expectAllclose(await ctx().numericalGradient(f, [[3, 4], [0, 2]], { batch: true }), [[6, 8], [0, 4]], { atol: 1e-8 });
    } else {
      await expect(ctx().numericalGradient(f, [3, 4])).rejects.toThrow(/a plain JS function cannot run on the webgpu backend: write it as an expression with ctx\.fn/);
      poolIdle(ctx());
    }
  });

  it('verify attaches { maxAbs, maxRel, worstIndex, ok } against the other path', async () => {
    const f = ctx().fn('sin(x0)*exp(x1)');
    const r = await ctx().numericalGradient(f, [[0.3, -0.2], [1.1, 0.4]], { verify: true });
    expect(r.verify).toMatchObject({ ok: true, reference: kind === 'cpu' ? 'symbolic' : 'cpu-float64' });
    expect(r.verify!.maxRel).toBeLessThan(kind === 'cpu' ? 1e-7 : 5e-5);
    expect(r.verify!.worstIndex).toBeGreaterThanOrEqual(0);
    expect(r.value.length).toBe(2);
    if (kind === 'cpu') await expect(ctx().numericalGradient((x: number[]) => x[0], [1], { verify: true })).rejects.toThrow(/verify: .*symbolic derivative/);
  });

  it('reports components whose step vanished (x ± h rounded to x) instead of hiding them', async () => {
    const big = kind === 'cpu' ? 1e13 : 1e5; // ulp(x)/2 > h = 1e-4 in float64 / float32
    const f = ctx().fn('sin(x0) + x1^2');
    const d = await ctx().numericalGradient(f, [big, 1], { h: 1e-4, detail: true });
    expect(d.vanished.count).toBe(1);
    expect(d.vanished.indices).toEqual([[0]]);
    expect(d.value[0]).toBe(0);
    expectAllclose(d.value[1], 2, { rtol: 5e-4 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await ctx().numericalGradient(f, [big, 1], { h: 1e-4 });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/1 gradient component\(s\) are 0 because x ± h rounded to x \(first at \[0\]/));
    if (kind === 'webgpu') {
      const auto = await ctx().numericalGradient('x^2', [big], { detail: true });
      expect(auto.vanished.count).toBe(0); // 'auto' scales h with |x|
      expectAllclose(auto.value, [2 * big], { rtol: 5e-5 });
    }
  });
});

describeBackends('numerical differentiation: bad input', (ctx) => {
  const bad: [string, (c: Context) => Promise<unknown>, RegExp, string][] = [
    ['wrong shape', (c) => c.numericalGradient('x0^2 + x1^2', [1, 2, 3]), /x: x has shape \[3\] \(3 numbers\) but f takes n = 2/, 'x'],
    ['ragged', (c) => c.numericalGradient('x0^2 + x1^2', [[1, 2], [3]] as never), /ragged: x\[1\]/, 'x'],
    ['NaN in x', (c) => c.numericalGradient('x0^2 + x1^2', [1, NaN]), /x\[1\] \(flat index 1\) is NaN/, 'x'],
    ['Inf in x', (c) => c.numericalGradient('x0^2 + x1^2', [[1, 2], [Infinity, 0]]), /x\[1\]\[0\] \(flat index 2\) is Infinity/, 'x'],
    ['h = 0', (c) => c.numericalGradient('x0^2', [1], { h: 0 }), /h: expected 'auto' \(the step ladder\), 'book' \(h = 1e-4\) or a positive finite step/, 'h'],
    ['h < 0', (c) => c.numericalDiff('x^2', 1, { h: -1e-3 }), /h: expected 'auto' \(the step ladder\), 'book' \(h = 1e-4\) or a positive finite step/, 'h'],
    ['h NaN', (c) => c.numericalDiff('x^2', 1, { h: NaN }), /h: expected 'auto' \(the step ladder\), 'book' \(h = 1e-4\) or a positive finite step/, 'h'],
    ['stencil 4', (c) => c.numericalDiff('x^2', 1, { stencil: 4 as never }), /stencil: expected 3 or 5/, 'stencil'],
    ['f not a function', (c) => c.numericalGradient(42 as never, [1]), /f: expected ctx\.fn/, 'f'],
    ['numericalDiff of a 2-parameter f', (c) => c.numericalDiff('x0*x1', 1), /numericalDiff is for functions of one variable/, 'f'],
    ['typed array of the wrong shape', (c) => c.numericalGradient('sum(x^2)', new Float32Array(5), { shape: [2, 3] }), /does not fit/, 'x'],
  ];
  it.each(bad)('%s → ArgumentError naming the argument; nothing leaks; the context still works', async (_name, call, msg, arg) => {
    const err = (await call(ctx()).catch((e: unknown) => e)) as ArgumentError;
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.argument).toBe(arg);
    expect(err.message).toMatch(msg);
    poolIdle(ctx());
    expect(await ctx().numericalGradient('x0^2 + x1^2', [3, 4])).toEqual(expect.arrayContaining([expect.any(Number)]));
  });

  it('an unknown function name is an ExprError with its column', async () => {
    const err = (() => { try { ctx().fn('x0 + sinhh(x1)'); } catch (e) { return e; } })() as ExprError;
    expect(err).toBeInstanceOf(ExprError);
    expect(err.column).toBe(6);
    expect(err.message).toMatch(/unknown function 'sinhh' at column 6/);
    await expect(ctx().numericalDiff('foo(x)', 1)).rejects.toThrow(/unknown function 'foo'/);
    expect(() => ctx().fn('x0', { n: 0 })).toThrow(/n: expected a positive integer/);
  });

  it('bad ctx.wgsl specs are ArgumentErrors', () => {
    expect(() => ctx().wgsl({ n: 0, body: 'return 1.0;' })).toThrow(/n: expected a positive integer/);
    expect(() => ctx().wgsl({ n: 1, body: '' })).toThrow(/body: expected a WGSL function body/);
    expect(() => ctx().wgsl({ n: 1, body: 'return 1.0;', data: { p: [1] } })).toThrow(/data: 'p' cannot name a WGSL array/);
    expect(() => ctx().wgsl({ n: 1, body: 'return 1.0;', data: { w: [] } })).toThrow(/data: 'w' must be a non-empty array/);
    expect(() => ctx().wgsl({ n: 1, body: 'return 1.0;', data: { w: [1, NaN] } })).toThrow(/data: w\[1\] is NaN/);
  });
});

describeBackends('numerical differentiation: WGSL that does not compile', (ctx) => {
  it('is a ShaderCompileError whose line refers to the user\'s body; the context works afterwards', async () => {
    const g = ctx().wgsl({ n: 2, body: 'let a = p(0u);\nlet b = a +* p(1u);\nreturn b;' });
    const err = await ctx().numericalGradient(g, [1, 2]).catch((e) => e);
    expect(err).toBeInstanceOf(ShaderCompileError);
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/line 2, column \d+ of the body/);
    expect(err.message).toContain('let b = a +* p(1u);');
    expect(err.message).toMatch(/body:2:\d+/);
    const undef = ctx().wgsl({ n: 1, body: 'return p(0u) * missing[0];' });
    const e2 = await ctx().numericalGradient(undef, [1]).catch((e) => e);
    expect(e2).toBeInstanceOf(ShaderCompileError);
    expect(e2.line).toBe(1);
    expect(e2.message).toMatch(/missing/);
    poolIdle(ctx());
    expectAllclose(await ctx().numericalGradient('x0^2 + x1^2', [3, 4]), [6, 8], { rtol: 5e-5 });
  });
}, ['webgpu']);

describeBackends('numerical differentiation: big batches', (ctx) => {
  it('2·10⁴ points with the step ladder: the error estimates cover the true error (≥ 99 % of components)', async () => {
    const cpu = await createContext({ backend: 'cpu' });
    const r = rng(seed + 8);
    const M = 20_000;
    const pts = Float64Array.from({ length: 2 * M }, () => 8 * r() - 4);
    const f = ctx().fn('sin(x0)*x1 + 0.5*x1^2');
    const d = await ctx().numericalGradient(f, pts, { shape: [M, 2], detail: true });
    const g = d.value, est = d.error!; // typed in, typed out (flat)
    let outside = 0;
    for (let i = 0; i < M; i++) {
      const exact = [Math.cos(pts[2 * i]) * pts[2 * i + 1], Math.sin(pts[2 * i]) + pts[2 * i + 1]]; // by hand
      for (let j = 0; j < 2; j++) if (!(Math.abs(g[2 * i + j] - exact[j]) <= est[2 * i + j])) outside++;
    }
    console.log(`[diff] ladder on ${ctx().backend}: ${outside} of ${2 * M} components outside their error estimate`);
    expect(outside / (2 * M)).toBeLessThan(0.01);
    await cpu.dispose();
  });

  it('10⁶ points of a 2-D function run as ≥ 3 chunked dispatches and match the CPU path', async () => {
    const rt = ctx().runtime!;
    const cpu = await createContext({ backend: 'cpu' });
    const r = rng(seed + 7);
    const M = 1_000_000;
    const pts = new Float64Array(2 * M);
    for (let i = 0; i < pts.length; i++) pts[i] = 4 * r() - 2;
    const f = ctx().fn('sin(x0)*x1 + 0.5*x1^2');
    const dispatch = vi.spyOn(rt, 'dispatch');
    rt.bindingLimit = 2 * 1024 * 1024; // 4 bytes of result per lane, 2 lanes a point → 262,144 points per chunk
    try {
      const t0 = performance.now();
      // a fixed step: this checks the chunking (the ladder's coverage is checked below)
      const g = await ctx().numericalGradient(f, pts, { shape: [M, 2], h: 0.01 });
      const t1 = performance.now();
      const ref = await cpu.numericalGradient(f, pts, { shape: [M, 2], h: 0.01 });
      console.log(`[diff] 10⁶-point batch: GPU ${(t1 - t0).toFixed(0)} ms in ${dispatch.mock.calls.length} dispatches, CPU ${(performance.now() - t1).toFixed(0)} ms`);
      expect(dispatch.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(g).toBeInstanceOf(Float64Array);
      expect(g.length).toBe(2 * M);
      expectAllclose(g, ref, { rtol: 1e-4, atol: 1e-4 }, 'GPU float32 (h = 0.01) vs CPU float64');
    } finally {
      rt.bindingLimit = null;
      await cpu.dispose();
    }
    poolIdle(ctx());
  });

  it('several readback groups and a point split over chunks give the same numbers', async () => {
    const rt = ctx().runtime!;
    const { gpuDiffConfig } = await import('../src/features/diff/gpu');
    const f = ctx().fn('sum(x^2) + x0*x1');
    const rows = Array.from({ length: 300 }, (_, i) => uniform(rng(seed + i), 6, -1, 1));
    const whole = await ctx().numericalGradient(f, rows, { batch: true });
    const saved = gpuDiffConfig.groupBytes;
    rt.bindingLimit = 256; // 16 points of x ± h per chunk
    gpuDiffConfig.groupBytes = 4096; // a few chunks per readback
    try {
      expect(await ctx().numericalGradient(f, rows, { batch: true })).toEqual(whole);
      const one = uniform(rng(seed), 200, -1, 1);
      rt.bindingLimit = 1024; // the point's 800 bytes fit, its 1,600 bytes of x ± h do not: 128 lanes per chunk
      const split = await ctx().numericalGradient('sum(x^2)', one);
      rt.bindingLimit = null;
      expect(split).toEqual(await ctx().numericalGradient('sum(x^2)', one));
    } finally {
      rt.bindingLimit = null;
      gpuDiffConfig.groupBytes = saved;
    }
    poolIdle(ctx());
  });
}, ['webgpu']);
