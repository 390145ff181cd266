// Structure-aware differences for sums (src/features/sums) against whole-function lanes, on
// the GPU, side by side: the 10⁴-D Rosenbrock and a 10⁴-term transcendental sum. Each lane
// of the structured kernel evaluates the terms that read its parameter (O(n) in all); each
// whole-function lane evaluates all n terms (O(n²)). Errors are against the analytic
// gradient written here: relative to the magnitude of the terms each component sums
// (Rosenbrock: its partials are cancelling sums) or to max(|∂f|, 1).
// Run: node bench/expr-sums.js [--quick] (uses dist/: npm run build first), or from
// bench/run.js as benchExprSums(cpu, gpu, { quick }).
import { fmtMs, median } from './timing.js';

const ROSENBROCK = 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)';
const WAVE = 'sum(i, 0, n-1, sin(x[i])*exp(-x[i]^2/4))';

function points(n, lo, hi, seed) {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => lo + (hi - lo) * ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32));
}

function rosenbrockExact(x) {
  const n = x.length;
  return x.map((v, j) => {
    const parts = [];
    if (j < n - 1) parts.push(-400 * v * (x[j + 1] - v * v), -2 * (1 - v));
    if (j > 0) parts.push(200 * (v - x[j - 1] ** 2));
    return { g: parts.reduce((a, b) => a + b, 0), scale: Math.max(1, ...parts.map(Math.abs)) };
  });
}

const waveExact = (x) => x.map((v) => {
  const g = Math.exp(-v * v / 4) * (Math.cos(v) - (v / 2) * Math.sin(v));
  return { g, scale: Math.max(1, Math.abs(g)) };
});

/** the worst component, relative to the magnitude of what it sums */
const worst = (g, ex) => ex.reduce((w, e, j) => Math.max(w, Math.abs(g[j] - e.g) / e.scale), 0);
/** normwise: max |g − ∇f| / max |∇f| */
const normwise = (g, ex) => ex.reduce((w, e, j) => Math.max(w, Math.abs(g[j] - e.g)), 0) / ex.reduce((m, e) => Math.max(m, Math.abs(e.g)), 0);

/** rows { case, n, structuredMs, wholeMs, speedup, cpuMs, gpuErr, wholeErr, cpuErr } (errors normwise)
 *  and gpuWorst, wholeWorst (the worst component relative to the magnitude of its terms) */
export async function benchExprSums(cpu, gpu, { quick = false, config } = {}) {
  const cfg = config ?? (await import('../dist/node.js')).exprSumsConfig;
  const n = quick ? 2000 : 10_000;
  const cases = [
    { name: `${n.toLocaleString('en-US')}-D Rosenbrock`, src: ROSENBROCK, x: points(n, -2, 2, 1), exact: rosenbrockExact },
    { name: `${n.toLocaleString('en-US')}-term Σ sin(xᵢ)·exp(−xᵢ²/4)`, src: WAVE, x: points(n, -3, 3, 2), exact: waveExact },
  ];
  const rows = [];
  for (const c of cases) {
    const ex = c.exact(c.x);
    const fg = gpu.fn(c.src, { n }), fc = cpu.fn(c.src, { n });
    let g;
    const s = await median(async () => { g = await gpu.numericalGradient(fg, c.x, { warn: false }); }, { runs: 5 });
    const gpuErr = normwise(g, ex), gpuWorst = worst(g, ex);
    let wholeMs, wholeErr, wholeWorst;
    cfg.enabled = false;
    try {
      const w = await median(async () => { g = await gpu.numericalGradient(fg, c.x, { warn: false }); }, { runs: quick ? 3 : 1, warmup: quick ? 1 : 0 });
      wholeMs = w.ms;
      wholeErr = normwise(g, ex);
      wholeWorst = worst(g, ex);
    } finally {
      cfg.enabled = true;
    }
    const t = await median(async () => { g = await cpu.numericalGradient(fc, c.x, { warn: false }); }, { runs: 5 });
    const cpuErr = normwise(g, ex);
    if (!(gpuErr <= 1e-4) || !(cpuErr <= 1e-10)) throw new Error(`bench/expr-sums: ${c.name} is wrong (GPU ${gpuErr}, CPU ${cpuErr}), not timed`);
    rows.push({ case: c.name, n, structuredMs: s.ms, wholeMs, speedup: wholeMs / s.ms, cpuMs: t.ms, gpuErr, wholeErr, cpuErr, gpuWorst, wholeWorst });
  }
  return rows;
}

export function sumsTable(rows) {
  const e = (v) => v.toExponential(1);
  return ['| case | GPU structured | GPU whole-function | speedup | CPU structured | GPU error, normwise (structured / whole) | worst component (structured / whole) | CPU error |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.case} | ${fmtMs(r.structuredMs)} | ${fmtMs(r.wholeMs)} | ${r.speedup.toFixed(0)}× | ${fmtMs(r.cpuMs)} | ${e(r.gpuErr)} / ${e(r.wholeErr)} | ${e(r.gpuWorst)} / ${e(r.wholeWorst)} | ${e(r.cpuErr)} |`)];
}

// run directly: node bench/expr-sums.js [--quick]   (vite-node bench/expr-sums.js --src: from src/)
if (import.meta.url === `file://${process.argv[1]}` || process.argv.includes('--src')) {
  const src = process.argv.includes('--src');
  const lib = src ? await import('../src/entry-node.ts') : await import('../dist/node.js');
  const config = src ? (await import('../src/features/sums/config.ts')).exprSumsConfig : lib.exprSumsConfig;
  const gpu = await lib.createContext({ backend: 'webgpu' });
  const cpu = await lib.createContext({ backend: 'cpu' });
  const a = gpu.adapterInfo;
  console.log(`GPU: ${a.vendor} / ${a.architecture} / ${a.description || a.device}`);
  console.log(sumsTable(await benchExprSums(cpu, gpu, { quick: process.argv.includes('--quick'), config })).join('\n'));
  await gpu.dispose();
  await cpu.dispose();
}
