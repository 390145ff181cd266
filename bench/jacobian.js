// Jacobians and Hessians, CPU (float64) vs GPU (float32): a dense Hessian of the Rosenbrock
// sum (n = 256: 32,896 pairs i ≤ j, each 12 evaluations), the sparse Jacobian of Broyden's
// tridiagonal function at n = 10⁴ (3 colours: 49 evaluations of all 10⁴ outputs, plus 17
// for the pattern check) and the sparse Hessian of the Rosenbrock sum at n = 10⁴ (3 colours,
// 16 gradient evaluations). Errors are relative ∞-norms against the analytic float64
// matrices written here.
import { median, ratio } from './timing.js';

const ROSEN = 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)';

function points(n, seed) {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2.4 - 1.2);
}

/** Analytic Hessian entry (i, j) of the Rosenbrock sum. */
function rosenH(x, i, j) {
  const n = x.length;
  if (i === j) return (i < n - 1 ? 1200 * x[i] ** 2 - 400 * x[i + 1] + 2 : 0) + (i > 0 ? 200 : 0);
  return Math.abs(i - j) === 1 ? -400 * x[Math.min(i, j)] : 0;
}

/** Broyden tridiagonal F_i = (3 − 2x_i)x_i − x_{i−1} − 2x_{i+1} + 1, as a WGSL body with its float64 twin. */
function broyden(n) {
  return {
    n, outputs: n,
    body: `var l = 0.0; var r = 0.0;
if (k > 0u) { l = p(k - 1u); }
if (k + 1u < ${n}u) { r = p(k + 1u); }
let x = p(k);
return (3.0 - 2.0 * x) * x - l - 2.0 * r + 1.0;`,
    cpu: (x) => Array.from(x, (xi, i) => (3 - 2 * xi) * xi - (i > 0 ? x[i - 1] : 0) - 2 * (i + 1 < x.length ? x[i + 1] : 0) + 1),
  };
}
const broydenJ = (x, i, j) => (i === j ? 3 - 4 * x[i] : j === i - 1 ? -1 : j === i + 1 ? -2 : 0);

function denseErr(H, x, entry) {
  let d = 0, s = 0;
  H.forEach((row, i) => row.forEach((v, j) => {
    const e = entry(x, i, j);
    d = Math.max(d, Math.abs(v - e));
    s = Math.max(s, Math.abs(e));
  }));
  return d / s;
}

function cooErr(coo, x, entry) {
  let d = 0, s = 0;
  coo.values.forEach((v, k) => {
    const e = entry(x, coo.rows[k], coo.cols[k]);
    d = Math.max(d, Math.abs(v - e));
    s = Math.max(s, Math.abs(e));
  });
  return d / s;
}

function band(n) {
  const rows = [], cols = [];
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) { rows.push(i); cols.push(j); }
  return { rows, cols };
}

/** Rows { case, n, cpuMs, gpuMs, ratio (cpu/gpu), cpuErr, gpuErr, colours?, evaluations }. */
export async function benchJacobian(cpu, gpu, { quick }) {
  const out = [];
  const nH = quick ? 96 : 256;
  const xH = points(nH, 7);
  const rowH = { case: `dense Hessian, Rosenbrock sum (${(nH * (nH + 1)) / 2} pairs)`, n: nH };
  for (const [key, ctx] of [['cpu', cpu], ['gpu', gpu]]) {
    const f = ctx.fn(ROSEN, { n: nH });
    let d;
    const t = await median(async () => { d = await ctx.hessian(f, xH, { detail: true, warn: false }); }, { runs: quick ? 1 : 3, warmup: 1 });
    rowH[`${key}Ms`] = t.ms;
    rowH[`${key}Err`] = denseErr(d.value, xH, rosenH);
    rowH.evaluations = d.evaluations;
  }
  rowH.ratio = ratio(rowH.cpuMs, rowH.gpuMs);
  out.push(rowH);

  const nJ = quick ? 2000 : 10_000;
  const xJ = points(nJ, 11);
  const rowJ = { case: 'sparse Jacobian, Broyden tridiagonal (coloured)', n: nJ };
  for (const [key, ctx] of [['cpu', cpu], ['gpu', gpu]]) {
    const f = ctx.wgsl(broyden(nJ));
    let d;
    const t = await median(async () => { d = await ctx.jacobian(f, xJ, { sparsity: band(nJ), format: 'coo', detail: true, warn: false }); }, { runs: quick ? 2 : 5 });
    rowJ[`${key}Ms`] = t.ms;
    rowJ[`${key}Err`] = cooErr(d.value, xJ, broydenJ);
    rowJ.colours = d.colours;
    rowJ.evaluations = d.evaluations;
  }
  rowJ.ratio = ratio(rowJ.cpuMs, rowJ.gpuMs);
  out.push(rowJ);

  // a sparse Hessian of an expression from its symbolic gradients: 3 colours × 4 + 4 (pattern check)
  const xS = points(nJ, 13);
  const rowS = { case: 'sparse Hessian, Rosenbrock sum (coloured, by gradients)', n: nJ };
  for (const [key, ctx] of [['cpu', cpu], ['gpu', gpu]]) {
    const f = ctx.fn(ROSEN);
    let d;
    const t = await median(async () => { d = await ctx.hessian(f, xS, { sparsity: band(nJ), format: 'coo', detail: true, warn: false }); }, { runs: quick ? 2 : 5 });
    rowS[`${key}Ms`] = t.ms;
    rowS[`${key}Err`] = cooErr(d.value, xS, rosenH);
    rowS.colours = d.colours;
    rowS.evaluations = d.evaluations;
  }
  rowS.ratio = ratio(rowS.cpuMs, rowS.gpuMs);
  out.push(rowS);
  return out;
}
