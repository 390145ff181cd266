import descentSrc from './shaders/descent_step.wgsl';
import { ArgumentError } from '../../core/errors';
import { gpuFunction, harnessPipeline } from '../diff/harness';
import { checkGpuData, uploadData } from '../diff/gpu';
import { EXPLODE_FACTOR, HARD_LIMIT, type DescentJob, type DescentOut } from './jobs';
import { BOOK_H, GPU_C3, GPU_C5 } from '../../core/steps';
import { DESCENT_DATA_BINDING, LANE_WG } from '../../gpu/constants';
import type { Binding, GpuRuntime } from '../../gpu/runtime';

const WG = LANE_WG;
const FIRST_DATA_BINDING = DESCENT_DATA_BINDING;
const STATUS_WORDS = 8;
/** steps recorded per command buffer (two dispatches each) */
export const STEPS_PER_SUBMIT = 500;

/**
 * Gradient descent on the device: x, the gradient, the history and a status block live in
 * device buffers for the whole run. Steps are recorded as dispatch pairs, many per submit;
 * x, status and history come back in one readback at the end. The step h and x ± h are
 * formed on the device in f32 (see descent_step.wgsl).
 */
export async function gpuDescent(rt: GpuRuntime, job: DescentJob): Promise<DescentOut> {
  const fn = gpuFunction(job.f);
  const n = job.x0.length;
  const rowsKept = job.history ? job.steps + 1 : 1;
  if (n * 4 > rt.maxBinding) {
    // x itself (and its gradient) does not fit one binding, history or not
    throw new ArgumentError('initX', `${n} parameters (${n * 4} bytes of float32) exceed this device's storage binding limit (${rt.maxBinding} bytes)`);
  }
  if (rowsKept * n * 4 > rt.maxBinding) {
    throw new ArgumentError('history', `(${job.steps} + 1) × ${n} values (${rowsKept * n * 4} bytes) exceed the storage binding limit (${rt.maxBinding} bytes); ask for fewer steps or history: false`);
  }
  checkGpuData(fn, rt.maxBinding);
  const constants = { N: n, STENCIL: job.stencil, WG };
  const [gradPipe, updatePipe] = await Promise.all([
    harnessPipeline(rt, fn, 'descent', descentSrc, FIRST_DATA_BINDING, 'grad', constants),
    harnessPipeline(rt, fn, 'descent', descentSrc, FIRST_DATA_BINDING, 'update', constants),
  ]);
  const x0 = Float32Array.from(job.x0);
  let norm0 = 0;
  for (const v of x0) norm0 += v * v;
  const explode2 = Math.min(3.4e38, (EXPLODE_FACTOR * Math.max(1, Math.sqrt(norm0))) ** 2);
  const params = new ArrayBuffer(32);
  const pf = new Float32Array(params);
  const pu = new Uint32Array(params);
  pf[0] = job.lr;
  pf[1] = job.h === 'auto' ? 0 : job.h === 'book' ? BOOK_H : job.h;
  pf[2] = job.h === 'auto' ? (job.stencil === 5 ? GPU_C5 : GPU_C3) : 0;
  pf[3] = explode2;
  pf[4] = HARD_LIMIT;
  pu[5] = job.history ? 1 : 0;

  const held: GPUBuffer[] = [];
  const hold = (b: GPUBuffer) => (held.push(b), b);
  try {
    const xb = hold(rt.upload(x0, undefined, 'numgrad-descent-x'));
    const gb = hold(rt.output(n * 4, 'numgrad-descent-grad'));
    const histInit = new Float32Array(rowsKept * n).fill(NaN);
    histInit.set(x0);
    const hb = hold(rt.upload(histInit, undefined, 'numgrad-descent-history'));
    const sb = hold(rt.upload(new Uint32Array(STATUS_WORDS), undefined, 'numgrad-descent-status'));
    const ub = hold(rt.uniform(new Uint32Array(params)));
    // a WGSL body's or an expression's data, as storage buffers (any size up to the binding limit)
    const up = uploadData(rt, fn, FIRST_DATA_BINDING);
    up.buffers.forEach(hold);
    const data: Binding[] = up.bindings;
    const gradGroup = rt.bindGroup(gradPipe, [
      { binding: 0, buffer: xb, size: n * 4 }, { binding: 1, buffer: gb, size: n * 4 },
      { binding: 3, buffer: sb, size: STATUS_WORDS * 4 }, { binding: 4, buffer: ub }, ...data,
    ]);
    const updateGroup = rt.bindGroup(updatePipe, [
      { binding: 0, buffer: xb, size: n * 4 }, { binding: 1, buffer: gb, size: n * 4 }, { binding: 2, buffer: hb, size: rowsKept * n * 4 },
      { binding: 3, buffer: sb, size: STATUS_WORDS * 4 }, { binding: 4, buffer: ub },
    ]);
    const steps = [
      { pipeline: gradPipe, bindGroup: gradGroup, workgroups: rt.grid(n, WG) },
      { pipeline: updatePipe, bindGroup: updateGroup, workgroups: [1, 1] as [number, number] },
    ];
    let enc = rt.encoder('numgrad-descent');
    for (let done = 0; done < job.steps; ) {
      const m = Math.min(STEPS_PER_SUBMIT, job.steps - done);
      rt.repeat(enc, steps, m);
      done += m;
      if (done < job.steps) {
        rt.submit(enc);
        enc = rt.encoder('numgrad-descent');
      }
    }
    // one readback: status, x and (if asked) the history, gathered into one buffer
    const total = STATUS_WORDS + n + (job.history ? rowsKept * n : 0);
    const out = hold(rt.output(total * 4, 'numgrad-descent-result'));
    rt.copy(enc, sb, 0, out, 0, STATUS_WORDS * 4);
    rt.copy(enc, xb, 0, out, STATUS_WORDS * 4, n * 4);
    if (job.history) rt.copy(enc, hb, 0, out, (STATUS_WORDS + n) * 4, rowsKept * n * 4);
    const got = await rt.readF32(out, total, 0, enc);
    const status = new Uint32Array(got.buffer, got.byteOffset, STATUS_WORDS);
    const stepsDone = status[0];
    return {
      x: Float64Array.from(got.subarray(STATUS_WORDS, STATUS_WORDS + n)),
      history: job.history ? Float64Array.from(got.subarray(STATUS_WORDS + n, STATUS_WORDS + n + (stepsDone + 1) * n)) : null,
      stepsDone,
      divergedAt: status[1] || null,
      stopped: status[2] !== 0,
      vanishedSteps: status[4],
      firstVanishedAt: status[5] || null,
    };
  } finally {
    rt.release(...held);
  }
}
