import harnessSrc from './shaders/ngrad_harness.wgsl';
import ladderSrc from './shaders/ladder.wgsl';
import { GPU_REL_TOL, LADDER_H0, LADDER_STEPS, gpuUlps, settleFlat, STATUS } from './ladder';
import { bounds32 } from './bounds';

/** Bit of the ladder kernel's step word: the x binding ends with the bounds (lo[n], hi[n]). */
const LADDER_BOUNDED = 0x100;
import { ArgumentError } from '../../core/errors';
import type { WgslFunction, ExprFunction } from '../../functions/fn';
import { DIFF_DATA_BINDING, LADDER_WG, LANE_WG } from '../../gpu/constants';
import type { GpuRuntime } from '../../gpu/runtime';
import { gpuFunction, harnessPipeline } from './harness';
import { MAX_VANISHED_LISTED, type GradientJob, type GradientOut, type PointsJob } from './jobs';
import { BOOK_H } from '../../core/steps';

const WG = LANE_WG;
const FIRST_DATA_BINDING = DIFF_DATA_BINDING;

/** Tunables, lowered in tests to force several readback groups. */
export const gpuDiffConfig = {
  /** device bytes one readback group may hold (its chunks' buffers plus the result copy) */
  groupBytes: 256 * 1024 * 1024,
};

/** A contiguous range of lanes: points [r0, r1) and, within each, parameters [j0, j0 + nj). */
interface Chunk {
  l0: number;
  lanes: number;
  r0: number;
  r1: number;
  j0: number;
  nj: number;
}

/**
 * Splits rows·n lanes so no binding exceeds `limit` bytes: whole points per chunk when one
 * point's perturbations fit, else one point split over parameter ranges (its n values are
 * still bound whole, since p(i) may read any of them).
 */
export function planChunks(rows: number, n: number, valuesPerLane: number, limit: number): Chunk[] {
  const laneBytes = 4 * valuesPerLane;
  if (n * 4 > limit) {
    throw new ArgumentError('x', `one point of ${n} parameters (${n * 4} bytes) exceeds this device's storage binding limit (${limit} bytes)`);
  }
  const out: Chunk[] = [];
  const perChunk = Math.floor(limit / (laneBytes * n));
  if (perChunk >= 1) {
    for (let r0 = 0; r0 < rows; r0 += perChunk) {
      const r1 = Math.min(rows, r0 + perChunk);
      out.push({ l0: r0 * n, lanes: (r1 - r0) * n, r0, r1, j0: 0, nj: n });
    }
  } else {
    const nj = Math.max(1, Math.floor(limit / laneBytes));
    for (let r = 0; r < rows; r++) {
      for (let j0 = 0; j0 < n; j0 += nj) {
        const m = Math.min(nj, n - j0);
        out.push({ l0: r * n + j0, lanes: m, r0: r, r1: r + 1, j0, nj: m });
      }
    }
  }
  return out;
}

/**
 * Refuses a WGSL function's data before any device work: an array over the storage binding
 * limit, or an element beyond float32's range. fn.data holds the arrays as float32 already,
 * so such an element is ±Infinity there (a finite float64 such as 1e39 the CPU twin reads
 * as given); the GPU would compute NaN from it. Shared with gradient descent.
 */
export function checkGpuData(fn: ExprFunction | WgslFunction, maxBinding: number): void {
  for (const d of fn.data) { // an expression's data32 refuses values beyond float32 itself
    if (d.values.byteLength > maxBinding) {
      throw new ArgumentError('data', `'${d.name}' (${d.values.byteLength} bytes) exceeds the storage binding limit (${maxBinding} bytes)`);
    }
    const i = d.values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) {
      throw new ArgumentError('data', `${d.name}[${i}] is beyond float32's range (±3.4028235e38): it would be ${d.values[i]} on the webgpu backend; ` +
        'use the cpu backend (float64, with a cpu twin) for it');
    }
  }
}

/**
 * Uploads the function's data arrays (a WGSL body's or an expression's, bindings from
 * `first` on; checked by checkGpuData). The caller releases `buffers`; nothing is left
 * held if an upload fails. Shared with gradient descent and the Jacobian's sample kernel.
 */
export function uploadData(rt: GpuRuntime, fn: ExprFunction | WgslFunction, first = FIRST_DATA_BINDING): { bindings: { binding: number; buffer: GPUBuffer; size: number }[]; buffers: GPUBuffer[] } {
  const buffers: GPUBuffer[] = [];
  const bindings: { binding: number; buffer: GPUBuffer; size: number }[] = [];
  try {
    fn.data.forEach((d, k) => {
      const buffer = rt.upload(d.values, undefined, `numgrad-data-${d.name}`);
      buffers.push(buffer);
      bindings.push({ binding: first + k, buffer, size: d.values.byteLength }); // exact size: arrayLength works
    });
  } catch (e) {
    rt.release(...buffers);
    throw e;
  }
  return { bindings, buffers };
}

