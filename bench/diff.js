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

export async function benchDiff(cpu, gpu, { quick }) {
  const cases = [
    { name: 'quiver grid 18×18, x0²+x1²', src: 'x0^2 + x1^2', rows: quiverGrid() },
    { name: '10⁴ points, x0²+x1²', src: 'x0^2 + x1^2', rows: randomRows(1e4, 2, 1) },
    { name: '10⁴ points, 8-D sum(sin(x)·exp(−x²/4))', src: 'sum(sin(x)*exp(-x^2/4))', n: 8, rows: randomRows(1e4, 8, 2) },
    { name: '10⁶ points, x0²+x1²', src: 'x0^2 + x1^2', rows: randomRows(quick ? 2e5 : 1e6, 2, 3) },
  ];
  const out = [];
  for (const c of cases) {
    const fc = cpu.fn(c.src, c.n ? { n: c.n } : {});
    const fg = gpu.fn(c.src, c.n ? { n: c.n } : {});
    const opts = { batch: true };
    const big = c.rows.length >= 1e5;
    const tc = await median(() => cpu.numericalGradient(fc, c.rows, opts), { runs: big ? 3 : 7 });
    const tg = await median(() => gpu.numericalGradient(fg, c.rows, opts), { runs: big ? 3 : 7 });
    out.push({ case: c.name, points: c.rows.length, cpuMs: tc.ms, gpuMs: tg.ms, speedup: ratio(tc.ms, tg.ms) });
  }
  return out;
}
