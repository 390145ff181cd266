// The float32 WebGPU NetImpl. Every call records its whole job on one encoder and reads
// back once; training steps read nothing back (losses collect in a device buffer). A batch
// whose per-sample buffers exceed the storage binding limit runs in row chunks (one encoder
// each), with the gradients accumulated on the device.
import { ArgumentError } from '../../../core/errors';
import { encodeSum } from '../../reduce/gpu';
import type { GpuRuntime } from '../../../gpu/runtime';
import type { Batch, FlatParams, GradMethod, NetImpl, NetSpec } from '../ops';
import { type DMat, type DTarget, encodeSampleLosses, encodeCorrect, encodeSgd, encodeGeneric, GENERIC_MAX_OUTPUTS } from './kernels';
import { alloc, readMany, write } from './device-mats';
import { type Acts, DeviceNet, fitRows } from './workspace';

/** Rows per chunk when evaluating large sets (loss, accuracy, predict), at most; fewer when the binding limit says so. */
export const EVAL_CHUNK = 4096;
/** The generic path runs P·B·(I·H + H·K) multiply-adds in one dispatch; past this, refuse. */
export const GENERIC_MAX_WORK = 2e9;

/** Rows [s, s + n) of a batch. */
interface Part { s: number; n: number; first: boolean; last: boolean }

/** The structured gradient at step h (f32), or backprop. */
type Grad = { h: number } | 'backprop';

export class GpuNet implements NetImpl {
  readonly kind = 'webgpu' as const;
  private readonly d: DeviceNet;
  private host: FlatParams;
  /** the device holds newer parameters than `host` (after training) */
  private stale = false;
  private hist: DMat | null = null;
  private histCount = 0;
  private histRows: number[] = [];

  constructor(private readonly rt: GpuRuntime, readonly spec: NetSpec, params: FlatParams) {
    fitRows(spec, rt.maxBinding); // a net that cannot fit the device is refused before anything is allocated
    this.d = new DeviceNet(rt, spec);
    this.host = params.map((p) => Float64Array.from(p));
    this.d.setParams(this.host);
  }

  setParams(p: FlatParams): void {
    this.host = p.map((a) => Float64Array.from(a));
    this.d.setParams(this.host);
    this.stale = false;
  }

  async getParams(): Promise<FlatParams> {
    if (this.stale) {
      const parts = await readMany(this.rt, this.rt.encoder('numgrad-nn-params'), this.d.P.map((m) => ({ buf: m.buf, count: m.rows * m.cols })));
      this.host = this.d.split(parts);
      this.stale = false;
    }
    return this.host.map((p) => Float64Array.from(p));
  }

  /**
   * The row chunks of a batch of `rows`: as many rows per chunk as keep every per-sample
   * binding within the device's limit (checked at every call, before any allocation; the
   * limit can be lowered in tests), at most `cap`.
   */
  private chunks(rows: number, cap = Infinity): Part[] {
    const per = Math.min(cap, fitRows(this.spec, this.rt.maxBinding));
    const out: Part[] = [];
    for (let s = 0; s < rows; s += per) out.push({ s, n: Math.min(per, rows - s), first: s === 0, last: s + per >= rows });
    return out;
  }

  private load(b: Batch, p: Part) {
    const I = this.spec.inputSize;
    return this.d.load(b.x.subarray(p.s * I, (p.s + p.n) * I), p.n, sliceTarget(b, p.s, p.n, this.spec.outputSize));
  }

  async predict(x: Float64Array, rows: number): Promise<Float64Array> {
    const K = this.spec.outputSize, I = this.spec.inputSize;
    const out = new Float64Array(rows * K);
    for (const { s, n } of this.chunks(rows, EVAL_CHUNK)) {
      const { w } = this.d.load(x.subarray(s * I, (s + n) * I), n, null);
      const [y] = await this.rt.withEncoder('numgrad-nn-predict', async (enc) => {
        await this.d.forward(enc, w);
        const src = this.d.two ? w.y : w.a2; // TwoLayerNet: softmax (the book's predict); SimpleNet: x·W
        return readMany(this.rt, enc, [{ buf: src.buf, count: n * K }]);
      });
      out.set(y, s * K);
    }
    return out;
  }

  /** Records the sum over the loaded chunk of per-sample losses or correct flags; returns its buffer (element 0). */
  private async chunkSum(enc: GPUCommandEncoder, w: Acts, tgt: DTarget, which: 'loss' | 'correct'): Promise<GPUBuffer> {
    if (which === 'loss') await encodeSampleLosses(this.rt, enc, w.y, tgt, w.rowsBuf);
    else await encodeCorrect(this.rt, enc, w.y, tgt, w.rowsBuf);
    const total = await encodeSum(this.rt, enc, w.rowsBuf.buf, w.rowsBuf.rows);
    this.rt.releaseAfterSubmit(enc, total === w.rowsBuf.buf ? null : total);
    return total;
  }

