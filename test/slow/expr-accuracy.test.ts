// Float32 accuracy of every function's WGSL on this adapter, in ulps against float64 (the
// table in docs/expressions.md comes from this test's output), next to the WGSL builtin's
// where there is one; and NaN/inf behaviour: the same on both paths at special values.
import { afterAll, describe, expect, it } from 'vitest';
import { compileExpr } from '../../src/expr/index';
import { erf, mod } from '../../src/expr/fns';
import { describeBackends } from '../helpers/backends';
import { device, keepAlive, runWgsl, ulps } from '../helpers/expr-gpu';

afterAll(() => keepAlive());

interface Acc { f: string; ref: (a: number, b: number) => number; lo: number; hi: number; builtin?: string; bound: number; b?: [number, number] }
const ACC: Acc[] = [
  { f: 'exp', ref: Math.exp, lo: -80, hi: 80, builtin: 'exp', bound: 2 },
  { f: 'log', ref: Math.log, lo: 0.5, hi: 2, builtin: 'log', bound: 2 },
  { f: 'log', ref: Math.log, lo: 1e-6, hi: 1e6, builtin: 'log', bound: 2 },
  { f: 'sqrt', ref: Math.sqrt, lo: 0, hi: 100, builtin: 'sqrt', bound: 1 },
  { f: 'sin', ref: Math.sin, lo: -10, hi: 10, builtin: 'sin', bound: 4 },
  { f: 'cos', ref: Math.cos, lo: -10, hi: 10, builtin: 'cos', bound: 4 },
  { f: 'tan', ref: Math.tan, lo: -1.5, hi: 1.5, builtin: 'tan', bound: 4 },
  { f: 'tanh', ref: Math.tanh, lo: -10, hi: 10, builtin: 'tanh', bound: 3 },
  { f: 'sigmoid', ref: (u) => 1 / (1 + Math.exp(-u)), lo: -30, hi: 30, bound: 3 },
  { f: 'erf', ref: erf, lo: -4.5, hi: 4.5, bound: 2 },
  { f: 'asin', ref: Math.asin, lo: -1, hi: 1, builtin: 'asin', bound: 3 },
  { f: 'acos', ref: Math.acos, lo: -1, hi: 1, builtin: 'acos', bound: 3 },
  { f: 'atan', ref: Math.atan, lo: -50, hi: 50, builtin: 'atan', bound: 3 },
  { f: 'atan2', ref: Math.atan2, lo: -5, hi: 5, b: [-5, 5], builtin: 'atan2', bound: 3 },
  { f: 'sinh', ref: Math.sinh, lo: -88, hi: 88, builtin: 'sinh', bound: 3 },
  { f: 'cosh', ref: Math.cosh, lo: -88, hi: 88, builtin: 'cosh', bound: 3 },
  { f: 'asinh', ref: Math.asinh, lo: -1e4, hi: 1e4, builtin: 'asinh', bound: 3 },
  { f: 'asinh', ref: Math.asinh, lo: -2, hi: 2, builtin: 'asinh', bound: 3 },
  { f: 'acosh', ref: Math.acosh, lo: 1, hi: 1e4, builtin: 'acosh', bound: 3 },
  { f: 'atanh', ref: Math.atanh, lo: -1, hi: 1, builtin: 'atanh', bound: 3 },
  { f: 'expm1', ref: Math.expm1, lo: -5, hi: 5, bound: 2 },
  { f: 'log1p', ref: Math.log1p, lo: -0.999, hi: 10, bound: 3 },
  { f: 'log2', ref: Math.log2, lo: 1e-3, hi: 1e3, builtin: 'log2', bound: 2 },
  { f: 'log10', ref: Math.log10, lo: 1e-3, hi: 1e3, bound: 2 },
  { f: 'exp2', ref: (u) => 2 ** u, lo: -100, hi: 100, builtin: 'exp2', bound: 4 },
  { f: 'cbrt', ref: Math.cbrt, lo: -1e3, hi: 1e3, bound: 2 },
  { f: 'mod', ref: mod, lo: -100, hi: 100, b: [-7, 7], bound: 1 },
  // x^y for a non-integer y is the builtin pow (exp2(y·log2 x)): its error grows with |y·log2 x|
  { f: 'pow', ref: Math.pow, lo: 0.1, hi: 10, b: [-4.5, 4.5], builtin: 'pow', bound: 64 },
];

const SAMPLES = 1 << 14;
/** a float32 grid over [lo, hi] (log-spaced magnitudes when the range spans decades) */
function grid(lo: number, hi: number, k: number, salt: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    const t = (j + 0.5 + 0.37 * Math.sin(j * 12.9898 + salt)) / k;
    const wide = lo > 0 && hi / lo > 1e3;
    out.push(Math.fround(wide ? lo * (hi / lo) ** t : lo + (hi - lo) * t));
  }
  return out;
}

async function worst(code: { wgsl(): string; wgslGrad(): string }, pts: number[][], ref: Acc['ref']): Promise<{ ulp: number; at: number[] }> {
  const got = await runWgsl(code as never, pts, false);
  let w = { ulp: 0, at: [NaN] };
  pts.forEach((p, k) => {
    const want = ref(p[0], p[1]);
    if (!Number.isFinite(want) || Math.abs(want) > 3.4e38) return;
    const e = ulps(got[k][0], Math.fround(want) === 0 && want !== 0 ? 0 : want);
    if (e > w.ulp) w = { ulp: e, at: p };
  });
  return w;
}

