// The structured ladder in float32: shaders/sums_ladder.wgsl (the diff ladder's reduction,
// included) with user_local from src/expr. Data arrays are bound as read-only storage
// buffers (any size up to the binding limit), never embedded in the shader.
import { ArgumentError } from '../../core/errors';
import type { ExprFunction } from '../../functions/fn';
import { DIFF_DATA_BINDING, LADDER_WG } from '../../gpu/constants';
import type { GpuRuntime } from '../../gpu/runtime';
import { planChunks, uploadData as uploadShared } from '../diff/gpu';
import { hashText } from '../diff/harness';
import { SUMS_SHADER } from './entry';
import { MAX_VANISHED_LISTED, type GradientJob, type GradientOut } from '../diff/jobs';
import { GPU_REL_TOL, LADDER_H0, LADDER_STEPS, gpuUlps, settleFlat, STATUS } from '../diff/ladder';

/** storage buffers the kernel binds itself: x and the output */
const OWN_STORAGE = 2;

function uploadData(rt: GpuRuntime, fn: ExprFunction): { binding: number; buffer: GPUBuffer; size: number }[] {
  const data = fn.data; // float32, refused here if beyond float32's range
  const limit = rt.limits.maxStorageBuffersPerShaderStage;
  if (data.length + OWN_STORAGE > limit) {
    throw new ArgumentError('data', `${data.length} data arrays and the kernel's ${OWN_STORAGE} storage buffers exceed this device's ` +
      `maxStorageBuffersPerShaderStage (${limit}): give at most ${limit - OWN_STORAGE} arrays`);
  }
  for (const d of data) {
    if (d.values.byteLength > rt.maxBinding) {
      throw new ArgumentError('data', `'${d.name}' (${d.values.byteLength} bytes) exceeds the storage binding limit (${rt.maxBinding} bytes)`);
    }
  }
  return uploadShared(rt, fn, DIFF_DATA_BINDING).bindings;
}

export async function gpuSumsGradient(rt: GpuRuntime, job: GradientJob): Promise<GradientOut> {
  const fn = job.f as ExprFunction;
  const { rows, n } = job;
  const chunks = planChunks(rows, n, 4, rt.maxBinding);
  const code = SUMS_SHADER + fn.expr.wgslLocal(DIFF_DATA_BINDING);
  const constants = { N: n, STENCIL: 3, WG: LADDER_WG, H0: LADDER_H0, ULPS: gpuUlps(job.f as never), REL_TOL: GPU_REL_TOL };
  const x32 = job.x32 ?? Float32Array.from(job.x);

  const pipeline = await rt.pipeline(`sums_${hashText(code)}`, code, constants, 'sums_main');
  const total = rows * n;
  const out = new Float32Array(total * 4);
  const data = uploadData(rt, fn);
  try {
    for (const c of chunks) {
      const held: GPUBuffer[] = [];
      try {
        const enc = rt.encoder('numgrad-sums-gradient');
        const xb = rt.upload(x32.subarray(c.r0 * n, c.r1 * n), undefined, 'numgrad-points');
        const ob = rt.output(c.lanes * 16, 'numgrad-sums-gradient');
        const params = rt.uniform(new Uint32Array([c.lanes, c.j0, c.nj, LADDER_STEPS]));
        held.push(xb, ob, params);
        rt.dispatch(enc, pipeline, [
          { binding: 0, buffer: xb, size: (c.r1 - c.r0) * n * 4 },
          { binding: 2, buffer: ob, size: c.lanes * 16 },
          { binding: 3, buffer: params },
          ...data,
        ], c.lanes * 2 * LADDER_STEPS, LADDER_WG);
        out.set(await rt.readF32(ob, c.lanes * 4, 0, enc), c.l0 * 4);
      } finally {
        rt.release(...held);
      }
    }
  } finally {
    rt.release(...data.map((d) => d.buffer));
  }
  const grad = new Float64Array(total), error = new Float64Array(total), step = new Float64Array(total);
  const status = new Uint32Array(total);
  const bits = new Uint32Array(out.buffer);
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
