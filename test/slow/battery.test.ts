// The accuracy battery: functions and points that numerical-differentiation libraries test
// themselves on (large arguments, domain edges, saturation, cancellation, polynomials,
// inverse trigonometric and hyperbolic functions, Rosenbrock, 100-D and 10⁴-D sums), with
// derivatives written by hand here. For each case: the default ('auto', the step ladder) on
// both backends, its error estimate and status, and the case's float32 floor (the best error
// a fixed step reaches with f evaluated in float32 on this GPU at the float32 x; see floor()
// below) and, per component, its float64 floor (floor64()). Asserted: estimates cover ≥ 95 %
// of components on each backend; at most 3 GPU cases above 10× their float32 floor; no GPU
// error above 1e-3 that status and estimate both hide; float64 reaches 1e-9 or comes within
// 10× its floor. The table is printed and written to bench/results/battery.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../src/entry-node';
import { webgpuAdapter } from '../helpers/backends';

interface Case {
  name: string;
  /** an expression for ctx.fn, or a WGSL body of one parameter with its float64 twin */
  f: string | { body: string; cpu: (x: number) => number };
  x: number[];
  /** the exact gradient at x, by hand */
  df: (x: number[]) => number[];
  /** float64 cannot reach 1e-9 here (cancellation, saturation): skip that check */
  f64hard?: boolean;
}

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const one = (name: string, f: Case['f'], x: number, d: (x: number) => number, f64hard = false): Case => ({ name, f, x: [x], df: (v) => [d(v[0])], f64hard });
const w = (body: string, cpu: (x: number) => number) => ({ body, cpu });

const CASES: Case[] = [
  ...[1e2, 1e4, -3.7].map((x) => one(`sin at ${x}`, 'sin(x)', x, Math.cos)),
  ...[1e2, 1e4].map((x) => one(`cos at ${x}`, 'cos(x)', x, (v) => -Math.sin(v))),
  ...[-5, 1, 10, 50].map((x) => one(`exp at ${x}`, 'exp(x)', x, Math.exp)),
  ...[1e-3, 1e-1, 3, 1e6].map((x) => one(`log at ${x}`, 'log(x)', x, (v) => 1 / v)),
  ...[1e-4, 2e-3, 1, 1e4].map((x) => one(`sqrt at ${x}`, 'sqrt(x)', x, (v) => 0.5 / Math.sqrt(v))),
  ...[1e-3, 1, -8].map((x) => one(`cbrt at ${x}`, w('let v = p(0u); return sign(v) * pow(abs(v), 1.0 / 3.0);', Math.cbrt), x, (v) => 1 / (3 * Math.cbrt(v) ** 2))),
  ...[0.5, 5, 10, 20].map((x) => one(`tanh at ${x}`, 'tanh(x)', x, (v) => 1 - Math.tanh(v) ** 2, x >= 20)),
  ...[-20, 0, 3].map((x) => one(`sigmoid at ${x}`, 'sigmoid(x)', x, (v) => sig(v) * (1 - sig(v)))),
  ...[1, 1e-3].map((x) => one(`1/x at ${x}`, '1/x', x, (v) => -1 / (v * v))),
  one('1e6 + x² at 1', '1e6 + x^2', 1, (v) => 2 * v, true),
  one('1e6 + x² at 30', '1e6 + x^2', 30, (v) => 2 * v, true),
  ...[0.7, 3].map((x) => one(`2x⁵ at ${x}`, '2*x^5', x, (v) => 10 * v ** 4)),
  one('x⁹⁹ at 1.2', 'x^99', 1.2, (v) => 99 * v ** 98),
  one('x⁹⁹ at 0.9', 'x^99', 0.9, (v) => 99 * v ** 98),
  ...[0.3, 0.99, -0.9].map((x) => one(`asin at ${x}`, w('return asin(p(0u));', Math.asin), x, (v) => 1 / Math.sqrt(1 - v * v))),
  ...[0.3, -0.99].map((x) => one(`acos at ${x}`, w('return acos(p(0u));', Math.acos), x, (v) => -1 / Math.sqrt(1 - v * v))),
  ...[0.5, 100, -1e3].map((x) => one(`atan at ${x}`, w('return atan(p(0u));', Math.atan), x, (v) => 1 / (1 + v * v))),
  ...[2, 1e3].map((x) => one(`asinh at ${x}`, w('return asinh(p(0u));', Math.asinh), x, (v) => 1 / Math.sqrt(1 + v * v))),
  ...[1.5, 50].map((x) => one(`acosh at ${x}`, w('return acosh(p(0u));', Math.acosh), x, (v) => 1 / Math.sqrt(v * v - 1))),
  ...[0.5, 0.999].map((x) => one(`atanh at ${x}`, w('return atanh(p(0u));', Math.atanh), x, (v) => 1 / (1 - v * v))),
  ...[1, 5].map((x) => one(`sinh at ${x}`, w('return sinh(p(0u));', Math.sinh), x, Math.cosh)),
  one('x·sin(1/x) at 0.3', 'x*sin(1/x)', 0.3, (v) => Math.sin(1 / v) - Math.cos(1 / v) / v),
  one('exp(−x²) at 2', 'exp(-x^2)', 2, (v) => -2 * v * Math.exp(-v * v)),
  one('|x| at 0.5', 'abs(x)', 0.5, () => 1),
  { name: 'Rosenbrock at (−1.2, 1)', f: '100*(x1 - x0^2)^2 + (1 - x0)^2', x: [-1.2, 1],
    df: ([a, b]) => [-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)] },
  { name: 'Rosenbrock at (1, 1)', f: '100*(x1 - x0^2)^2 + (1 - x0)^2', x: [1, 1], df: () => [0, 0] },
  { name: 'x0²·x1 + exp(x1) at (3, −2)', f: 'x0^2*x1 + exp(x1)', x: [3, -2], df: ([a, b]) => [2 * a * b, a * a + Math.exp(b)] },
  { name: 'sum(x²), 100-D', f: 'sum(x^2)', x: Array.from({ length: 100 }, (_, i) => Math.sin(i) * 3), df: (x) => x.map((v) => 2 * v) },
  { name: 'sum(sin(x)), 100-D', f: 'sum(sin(x))', x: Array.from({ length: 100 }, (_, i) => i / 7), df: (x) => x.map(Math.cos) },
  { name: 'sum(x²), 10⁴-D', f: 'sum(x^2)', x: Array.from({ length: 10_000 }, (_, i) => Math.cos(i)), df: (x) => x.map((v) => 2 * v), f64hard: false },
];

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** The float32 x the GPU computes at: its derivative is what the GPU's error and floor are measured against. */
const at32 = (x: number[]) => x.map(Math.fround);

