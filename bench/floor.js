// The floor for a batched gradient: one round trip on numgrad's GPU runtime with nothing
// numerical in it — upload the points (a Float32Array), one dispatch over the same number
// of lanes (one per point × parameter, each reads its coordinate and writes one f32),
// read the result back into a Float32Array. No faster path to a gradient of that size
// exists on this adapter. Uses the runtime's own calls (src/gpu), not WebGPU directly.
const SRC = /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i < arrayLength(&y)) { y[i] = x[i] + x[i]; }
}`;

const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/**
 * A function (Float32Array of `lanes` values) → Float32Array of 2·x, one round trip on
 * `rt` (a GpuRuntime: gpu.runtime). Buffers come from the pool and go back to it.
 */
export async function roundTrip(rt) {
  const pipe = await rt.pipeline('bench_floor', SRC);
  return async (x) => {
    const bytes = Math.max(4, x.byteLength);
    const inp = rt.pool.acquire(bytes, USAGE(), 'bench-floor-x');
    const out = rt.pool.acquire(bytes, USAGE(), 'bench-floor-y');
    try {
      rt.write(inp, 0, x);
      const enc = rt.encoder('bench-floor');
      rt.dispatch(enc, pipe, [{ binding: 0, buffer: inp, size: bytes }, { binding: 1, buffer: out, size: bytes }], x.length, 64);
      const [y] = await rt.readMany(enc, [{ buf: out, count: x.length }]);
      return y;
    } finally {
      rt.release(inp, out);
    }
  };
}
