import { isClose } from '../check/allclose';
import { ArgumentError } from '../../core/errors';
import { ExprFunction } from '../../functions/fn';
import { cpuGradient } from './cpu';
import { cpuSumsGradient } from '../sums/cpu';
import { structuredApplies } from '../sums/api';
import { BOOK_H, EPS_F32 } from '../../core/steps';
import type { GradientJob, GradientOut } from './jobs';

export interface VerifyReport {
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  /** flat index of the element with the largest |diff| / tolerance, whether or not it fails (−1: no elements) */
  worstIndex: number;
  /** elements outside their tolerance */
  failing: number;
  /** what the result was compared with */
  reference: 'cpu-float64' | 'symbolic';
  /** the relative part of the tolerance (fixed steps only; 0 where error estimates set it) */
  rtol: number;
  /** the absolute floor: the working precision times the largest |value| */
  atol: number;
  message: string;
}

/** A fixed float32 step h: rounding ≈ 4ε/h plus truncation ≈ h² (3-point) or h⁴ (5-point), with headroom. */
function f32FixedTolerance(h: number, stencil: 3 | 5): number {
  return 4 * ((4 * EPS_F32) / h + (stencil === 5 ? h ** 4 : h ** 2));
}

/**
 * Checks a gradient against a reference: on the GPU, the float64 CPU path (an expression,
 * or a WGSL function with a `cpu` twin); on the CPU, the symbolic derivative. Element i
 * passes when |g − ref| ≤ 2·(its error estimate + the reference's) + atol, with atol the
 * working precision times the largest |value| (so exact zeros are not failed on relative
 * error alone). Fixed steps have no estimate; their tolerance is the rounding and
 * truncation bound of that step, relative to max(|ref|, 1).
 */
export function verifyGradient(job: GradientJob, out: GradientOut, backend: 'cpu' | 'webgpu'): VerifyReport {
  const grad = out.grad;
  let ref: Float64Array;
  let refErr: Float64Array | undefined;
  let reference: VerifyReport['reference'];
  if (backend === 'webgpu') {
    // a sum the GPU differenced term by term: its float64 twin, O(n) rather than O(n²)
    const r = structuredApplies(job) ? cpuSumsGradient(job) : cpuGradient(job);
    ref = r.grad;
    refErr = r.error;
    reference = 'cpu-float64';
  } else {
    if (!(job.f instanceof ExprFunction)) {
      throw new ArgumentError('verify', 'on the CPU backend verify compares with the symbolic derivative, which only ctx.fn expressions have');
    }
    const f = job.f;
    ref = new Float64Array(grad.length);
    for (let r = 0; r < job.rows; r++) ref.set(f.gradJs(job.x.subarray(r * job.n, (r + 1) * job.n)), r * job.n);
    reference = 'symbolic';
  }
  const eps = backend === 'webgpu' ? EPS_F32 : 2 ** -52;
  let scale = 0;
  for (const v of ref) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const atol = 16 * eps * scale;
  const h = job.h === 'book' ? BOOK_H : job.h;
  const rtol = typeof h === 'number' ? (backend === 'webgpu' ? f32FixedTolerance(h, job.stencil) : 4 * (1e-15 / h + (job.stencil === 5 ? h ** 4 : h ** 2)) + 1e-12) : 0;
  let failing = 0, worstIndex = -1, worst = -1, maxAbs = 0, maxRel = 0;
  for (let i = 0; i < grad.length; i++) {
    const est = (out.error?.[i] ?? 0) + (refErr?.[i] ?? 0);
    const tol = 2 * est + atol + rtol * Math.max(Math.abs(ref[i]), 1);
    const d = Math.abs(grad[i] - ref[i]);
    const ok = isClose(grad[i], ref[i], 0, tol);
    if (!ok) failing++;
    const excess = Number.isNaN(d) ? Infinity : d / tol;
    if (excess > worst) {
      worst = excess;
      worstIndex = i;
    }
    if (Number.isFinite(d)) {
      maxAbs = Math.max(maxAbs, d);
      if (ref[i] !== 0) maxRel = Math.max(maxRel, d / Math.abs(ref[i]));
    }
  }
  const w = worstIndex;
  const message = failing === 0
    ? `all ${grad.length} components within their tolerance (worst at flat index ${w}: ${(worst * 100).toFixed(0)} % of it)`
    : `${failing} of ${grad.length} components outside their tolerance; worst at flat index ${w}: ${grad[w]} vs ${reference} ${ref[w]}` +
      ` (|diff| ${Math.abs(grad[w] - ref[w]).toExponential(3)}, estimated error ${(out.error?.[w] ?? NaN).toExponential(2)})`;
  return { ok: failing === 0, maxAbs, maxRel, worstIndex, failing, reference, rtol, atol, message };
}
