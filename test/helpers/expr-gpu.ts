// Runs an expression's generated WGSL (user_f and user_df) directly on a Dawn device, for the
// expression tests: per point [f, ∂f/∂x_0 … ∂f/∂x_{n−1}] in float32. Null when no adapter.
import type { CompiledExpr } from '../../src/expr/index';

type Dawn = { create(flags: string[]): GPU; globals: object };
const dawn = (await import('webgpu').catch(() => null)) as Dawn | null;
const G = (dawn?.globals ?? {}) as { GPUBufferUsage: GPUBufferUsage; GPUMapMode: GPUMapMode };
const gpu = dawn?.create([]);
const adapter = gpu ? await gpu.requestAdapter() : null;
export const device = adapter ? await adapter.requestDevice() : null;
// CI (REQUIRE_WEBGPU=1) must run these checks: without a device the suites would skip
if (!device && process.env.REQUIRE_WEBGPU === '1') {
  throw new Error(`REQUIRE_WEBGPU=1 but ${dawn ? 'no WebGPU adapter was found' : "the 'webgpu' package did not load"} (run \`npm run setup-webgpu\`)`);
}
/** keeps the Dawn instance alive while the device is used (a collected instance aborts the process) */
export const keepAlive = () => void gpu;

function harness(e: CompiledExpr, n: number, withGrad: boolean, dataBinding?: number): string {
  const o = dataBinding === undefined ? {} : { dataBinding };
  return `override N: u32;
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> xin: array<f32>;
var<private> ng_base: u32;
fn p(i: u32) -> f32 { if (i >= N) { return 0.0; } return xin[ng_base + i]; }

${e.wgsl(o)}
${withGrad ? e.wgslGrad(o) : ''}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pt = gid.x;
  if (pt >= arrayLength(&xin) / N) { return; }
  ng_base = pt * N;
  let o = pt * ${withGrad ? n + 1 : 1}u;
  out[o] = user_f();
  ${withGrad ? 'for (var k: u32 = 0u; k < N; k++) { out[o + 1u + k] = user_df(k); }' : ''}
}
`;
}

/** f (and, unless withGrad is false, user_df) at each point, in float32; with `bindData` the
 *  expression's data arrays are storage buffers bound from binding 2 on. */
export async function runWgsl(e: CompiledExpr, points: number[][], withGrad = true, bindData = false): Promise<Float32Array[]> {
  const dev = device as GPUDevice;
  const n = points[0].length;
  const code = harness(e, n, withGrad, bindData ? 2 : undefined);
  const module = dev.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    const lines = code.split('\n');
    throw new Error(errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}\n    ${lines[m.lineNum - 1]}`).join('\n'));
  }
  dev.pushErrorScope('validation');
  const pipeline = await dev.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main', constants: { N: n } } });
  const per = withGrad ? n + 1 : 1;
  const xin = dev.createBuffer({ size: 4 * n * points.length, usage: G.GPUBufferUsage.STORAGE | G.GPUBufferUsage.COPY_DST });
  dev.queue.writeBuffer(xin, 0, new Float32Array(points.flat()));
  const size = 4 * per * points.length;
  const out = dev.createBuffer({ size, usage: G.GPUBufferUsage.STORAGE | G.GPUBufferUsage.COPY_SRC });
  const read = dev.createBuffer({ size, usage: G.GPUBufferUsage.MAP_READ | G.GPUBufferUsage.COPY_DST });
  const dataBufs = bindData ? [...e.data32.values()].map((v) => {
    const b = dev.createBuffer({ size: v.byteLength, usage: G.GPUBufferUsage.STORAGE | G.GPUBufferUsage.COPY_DST });
    dev.queue.writeBuffer(b, 0, new Float32Array(v));
    return b;
  }) : [];
  const bind = dev.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: out } }, { binding: 1, resource: { buffer: xin } }, ...dataBufs.map((buffer, k) => ({ binding: 2 + k, resource: { buffer } }))],
  });
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(Math.ceil(points.length / 64));
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, size);
  dev.queue.submit([enc.finish()]);
  const err = await dev.popErrorScope();
  if (err) throw new Error(err.message);
  await read.mapAsync(G.GPUMapMode.READ);
  const data = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  xin.destroy(); out.destroy(); read.destroy();
  for (const b of dataBufs) b.destroy();
  return points.map((_, k) => data.subarray(k * per, (k + 1) * per));
}

/** float32 ulps between a float32 result and a float64 reference */
export function ulps(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(want)) return got === want ? 0 : Infinity;
  const e = Math.max(Math.floor(Math.log2(Math.abs(want) || 2 ** -126)), -126);
  return Math.abs(got - want) / 2 ** (e - 23);
}
