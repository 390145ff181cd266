// Per-net device state: the parameters as [W | b] buffers (so one SGD dispatch updates a
// layer and the matmul reads its bias from the same buffer), gradient buffers of the same
// layout, and activations for up to `cap` samples. Forward and backprop are recorded here.
import { ArgumentError } from '../../../core/errors';
import type { GpuRuntime } from '../../../gpu/runtime';
import type { Target } from '../cpu/targets';
import type { NetSpec } from '../ops';
import { type DMat, type DTarget, encodeMatmul, encodeSigmoid, encodeSoftmax, encodeLogitGrad, encodeColSums, encodeSigmoidBack } from './kernels';
import { type GradChunk, WHOLE, encodeGradOut, encodeGradHidden } from './structured';
import { alloc, view, write } from './device-mats';

/**
 * Rows per chunk: the most samples whose per-sample buffers each fit one storage binding of
 * `limit` bytes (x and its nonzero index: I f32 a row, targets and logits K, hidden
 * activations H, the hidden gradient's table 8H). Throws ArgumentError, before anything is
 * allocated, when a parameter matrix or one sample alone is over the limit: such a net
 * cannot run on this device at all, however the batch is split.
 */
export function fitRows(spec: NetSpec, limit: number): number {
  const { inputSize: I, hiddenSize: H, outputSize: K } = spec;
  // a TwoLayerNet's matrices both shrink with hiddenSize (inputSize and outputSize come from the data)
  const mats: [string, number, number, string, string][] = H > 0
    ? [['[W1; b1]', I + 1, H, '(inputSize + 1) × hiddenSize', 'hiddenSize'], ['[W2; b2]', H + 1, K, '(hiddenSize + 1) × outputSize', 'hiddenSize']]
    : [['W', I, K, 'inputSize × outputSize', I >= K ? 'inputSize' : 'outputSize']];
  for (const [name, r, c, dims, arg] of mats) {
    if (4 * r * c > limit) {
      throw new ArgumentError(arg, `${name} is ${dims} = ${r} × ${c} f32 = ${4 * r * c} bytes, over this device's storage binding limit (${limit} bytes); the GPU nets need each parameter matrix in one binding`);
    }
  }
  const perRow: [number, string, string][] = [
    [I, 'inputSize', `one sample of x (inputSize = ${I} f32)`], [K, 'outputSize', `one sample's outputs (outputSize = ${K} f32)`],
    [8 * Math.max(H, 1), H > 0 ? 'hiddenSize' : 'inputSize', `one sample's hidden-gradient table (8 × hiddenSize = ${8 * Math.max(H, 1)} f32)`],
  ];
  const [cols, arg, what] = perRow.reduce((a, b) => (b[0] > a[0] ? b : a));
  if (4 * cols > limit) {
    throw new ArgumentError(arg, `${what} needs ${4 * cols} bytes in one binding, over this device's storage binding limit (${limit} bytes)`);
  }
  return Math.floor(limit / (4 * cols));
}

/** Activations for a batch of up to `cap` rows. */
export interface Acts {
  cap: number;
  x: DMat; t: DMat; a1: DMat; z1: DMat; zm: DMat; a2: DMat; y: DMat; yc: DMat;
  rowsBuf: DMat; da2: DMat; dz1: DMat; da1: DMat;
  /** per input column: the samples where it is nonzero (I×rows) and their count (I) */
  nz: DMat; nzCount: DMat;
  /** fast-path coefficients of the hidden-layer gradient (rows × 8H) */
  tab: DMat;
}

export class DeviceNet {
  /** SimpleNet: [W (I×K)]; TwoLayerNet: [[W1; b1] ((I+1)×H), [W2; b2] ((H+1)×K)] */
  readonly P: DMat[];
  readonly G: DMat[];
  private acts: Acts | null = null;
  readonly two: boolean;

  constructor(readonly rt: GpuRuntime, readonly spec: NetSpec) {
    const { inputSize: I, hiddenSize: H, outputSize: K } = spec;
    this.two = H > 0;
    const shapes: [number, number][] = this.two ? [[I + 1, H], [H + 1, K]] : [[I, K]];
    this.P = shapes.map(([r, c]) => alloc(rt, r, c, 'numgrad-nn-param'));
    this.G = shapes.map(([r, c]) => alloc(rt, r, c, 'numgrad-nn-grad'));
  }

