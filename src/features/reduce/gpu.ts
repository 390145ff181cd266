import reduceSum from './shaders/reduce_sum.wgsl';
import { pairwiseSum } from './cpu';
import { REDUCE_WG } from '../../gpu/constants';
import { chunkRows } from '../../gpu/grid';
import type { GpuRuntime } from '../../gpu/runtime';

const WG = REDUCE_WG;

/**
 * Records the passes that sum `count` f32 values of `src` on the device and returns the
 * buffer whose element 0 will hold the total (the caller releases it after submit). Each
 * pass shrinks the data 512×; nothing is read back in between.
 */
export async function encodeSum(rt: GpuRuntime, enc: GPUCommandEncoder, src: GPUBuffer, count: number): Promise<GPUBuffer> {
  const pipeline = await rt.pipeline('reduce_sum', reduceSum, { WG });
  let cur = src;
  let n = count;
  do {
    const groups = Math.ceil(n / (2 * WG));
    const dst = rt.output(groups * 4, 'numgrad-sum');
    const params = rt.uniform(new Uint32Array([n]));
    rt.releaseAfterSubmit(enc, params, cur === src ? null : cur);
    try {
      rt.dispatch(enc, pipeline, [{ binding: 0, buffer: cur }, { binding: 1, buffer: dst }, { binding: 2, buffer: params }], groups * WG, WG);
    } catch (e) {
      rt.release(dst);
      throw e;
    }
    cur = dst;
    n = groups;
  } while (n > 1);
  return cur;
}

/** Float32 pairwise sum; inputs past the binding limit are summed in chunks, then combined. */
export async function gpuSum(rt: GpuRuntime, values: Float64Array): Promise<number> {
  if (values.length === 0) return 0;
  const partials: number[] = [];
  for (const [s, e] of chunkRows(values.length, 4, rt.maxBinding)) {
    const src = rt.upload(Float32Array.from(values.subarray(s, e)));
    let out: GPUBuffer | undefined;
    try {
      partials.push(await rt.withEncoder('numgrad-sum', async (enc) => {
        out = await encodeSum(rt, enc, src, e - s);
        return (await rt.readF32(out, 1, 0, enc))[0];
      }));
    } finally {
      rt.release(src, out); // readF32 has submitted (or the encoder was discarded), so reuse is safe
    }
  }
  return pairwiseSum(partials);
}
