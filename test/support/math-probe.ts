// The WGSL math helpers (expm1f, log1pf, sigmoidf) as a kernel, for their accuracy tests only.
import probeSrc from './nn_mathf_probe.wgsl';
import { bind, WG, type DMat } from '../../src/features/nn/gpu/kernels';
import type { GpuRuntime } from '../../src/gpu/runtime';

const PROBE = probeSrc;

/** o = [expm1f(u), log1pf(u), sigmoidf(u)] per element (tests of the WGSL math helpers). */
export async function encodeMathProbe(rt: GpuRuntime, enc: GPUCommandEncoder, u: DMat, o: DMat): Promise<void> {
  const pipe = await rt.pipeline('nn_mathf_probe', PROBE, { WG });
  rt.dispatch(enc, pipe, [bind(0, u), bind(1, o)], u.rows * u.cols, WG);
}

