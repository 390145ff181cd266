// The float32 WebGPU NetImpl. Every call records its whole job on one encoder and reads
// back once; training steps read nothing back (losses collect in a device buffer).
import { ArgumentError } from '../../../core/errors';
import { encodeSum } from '../../reduce/gpu';
import type { GpuRuntime } from '../../../gpu/runtime';
import type { Batch, FlatParams, GradMethod, NetImpl, NetSpec } from '../ops';
import { type DMat, encodeSampleLosses, encodeCorrect, encodeSgd, encodeGeneric, GENERIC_MAX_OUTPUTS } from './kernels';
import { alloc, readMany, view, write } from './device-mats';
import { DeviceNet } from './workspace';

/** Rows per chunk when evaluating large sets (loss, accuracy, predict). */
export const EVAL_CHUNK = 4096;
/** The generic path runs P·B·(I·H + H·K) multiply-adds in one dispatch; past this, refuse. */
export const GENERIC_MAX_WORK = 2e9;

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

  async predict(x: Float64Array, rows: number): Promise<Float64Array> {
    const K = this.spec.outputSize, I = this.spec.inputSize;
    const out = new Float64Array(rows * K);
    for (let s = 0; s < rows; s += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, rows - s);
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

  /** Sum over the batch of a per-sample quantity (losses or correct flags), chunked. */
  private async batchSum(b: Batch, which: 'loss' | 'correct'): Promise<number> {
    const I = this.spec.inputSize, K = this.spec.outputSize;
    const chunks = Math.ceil(b.rows / EVAL_CHUNK);
    const partials = alloc(this.rt, chunks, 1, 'numgrad-nn-partials');
    try {
      let p: Float32Array = new Float32Array(0);
      for (let c = 0; c < chunks; c++) {
        const s = c * EVAL_CHUNK, n = Math.min(EVAL_CHUNK, b.rows - s);
        await this.rt.withEncoder('numgrad-nn-eval', async (enc) => {
          const { w, tgt } = this.d.load(b.x.subarray(s * I, (s + n) * I), n, sliceTarget(b, s, n, K));
          await this.d.forward(enc, w);
          if (which === 'loss') await encodeSampleLosses(this.rt, enc, w.y, tgt, w.rowsBuf);
          else await encodeCorrect(this.rt, enc, w.y, tgt, w.rowsBuf);
          const total = await encodeSum(this.rt, enc, w.rowsBuf.buf, n);
          this.rt.copy(enc, total, 0, partials.buf, c * 4, 4);
          this.rt.releaseAfterSubmit(enc, total === w.rowsBuf.buf ? null : total);
          // each chunk is submitted before the next overwrites x and t; the last one reads back
          if (c < chunks - 1) this.rt.submit(enc);
          else [p] = await readMany(this.rt, enc, [{ buf: partials.buf, count: chunks }]);
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

  async numericalGradient(b: Batch, h: number, method: GradMethod): Promise<FlatParams> {
    if (method === 'generic') return this.generic(b, h);
    const hf = Math.fround(h);
    const { w, tgt } = this.d.load(b.x, b.rows, b.t);
    return this.rt.withEncoder('numgrad-nn-ngrad', async (enc) => {
      await this.d.forward(enc, w);
      await this.d.structured(enc, w, tgt, hf);
      return this.d.split(await readMany(this.rt, enc, this.d.G.map((m) => ({ buf: m.buf, count: m.rows * m.cols }))));
    });
  }

  async gradient(b: Batch): Promise<FlatParams> {
    const { w, tgt } = this.d.load(b.x, b.rows, b.t);
    return this.rt.withEncoder('numgrad-nn-backprop', async (enc) => {
      await this.d.forward(enc, w);
      await this.d.backprop(enc, w, tgt);
      return this.d.split(await readMany(this.rt, enc, this.d.G.map((m) => ({ buf: m.buf, count: m.rows * m.cols }))));
    });
  }

  /** One lane per (parameter, side), each a whole forward pass at w ± h rounded to f32. */
  private async generic(b: Batch, h: number): Promise<FlatParams> {
    const { inputSize: I, hiddenSize: H, outputSize: K } = this.spec;
    const params = await this.getParams();
    const flat = Float64Array.from(params.flatMap((p) => Array.from(p)));
    const n = flat.length;
    const work = n * b.rows * (H > 0 ? I * H + H * K : I * K);
    if (K > GENERIC_MAX_OUTPUTS) throw new ArgumentError('method', `'generic' supports at most ${GENERIC_MAX_OUTPUTS} outputs, this net has ${K}; use 'structured'`);
    if (work > GENERIC_MAX_WORK) {
      throw new ArgumentError('method', `'generic' would run ${work.toExponential(2)} multiply-adds in one dispatch (limit ${GENERIC_MAX_WORK.toExponential(0)}); use 'structured' or a smaller net/batch`);
    }
    const wpm = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      wpm[i] = Math.fround(flat[i] + h);
      wpm[n + i] = Math.fround(flat[i] - h);
    }
    const { w, tgt } = this.d.load(b.x, b.rows, b.t);
    const wBuf = alloc(this.rt, n, 1, 'numgrad-nn-flat');
    const wpmBuf = alloc(this.rt, 2 * n, 1, 'numgrad-nn-wpm');
    const L = alloc(this.rt, 2 * n, 1, 'numgrad-nn-generic');
    try {
      write(this.rt, wBuf, flat);
      write(this.rt, wpmBuf, wpm);
      write(this.rt, L, new Float64Array(2 * n).fill(NaN)); // unwritten lanes show
      const [l] = await this.rt.withEncoder('numgrad-nn-generic', async (enc) => {
        await encodeGeneric(this.rt, enc, w.x, wBuf, wpmBuf, tgt, { I, H, K, layers: H > 0 ? 2 : 1 }, L);
        return readMany(this.rt, enc, [{ buf: L.buf, count: 2 * n }]);
      });
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
    const { w, tgt } = this.d.load(b.x, b.rows, b.t);
    await rt.withEncoder('numgrad-nn-train', async (enc) => {
      await this.d.forward(enc, w);
      if (gradient === 'backprop') await this.d.backprop(enc, w, tgt);
      else await this.d.structured(enc, w, tgt, Math.fround(h));
      for (let i = 0; i < this.d.P.length; i++) await encodeSgd(rt, enc, this.d.P[i], this.d.G[i], lr);
      this.stale = true;
      // the book records the batch loss after the update
      await this.d.forward(enc, w);
      await encodeSampleLosses(rt, enc, w.y, tgt, w.rowsBuf);
      const total = await encodeSum(rt, enc, w.rowsBuf.buf, b.rows);
      this.ensureHist(this.histCount + 1, enc);
      rt.copy(enc, total, 0, this.hist!.buf, this.histCount * 4, 4);
      rt.releaseAfterSubmit(enc, total === w.rowsBuf.buf ? null : total);
      this.histCount++;
      this.histRows.push(b.rows);
      rt.submit(enc);
    });
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