  /** Sum over the batch of a per-sample quantity (losses or correct flags), chunked. */
  private async batchSum(b: Batch, which: 'loss' | 'correct'): Promise<number> {
    const ps = this.chunks(b.rows, EVAL_CHUNK);
    const partials = alloc(this.rt, ps.length, 1, 'numgrad-nn-partials');
    try {
      let p: Float32Array = new Float32Array(0);
      for (const [c, part] of ps.entries()) {
        await this.rt.withEncoder('numgrad-nn-eval', async (enc) => {
          const { w, tgt } = this.load(b, part);
          await this.d.forward(enc, w);
          this.rt.copy(enc, await this.chunkSum(enc, w, tgt, which), 0, partials.buf, c * 4, 4);
          // each chunk is submitted before the next overwrites x and t; the last one reads back
          if (!part.last) this.rt.submit(enc);
          else [p] = await readMany(this.rt, enc, [{ buf: partials.buf, count: ps.length }]);
        });
      }
      let sum = 0;
      for (const v of p) sum += v;
      return sum / b.rows;
    } finally {
      this.rt.release(partials.buf);
    }
  }

  loss(b: Batch): Promise<number> {
    return this.batchSum(b, 'loss');
  }

  accuracy(b: Batch): Promise<number> {
    return this.batchSum(b, 'correct');
  }

  /**
   * Forward and gradient of every row chunk of `b` into G, each chunk submitted before the
   * next overwrites x and t; `tail` records what follows on the last chunk's encoder. The
   * kernels divide by the whole batch and add into G after the first chunk (the structured
   * ones carry their compensated sums in `comp`), so G ends as the batch's gradient.
   */
  private async gradChunks<T>(b: Batch, label: string, grad: Grad, tail: (enc: GPUCommandEncoder, w: Acts, tgt: DTarget) => Promise<T>): Promise<T> {
    const ps = this.chunks(b.rows);
    const comp = grad !== 'backprop' && ps.length > 1 ? this.d.compBuffers() : null;
    try {
      let out: T | undefined;
      for (const p of ps) {
        const { w, tgt } = this.load(b, p);
        out = await this.rt.withEncoder(label, async (enc) => {
          await this.d.forward(enc, w);
          const chunk = { batch: b.rows, first: p.first, last: p.last };
          if (grad === 'backprop') await this.d.backprop(enc, w, tgt, chunk);
          else await this.d.structured(enc, w, tgt, grad.h, chunk, comp);
          if (p.last) return tail(enc, w, tgt);
          this.rt.submit(enc);
          return undefined;
        });
      }
      return out as T;
    } finally {
      if (comp) this.rt.release(...comp.map((m) => m.buf)); // every chunk is submitted (or dropped) by now
    }
  }

  private readG(enc: GPUCommandEncoder): Promise<FlatParams> {
    return readMany(this.rt, enc, this.d.G.map((m) => ({ buf: m.buf, count: m.rows * m.cols }))).then((g) => this.d.split(g));
  }

  async numericalGradient(b: Batch, h: number, method: GradMethod): Promise<FlatParams> {
    if (method === 'generic') return this.generic(b, h);
    return this.gradChunks(b, 'numgrad-nn-ngrad', { h: Math.fround(h) }, (enc) => this.readG(enc));
  }

  gradient(b: Batch): Promise<FlatParams> {
    return this.gradChunks(b, 'numgrad-nn-backprop', 'backprop', (enc) => this.readG(enc));
  }