/**
 * Batched central differences in float32, one lane per (point, parameter): the ladder for
 * 'auto', else the fixed step, with x ± h formed on the device from x alone. Lanes whose
 * x ± h rounded to x give 0 and are listed.
 */
export async function gpuGradient(rt: GpuRuntime, job: GradientJob): Promise<GradientOut> {
  if (job.h === 'auto') return gpuLadderGradient(rt, job);
  const fn = gpuFunction(job.f);
  checkGpuData(fn, rt.maxBinding);
  const { rows, n } = job;
  const total = rows * n;
  const x32 = (job.x32 ?? new Float32Array(job.x));
  const h32 = Math.fround(job.h === 'book' ? BOOK_H : job.h);
  const pipeline = await harnessPipeline(rt, fn, 'ngrad', harnessSrc, FIRST_DATA_BINDING, 'main', { N: n, STENCIL: job.stencil, WG });
  const out = await runChunks(rt, fn, pipeline, planChunks(rows, n, 1, rt.maxBinding), n, x32, { words: 1, invocations: 1 }, new Uint32Array(Float32Array.of(h32).buffer)[0]);
  const { vanished, vanishedCount } = vanishedLanes(x32, h32, job.maxAbs);
  // the float64 copy only when someone reads it (a Float32Array result takes grad32 as it is)
  let grad: Float64Array | null = null;
  return {
    get grad() {
      return (grad ??= new Float64Array(out));
    },
    grad32: out, vanished, vanishedCount,
  };
}

/**
 * The lanes whose x ± h rounded to x (the kernel wrote 0 there): x + h and x − h are correctly
 * rounded float32 sums, so Math.fround reproduces them. Only a coordinate with |x| ≥ 2²²·h can
 * lose the step, so the per-lane test runs only when the largest |x| is that big.
 */
export function vanishedLanes(x32: Float32Array, h32: number, maxAbs?: number): { vanished: number[]; vanishedCount: number } {
  const vanished: number[] = [];
  let vanishedCount = 0;
  let big = maxAbs ?? 0;
  if (maxAbs === undefined) {
    for (let l = 0; l < x32.length; l++) {
      const a = Math.abs(x32[l]);
      if (a > big) big = a;
    }
  }
  // (maxAbs is of the float64 x: a factor 2 covers its rounding to float32)
  if (big < 2 ** 21 * h32) return { vanished, vanishedCount };
  for (let l = 0; l < x32.length; l++) {
    const v = x32[l];
    if (Math.fround(v + h32) === Math.fround(v - h32) && vanishedCount++ < MAX_VANISHED_LISTED) vanished.push(l);
  }
  return { vanished, vanishedCount };
}

/**
 * The step ladder in float32 (shaders/ladder.wgsl): x is uploaded once, the kernel forms
 * every x ± h_k itself, and each component comes back as [value, error, step, status].
 */
export async function gpuLadderGradient(rt: GpuRuntime, job: GradientJob): Promise<GradientOut> {
  const fn = gpuFunction(job.f);
  checkGpuData(fn, rt.maxBinding);
  const { rows, n } = job;
  const constants = { N: n, STENCIL: 3, WG: LADDER_WG, H0: LADDER_H0, ULPS: gpuUlps(job.f as never), REL_TOL: GPU_REL_TOL };
  const pipeline = await harnessPipeline(rt, fn, 'ladder', ladderSrc, FIRST_DATA_BINDING, 'main', constants);
  const x32 = (job.x32 ?? new Float32Array(job.x));
  // bounds ride after each chunk's points in the same binding, flagged in the step word's bit 8
  // (the structured sums kernel shares this shader and binds no bounds)
  const tail = job.bounds ? bounds32(job.bounds) : undefined;
  const limit = rt.maxBinding - (tail ? tail.byteLength : 0);
  const out = await runChunks(rt, fn, pipeline, planChunks(rows, n, 4, limit), n, x32, { words: 4, invocations: 2 * LADDER_STEPS, wg: LADDER_WG },
    LADDER_STEPS | (tail ? LADDER_BOUNDED : 0), tail);
  const total = rows * n;
  const grad = new Float64Array(total), error = new Float64Array(total), step = new Float64Array(total);
  const status = new Uint32Array(total);
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  const vanished: number[] = [];
  let vanishedCount = 0;
  for (let l = 0; l < total; l++) {
    grad[l] = out[4 * l];
    error[l] = out[4 * l + 1];
    step[l] = out[4 * l + 2];
    status[l] = bits[4 * l + 3];
    if ((status[l] & 0xff) === STATUS.vanished && vanishedCount++ < MAX_VANISHED_LISTED) vanished.push(l);
  }
  settleFlat(status, grad, error, rows, n, GPU_REL_TOL);
  return { grad, vanished, vanishedCount, error, step, status };
}