/**
 * The float32 floor: the least relative error of fixed central steps h = 10^e·max(|x|, 1), e ∈ [−9, 0] in tenths,
 * with f evaluated on the GPU at the float32 x (the problem numgrad's GPU path sees, so both are measured against
 * the derivative at that x); smoothed over 3 neighbouring steps so one lucky cancellation does not set it.
 */
async function floor(ctx: Context, fn: unknown, c: Case): Promise<number> {
  if (c.x.length > 2) return NaN; // per-component floors of the big sums are not computed here
  const exact = c.df(at32(c.x));
  const errs: number[] = [];
  for (let e = -9; e <= 0; e += 0.1) {
    const g = (await ctx.numericalGradient(fn as never, c.x, { h: 10 ** e * Math.max(Math.abs(c.x[0]), 1), warn: false })) as number[];
    errs.push(Math.max(...g.map((v, j) => (exact[j] === 0 ? Math.abs(v) : rel(v, exact[j])))));
  }
  let best = Infinity;
  for (let i = 1; i + 1 < errs.length; i++) best = Math.min(best, Math.max(errs[i - 1], errs[i], errs[i + 1]));
  return best;
}

/**
 * The float64 floor, per component: the least relative error of the CPU's fixed 3- and 5-point central
 * differences over h = 10^e·max(|x_j|, 1), e ∈ [−12, 0] in tenths, smoothed as floor() is. Where the ladder
 * misses 1e-9, this shows whether float64 allows it. (Not computed for the 10⁴-D sum: 10⁸ evaluations a step.)
 */
async function floor64(cpu: Context, fn: unknown, c: Case): Promise<number[]> {
  const n = c.x.length;
  if (n > 100) return new Array(n).fill(NaN);
  const exact = c.df(c.x);
  const best = new Array(n).fill(Infinity);
  for (const stencil of [3, 5] as const) {
    const errs: number[][] = [];
    for (let e = -12; e <= 0; e += 0.1) {
      const h = c.x.map((v) => 10 ** e * Math.max(Math.abs(v), 1));
      // one fixed h per call: a component at a time when the scales differ
      const g = new Array<number>(n);
      const hs = [...new Set(h)];
      for (const hh of hs) {
        const gg = (await cpu.numericalGradient(fn as never, c.x, { h: hh, stencil, warn: false })) as number[];
        h.forEach((v, j) => { if (v === hh) g[j] = gg[j]; });
      }
      errs.push(g.map((v, j) => (exact[j] === 0 ? Math.abs(v) : rel(v, exact[j]))));
    }
    for (let i = 1; i + 1 < errs.length; i++) {
      for (let j = 0; j < n; j++) best[j] = Math.min(best[j], Math.max(errs[i - 1][j], errs[i][j], errs[i + 1][j]));
    }
  }
  return best;
}
/** float64 meets 1e-9 or comes within this factor of its floor (the factor the float32 criterion allows). */
const F64_FLOOR_FACTOR = 10;

const gpu = webgpuAdapter || process.env.REQUIRE_WEBGPU === '1';

