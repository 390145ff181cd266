// Encoders for the nn_* kernels: each records one compute pass on the caller's encoder and
// never reads back, so a whole forward pass + gradient is one submit with one readback.
import matmulSrc from '../shaders/nn_matmul.wgsl';
import layersSrc from '../shaders/nn_layers.wgsl';
import lossSrc from '../shaders/nn_loss.wgsl';
import genericSrc from '../shaders/nn_generic.wgsl';
import { LANE_WG, MATMUL_TN, MATMUL_R } from '../../../gpu/constants';
import type { Binding, GpuRuntime } from '../../../gpu/runtime';

export const WG = LANE_WG;

/** A device matrix: rows × cols f32, row-major, in a pooled buffer. */
export interface DMat {
  buf: GPUBuffer;
  rows: number;
  cols: number;
  /** byte offset in buf (a multiple of 256), default 0 */
  off?: number;
}

export const bytes = (m: DMat) => Math.max(4, m.rows * m.cols * 4);
export const bind = (binding: number, m: DMat): Binding => ({ binding, buffer: m.buf, offset: m.off ?? 0, size: bytes(m) });

export function params(rt: GpuRuntime, words: (number | { f: number })[]): GPUBuffer {
  const ab = new ArrayBuffer(Math.max(16, Math.ceil(words.length / 4) * 16));
  const u = new Uint32Array(ab), f = new Float32Array(ab);
  words.forEach((w, i) => {
    if (typeof w === 'number') u[i] = w;
    else f[i] = w.f;
  });
  // a repeated call meets its kept block (releasing a kept buffer to the pool is a no-op)
  return rt.kept.get(u) ?? rt.uniform(u);
}

/**
 * Lanes per nn_matmul workgroup for N output columns (4 columns a lane): the smallest
 * power of two from 8 (a SIMD width of CPU-backed adapters) to MATMUL_TN that covers them,
 * so narrow layers do not leave most lanes without a column.
 */
export function matmulLanes(N: number): number {
  let tn = 8;
  while (tn < MATMUL_TN && 4 * tn < N) tn *= 2;
  return tn;
}

/**
 * C = op(A)·op(B) (+ bias): C is M×N, K the inner size. The bias is read from
 * `bias.m` at element `bias.off` on (a [W | b] buffer can be both B and the bias).
 * `accum`: C += the product (gradients summed over the row chunks of a batch).
 */
export async function encodeMatmul(
  rt: GpuRuntime, enc: GPUCommandEncoder,
  A: DMat, B: DMat, C: DMat, K: number,
  opts: { ta?: boolean; tb?: boolean; bias?: { m: DMat; off: number }; accum?: boolean; indirect?: { args: GPUBuffer; offset: number } } = {},
): Promise<void> {
  const M = C.rows, N = C.cols;
  const TN = matmulLanes(N);
  const pipe = await rt.pipeline('nn_matmul', matmulSrc, {
    TA: opts.ta ? 1 : 0, TB: opts.tb ? 1 : 0, HAS_BIAS: opts.bias ? 1 : 0, ACCUM: opts.accum ? 1 : 0, TN,
  });
  const { tilesN, tiles } = matmulTiles(M, N);
  const P = params(rt, [M, K, N, tilesN, opts.bias?.off ?? 0, 0, 0, 0]);
  // the bias binding is statically used, so without a bias it gets a dummy buffer
  const dummy = opts.bias ? null : rt.upload(new Float32Array(4));
  const biasBind = opts.bias ? bind(2, opts.bias.m) : { binding: 2, buffer: dummy!, size: 16 };
  rt.releaseAfterSubmit(enc, P, dummy);
  const list = [bind(0, A), bind(1, B), biasBind, bind(3, C), { binding: 4, buffer: P }];
  if (opts.indirect) rt.dispatchIndirect(enc, pipe, list, opts.indirect.args, opts.indirect.offset);
  else rt.dispatch(enc, pipe, list, tiles * TN, TN);
}

/** nn_matmul's R × 4·TN blocks for an M×N product: per block row, and in all (its workgroups). */
export function matmulTiles(M: number, N: number): { tilesN: number; tiles: number } {
  const tilesN = Math.ceil(N / (4 * matmulLanes(N)));
  return { tilesN, tiles: Math.ceil(M / MATMUL_R) * tilesN };
}

/** An nn_layers kernel's pipeline and bindings (recorded here: its params are released after submit). */
export async function layersJob(
  rt: GpuRuntime, enc: GPUCommandEncoder, entry: string, count: number, cols: number, scale: number,
  b: { a?: DMat; g?: DMat; o1?: DMat; o2?: DMat },
): Promise<{ pipe: GPUComputePipeline; list: Binding[] }> {
  const pipe = await rt.pipeline('nn_layers', layersSrc, { WG }, entry);
  const P = params(rt, [count, cols, { f: scale }, 0]);
  const list: Binding[] = [];
  if (b.a) list.push(bind(0, b.a));
  if (b.g) list.push(bind(1, b.g));
  if (b.o1) list.push(bind(2, b.o1));
  if (b.o2) list.push(bind(3, b.o2));
  list.push({ binding: 4, buffer: P });
  rt.releaseAfterSubmit(enc, P);
  return { pipe, list };
}

async function layers(
  rt: GpuRuntime, enc: GPUCommandEncoder, entry: string, count: number, cols: number, scale: number,
  b: { a?: DMat; g?: DMat; o1?: DMat; o2?: DMat }, lanes = count,
): Promise<void> {
  const { pipe, list } = await layersJob(rt, enc, entry, count, cols, scale, b);
  rt.dispatch(enc, pipe, list, lanes, WG);
}

