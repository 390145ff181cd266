// Every function of the expression language, on both paths: the float64 value against an
// independent reference, the symbolic gradient (CPU, and user_df in WGSL) and the numerical
// gradient (CPU and WebGPU) against derivatives written here by hand.
import { afterAll, describe, expect, it } from 'vitest';
import { compileExpr } from '../src/expr/index';
import { describeBackends } from './helpers/backends';
import { device, keepAlive, runWgsl } from './helpers/expr-gpu';
import { rng, seedFromEnv } from './helpers/random';

const seed = seedFromEnv('expr-functions');
afterAll(() => keepAlive());

/** erf by composite Simpson on 2/√π·e^(−t²): independent of numgrad's series */
function erfRef(x: number): number {
  const m = 4000, h = x / m;
  let s = 1 + Math.exp(-x * x);
  for (let k = 1; k < m; k++) s += (k % 2 ? 4 : 2) * Math.exp(-((k * h) ** 2));
  return (2 / Math.sqrt(Math.PI)) * (h / 3) * s;
}

type V = number[];
interface Case {
  src: string;
  f: (x: V) => number;
  /** the exact gradient, by hand */
  df: (x: V) => V;
  /** one random point of the domain (away from kinks and singularities) */
  draw: (r: () => number) => V;
}

const u = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();
const away = (r: () => number, lo: number, hi: number, bad: (v: number) => boolean) => {
  for (;;) { const v = u(r, lo, hi); if (!bad(v)) return v; }
};
const nearInt = (v: number) => Math.abs(v - Math.round(v)) < 0.02;
const one = (lo: number, hi: number) => (r: () => number) => [u(r, lo, hi)];
const SQRT_PI = Math.sqrt(Math.PI);

export const CASES: Case[] = [
  { src: 'erf(x0)', f: ([x]) => erfRef(x), df: ([x]) => [(2 / SQRT_PI) * Math.exp(-x * x)], draw: one(-3, 3) },
  { src: 'asin(x0)', f: ([x]) => Math.asin(x), df: ([x]) => [1 / Math.sqrt(1 - x * x)], draw: one(-0.95, 0.95) },
  { src: 'acos(x0)', f: ([x]) => Math.acos(x), df: ([x]) => [-1 / Math.sqrt(1 - x * x)], draw: one(-0.95, 0.95) },
  { src: 'atan(x0)', f: ([x]) => Math.atan(x), df: ([x]) => [1 / (1 + x * x)], draw: one(-6, 6) },
  {
    src: 'atan2(x0, x1)', f: ([y, x]) => Math.atan2(y, x),
    df: ([y, x]) => [x / (x * x + y * y), -y / (x * x + y * y)],
    // away from the origin and from the branch cut (x < 0, y = 0)
    draw: (r) => [away(r, -3, 3, (v) => Math.abs(v) < 0.3), u(r, -3, 3)],
  },
  { src: 'sinh(x0)', f: ([x]) => Math.sinh(x), df: ([x]) => [Math.cosh(x)], draw: one(-5, 5) },
  { src: 'cosh(x0)', f: ([x]) => Math.cosh(x), df: ([x]) => [Math.sinh(x)], draw: one(-5, 5) },
  { src: 'asinh(x0)', f: ([x]) => Math.asinh(x), df: ([x]) => [1 / Math.sqrt(x * x + 1)], draw: one(-8, 8) },
  { src: 'acosh(x0)', f: ([x]) => Math.acosh(x), df: ([x]) => [1 / Math.sqrt(x * x - 1)], draw: one(1.1, 8) },
  { src: 'atanh(x0)', f: ([x]) => Math.atanh(x), df: ([x]) => [1 / (1 - x * x)], draw: one(-0.9, 0.9) },
  { src: 'expm1(x0)', f: ([x]) => Math.expm1(x), df: ([x]) => [Math.exp(x)], draw: one(-3, 3) },
  { src: 'log1p(x0)', f: ([x]) => Math.log1p(x), df: ([x]) => [1 / (1 + x)], draw: one(-0.9, 4) },
  { src: 'log2(x0)', f: ([x]) => Math.log2(x), df: ([x]) => [1 / (x * Math.LN2)], draw: one(0.05, 20) },
  { src: 'log10(x0)', f: ([x]) => Math.log10(x), df: ([x]) => [1 / (x * Math.LN10)], draw: one(0.05, 20) },
  { src: 'exp2(x0)', f: ([x]) => 2 ** x, df: ([x]) => [2 ** x * Math.LN2], draw: one(-6, 6) },
  {
    src: 'cbrt(x0)', f: ([x]) => Math.cbrt(x), df: ([x]) => [1 / (3 * Math.cbrt(x) ** 2)],
    draw: (r) => [away(r, -8, 8, (v) => Math.abs(v) < 0.2)],
  },
  {
    src: 'floor(x0)*x1', f: ([a, b]) => Math.floor(a) * b, df: ([a]) => [0, Math.floor(a)],
    draw: (r) => [away(r, -3, 3, nearInt), u(r, -2, 2)],
  },
  {
    src: 'mod(x0, x1)', f: ([a, b]) => a - b * Math.floor(a / b), df: ([a, b]) => [1, -Math.floor(a / b)],
    draw: (r) => {
      for (;;) {
        const a = u(r, -5, 5), b = (r() < 0.5 ? -1 : 1) * u(r, 0.5, 3);
        if (!nearInt(a / b)) return [a, b];
      }
    },
  },
  {
    // comparisons give 1 or 0; where selects; both have derivative 0 away from the switch
    src: 'where(x0 < x1, x0^2, 3*x1) + (x0 >= 0) - 2*(x1 != 1)',
    f: ([a, b]) => (a < b ? a * a : 3 * b) + (a >= 0 ? 1 : 0) - 2 * (b !== 1 ? 1 : 0),
    df: ([a, b]) => (a < b ? [2 * a, 0] : [0, 3]),
    draw: (r) => { for (;;) { const a = u(r, -2, 2), b = u(r, -2, 2); if (Math.abs(a - b) > 0.05 && Math.abs(a) > 0.05) return [a, b]; } },
  },
  {
    src: 'asin(x0/2)*atan2(x1, 2) + erf(x0*x1) - log1p(x1^2)*cosh(x0)',
    f: ([a, b]) => Math.asin(a / 2) * Math.atan2(b, 2) + erfRef(a * b) - Math.log1p(b * b) * Math.cosh(a),
    df: ([a, b]) => {
      const e = (2 / SQRT_PI) * Math.exp(-((a * b) ** 2));
      return [
        (0.5 / Math.sqrt(1 - a * a / 4)) * Math.atan2(b, 2) + e * b - Math.log1p(b * b) * Math.sinh(a),
        Math.asin(a / 2) * (2 / (4 + b * b)) + e * a - (2 * b / (1 + b * b)) * Math.cosh(a),
      ];
    },
    draw: (r) => [u(r, -1.5, 1.5), u(r, -1.5, 1.5)],
  },
];