  /** Uploads float64 params in FlatParams order. */
  setParams(p: Float64Array[]): void {
    if (this.two) {
      write(this.rt, this.P[0], p[0]);
      write(this.rt, this.P[0], p[1], p[0].length);
      write(this.rt, this.P[1], p[2]);
      write(this.rt, this.P[1], p[3], p[2].length);
    } else {
      write(this.rt, this.P[0], p[0]);
    }
  }

  /** Splits [W | b] device layouts (as read back) into FlatParams order. */
  split(parts: Float32Array[]): Float64Array[] {
    if (!this.two) return [Float64Array.from(parts[0])];
    const { inputSize: I, hiddenSize: H, outputSize: K } = this.spec;
    return [
      Float64Array.from(parts[0].subarray(0, I * H)), Float64Array.from(parts[0].subarray(I * H)),
      Float64Array.from(parts[1].subarray(0, H * K)), Float64Array.from(parts[1].subarray(H * K)),
    ];
  }

  /** Activation buffers for `rows` samples (grown when needed; views of `rows` rows). */
  ws(rows: number): Acts {
    if (!this.acts || this.acts.cap < rows) {
      this.releaseActs();
      const { inputSize: I, hiddenSize: H, outputSize: K } = this.spec;
      const h = Math.max(H, 1);
      const a = (c: number, l: string) => alloc(this.rt, rows, c, `numgrad-nn-${l}`);
      this.acts = {
        cap: rows, x: a(I, 'x'), t: a(K, 't'), a1: a(h, 'a1'), z1: a(h, 'z1'), zm: a(h, 'zm'), a2: a(K, 'a2'),
        y: a(K, 'y'), yc: a(K, 'yc'), rowsBuf: a(1, 'rows'), da2: a(K, 'da2'), dz1: a(h, 'dz1'), da1: a(h, 'da1'),
        nz: alloc(this.rt, I, rows, 'numgrad-nn-nz'), nzCount: alloc(this.rt, I, 1, 'numgrad-nn-nzcount'),
        tab: a(8 * h, 'tab'),
      };
    }
    const A = this.acts;
    const v = (m: DMat) => view(m, rows);
    return {
      cap: A.cap, x: v(A.x), t: v(A.t), a1: v(A.a1), z1: v(A.z1), zm: v(A.zm), a2: v(A.a2), y: v(A.y), yc: v(A.yc),
      rowsBuf: v(A.rowsBuf), da2: v(A.da2), dz1: v(A.dz1), da1: v(A.da1),
      nz: view(A.nz, this.spec.inputSize, rows), nzCount: A.nzCount, tab: v(A.tab),
    };
  }

  /** Writes x and the targets of a batch into the activation buffers; returns them. */
  load(x: Float64Array, rows: number, t: Target | null): { w: Acts; tgt: DTarget } {
    const w = this.ws(rows);
    write(this.rt, w.x, x);
    let tgt: DTarget = { m: view(w.t, rows, 1), onehot: false };
    const labels = t?.kind === 'labels' ? t.labels : t ? exactOneHotLabels(t.t.data, rows, t.t.cols) : null;
    if (labels) write(this.rt, w.t, labels);
    else if (t?.kind === 'onehot') {
      write(this.rt, w.t, t.t.data);
      tgt = { m: w.t, onehot: true };
    }
    return { w, tgt };
  }

  /** a1 = x·W1 + b1, z1 = σ(a1), zm = σ(−a1), a2 = z1·W2 + b2 (SimpleNet: a2 = x·W), y = softmax(a2). */
  async forward(enc: GPUCommandEncoder, w: Acts): Promise<void> {
    const { inputSize: I, hiddenSize: H } = this.spec;
    const rt = this.rt;
    if (this.two) {
      await encodeMatmul(rt, enc, w.x, this.P[0], w.a1, I, { bias: { m: this.P[0], off: I * H } });
      await encodeSigmoid(rt, enc, w.a1, w.z1, w.zm);
      await encodeMatmul(rt, enc, w.z1, this.P[1], w.a2, H, { bias: { m: this.P[1], off: H * this.spec.outputSize } });
    } else {
      await encodeMatmul(rt, enc, w.x, this.P[0], w.a2, I);
    }
    await encodeSoftmax(rt, enc, w.a2, w.y, w.yc);
  }

