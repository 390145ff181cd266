// Encoders of the structured numerical gradients: one layer's parameters at a time, each
// lane's loss change formed from small quantities (nn_grad_out.wgsl, nn_grad_hidden.wgsl).
// A whole batch takes the hidden layer's matmul form (nn_grad_poly.wgsl): per (sample, unit)
// the change is one odd function of the unit's move, evaluated exactly at two steps and
// applied to every weight through a matmul; where a sample is outside the form's bound the
// device hands over to the per-lane kernel by indirect dispatch. Row chunks of a batch too
// big for one binding always take the per-lane kernels (their compensated sums carry from
// chunk to chunk).
import gradOutSrc from '../shaders/nn_grad_out.wgsl';
import gradHiddenSrc from '../shaders/nn_grad_hidden.wgsl';
import gradPolySrc from '../shaders/nn_grad_poly.wgsl';
import cubeSrc from '../shaders/nn_cube.wgsl';
import { STORAGE_RW, Usage } from '../../../gpu/flags';
import type { Binding, GpuRuntime } from '../../../gpu/runtime';
import { type DMat, type DTarget, WG, bind, encodeMatmul, layersJob, matmulTiles, params } from './kernels';

/** Where a row chunk stands in its batch: the whole batch's size (the loss is its mean), first and last chunk. */
export interface GradChunk {
  batch: number;
  first: boolean;
  last: boolean;
}

export const WHOLE = (batch: number): GradChunk => ({ batch, first: true, last: true });

const mode = (c: GradChunk) => (c.first ? 1 : 0) | (c.last ? 2 : 0);

/**
 * The binding of the compensation that carries a structured kernel's Kahan sum from chunk
 * to chunk (G-shaped), or for a batch in one piece a dummy the kernel never touches.
 */
function compBind(rt: GpuRuntime, enc: GPUCommandEncoder, binding: number, chunk: GradChunk, comp: DMat | undefined): Binding {
  if (comp) return bind(binding, comp);
  if (!chunk.first || !chunk.last) throw new Error('numgrad: a chunked structured gradient needs its compensation buffer');
  const dummy = rt.upload(new Float32Array(4));
  rt.releaseAfterSubmit(enc, dummy);
  return { binding, buffer: dummy, size: 16 };
}

/** Scratch of a matmul form: A, C and the bias terms (rows × cols each) and s_b, each from a 256-byte boundary. */
interface PolyScratch {
  q: number;
  pco: GPUBuffer;
  bytes: number;
  a3: DMat;
  aux: GPUBuffer;
  sec: (k: number, cols: number) => DMat;
}

function polyScratch(rt: GpuRuntime, enc: GPUCommandEncoder, z: DMat, cols: number, auxWords: number): PolyScratch {
  const B = z.rows;
  const q = Math.ceil((B * cols) / 64) * 64, bytes = 4 * (3 * q + B);
  const aux = new Uint32Array(auxWords);
  for (let i = 2; i < auxWords; i += 3) aux[i] = 1; // (0, 0, 1) workgroups each until the coefficients ask
  const auxBuf = rt.upload(aux, STORAGE_RW | Usage.INDIRECT, 'numgrad-nn-poly-aux');
  const pco = rt.scratch(bytes, 'numgrad-nn-poly');
  const a3: DMat = { buf: rt.scratch(4 * B * z.cols, 'numgrad-nn-cube'), rows: B, cols: z.cols };
  rt.releaseAfterSubmit(enc, auxBuf, pco, a3.buf);
  return { q, pco, bytes, a3, aux: auxBuf, sec: (k, c) => ({ buf: pco, rows: B, cols: c, off: 4 * k * q }) };
}

/** The matmul forms fit: a whole batch, 1-D grids, and their scratch within one binding. */
function polyFits(rt: GpuRuntime, chunk: GradChunk, z: DMat, cols: number, grids: [number, number][], tiles: number): boolean {
  const q = Math.ceil((z.rows * cols) / 64) * 64;
  return chunk.first && chunk.last && grids.every((g) => g[1] === 1) && tiles <= rt.limits.maxComputeWorkgroupsPerDimension &&
    Math.max(4 * z.rows * z.cols, 4 * (3 * q + z.rows)) <= rt.maxBinding;
}

/** a³ and the row maxima s_b of a into section 3 of the scratch (nn_cube.wgsl). */
async function encodeCube(rt: GpuRuntime, enc: GPUCommandEncoder, a: DMat, s: PolyScratch): Promise<void> {
  const P = params(rt, [a.rows, a.cols, 0, 0]);
  rt.releaseAfterSubmit(enc, P);
  const smax = { binding: 2, buffer: s.pco, offset: 12 * s.q, size: 4 * a.rows };
  rt.dispatch(enc, await rt.pipeline('nn_cube', cubeSrc, { WG }), [bind(0, a), bind(1, s.a3), smax, { binding: 3, buffer: P }], a.rows * WG, WG);
}

/**
 * Structured gradient of an output layer (W: J×K, plus K bias lanes when `bias`), into g;
 * `comp` is g's compensation buffer between row chunks. (Its matmul form was measured: on
 * lavapipe its five small dispatches cost what the one per-lane kernel does, so it has none.)
 */