describe(`accuracy battery (${CASES.length} cases)`, () => {
  it.runIf(gpu)('the default on both paths: estimates cover the true error, float64 reaches 1e-9, float32 is never silently wrong', async () => {
    const cpu = await createContext({ backend: 'cpu' });
    const gp = await createContext({ backend: 'webgpu' });
    const rows: string[] = [];
    const cover = { cpu: [0, 0], webgpu: [0, 0] };
    let over10 = 0, silent = 0;
    const f64bad: string[] = [], f64short: string[] = [];
    for (const c of CASES) {
      const cells: string[] = [c.name];
      let gpuWorst = 0, gpuEst = 0, fl = NaN;
      for (const ctx of [cpu, gp]) {
        const exact = c.df(ctx.backend === 'webgpu' ? at32(c.x) : c.x);
        const fn = typeof c.f === 'string' ? ctx.fn(c.f) : ctx.wgsl({ n: 1, body: c.f.body, cpu: (x) => (c.f as { cpu: (x: number) => number }).cpu(x[0]) });
        const d = await ctx.numericalGradient(fn, c.x, { detail: true });
        const v = d.value as number[], est = d.error as number[], st = d.status as string[];
        let worst = 0, worstEst = 0, worstSt = st[0];
        const fl64 = ctx.backend === 'cpu' && !c.f64hard ? await floor64(ctx, fn, c) : [];
        v.forEach((g, j) => {
          const err = Math.abs(g - exact[j]);
          const r = exact[j] === 0 ? err : err / Math.abs(exact[j]);
          cover[ctx.backend][1]++;
          if (err <= est[j]) cover[ctx.backend][0]++;
          if (r > worst) [worst, worstEst, worstSt] = [r, exact[j] === 0 ? est[j] : est[j] / Math.abs(exact[j]), st[j]];
          if (ctx.backend === 'cpu' && !c.f64hard && r > 1e-9) {
            const ok = r <= F64_FLOOR_FACTOR * fl64[j];
            const line = `${c.name}${c.x.length > 1 ? ` [${j}]` : ''}: ${r.toExponential(1)} (float64 floor ${Number.isFinite(fl64[j]) ? fl64[j].toExponential(1) : 'n/a'})`;
            (ok ? f64bad : f64short).push(line);
          }
          if (ctx.backend === 'webgpu' && r > 1e-3 && (st[j] === 'ok' || st[j] === 'one-sided') && est[j] <= 1e-3 * Math.abs(exact[j])) silent++;
        });
        if (ctx.backend === 'webgpu') {
          gpuWorst = worst;
          gpuEst = worstEst;
          fl = await floor(ctx, fn, c);
          if (Number.isFinite(fl) && worst > 10 * Math.max(fl, 1.2e-7)) over10++;
        }
        cells.push(worst.toExponential(1), worstEst.toExponential(1), worstSt);
      }
      cells.push(Number.isFinite(fl) ? fl.toExponential(1) : 'n/a', Number.isFinite(fl) ? (gpuWorst / Math.max(fl, 1.2e-7)).toFixed(1) : '');
      void gpuEst;
      rows.push(`| ${cells.join(' | ')} |`);
    }
    const table = [
      '| case | CPU rel. error | CPU estimate | CPU status | GPU rel. error | GPU estimate | GPU status | float32 floor | GPU / floor |',
      '| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |', ...rows,
      '', `Estimates covering the true error: CPU ${cover.cpu[0]} of ${cover.cpu[1]} components, GPU ${cover.webgpu[0]} of ${cover.webgpu[1]}.`,
      `GPU cases more than 10× above their float32 floor: ${over10}. GPU results off by more than 1e-3 with neither status nor estimate saying so: ${silent}.`,
      `CPU components above 1e-9, within ${F64_FLOOR_FACTOR}× their float64 floor (float64 does not allow 1e-9 there): ${f64bad.join('; ') || 'none'}.`,
      `CPU components above 1e-9 and above ${F64_FLOOR_FACTOR}× their float64 floor: ${f64short.join('; ') || 'none'}.`,
      '', 'GPU errors and floors are relative to the derivative at the float32 x (the point the GPU computes at); the float32',
      'floor is the best smoothed error of fixed 3-point steps on the GPU, the float64 floor that of fixed 3- and 5-point steps',
      'on the CPU. cbrt at 1 and −8 (exact cubes): float32 pow lands f(x ± h) on a lattice where the 3-point difference is',
      'fround(1/3)·scale over whole ranges of h, so their floor is that lattice coincidence (3e-8), not a reachable accuracy.',
    ];
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/battery.md', table.join('\n') + '\n');
    console.log(table.join('\n'));
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(cover.cpu[0] / cover.cpu[1]).toBeGreaterThanOrEqual(0.95);
    expect(cover.webgpu[0] / cover.webgpu[1]).toBeGreaterThanOrEqual(0.95);
    expect(silent).toBe(0);
    expect(over10).toBeLessThanOrEqual(3);
    // float64: 1e-9, or within a small factor of what any fixed step reaches in float64
    expect(f64short).toEqual([]);
    console.log(`[battery] float64 above 1e-9 (within ${F64_FLOOR_FACTOR}× the float64 floor): ${f64bad.join('; ') || 'none'}; GPU cases above 10× their floor: ${over10}`);
    await cpu.dispose();
    await gp.dispose();
  }, 600_000);
});