  /** One lane per (parameter, side), each a whole forward pass at w ± h rounded to f32. */
  private async generic(b: Batch, h: number): Promise<FlatParams> {
    const { inputSize: I, hiddenSize: H, outputSize: K } = this.spec;
    const ps = this.chunks(b.rows);
    const params = await this.getParams();
    const flat = Float64Array.from(params.flatMap((p) => Array.from(p)));
    const n = flat.length;
    const work = n * b.rows * (H > 0 ? I * H + H * K : I * K);
    if (K > GENERIC_MAX_OUTPUTS) throw new ArgumentError('method', `'generic' supports at most ${GENERIC_MAX_OUTPUTS} outputs, this net has ${K}; use 'structured'`);
    if (work > GENERIC_MAX_WORK) {
      throw new ArgumentError('method', `'generic' would run ${work.toExponential(2)} multiply-adds in one dispatch (limit ${GENERIC_MAX_WORK.toExponential(0)}); use 'structured' or a smaller net/batch`);
    }
    if (8 * n > this.rt.maxBinding) {
      throw new ArgumentError('method', `'generic' binds the ${n} parameters ± h as ${2 * n} f32 (${8 * n} bytes), over this device's storage binding limit (${this.rt.maxBinding} bytes); use 'structured'`);
    }
    const wpm = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      wpm[i] = Math.fround(flat[i] + h);
      wpm[n + i] = Math.fround(flat[i] - h);
    }
    const wBuf = alloc(this.rt, n, 1, 'numgrad-nn-flat');
    const wpmBuf = alloc(this.rt, 2 * n, 1, 'numgrad-nn-wpm');
    const L = alloc(this.rt, 2 * n, 1, 'numgrad-nn-generic');
    try {
      write(this.rt, wBuf, flat);
      write(this.rt, wpmBuf, wpm);
      write(this.rt, L, new Float64Array(2 * n).fill(NaN)); // unwritten lanes show
      // each chunk's lanes hold its rows' share of the mean loss; they add up in float64
      const l = new Float64Array(2 * n);
      for (const p of ps) {
        const { w, tgt } = this.load(b, p);
        const [lc] = await this.rt.withEncoder('numgrad-nn-generic', async (enc) => {
          await encodeGeneric(this.rt, enc, w.x, wBuf, wpmBuf, tgt, { I, H, K, layers: H > 0 ? 2 : 1 }, L, b.rows);
          return readMany(this.rt, enc, [{ buf: L.buf, count: 2 * n }]);
        });
        for (let i = 0; i < 2 * n; i++) l[i] += lc[i];
      }
      const g = new Float64Array(n);
      // divide by the realised step (w+h and w−h as rounded to f32), not by 2h
      for (let i = 0; i < n; i++) g[i] = (l[2 * i] - l[2 * i + 1]) / (wpm[i] - wpm[n + i]);
      const out: FlatParams = [];
      let off = 0;
      for (const p of params) {
        out.push(g.slice(off, off + p.length));
        off += p.length;
      }
      return out;
    } finally {
      this.rt.release(wBuf.buf, wpmBuf.buf, L.buf);
    }
  }

  async trainStep(b: Batch, lr: number, gradient: 'numerical' | 'backprop', h: number): Promise<void> {
    const rt = this.rt;
    const ps = this.chunks(b.rows);
    await this.gradChunks(b, 'numgrad-nn-train', gradient === 'backprop' ? 'backprop' : { h: Math.fround(h) }, async (enc, w, tgt) => {
      for (let i = 0; i < this.d.P.length; i++) await encodeSgd(rt, enc, this.d.P[i], this.d.G[i], lr);
      this.stale = true;
      if (ps.length > 1) {
        rt.submit(enc);
        return;
      }
      // the book records the batch loss after the update (one chunk: x and t are still loaded)
      await this.d.forward(enc, w);
      this.pushLoss(enc, await this.chunkSum(enc, w, tgt, 'loss'), b.rows);
      rt.submit(enc);
    });
    if (ps.length > 1) await this.chunkedLoss(b, ps);
  }

  /** The batch loss after an update, chunk by chunk, summed on the device into the history (no readback). */
  private async chunkedLoss(b: Batch, ps: Part[]): Promise<void> {
    const rt = this.rt;
    const partials = alloc(rt, ps.length, 1, 'numgrad-nn-partials');
    try {
      for (const [c, p] of ps.entries()) {
        const { w, tgt } = this.load(b, p);
        await rt.withEncoder('numgrad-nn-train-loss', async (enc) => {
          await this.d.forward(enc, w);
          rt.copy(enc, await this.chunkSum(enc, w, tgt, 'loss'), 0, partials.buf, c * 4, 4);
          if (p.last) {
            const total = await encodeSum(rt, enc, partials.buf, ps.length);
            rt.releaseAfterSubmit(enc, total === partials.buf ? null : total);
            this.pushLoss(enc, total, b.rows);
          }
          rt.submit(enc);
        });
      }
    } finally {
      rt.release(partials.buf);
    }
  }

  /** Copies a batch's summed loss (element 0 of `total`) into the next history slot. */
  private pushLoss(enc: GPUCommandEncoder, total: GPUBuffer, rows: number): void {
    this.ensureHist(this.histCount + 1, enc);
    this.rt.copy(enc, total, 0, this.hist!.buf, this.histCount * 4, 4);
    this.histCount++;
    this.histRows.push(rows);
  }

  private ensureHist(n: number, enc: GPUCommandEncoder): void {
    if (this.hist && this.hist.rows >= n) return;
    const next = alloc(this.rt, Math.max(256, 2 * n), 1, 'numgrad-nn-losses');
    if (this.hist) {
      this.rt.copy(enc, this.hist.buf, 0, next.buf, 0, this.histCount * 4);
      this.rt.releaseAfterSubmit(enc, this.hist.buf);
    }
    this.hist = next;
  }

  async takeLosses(): Promise<Float64Array> {
    const n = this.histCount;
    if (n === 0 || !this.hist) return new Float64Array(0);
    const [sums] = await readMany(this.rt, this.rt.encoder('numgrad-nn-losses'), [{ buf: this.hist.buf, count: n }]);
    const rows = this.histRows.splice(0);
    this.histCount = 0;
    return Float64Array.from(sums, (s, i) => s / rows[i]);
  }

  async settle(): Promise<void> {
    await this.rt.settle();
  }

  dispose(): void {
    this.d.dispose();
    if (this.hist) this.rt.release(this.hist.buf);
    this.hist = null;
  }
}

/** The targets of rows [s, s + n) of a batch. */
function sliceTarget(b: Batch, s: number, n: number, K: number): Batch['t'] {
  if (s === 0 && n === b.rows) return b.t;
  if (b.t.kind === 'labels') return { kind: 'labels', labels: b.t.labels.subarray(s, s + n) };
  return { kind: 'onehot', t: { rows: n, cols: K, data: b.t.t.data.subarray(s * K, (s + n) * K) } };
}

