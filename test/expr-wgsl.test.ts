// Compiles the generated WGSL with Dawn (the `webgpu` package) and runs it: user_f and
// user_df on the GPU (float32) must agree with evalJs/gradJs (float64) within f32 error.
import { afterAll, describe, expect, test } from 'vitest';
import { compileExpr, type CompiledExpr } from '../src/expr/index';

// Loaded dynamically so that a machine without Dawn's native addon skips rather than fails.
type Dawn = { create(flags: string[]): GPU; globals: object };
const dawn = (await import('webgpu').catch(() => null)) as Dawn | null;
const G = (dawn?.globals ?? {}) as { GPUBufferUsage: GPUBufferUsage; GPUMapMode: GPUMapMode };
const USAGE = G.GPUBufferUsage;

const gpu = dawn?.create([]);
const adapter = gpu ? await gpu.requestAdapter() : null;
const device = adapter ? await adapter.requestDevice() : null;
if (!device && process.env.REQUIRE_WEBGPU === '1') {
  throw new Error(`REQUIRE_WEBGPU=1 but ${dawn ? 'no WebGPU adapter was found' : "the 'webgpu' package did not load"} (run \`npm run setup-webgpu\`)`);
}
if (!device) {
  console.warn(`expr-wgsl.test: ${dawn ? 'no WebGPU adapter found' : "the 'webgpu' package did not load"}` +
    ' (run `npm run setup-webgpu`); GPU checks SKIPPED');
}

// Referencing gpu here keeps the Dawn instance alive for the whole file: if it were
// garbage-collected while the device is in use, the process aborts.
afterAll(() => {
  device?.destroy();
  void gpu;
});

const SEED = Number(process.env.NUMGRAD_SEED ?? (Date.now() % 2 ** 31));
console.log(`expr-wgsl.test seed: ${SEED} (replay with NUMGRAD_SEED=${SEED})`);
let state = SEED >>> 0;
function rand(): number {
  // xorshift32: enough for test points
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
}

const MAX_N = 64; // size of the harness's private parameter array

function harness(e: CompiledExpr): string {
  return `override N: u32;
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> xin: array<f32>;
var<private> ng_xs: array<f32, ${MAX_N}>;
fn p(i: u32) -> f32 { return ng_xs[i]; }

${e.wgsl()}
${e.wgslGrad()}
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pt = gid.x;
  for (var k: u32 = 0u; k < N; k++) { ng_xs[k] = xin[pt * N + k]; }
  let o = pt * (N + 1u);
  out[o] = user_f();
  for (var k: u32 = 0u; k < N; k++) { out[o + 1u + k] = user_df(k); }
}
`;
}

