// numgrad's batched GPU gradient against the floor it cannot beat: a raw round trip on the
// same runtime over the same lanes (upload the points as a Float32Array, one dispatch of a
// trivial kernel, one lane per point × parameter, read the result back), and the float64
// CPU path, for x0² + x1² with typed arrays in and out. Every result is read back and checked
// against the exact gradient 2x before its time counts. Medians after warm-up.
//
//   node bench/diff-floor.js [--quick]       (uses dist/: build it first)
//
// bench/run.js imports benchFloor(gpu, cpu, { quick }) from here. The raw round trip goes
// through the context's GpuRuntime (src/gpu/runtime.ts), the only code that calls WebGPU.
import { median } from './timing.js';

const H32 = Math.cbrt(2 ** -23); // ∛ε(float32): the fixed 3-point step for |x| ~ 1

const TRIVIAL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i < arrayLength(&y)) { y[i] = 2.0 * x[i]; }
}`;

/** A raw round trip on `rt`: Float32Array in, one dispatch over x.length lanes, Float32Array (2x) out. */
export async function rawRoundTrip(rt) {
  const pipe = await rt.pipeline('bench_diff_floor', TRIVIAL);
  return async (x) => {
    const xb = rt.upload(x, undefined, 'bench-floor-x');
    const yb = rt.pool.acquire(x.byteLength, xb.usage, 'bench-floor-y');
    try {
      const enc = rt.encoder('bench-floor');
      rt.dispatch(enc, pipe, [{ binding: 0, buffer: xb, size: x.byteLength }, { binding: 1, buffer: yb, size: x.byteLength }], x.length, 64);
      return await rt.readF32(yb, x.length, 0, enc);
    } finally {
      rt.release(xb, yb);
    }
  };
}

/** N points in [-2, 2)² as float32 from a seeded LCG. */
function points(N, seed = 20261201) {
  let s = (seed + N) >>> 0;
  const x = new Float32Array(2 * N);
  for (let i = 0; i < x.length; i++) x[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2;
  return x;
}

/** Worst |g − 2x| / max(|2x|, 1), in float64; Infinity for a result of the wrong kind or length. */
function err(g, x, kind) {
  if (!(g instanceof kind) || g.length !== x.length) return Infinity;
  let w = 0;
  for (let i = 0; i < x.length; i++) w = Math.max(w, Math.abs(g[i] - 2 * x[i]) / Math.max(Math.abs(2 * x[i]), 1));
  return w;
}

/**
 * Rows { points, floorMs, gpuMs, gpuPerFloor, gpuLadderMs, cpuMs, gpuErr, cpuErr } for 1, 324,
 * 10⁴ (full run: also 10², 10⁵) and 10⁶ points. gpuMs is the fixed 3-point step (h = ∛ε, what the
 * floor is comparable to: one lane per component); gpuLadderMs the default step ladder (16
 * lanes per component, with error estimates); cpuMs the float64 CPU path with the book's h = 1e-4.
 */
export async function benchFloor(gpu, cpu, { quick = false } = {}) {
  const rt = gpu.runtime;
  const floor = await rawRoundTrip(rt);
  const fg = gpu.fn('x0^2 + x1^2'), fc = cpu.fn('x0^2 + x1^2');
  const sizes = quick ? [1, 324, 1e4, 1e6] : [1, 100, 324, 1e4, 1e5, 1e6];
  const rows = [];
  for (const N of sizes) {
    const x = points(N);
    const runs = N >= 1e6 ? (quick ? 3 : 5) : N >= 1e5 ? 7 : quick ? 15 : 31;
    const opts = { shape: [N, 2], batch: true, h: H32, warn: false };
    let gpuErr = 0, cpuErr = 0, floorErr = 0;
    const timed = async (body, check) => (await median(async () => check(await body()), { runs, warmup: 2 })).ms;
    const floorMs = await timed(() => floor(x), (y) => { floorErr = Math.max(floorErr, err(y, x, Float32Array)); });
    const gpuMs = await timed(() => gpu.numericalGradient(fg, x, opts), (g) => { gpuErr = Math.max(gpuErr, err(g, x, Float32Array)); });
    const ladderRuns = N >= 1e6 ? 3 : runs;
    let ladderErr = 0;
    // --quick leaves out the ladder at 10⁶ points (about a minute on a software GPU)
    const gpuLadderMs = quick && N >= 1e6 ? NaN : (await median(async () => {
      const g = await gpu.numericalGradient(fg, x, { shape: [N, 2], batch: true, warn: false });
      ladderErr = Math.max(ladderErr, err(g, x, Float32Array));
    }, { runs: ladderRuns, warmup: 1 })).ms;
    const x64 = Float64Array.from(x);
    const cpuMs = await timed(() => cpu.numericalGradient(fc, x64, { ...opts, h: 'book' }), (g) => { cpuErr = Math.max(cpuErr, err(g, x64, Float64Array)); });
    if (floorErr !== 0) throw new Error(`bench/diff-floor: the raw round trip returned a wrong result (error ${floorErr})`);
    for (const [what, e, tol] of [['GPU', gpuErr, 1e-3], ['GPU ladder', ladderErr, 1e-3], ['CPU', cpuErr, 1e-6]]) {
      if (!(e <= tol)) throw new Error(`bench/diff-floor: numgrad ${what} at ${N} points is wrong (error ${e}), not timed`);
    }
    rows.push({ points: N, floorMs, gpuMs, gpuPerFloor: gpuMs / floorMs, gpuLadderMs, cpuMs, gpuErr, ladderErr, cpuErr });
  }
  return rows;
}

// run directly: node bench/diff-floor.js [--quick]
if (import.meta.url === `file://${process.argv[1]}`) {
  const { createContext } = await import('../dist/node.js');
  const gpu = await createContext({ backend: 'webgpu' });
  const cpu = await createContext({ backend: 'cpu' });
  const rows = await benchFloor(gpu, cpu, { quick: process.argv.includes('--quick') });
  const f = (v) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
  console.log('| points | raw round trip ms | numgrad GPU 3-point ms | GPU / floor | GPU ladder ms | CPU f64 ms | GPU err | ladder err | CPU err |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.points} | ${f(r.floorMs)} | ${f(r.gpuMs)} | ${r.gpuPerFloor.toFixed(2)} | ${f(r.gpuLadderMs)} | ${f(r.cpuMs)} | ${r.gpuErr.toExponential(1)} | ${r.ladderErr.toExponential(1)} | ${r.cpuErr.toExponential(1)} |`);
  }
  await gpu.dispose();
  await cpu.dispose();
}
