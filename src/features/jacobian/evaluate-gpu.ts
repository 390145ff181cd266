// Evaluating a plan in float32 on the device: x and the lane table uploaded once per chunk,
// one invocation per (lane, output), one readback per chunk; every buffer released in finally.
import samplesSrc from './shaders/samples.wgsl';
import { ArgumentError } from '../../core/errors';
import { ExprFunction, WgslFunction, type DiffFunction } from '../../functions/fn';
import { DIFF_DATA_BINDING, LANE_WG } from '../../gpu/constants';
import type { GpuRuntime } from '../../gpu/runtime';
import { checkGpuData, uploadData } from '../diff/gpu';
import { gpuFunction, harnessPipeline, hashText } from '../diff/harness';
import type { Plan, Samples } from './plan';

/** Tunables, lowered in tests to force several chunks. */
export const gpuJacobianConfig = {
  /** largest output buffer of one chunk, bytes */
  chunkBytes: 64 * 1024 * 1024,
};

/** For single-output code (user_f): the kernel calls user_fm(k). */
const SHIM = 'fn user_fm(k: u32) -> f32 { return user_f(); }\n';

interface MultiExpr { wgslOutputs(opts?: { dataBinding?: number }): string }

/** an expression's data arrays as storage buffers from DIFF_DATA_BINDING (bound below) */
const BOUND = { dataBinding: DIFF_DATA_BINDING };

/** The gradient as n outputs (user_df of an expression), for H·v as a difference of gradients. */
const GRADIENT_SHIM = 'fn user_fm(k: u32) -> f32 { return user_df(k); }\n';

async function samplesPipeline(rt: GpuRuntime, fn: ExprFunction | WgslFunction, n: number, m: number, gradient: boolean): Promise<GPUComputePipeline> {
  const constants = { N: n, ngh_m: m, WG: LANE_WG };
  if (gradient && fn instanceof ExprFunction) {
    const code = samplesSrc + '\n' + GRADIENT_SHIM + fn.expr.wgsl(BOUND) + '\n' + fn.expr.wgslGrad(BOUND);
    return rt.pipeline(`jacg_${hashText(code)}`, code, constants, 'main');
  }
  if (fn instanceof ExprFunction && fn.outputs > 1) {
    const code = samplesSrc + '\n' + (fn.expr as unknown as MultiExpr).wgslOutputs(BOUND);
    return rt.pipeline(`jac_${hashText(code)}`, code, constants, 'main');
  }
  // WGSL bodies: the diff harness builder maps compile errors back to the body's lines
  return harnessPipeline(rt, fn, 'jac', samplesSrc + (fn.outputs > 1 ? '' : SHIM), DIFF_DATA_BINDING, 'main', constants);
}

/** Every lane of the plan in float32 (the plan's values are already f32). */
export async function gpuSamples(rt: GpuRuntime, f: DiffFunction, plan: Plan, m: number, gradient = false): Promise<Samples> {
  const fn = gpuFunction(f);
  checkGpuData(fn, rt.maxBinding);
  const n = plan.n;
  const base = Float32Array.from(plan.base);
  if (base.byteLength > rt.maxBinding) {
    throw new ArgumentError('x', `the ${plan.baseRows} base points of ${n} parameters (${base.byteLength} bytes) exceed this device's storage binding limit (${rt.maxBinding} bytes)`);
  }
  const pipeline = await samplesPipeline(rt, fn, n, m, gradient);
  const table = new Uint32Array(5 * plan.lanes);
  const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
  for (let l = 0; l < plan.lanes; l++) {
    table[5 * l] = plan.row[l];
    table[5 * l + 1] = plan.i1[l];
    table[5 * l + 2] = plan.i2[l];
    f32[0] = plan.v1[l];
    table[5 * l + 3] = u32[0];
    f32[0] = plan.v2[l];
    table[5 * l + 4] = u32[0];
  }
  const values = new Float64Array(plan.lanes * m);
  const perChunk = Math.max(1, Math.floor(Math.min(gpuJacobianConfig.chunkBytes, rt.maxBinding) / (4 * m)));
  const data: GPUBuffer[] = [];
  const xb = rt.upload(base.length ? base : new Float32Array(1), undefined, 'numgrad-jac-points');
  try {
    const up = uploadData(rt, fn, DIFF_DATA_BINDING);
    data.push(...up.buffers);
    const dataBindings = up.bindings;
    for (let l0 = 0; l0 < plan.lanes; l0 += perChunk) {
      const lanes = Math.min(perChunk, plan.lanes - l0);
      const held: GPUBuffer[] = [];
      try {
        const lb = rt.upload(table.subarray(5 * l0, 5 * (l0 + lanes)), undefined, 'numgrad-jac-lanes');
        held.push(lb);
        const ob = rt.output(lanes * m * 4, 'numgrad-jac-samples');
        held.push(ob);
        const params = rt.uniform(new Uint32Array([lanes * m, l0, 0, 0]));
        held.push(params);
        const enc = rt.encoder('numgrad-jacobian');
        rt.dispatch(enc, pipeline, [
          { binding: 0, buffer: xb, size: Math.max(4, base.byteLength) },
          { binding: 1, buffer: lb, size: lanes * 20 },
          { binding: 2, buffer: ob, size: lanes * m * 4 },
          { binding: 3, buffer: params },
          ...dataBindings,
        ], lanes * m, LANE_WG);
        values.set(await rt.readF32(ob, lanes * m, 0, enc), l0 * m);
      } finally {
        rt.release(...held);
      }
    }
  } finally {
    rt.release(xb, ...data);
  }
  return { values, m };
}
