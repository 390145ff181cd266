// Batched gradients of x0² + x1² from 1 to 10⁶ points: numgrad (GPU float32, CPU float64;
// a fixed 3-point step and the default step ladder) beside the floor (one bare round trip
// on the same runtime over the same lanes) and the peers as their users would write it
// (TF.js and jax-js: numerical from batched perturbed copies, and their autodiff; the
// book's numpy loop). Typed arrays in. Every row: median time and its worst relative error
// against the exact gradient 2x, in float64 from the same float32 points.
import { execFileSync } from 'node:child_process';
import { timeChecked, relError, flat } from './harness.js';
import { paired } from './timing.js';
import { roundTrip } from './floor.js';
import { loadTf, useBackend, tfSquares } from './peers/tf.js';
import { loadJax, jaxSquares } from './peers/jax.js';
import { quiverGrid } from './diff.js';

export const SEED = 20261201;
const H32 = Math.cbrt(2 ** -23); // ∛ε(float32), the 3-point optimum for |x| ~ 1

/** N points in [-2, 2)², float32, from a seeded LCG (the quiver grid for 324). */
export function points(N, seed = SEED) {
  if (N === 324) return Float32Array.from(quiverGrid().flat());
  let s = (seed + N) >>> 0;
  const x = new Float32Array(2 * N);
  for (let i = 0; i < x.length; i++) x[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2;
  return x;
}

function numpyRows(sizes, budgetS) {
  try {
    const out = execFileSync('python3', ['bench/peers/numpy_batch.py', sizes.join(','), String(budgetS)], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    const msg = String(e.stderr || e.message || e);
    const last = msg.trim().split('\n').filter(Boolean).pop() ?? '';
    return { error: /No module named .numpy/.test(msg) ? 'skipped: python3 has no numpy' : /ENOENT/.test(msg) ? 'skipped: no python3' : `failed (exit ${e.status ?? '?'}): ${last.slice(0, 160) || 'no output'}` };
  }
}

/**
 * @returns {{ sizes: number[], impls: { name, kind, rows: Record<number, row> }[], notes: string[], memory }}
 */
export async function benchScaling(cpu, gpu, { quick, watch }) {
  const sizes = quick ? [1, 324, 1e4, 1e5, 1e6] : [1, 100, 324, 1e3, 1e4, 1e5, 1e6];
  const capMs = quick ? 1500 : 12_000; // a row whose next size would take longer per call is skipped
  // calls of a fraction of a millisecond: hundreds of runs, or one scheduler hiccup moves the median
  const runsFor = (N) => (N >= 1e6 ? 3 : N >= 1e5 ? (quick ? 3 : 5) : N > 1e3 ? (quick ? 5 : 11) : quick ? 101 : 301);
  const fg = gpu.fn('x0^2 + x1^2'), fc = cpu.fn('x0^2 + x1^2');
  const ng = (ctx, f, opts) => (x, N) => ctx.numericalGradient(f, x, { batch: true, shape: [N, 2], warn: false, ...opts });
  const impls = [];
  const add = (name, kind, tol, fn) => impls.push({ name, kind, tol, fn, rows: {} });

  const floor = await roundTrip(gpu.runtime);
  add('floor: bare round trip (upload, 1 dispatch, readback)', 'floor', 0, async (x) => floor(x));
  add('numgrad GPU f32, 3-point, h = ∛ε', 'numgrad-gpu', 1e-3, ng(gpu, fg, { h: H32 }));
  add('numgrad GPU f32, default (step ladder)', 'numgrad-gpu-ladder', 1e-3, ng(gpu, fg, {}));
  add("numgrad CPU f64, 3-point, the book's h = 1e-4", 'numgrad-cpu', 1e-6, ng(cpu, fc, { h: 1e-4 }));
  add('numgrad CPU f64, default (step ladder)', 'numgrad-cpu-ladder', 1e-9, ng(cpu, fc, {}));
  const notes = [];
  const { tf, error: tfError } = loadTf();
  const tfBackends = [];
  if (tf) {
    for (const be of ['cpu', 'webgpu']) {
      if (!(await useBackend(tf, be))) { notes.push(`TF.js ${be}: backend not available`); continue; }
      tfBackends.push(be);
      add(`TF.js ${be}: perturbed copies (numerical)`, `tf-${be}`, 1e-3, { backend: be, fn: (x, N) => tfSquares(tf, 2).numerical(x, N) });
      add(`TF.js ${be}: tf.grad (analytic)`, `tf-${be}-grad`, 1e-6, { backend: be, fn: (x, N) => tfSquares(tf, 2).analytic(x, N) });
    }
  } else notes.push(`TF.js skipped: ${tfError}`);
  const { jax, devices = [], error: jaxError } = await loadJax();
  if (jax) {
    for (const d of ['wasm', 'webgpu']) {
      if (!devices.includes(d)) { notes.push(`jax-js ${d}: device not available`); continue; }
      const s = jaxSquares(jax, d, 2);
      add(`jax-js ${d}: jit(vmap(perturbed copies)) (numerical)`, `jax-${d}`, 1e-3, s.numerical);
      add(`jax-js ${d}: jit(vmap(grad)) (analytic)`, `jax-${d}-grad`, 1e-6, s.analytic);
    }
  } else notes.push(`jax-js skipped: ${jaxError}`);

  for (const N of sizes) {
    const x = points(N);
    const exact = Float64Array.from(x, (v) => 2 * v);
    for (const im of impls) {
      const prev = Object.values(im.rows).filter((r) => r.ok).pop();
      if (prev && prev.ms * (N / prev.points) > capMs) {
        im.rows[N] = { points: N, ok: false, skipped: true, reason: `skipped: ~${((prev.ms * N) / prev.points / 1000).toFixed(0)} s a call` };
        continue;
      }
      if (im.rows[Object.keys(im.rows).pop()]?.skipped) { im.rows[N] = { points: N, ok: false, skipped: true, reason: 'skipped' }; continue; }
      let fn = im.fn;
      if (fn.backend) {
        await useBackend(tf, fn.backend);
        fn = fn.fn;
      }
      // the floor's reference is its own kernel's exact output, 2x (nothing numerical)
      const peak = watch && N === 1e6 && im.kind.startsWith('numgrad-gpu');
      if (peak) watch.reset(); // the peak device memory of this row alone
      const r = await timeChecked(im.name, () => fn(x, N), (g) => relError(flat(g), exact), { tol: im.tol, runs: runsFor(N), warmup: N >= 1e5 ? 1 : N > 1e3 ? 2 : 20 });
      im.rows[N] = { points: N, ...r };
      if (process.env.BENCH_VERBOSE) console.error(`  ${im.kind} ${N}: ${r.ok ? r.ms.toFixed(2) + ' ms' : r.reason} heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
      if (peak) im.rows[N].memory = watch.snapshot();
    }
  }

  // the small sizes' acceptance ratios, floor and numgrad in alternation (both already checked above)
  const pairs = {};
  const gpu3 = impls.find((i) => i.kind === 'numgrad-gpu');
  const big = sizes[sizes.length - 1];
  for (const N of [1, 324, big]) {
    const x = points(N);
    const opts = N >= 1e5 ? { runs: quick ? 5 : 11, warmup: 1 } : { runs: quick ? 101 : 301 };
    if (gpu3?.rows[N]?.ok) pairs[N] = await paired(() => floor(x), () => gpu3.fn(x, N), opts);
  }

  const np = numpyRows(sizes, quick ? 3 : 15);
  if (np.rows) {
    const rows = {};
    for (const r of np.rows) rows[r.points] = r.skipped ? { points: r.points, ok: false, skipped: true, reason: `skipped: ${r.skipped}` } : { points: r.points, ok: r.err <= 1e-6, ms: r.ms, err: r.err, runs: r.runs };
    impls.push({ name: `numpy ${np.numpy}, the book's numerical_gradient (f64, h = 1e-4, 1 BLAS thread)`, kind: 'numpy', rows });
  } else notes.push(`numpy: ${np.error}`);
  return { sizes, impls: impls.map(({ fn, ...rest }) => rest), notes, seed: SEED, pairs };
}
