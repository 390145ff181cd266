// Batched numerical gradients, CPU (float64) vs GPU (float32), one dispatch per batch.
import { median, ratio } from './timing.js';

/** The book's quiver grid: x0, x1 in arange(-2, 2.5, 0.25) → 18×18 points. */
export function quiverGrid() {
  const xs = Array.from({ length: 18 }, (_, i) => -2 + 0.25 * i);
  return xs.flatMap((a) => xs.map((b) => [a, b]));
}

function randomRows(m, n, seed) {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2;
  return Array.from({ length: m }, () => Array.from({ length: n }, r));
}

const exactOf = {
  'x0^2 + x1^2': (x) => x.map((v) => 2 * v),
  'sum(sin(x)*exp(-x^2/4))': (x) => x.map((v) => Math.exp(-v * v / 4) * (Math.cos(v) - (v / 2) * Math.sin(v))),
};

/** Largest relative error of a batch of gradients against the exact one (by hand, above). */
function worstError(src, rows, g) {
  let w = 0;
  rows.forEach((x, i) => exactOf[src](x).forEach((e, j) => { w = Math.max(w, Math.abs(g[i][j] - e) / Math.max(Math.abs(e), 1)); }));
  return w;
}

/**
 * Each case with the default (the step ladder, with error estimates) and with a fixed
 * 3-point step (h = ∛ε in float32 on the GPU, the book's 1e-4 on the CPU), side by side,
 * with the error of each against the exact gradient (relative to max(|g|, 1)).
 */
export async function benchDiff(cpu, gpu, { quick }) {
  const cases = [
    { name: 'quiver grid 18×18, x0²+x1²', src: 'x0^2 + x1^2', rows: quiverGrid() },
    { name: '10⁴ points, x0²+x1²', src: 'x0^2 + x1^2', rows: randomRows(1e4, 2, 1) },
    { name: '10⁴ points, 8-D sum(sin(x)·exp(−x²/4))', src: 'sum(sin(x)*exp(-x^2/4))', n: 8, rows: randomRows(1e4, 8, 2) },
    { name: `${quick ? '2·10⁵' : '10⁶'} points, x0²+x1²`, src: 'x0^2 + x1^2', rows: randomRows(quick ? 2e5 : 1e6, 2, 3) },
  ];
  const out = [];
  for (const c of cases) {
    const fc = cpu.fn(c.src, c.n ? { n: c.n } : {});
    const fg = gpu.fn(c.src, c.n ? { n: c.n } : {});
    const big = c.rows.length >= 1e5;
    const runs = big ? 3 : 7;
    const row = { case: c.name, points: c.rows.length };
    for (const [key, ctx, f, fixed] of [['cpu', cpu, fc, 1e-4], ['gpu', gpu, fg, Math.cbrt(2 ** -23)]]) {
      let g;
      const t = await median(async () => { g = await ctx.numericalGradient(f, c.rows, { batch: true, warn: false }); }, { runs });
      row[`${key}Ms`] = t.ms;
      row[`${key}Err`] = worstError(c.src, c.rows, g);
      const t3 = await median(async () => { g = await ctx.numericalGradient(f, c.rows, { batch: true, h: fixed, warn: false }); }, { runs });
      row[`${key}FixedMs`] = t3.ms;
      row[`${key}FixedErr`] = worstError(c.src, c.rows, g);
    }
    row.speedup = ratio(row.cpuMs, row.gpuMs);
    row.ladderCost = ratio(row.gpuMs, row.gpuFixedMs);
    out.push(row);
  }
  return out;
}