export async function encodeGradOut(
  rt: GpuRuntime, enc: GPUCommandEncoder, z: DMat, y: DMat, yc: DMat, t: DTarget, h: number, bias: boolean, g: DMat,
  chunk: GradChunk = WHOLE(z.rows), comp?: DMat,
): Promise<void> {
  const B = z.rows, J = z.cols, K = y.cols;
  const lanes = J * K + (bias ? K : 0);
  const pipe = await rt.pipeline('nn_grad_out', gradOutSrc, { WG, ONEHOT: t.onehot ? 1 : 0 });
  const P = params(rt, [B, J, K, lanes, { f: h }, { f: 1 / (chunk.batch * 2 * h) }, mode(chunk), 0]);
  rt.releaseAfterSubmit(enc, P);
  rt.dispatch(enc, pipe, [
    bind(0, z), bind(1, y), bind(2, yc), bind(3, t.m), bind(4, g), { binding: 5, buffer: P }, compBind(rt, enc, 6, chunk, comp),
  ], lanes, WG);
}

/**
 * Structured gradient of the hidden layer (W1: I×H, then H bias lanes), into g. The per-lane
 * kernel's W1 lanes visit only the samples where x[b][i] ≠ 0 (`nz`, `nzCount`: built here by
 * nonzero_cols when it runs); `tab` (B×8H) holds its fast path's coefficients.
 */
export async function encodeGradHidden(
  rt: GpuRuntime, enc: GPUCommandEncoder,
  x: DMat, z1: DMat, zm: DMat, W2: DMat, y: DMat, t: DTarget, h: number, g: DMat, nz: DMat, nzCount: DMat, tab: DMat,
  chunk: GradChunk = WHOLE(x.rows), comp?: DMat,
): Promise<void> {
  const B = x.rows, I = x.cols, H = z1.cols, K = y.cols;
  const Hp = Math.ceil(H / 8) * 8; // lanes i-major over Hp slots (nn_grad_hidden.wgsl)
  const lanes = I * Hp + H;
  const consts = { WG, ONEHOT: t.onehot ? 1 : 0 };
  const grids = [rt.grid(lanes, WG), rt.grid(B * H, WG), rt.grid(I, WG)]; // main, moments, nonzero_cols
  const cubicTiles = matmulTiles(I, H).tiles;
  const poly = polyFits(rt, chunk, x, H, grids, cubicTiles);
  const q = Math.ceil((B * H) / 64) * 64;
  const P = params(rt, [B, I, H, K, lanes, { f: h }, { f: 1 / (chunk.batch * 2 * h) }, mode(chunk), Hp, q, grids[0][0], grids[1][0], grids[2][0], cubicTiles, 0, 0]);
  rt.releaseAfterSubmit(enc, P);
  const uni = { binding: 7, buffer: P };
  const mainBinds = [
    bind(0, x), bind(1, z1), bind(2, zm), bind(3, W2), bind(4, y), bind(5, t.m), bind(6, g), uni,
    bind(8, nz), compBind(rt, enc, 9, chunk, comp), bind(10, tab),
  ];
  const momBinds = [bind(3, W2), bind(4, y), bind(5, t.m), uni, bind(10, tab)];
  const mom = t.onehot ? null : await rt.pipeline('nn_grad_hidden', gradHiddenSrc, consts, 'moments'); // label targets only
  const pipe = await rt.pipeline('nn_grad_hidden', gradHiddenSrc, consts);
  const nzJob = await layersJob(rt, enc, 'nonzero_cols', x.rows, x.cols, 0, { a: x, o1: nz, o2: nzCount });
  if (!poly) {
    rt.dispatch(enc, nzJob.pipe, nzJob.list, I, WG);
    if (mom) rt.dispatch(enc, mom, momBinds, B * H, WG);
    rt.dispatch(enc, pipe, mainBinds, lanes, WG);
    return;
  }
  const s = polyScratch(rt, enc, x, H, 12);
  const auxB = { binding: 11, buffer: s.aux, size: 48 };
  const pcoB = { binding: 13, buffer: s.pco, size: s.bytes };
  const gW: DMat = { buf: g.buf, rows: I, cols: H };
  await encodeCube(rt, enc, x, s);
  rt.dispatch(enc, await rt.pipeline('nn_grad_poly', gradPolySrc, consts, 'coeffs'),
    [bind(1, z1), bind(2, zm), bind(3, W2), bind(4, y), bind(5, t.m), uni, auxB, pcoB], B * H, WG);
  await encodeMatmul(rt, enc, x, s.sec(0, H), gW, B, { ta: true });
  await encodeMatmul(rt, enc, s.a3, s.sec(1, H), gW, B, { ta: true, accum: true, indirect: { args: s.aux, offset: 36 } });
  rt.dispatch(enc, await rt.pipeline('nn_grad_poly', gradPolySrc, consts, 'bias_sum'), [bind(6, g), uni, pcoB], H, WG);
  rt.dispatchIndirect(enc, nzJob.pipe, nzJob.list, s.aux, 24);
  if (mom) rt.dispatchIndirect(enc, mom, momBinds, s.aux, 12);
  rt.dispatchIndirect(enc, pipe, mainBinds, s.aux, 0);
}
