// The float64 NetImpl: helper classes of src/features/nn/cpu do the work (they are the reference).
import type { Mat } from './cpu/tensor';
import { SimpleNet as CpuSimple } from './cpu/simple-net';
import { TwoLayerNet as CpuTwoLayer, type TwoLayerParams } from './cpu/two-layer-net';
import type { Batch, FlatParams, GradMethod, NetImpl, NetSpec } from './ops';

const mat = (rows: number, cols: number, data: Float64Array): Mat => ({ rows, cols, data: Float64Array.from(data) });

export class CpuNet implements NetImpl {
  readonly kind = 'cpu' as const;
  private simple: CpuSimple | null = null;
  private two: CpuTwoLayer | null = null;
  private losses: number[] = [];

  constructor(readonly spec: NetSpec, params: FlatParams) {
    this.setParams(params);
  }

  setParams(p: FlatParams): void {
    const { inputSize: I, hiddenSize: H, outputSize: K } = this.spec;
    if (H === 0) {
      this.simple = new CpuSimple({ W: mat(I, K, p[0]) });
    } else {
      this.two = new CpuTwoLayer({
        inputSize: I, hiddenSize: H, outputSize: K,
        params: { W1: mat(I, H, p[0]), b1: p[1], W2: mat(H, K, p[2]), b2: p[3] },
      });
    }
  }

  async getParams(): Promise<FlatParams> {
    if (this.simple) return [Float64Array.from(this.simple.W.data)];
    const p = this.two!.params;
    return [p.W1.data, p.b1, p.W2.data, p.b2].map((a) => Float64Array.from(a));
  }

  private X(x: Float64Array, rows: number): Mat {
    return { rows, cols: this.spec.inputSize, data: x };
  }

  async predict(x: Float64Array, rows: number): Promise<Float64Array> {
    const X = this.X(x, rows);
    return (this.simple ? this.simple.predict(X) : this.two!.predict(X)).data;
  }

  async loss(b: Batch): Promise<number> {
    const X = this.X(b.x, b.rows);
    return this.simple ? this.simple.loss(X, targetInput(b)) : this.two!.loss(X, targetInput(b));
  }

  async accuracy(b: Batch): Promise<number> {
    const X = this.X(b.x, b.rows);
    if (this.two) return this.two.accuracy(X, targetInput(b));
    const y = this.simple!.predict(X).data, K = this.spec.outputSize;
    const labels = labelsOf(b);
    let ok = 0;
    for (let r = 0; r < b.rows; r++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (y[r * K + k] > y[r * K + best]) best = k;
      if (best === labels[r]) ok++;
    }
    return ok / b.rows;
  }

  async numericalGradient(b: Batch, h: number, method: GradMethod): Promise<FlatParams> {
    const X = this.X(b.x, b.rows), T = targetInput(b);
    if (this.simple) {
      const g = method === 'structured' ? this.simple.structuredNumericalGradient(X, T, h) : this.simple.numericalGradient(X, T, h);
      return [g.data];
    }
    const g = method === 'structured'
      ? this.two!.structuredNumericalGradient(X, T, h)
      : this.two!.numericalGradient(X, T, h, { incremental: true }); // bitwise the plain one, faster
    return flatTwo(g);
  }

  async gradient(b: Batch): Promise<FlatParams> {
    const X = this.X(b.x, b.rows), T = targetInput(b);
    return this.simple ? [this.simple.gradient(X, T).data] : flatTwo(this.two!.gradient(X, T));
  }

  async trainStep(b: Batch, lr: number, gradient: 'numerical' | 'backprop', h: number): Promise<void> {
    const g = gradient === 'backprop' ? await this.gradient(b) : await this.numericalGradient(b, h, 'structured');
    const p = this.simple ? [this.simple.W.data] : [this.two!.params.W1.data, this.two!.params.b1, this.two!.params.W2.data, this.two!.params.b2];
    p.forEach((w, n) => { for (let i = 0; i < w.length; i++) w[i] -= lr * g[n][i]; });
    this.losses.push(await this.loss(b));
  }

  async takeLosses(): Promise<Float64Array> {
    return Float64Array.from(this.losses.splice(0));
  }

  async settle(): Promise<void> {}
  dispose(): void {}
}

function flatTwo(g: TwoLayerParams): FlatParams {
  return [g.W1.data, g.b1, g.W2.data, g.b2];
}

/** The cpu classes take the normalised Target through their TargetInput forms. */
function targetInput(b: Batch): Int32Array | Mat {
  return b.t.kind === 'labels' ? b.t.labels : b.t.t;
}

function labelsOf(b: Batch): Int32Array {
  if (b.t.kind === 'labels') return b.t.labels;
  const { rows, cols, data } = b.t.t;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[r * cols + c] > data[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}