const points = (c: Case, k: number, salt: number): V[] => {
  const r = rng(seed + salt);
  // float32-representable points: the GPU sees exactly what the reference sees
  return Array.from({ length: k }, () => c.draw(r).map(Math.fround));
};

const close = (got: number, want: number, rtol: number, atol: number) => Math.abs(got - want) <= atol + rtol * Math.abs(want);

describe('functions: float64 values and symbolic gradients (CPU)', () => {
  it.each(CASES.map((c) => [c.src, c] as const))('%s', (_s, c) => {
    const e = compileExpr(c.src);
    for (const x of points(c, 25, 1)) {
      const want = c.f(x), got = e.evalJs(x);
      // atol: the terms are O(1), so a float64 value near 0 after cancellation carries ~1e-15 absolute
      expect(close(got, want, 1e-13, 1e-14), `${c.src} at [${x}]: ${got} vs ${want}`).toBe(true);
      const g = e.gradJs(x), dg = c.df(x);
      dg.forEach((d, i) => expect(close(g[i], d, 1e-12, 1e-13), `d/dx${i} ${c.src} at [${x}]: ${g[i]} vs ${d}`).toBe(true));
    }
  });
  it('the printed derivative re-parses to the same values', () => {
    for (const c of CASES) {
      const e = compileExpr(c.src);
      for (const x of points(c, 3, 2)) {
        const g = e.gradJs(x);
        for (let i = 0; i < x.length; i++) {
          const back = compileExpr(e.derivativeSource(i), { n: e.n! }).evalJs(x);
          expect(close(back, g[i], 1e-12, 1e-13), `${e.derivativeSource(i)}`).toBe(true);
        }
      }
    }
  });
});

describe.skipIf(!device)('functions: user_f and user_df in WGSL (float32)', () => {
  it.each(CASES.map((c) => [c.src, c] as const))('%s', async (_s, c) => {
    const e = compileExpr(c.src);
    const xs = points(c, 64, 3);
    const got = await runWgsl(e, xs);
    xs.forEach((x, k) => {
      const want = c.f(x), dg = c.df(x);
      const scale = Math.max(1, Math.abs(want), ...dg.map(Math.abs));
      expect(close(got[k][0], want, 4 * 2 ** -23, 1e-6 * scale), `f at [${x}]: ${got[k][0]} vs ${want}`).toBe(true);
      dg.forEach((d, i) => expect(close(got[k][1 + i], d, 1e-5, 1e-5 * scale), `d/dx${i} at [${x}]: ${got[k][1 + i]} vs ${d}`).toBe(true));
    });
  });
});

describeBackends('functions: numerical gradients', (ctx, kind) => {
  it.each(CASES.map((c) => [c.src, c] as const))('%s agrees with the hand-written derivative', async (_s, c) => {
    const xs = points(c, 12, 4);
    const f = ctx().fn(c.src);
    const g = (await ctx().numericalGradient(f, xs, { warn: false })) as number[][];
    const values = (await ctx().evaluate(f, xs)) as number[];
    xs.forEach((x, k) => {
      const dg = c.df(x);
      const [rtol, atol] = kind === 'cpu' ? [1e-7, 1e-9] : [3e-3, 3e-3 * Math.max(1, Math.abs(c.f(x)))];
      dg.forEach((d, i) => expect(close(g[k][i], d, rtol, atol), `${kind} d/dx${i} at [${x}]: ${g[k][i]} vs ${d}`).toBe(true));
      const want = c.f(x);
      expect(close(values[k], want, kind === 'cpu' ? 1e-13 : 4 * 2 ** -23, 1e-6), `${kind} f at [${x}]: ${values[k]} vs ${want}`).toBe(true);
    });
  });
});