async function compile(code: string): Promise<GPUShaderModule> {
  const dev = device as GPUDevice;
  const module = dev.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  const lines = code.split('\n');
  expect(errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}\n    ${lines[m.lineNum - 1]}`)).toEqual([]);
  return module;
}

/** Runs user_f / user_df at each point; returns per point [f, df_0 .. df_{n-1}]. */
async function runOnGpu(e: CompiledExpr, points: number[][]): Promise<Float32Array[]> {
  const dev = device as GPUDevice;
  const n = points[0].length;
  const module = await compile(harness(e));
  dev.pushErrorScope('validation');
  const pipeline = await dev.createComputePipelineAsync({
    layout: 'auto',
    compute: { module, entryPoint: 'main', constants: { N: n } },
  });
  const xin = dev.createBuffer({ size: 4 * n * points.length, usage: USAGE.STORAGE | USAGE.COPY_DST });
  dev.queue.writeBuffer(xin, 0, new Float32Array(points.flat()));
  const outSize = 4 * (n + 1) * points.length;
  const out = dev.createBuffer({ size: outSize, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
  // poison: an unwritten lane reads back as this, not as a plausible 0
  dev.queue.writeBuffer(out, 0, new Float32Array(outSize / 4).fill(-1.2345e-30));
  const read = dev.createBuffer({ size: outSize, usage: USAGE.MAP_READ | USAGE.COPY_DST });
  const bind = dev.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: out } }, { binding: 1, resource: { buffer: xin } }],
  });
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(points.length);
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, outSize);
  dev.queue.submit([enc.finish()]);
  const err = await dev.popErrorScope();
  expect(err?.message ?? null).toBeNull();
  await read.mapAsync(G.GPUMapMode.READ);
  let data: Float32Array;
  try {
    data = new Float32Array(read.getMappedRange().slice(0));
  } finally {
    read.unmap();
  }
  xin.destroy(); out.destroy(); read.destroy();
  return points.map((_, k) => data.subarray(k * (n + 1), (k + 1) * (n + 1)));
}

interface GpuCase { src: string; len: number; lo: number; hi: number; declareN?: boolean }
const CASES: GpuCase[] = [
  { src: 'x0^2 + x1^2', len: 2, lo: -3, hi: 3 },
  { src: '0.01*x^2 + 0.1*x', len: 1, lo: -5, hi: 5 },
  { src: 'sum(x^2)', len: 7, lo: -2, hi: 2 },
  { src: 'sum(exp(x)*2 + x)', len: 5, lo: -2, hi: 2 },
  { src: 'prod(cos(x))', len: 4, lo: -1.5, hi: 1.5 },
  { src: 'prod(x - x1)', len: 4, lo: -2, hi: 2 },
  { src: 'sum(tanh(x)*x0) + x[2]^3', len: 4, lo: -2, hi: 2 },
  { src: 'tanh(2*x0) + sigmoid(x1 - x0)', len: 2, lo: -3, hi: 3 },
  { src: 'x0^x1 + x1^-3', len: 2, lo: 0.3, hi: 2.5 },
  { src: 'log(x0) + sqrt(x1)*exp(-x0)', len: 2, lo: 0.2, hi: 3 },
  { src: 'sin(x0)*cos(x1) + tan(x2/3)', len: 3, lo: -2, hi: 2 },
  { src: 'abs(x0 - 1)*x1 + min(x0, x1)^2 + max(x1, 2*x2)', len: 3, lo: -2, hi: 2 },
  { src: '(x0 + x1)^3 / (1 + x2^2) - pi*e', len: 3, lo: -2, hi: 2 },
  { src: 'sum(sigmoid(x)) + prod(x)', len: 5, lo: -1.5, hi: 1.5 },
  { src: 'x1*sum(x^2) - x0/sum(exp(x))', len: 4, lo: -1.5, hi: 1.5 },
  // n declared: user_df becomes a switch with one concrete derivative per index
  { src: 'prod(x - x1) + sum(x*x0)', len: 3, lo: -2, hi: 2, declareN: true },
];

const describeGpu = device ? describe : describe.skip;

describeGpu('generated WGSL on the GPU', () => {
  test.each(CASES.map((c) => [c.src, c] as const))('%s: user_f and user_df match float64', async (_s, c) => {
    const e = compileExpr(c.src, c.declareN ? { n: c.len } : {});
    // f32-representable points, so the float64 reference sees exactly the GPU's input
    const points = Array.from({ length: 6 }, () =>
      Array.from({ length: c.len }, () => Math.fround(c.lo + (c.hi - c.lo) * rand())));
    const got = await runOnGpu(e, points);
    points.forEach((x, k) => {
      const f = e.evalJs(x);
      const g = e.gradJs(x);
      const scale = Math.max(1, Math.abs(f), ...Array.from(g, Math.abs));
      expect(Math.abs(got[k][0] - f), `f at [${x}]: gpu ${got[k][0]} vs ${f}`).toBeLessThanOrEqual(2e-5 * scale);
      for (let i = 0; i < x.length; i++) {
        expect(Math.abs(got[k][1 + i] - g[i]), `d/dx${i} at [${x}]: gpu ${got[k][1 + i]} vs ${g[i]}`)
          .toBeLessThanOrEqual(2e-5 * scale);
      }
    });
  });

  test('pow matches Math.pow for negative bases, zero and non-integer exponents', async () => {
    const e = compileExpr('x0^x1');
    const points = [[-2, 3], [-2, 2], [-0.5, -3], [-2, 0.5], [0, 2], [0, -1], [2, 0.5], [-3, 0], [-1.5, 4]];
    const got = await runOnGpu(e, points);
    points.forEach((x, k) => {
      const want = Math.pow(x[0], x[1]);
      if (Number.isNaN(want)) expect(got[k][0], `${x}`).toBeNaN();
      else if (!Number.isFinite(want)) expect(got[k][0], `${x}`).toBe(want);
      else expect(Math.abs(got[k][0] - want), `${x}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
    });
  });

  test('small integer powers are exact for negative bases', async () => {
    const e = compileExpr('x0^3 + x1^-2 + x2^16');
    const got = await runOnGpu(e, [[-2, -2, -1.5]]);
    expect(got[0][0]).toBe(Math.fround(-8 + 0.25 + 1.5 ** 16));
    expect(got[0][1]).toBe(12); // 3*x0^2
    expect(got[0][2]).toBe(0.25); // -2*x1^-3
  });

  test('ng_tanh is within 2 ulp of tanh on the polynomial range |u| < 0.55', async () => {
    const xs = Array.from({ length: 512 }, (_, k) => Math.fround(((k % 2 ? 1 : -1) * 0.55 * (k + 1)) / 513));
    const got = await runOnGpu(compileExpr('tanh(x0)'), xs.map((v) => [v]));
    let worst = 0;
    xs.forEach((v, k) => {
      const want = Math.tanh(v);
      worst = Math.max(worst, Math.abs(got[k][0] - want) / (Math.abs(want) * 2 ** -23));
    });
    console.log(`ng_tanh worst error on |u| < 0.55: ${worst.toFixed(2)} ulp`);
    expect(worst).toBeLessThanOrEqual(2);
  });

  test('tanh is accurate near 0 and saturates cleanly; sigmoid and exp overflow', async () => {
    const e = compileExpr('tanh(x0)');
    const xs = [1e-3, -3e-5, 0.2, 0.54, 0.56, -1.7, 9, 50, -100, 1e4];
    const got = await runOnGpu(e, xs.map((v) => [Math.fround(v)]));
    xs.forEach((v, k) => {
      const want = Math.tanh(Math.fround(v));
      expect(Math.abs(got[k][0] - want) / Math.abs(want), `tanh(${v})`).toBeLessThanOrEqual(4 * 2 ** -23);
      const dwant = 1 - want * want;
      expect(Math.abs(got[k][1] - dwant), `tanh'(${v})`).toBeLessThanOrEqual(4e-7);
    });
    const s = await runOnGpu(compileExpr('sigmoid(x0) + exp(x1)'), [[0, 100], [-200, 0]]);
    expect(s[0][0]).toBe(Infinity);
    expect(s[0][1]).toBe(0.25);
    expect(s[1][0]).toBe(1);
  });

  test('inf − inf is NaN as in float64 where terms share a factor the compiler could pull out', async () => {
    // llvmpipe factors x0·q + x1·q into (x0 + x1)·q (WGSL allows assuming finite values):
    // inf instead of NaN when q is inf and x0, x1 have opposite signs (seed 77479922 of expr-fuzz)
    const cases: [string, number[]][] = [
      ['sum(k, 0, 1, x[k]*((pi < x1))^-3)', [2.2841386795043945, -1.8540276288986206]],
      ['x0/x2 + x1/x2', [1.5, -0.5, 0]],
      ['x0*(1/x2) - x1*(1/x2)', [1.5, 0.5, 0]],
      ['sum(i, 0, 2, x[i]/x2)', [1.5, -2.5, 0]],
      ['x0*exp(x2) + x1*exp(x2)', [1.5, -0.5, 800]],
    ];
    for (const [src, x] of cases) {
      const e = compileExpr(src);
      expect(e.evalJs(x), src).toBeNaN(); // the float64 reference
      const [got] = await runOnGpu(e, [x]);
      expect(got[0], `${src} at [${x}]`).toBeNaN();
    }
    // the same sums where float64 is infinite stay infinite, and finite ones exact
    const inf = await runOnGpu(compileExpr('x0/x2 + x1/x2'), [[1.5, 0.5, 0], [1.5, 0.5, 2]]);
    expect(inf[0][0]).toBe(Infinity);
    expect(inf[1][0]).toBe(1);
  });

  test('literals beyond f32 range compile (as inf / 0) instead of failing', async () => {
    const got = await runOnGpu(compileExpr('1e39*x0 + 1e-50 + 3.4028234e38*x1'), [[0.5, 0.5]]);
    expect(got[0][0]).toBe(Infinity);
    expect(got[0][1]).toBe(Infinity);
  });
});