describe.skipIf(!device)('float32 accuracy of the WGSL functions (ulps against float64)', () => {
  const rows: string[] = [];
  afterAll(() => {
    console.log(['| function | range | numgrad (max ulp) | WGSL builtin (max ulp) |', '| --- | --- | ---: | ---: |', ...rows].join('\n'));
  });
  it.each(ACC.map((a) => [`${a.f} on [${a.lo}, ${a.hi}]`, a] as const))('%s', async (_n, a) => {
    const xs = grid(a.lo, a.hi, SAMPLES, 1);
    const ys = a.b ? grid(a.b[0], a.b[1], SAMPLES, 2).reverse() : null;
    const pts = xs.map((x, k) => (ys ? [x, ys[k]] : [x]));
    const src = ys ? `${a.f}(x0, x1)` : `${a.f}(x0)`;
    const ours = await worst(compileExpr(src), pts, a.ref);
    let theirs = '';
    if (a.builtin) {
      const body = ys ? `${a.builtin}(p(0u), p(1u))` : `${a.builtin}(p(0u))`;
      const b = await worst({ wgsl: () => `fn user_f() -> f32 { return ${body}; }`, wgslGrad: () => '' }, pts, a.ref);
      theirs = `${b.ulp.toPrecision(3)} (at ${b.at.map((v) => v.toPrecision(4)).join(', ')})`;
    }
    rows.push(`| ${a.f} | [${a.lo}, ${a.hi}]${a.b ? ` × [${a.b}]` : ''} | ${ours.ulp.toFixed(2)} | ${theirs || '(none)'} |`);
    expect(ours.ulp, `${src}: worst at ${ours.at}`).toBeLessThanOrEqual(a.bound);
  });
});

// Special arguments written as expressions of x0 = 0 (x itself must be finite).
const SPECIAL: [string, number][] = [
  ['x0/x0', 0], ['1/x0', 0], ['-1/x0', 0], ['-x0', 0], ['x0', 0], ['x0', 1], ['x0', -1], ['x0', 2], ['x0', -2],
  ['x0', 0.5], ['x0', 1e30], ['x0', -1e30], ['x0', 1e-30], ['x0', 100], ['x0', -100], ['x0', 3.5],
];
const UNARY = ['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'abs', 'sign', 'erf', 'asin', 'acos', 'atan',
  'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'expm1', 'log1p', 'log2', 'log10', 'exp2', 'cbrt', 'floor'];
const BINARY = ['min', 'max', 'atan2', 'mod', 'pow'];

describeBackends('NaN and infinities: the same on both paths', (ctx, kind) => {
  const at0 = async (src: string, x0: number) => {
    const v = await ctx().evaluate(ctx().fn(src, { n: 1 }), [x0]);
    return (Array.isArray(v) ? v.flat(2)[0] : v) as number;
  };
  /** GPU values may be float32 (overflow to inf, round): compared with the float64 CPU value */
  const same = (gpu: number, cpu: number) => {
    if (Number.isNaN(cpu)) return Number.isNaN(gpu);
    if (Number.isNaN(gpu)) return false;
    if (!Number.isFinite(cpu) || Math.abs(cpu) > 3.4028235e38) return gpu === (cpu > 0 ? Infinity : -Infinity);
    return Math.abs(gpu - cpu) <= 1e-6 * Math.abs(cpu) + 1e-37;
  };
  it.each(UNARY)('%s at NaN, ±inf, ±0 and ordinary values', async (f) => {
    for (const [arg, x] of SPECIAL) {
      // x as the GPU sees it; the builtin sin/cos/tan do no exact range reduction past ~1e4
      const x0 = Math.fround(x);
      if (kind === 'webgpu' && ['sin', 'cos', 'tan'].includes(f) && Math.abs(x0) > 1e4) continue;
      const src = `${f}(${arg})`;
      const cpu = compileExpr(src, { n: 1 }).evalJs([x0]);
      const got = await at0(src, x0);
      if (kind === 'cpu') expect(Object.is(got, cpu) || (Number.isNaN(got) && Number.isNaN(cpu)), src).toBe(true);
      else expect(same(got, cpu), `${src} at x0 = ${x0}: gpu ${got}, cpu ${cpu}`).toBe(true);
    }
  });
  it.each(BINARY)('%s on pairs of special values', async (f) => {
    const args = [['x0/x0', 0], ['1/x0', 0], ['-1/x0', 0], ['x0', 0], ['-x0', 0]] as const;
    const vals = [0, 2, -2, 0.5, -3.5];
    const srcs: string[] = [];
    for (const [a] of args) for (const [b] of args) srcs.push(`${f}(${a}, ${b})`);
    for (const v of vals) for (const [a] of args) { srcs.push(`${f}(${v}, ${a})`, `${f}(${a}, ${v})`); }
    for (const src of srcs) {
      const cpu = compileExpr(src, { n: 1 }).evalJs([0]);
      const got = await at0(src, 0);
      expect(same(got, cpu), `${kind} ${src}: got ${got}, cpu ${cpu}`).toBe(true);
    }
  });
  it('comparisons and where: NaN in, NaN out', async () => {
    for (const [src, want] of [['(x0/x0 < 1)', NaN], ['where(x0/x0, 1, 2)', NaN], ['where(x0 > 1, 1/x0, 5)', 5], ['(x0 == 0) + (x0 != 0)', 1]] as const) {
      const got = await at0(src, 0);
      if (Number.isNaN(want)) expect(got, src).toBeNaN();
      else expect(got, src).toBe(want);
    }
  });
});