  /**
   * Structured numerical gradient into G (after forward). For a row chunk of a larger batch,
   * `comp` (G-shaped, from compBuffers) carries the kernels' compensated sums to the next chunk.
   */
  async structured(enc: GPUCommandEncoder, w: Acts, tgt: DTarget, h: number, chunk: GradChunk = WHOLE(w.x.rows), comp: DMat[] | null = null): Promise<void> {
    const rt = this.rt;
    if (this.two) {
      await encodeGradOut(rt, enc, w.z1, w.y, w.yc, tgt, h, true, this.G[1], chunk, comp?.[1]);
      await encodeGradHidden(rt, enc, w.x, w.z1, w.zm, this.P[1], w.y, tgt, h, this.G[0], w.nz, w.nzCount, w.tab, chunk, comp?.[0]);
    } else {
      await encodeGradOut(rt, enc, w.x, w.y, w.yc, tgt, h, false, this.G[0], chunk, comp?.[0]);
    }
  }

  /** Compensation buffers for a chunked structured gradient (release after the last chunk). */
  compBuffers(): DMat[] {
    return this.G.map((m) => alloc(this.rt, m.rows, m.cols, 'numgrad-nn-gcomp'));
  }

  /**
   * Backprop (exact gradient, 1e-7 included) into G (after forward). A row chunk divides by
   * the whole batch and, after the first, adds into G.
   */
  async backprop(enc: GPUCommandEncoder, w: Acts, tgt: DTarget, chunk: GradChunk = WHOLE(w.x.rows)): Promise<void> {
    const rt = this.rt;
    const { inputSize: I, hiddenSize: H, outputSize: K } = this.spec;
    const B = w.x.rows, accum = !chunk.first;
    await encodeLogitGrad(rt, enc, w.y, w.yc, tgt, w.da2, chunk.batch);
    if (!this.two) {
      await encodeMatmul(rt, enc, w.x, w.da2, this.G[0], B, { ta: true, accum });
      return;
    }
    await encodeMatmul(rt, enc, w.z1, w.da2, view(this.G[1], H), B, { ta: true, accum });
    await encodeColSums(rt, enc, w.da2, this.G[1], H * K, accum);
    await encodeMatmul(rt, enc, w.da2, view(this.P[1], H), w.dz1, K, { tb: true });
    await encodeSigmoidBack(rt, enc, w.dz1, w.z1, w.zm, w.da1);
    await encodeMatmul(rt, enc, w.x, w.da1, view(this.G[0], I), B, { ta: true, accum });
    await encodeColSums(rt, enc, w.da1, this.G[0], I * H, accum);
  }

  private releaseActs(): void {
    if (!this.acts) return;
    const A = this.acts;
    // every op submits its own work before returning, so nothing queued still uses them
    this.rt.release(A.x.buf, A.t.buf, A.a1.buf, A.z1.buf, A.zm.buf, A.a2.buf, A.y.buf, A.yc.buf, A.rowsBuf.buf, A.da2.buf, A.dz1.buf, A.da1.buf, A.nz.buf, A.nzCount.buf, A.tab.buf);
    this.acts = null;
  }

  dispose(): void {
    this.releaseActs();
    this.rt.release(...this.P.map((m) => m.buf), ...this.G.map((m) => m.buf));
  }
}

/** The labels of one-hot rows that are exactly one 1 and zeros (the kernels' fast label path), else null. */
function exactOneHotLabels(data: Float64Array, rows: number, K: number): Int32Array | null {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let at = -1;
    for (let k = 0; k < K; k++) {
      const v = data[r * K + k];
      if (v === 1 && at < 0) at = k;
      else if (v !== 0) return null;
    }
    if (at < 0) return null;
    out[r] = at;
  }
  return out;
}