/** f at each point in float32. */
export async function gpuEvaluate(rt: GpuRuntime, job: PointsJob): Promise<Float64Array> {
  const fn = gpuFunction(job.f);
  checkGpuData(fn, rt.maxBinding);
  const x32 = (job.x32 ?? new Float32Array(job.x));
  const pipeline = await harnessPipeline(rt, fn, 'ngrad', harnessSrc, FIRST_DATA_BINDING, 'values', { N: job.n, STENCIL: 3, WG });
  // one lane per point: chunk by whole points
  const chunks = planChunks(job.rows, job.n, 1, rt.maxBinding).map((c) => ({ l0: c.r0, lanes: c.r1 - c.r0, r0: c.r0, r1: c.r1, j0: 0, nj: 1 }));
  return Float64Array.from(await runChunks(rt, fn, pipeline, chunks, job.n, x32));
}

/**
 * Records chunks on one encoder per readback group (as many as `groupBytes` allows), each
 * chunk's output copied into the group's result buffer at its lane offset, then one
 * mapAsync per group. Every buffer goes back to the pool in `finally`.
 */
async function runChunks(
  rt: GpuRuntime,
  fn: ExprFunction | WgslFunction,
  pipeline: GPUComputePipeline,
  chunks: Chunk[],
  n: number,
  x32: Float32Array,
  /** f32 words each lane writes, shader invocations per lane and the workgroup size (the ladder: 4, 16, LADDER_WG) */
  layout: { words: number; invocations: number; wg?: number } = { words: 1, invocations: 1 },
  /** the uniform's last word: the fixed step's f32 bits, or the ladder's step count */
  word3 = 0,
  /** appended after each chunk's points in their binding (the ladder's bounds) */
  tail?: Float32Array,
): Promise<Float32Array> {
  const W = layout.words;
  const totalLanes = chunks.reduce((s, c) => s + c.lanes, 0);
  let result!: Float32Array;
  const data = uploadData(rt, fn);
  try {
    let g = 0;
    while (g < chunks.length) {
      // a group: consecutive chunks whose buffers fit the budget (at least one)
      let bytes = 0;
      let e = g;
      while (e < chunks.length) {
        const c = chunks[e];
        const cb = (c.r1 - c.r0) * n * 4 + (tail?.byteLength ?? 0) + 2 * c.lanes * W * 4 + 256;
        if (e > g && bytes + cb + c.lanes * W * 4 > gpuDiffConfig.groupBytes) break;
        bytes += cb;
        e++;
      }
      const group = chunks.slice(g, e);
      if (!(g === 0 && e === chunks.length)) result ??= new Float32Array(totalLanes * W);
      const groupLanes = group.reduce((s, c) => s + c.lanes, 0);
      const held: GPUBuffer[] = [];
      try {
        const enc = rt.encoder('numgrad-gradient');
        // every lane of every chunk is written by its kernel: no fill needed
        const dst = group.length > 1 ? rt.scratch(groupLanes * W * 4, 'numgrad-gradient-result') : null;
        if (dst) held.push(dst);
        let at = 0;
        let single: GPUBuffer | null = null;
        for (const c of group) {
          const pts = x32.subarray(c.r0 * n, c.r1 * n);
          const xb = tail ? rt.uploadParts([pts, tail], undefined, 'numgrad-points') : rt.upload(pts, undefined, 'numgrad-points');
          held.push(xb);
          const ob = rt.scratch(c.lanes * W * 4, 'numgrad-gradient');
          held.push(ob);
          const words = new Uint32Array([c.lanes, c.j0, c.nj, word3]);
          const kept = rt.kept.get(words);
          const params = kept ?? rt.uniform(words);
          if (!kept) held.push(params);
          const bindings = [
            { binding: 0, buffer: xb, size: (c.r1 - c.r0) * n * 4 + (tail?.byteLength ?? 0) },
            { binding: 2, buffer: ob, size: c.lanes * W * 4 },
            { binding: 3, buffer: params },
            ...data.bindings,
          ];
          rt.dispatch(enc, pipeline, bindings, c.lanes * layout.invocations, layout.wg ?? WG);
          if (dst) rt.copy(enc, ob, 0, dst, at * W * 4, c.lanes * W * 4);
          else single = ob;
          at += c.lanes;
        }
        const got = await rt.readF32(dst ?? single!, groupLanes * W, 0, enc);
        if (g === 0 && e === chunks.length) return got; // one group: the readback is the result
        result.set(got, group[0].l0 * W); // chunks tile the lanes from 0
      } finally {
        // readF32 submitted (or the encoder was dropped): safe to reuse. Released in reverse,
        // so the next call of this size gets each buffer back in the same role (and its bind group)
        rt.release(...held.reverse());
      }
      g = e;
    }
  } finally {
    rt.release(...data.buffers);
  }
  return result;
}