/** z = σ(a), zm = σ(−a). */
export function encodeSigmoid(rt: GpuRuntime, enc: GPUCommandEncoder, a: DMat, z: DMat, zm: DMat): Promise<void> {
  return layers(rt, enc, 'sigmoid_fwd', a.rows * a.cols, 0, 0, { a, o1: z, o2: zm });
}

/** out = g·z·zm (back through the sigmoid). */
export function encodeSigmoidBack(rt: GpuRuntime, enc: GPUCommandEncoder, g: DMat, z: DMat, zm: DMat, out: DMat): Promise<void> {
  return layers(rt, enc, 'sigmoid_back', g.rows * g.cols, 0, 0, { a: z, g, o1: out, o2: zm });
}

/** y = softmax(a) per row (max subtracted), yc = 1 − y formed as the sum of the others. */
export function encodeSoftmax(rt: GpuRuntime, enc: GPUCommandEncoder, a: DMat, y: DMat, yc: DMat): Promise<void> {
  return layers(rt, enc, 'softmax_rows', a.rows, a.cols, 0, { a, o1: y, o2: yc });
}

/** For each column i of x: the rows b with x[b][i] ≠ 0 (nz, I×rows, as f32) and how many (nzCount, I). */
export function encodeNonzeroCols(rt: GpuRuntime, enc: GPUCommandEncoder, x: DMat, nz: DMat, nzCount: DMat): Promise<void> {
  return layers(rt, enc, 'nonzero_cols', x.rows, x.cols, 0, { a: x, o1: nz, o2: nzCount }, x.cols);
}

/** w ← w − lr·g over `count` elements. */
export function encodeSgd(rt: GpuRuntime, enc: GPUCommandEncoder, w: DMat, g: DMat, lr: number): Promise<void> {
  return layers(rt, enc, 'sgd_step', w.rows * w.cols, 0, lr, { g, o1: w });
}

/** Targets on the device: labels (as f32) or one-hot rows. */
export interface DTarget {
  m: DMat;
  onehot: boolean;
}

async function lossKernel(
  rt: GpuRuntime, enc: GPUCommandEncoder, entry: string, onehot: boolean, rows: number, K: number, invB: number,
  b: { y: DMat; yc?: DMat; t?: DMat; o: DMat }, lanes = rows, outOff = 0, accum = false,
): Promise<void> {
  const pipe = await rt.pipeline('nn_loss', lossSrc, { WG, ONEHOT: onehot ? 1 : 0, ACCUM: accum ? 1 : 0 }, entry);
  const P = params(rt, [rows, K, { f: invB }, outOff]);
  const list: Binding[] = [bind(0, b.y)];
  if (b.yc) list.push(bind(1, b.yc));
  if (b.t) list.push(bind(2, b.t));
  list.push(bind(3, b.o), { binding: 4, buffer: P });
  rt.releaseAfterSubmit(enc, P);
  rt.dispatch(enc, pipe, list, lanes, WG);
}

/** out[b] = −Σ_c t_c·log(y_c + 1e-7). */
export function encodeSampleLosses(rt: GpuRuntime, enc: GPUCommandEncoder, y: DMat, t: DTarget, out: DMat): Promise<void> {
  return lossKernel(rt, enc, 'xent_rows', t.onehot, y.rows, y.cols, 0, { y, t: t.m, o: out });
}

/** out[b] = 1 when argmax(y_b) is the label, else 0. */
export function encodeCorrect(rt: GpuRuntime, enc: GPUCommandEncoder, y: DMat, t: DTarget, out: DMat): Promise<void> {
  return lossKernel(rt, enc, 'correct_rows', t.onehot, y.rows, y.cols, 0, { y, t: t.m, o: out });
}

/** out = dL/da2, the exact gradient of the mean cross-entropy (1e-7 included) over a batch of `batch` rows (y may be a chunk of it). */
export function encodeLogitGrad(rt: GpuRuntime, enc: GPUCommandEncoder, y: DMat, yc: DMat, t: DTarget, out: DMat, batch = y.rows): Promise<void> {
  return lossKernel(rt, enc, 'logit_grad', t.onehot, y.rows, y.cols, 1 / batch, { y, yc, t: t.m, o: out });
}

/** out[outOff + k] = Σ_r m[r][k] (rows in order); `accum`: added to what out holds. */
export function encodeColSums(rt: GpuRuntime, enc: GPUCommandEncoder, m: DMat, out: DMat, outOff = 0, accum = false): Promise<void> {
  return lossKernel(rt, enc, 'col_sums', false, m.rows, m.cols, 0, { y: m, o: out }, m.cols, outOff, accum);
}

/**
 * Generic path: L[2p + s] = loss with parameter p set to wpm[s·P + p] (whole forward per lane),
 * the sum over x's rows divided by `batch` (x may be a row chunk; the chunks' L add up).
 */
export async function encodeGeneric(
  rt: GpuRuntime, enc: GPUCommandEncoder,
  x: DMat, w: DMat, wpm: DMat, t: DTarget, dims: { I: number; H: number; K: number; layers: 1 | 2 }, L: DMat, batch = x.rows,
): Promise<void> {
  const nparams = w.rows * w.cols;
  const pipe = await rt.pipeline('nn_generic', genericSrc, { WG, ONEHOT: t.onehot ? 1 : 0, LAYERS: dims.layers });
  const P = params(rt, [x.rows, dims.I, dims.H, dims.K, nparams, batch, 0, 0]);
  rt.releaseAfterSubmit(enc, P);
  rt.dispatch(enc, pipe, [bind(0, x), bind(1, w), bind(2, wpm), bind(3, t.m), bind(4, L), { binding: 5, buffer: P }], 2 * nparams, WG);
}

/** The generic kernel keeps the logits of one sample in a private array of this size. */
export const GENERIC_MAX_OUTPUTS = 64;
