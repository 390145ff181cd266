import { compareClose } from '../check/allclose';
import { ArgumentError } from '../../core/errors';
import { ExprFunction } from '../../functions/fn';
import { cpuGradient } from './cpu';
import { CPU_AUTO_H, EPS_F32, GPU_C3, GPU_C5 } from '../../core/steps';
import type { GradientJob } from './jobs';

export interface VerifyReport {
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  /** flat index of the element with the largest |diff| / tolerance, whether or not it fails (−1: no elements) */
  worstIndex: number;
  /** what the result was compared with */
  reference: 'cpu-float64' | 'symbolic';
  rtol: number;
  atol: number;
  message: string;
}

/**
 * Tolerance for a float32 central difference with step h (relative to max(|x|, 1)):
 * rounding ≈ 4ε/h plus truncation ≈ h² (3-point) or h⁴ (5-point), with headroom.
 */
function f32Tolerance(job: GradientJob): number {
  const c = job.h === 'auto' ? (job.stencil === 5 ? GPU_C5 : GPU_C3) : job.h;
  return 4 * (4 * EPS_F32 / c + (job.stencil === 5 ? c ** 4 : c ** 2));
}

/**
 * Checks a gradient against a reference: on the GPU, the float64 CPU path (for an
 * expression, or a WGSL function with a `cpu` twin); on the CPU, the symbolic derivative.
 * atol scales with the largest reference component so near-zero components do not fail
 * on relative error alone.
 */
export function verifyGradient(job: GradientJob, grad: Float64Array, backend: 'cpu' | 'webgpu'): VerifyReport {
  let ref: Float64Array;
  let reference: VerifyReport['reference'];
  let rtol: number;
  if (backend === 'webgpu') {
    ref = cpuGradient(job).grad;
    reference = 'cpu-float64';
    rtol = f32Tolerance(job);
  } else {
    if (!(job.f instanceof ExprFunction)) {
      throw new ArgumentError('verify', 'on the CPU backend verify compares with the symbolic derivative, which only ctx.fn expressions have');
    }
    const f = job.f;
    ref = new Float64Array(grad.length);
    for (let r = 0; r < job.rows; r++) ref.set(f.gradJs(job.x.subarray(r * job.n, (r + 1) * job.n)), r * job.n);
    reference = 'symbolic';
    const h = job.h === 'auto' ? CPU_AUTO_H : job.h;
    rtol = 4 * (1e-15 / h + (job.stencil === 5 ? h ** 4 : h ** 2)) + 1e-12;
  }
  // finite components only: an Inf in the reference would make atol Infinity (every finite
  // element close), a NaN would make it NaN (every element failing)
  let scale = 1;
  for (const v of ref) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const atol = rtol * scale;
  // the one comparison (numpy allclose); its worstIndex is the element closest to or furthest
  // past its tolerance, so it names an element even when all pass
  const r = compareClose(grad, ref, { rtol, atol });
  const worstIndex = r.worstIndex;
  return { ok: r.ok, maxAbs: r.maxAbs, maxRel: r.maxRel, worstIndex, reference, rtol, atol, message: r.message };
}
