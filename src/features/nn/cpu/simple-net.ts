// The book's simpleNet: one weight matrix W (inputSize×outputSize, default 2×3, W ~ N(0,1)),
// predict = x·W, loss = cross_entropy_error(softmax(x·W), t). x is one sample (a vector)
// or a batch (rows); results are always matrices (a vector x gives 1 row).
import { ArgumentError } from '../../../core/errors';
import { type Mat, type MatInput, zeros, toMat, shapeOf, assertStep } from './tensor';
import { BOOK_H } from '../../../core/steps';
import { type Target, type TargetInput, toTarget } from './targets';
import {
  matmulInto, softmaxRowsInto, sampleLossesInto, meanOfSamples, nextPow2, matmulTransAInto,
} from './ops';
import { exactLogitGradInto, bookLogitGradInto } from './output-layer';
import { structuredOutputGrad } from './structured';
import { Rng } from './rng';

export interface SimpleNetOptions {
  /** Explicit weights (copied). Otherwise weightInitStd·randn(inputSize, outputSize). */
  W?: MatInput;
  inputSize?: number;
  outputSize?: number;
  weightInitStd?: number;
  seed?: number;
}

export class SimpleNet {
  readonly W: Mat;

  constructor(opts: SimpleNetOptions = {}) {
    if (opts.W !== undefined) {
      this.W = toMat(opts.W, 'W');
      if (opts.inputSize !== undefined && opts.inputSize !== this.W.rows) {
        throw new ArgumentError('W', `inputSize ${opts.inputSize} but W is ${shapeOf(this.W)}`);
      }
    } else {
      const rows = opts.inputSize ?? 2, cols = opts.outputSize ?? 3;
      const rng = new Rng(opts.seed ?? 0);
      this.W = { rows, cols, data: rng.normals(rows * cols, opts.weightInitStd ?? 1) };
    }
  }

  get inputSize(): number { return this.W.rows; }
  get outputSize(): number { return this.W.cols; }

  predict(x: MatInput): Mat {
    const X = toMat(x, 'x', this.inputSize);
    return matmulInto(X, this.W, zeros(X.rows, this.outputSize));
  }

  loss(x: MatInput, t: TargetInput): number {
    const { X, T } = this.inputs(x, t);
    return this.lossWith(X, T, this.scratch(X.rows));
  }

  /** The book's numerical_gradient(f, W): central differences, each W[idx] restored. */
  numericalGradient(x: MatInput, t: TargetInput, h = BOOK_H): Mat {
    assertStep(h);
    const { X, T } = this.inputs(x, t);
    const s = this.scratch(X.rows);
    const W = this.W.data, g = zeros(this.W.rows, this.W.cols);
    for (let i = 0; i < W.length; i++) {
      const tmp = W[i];
      try {
        W[i] = tmp + h;
        const f1 = this.lossWith(X, T, s);
        W[i] = tmp - h;
        const f2 = this.lossWith(X, T, s);
        g.data[i] = (f1 - f2) / (2 * h);
      } finally {
        W[i] = tmp;
      }
    }
    return g;
  }

  /** Exact analytic gradient of the loss as defined (including the 1e-7 in the log). */
  gradient(x: MatInput, t: TargetInput): Mat {
    return this.backward(x, t, exactLogitGradInto);
  }

  /** The book's xᵀ·(y − t)/B; differs from gradient() by ~1e-6 relative (see output-layer). */
  bookGradient(x: MatInput, t: TargetInput): Mat {
    return this.backward(x, t, bookLogitGradInto);
  }

  /** Structured float64 numerical gradient (z = x; see structured.ts). */
  structuredNumericalGradient(x: MatInput, t: TargetInput, h = BOOK_H): Mat {
    assertStep(h);
    const { X, T } = this.inputs(x, t);
    const y = this.forward(X);
    const g = zeros(this.W.rows, this.W.cols);
    structuredOutputGrad(X, y, T, h, g, null);
    return g;
  }

  private backward(x: MatInput, t: TargetInput, seed: (y: Mat, t: Target, out: Mat) => Mat): Mat {
    const { X, T } = this.inputs(x, t);
    const y = this.forward(X);
    const da = seed(y, T, zeros(X.rows, this.outputSize));
    return matmulTransAInto(X, da, zeros(this.W.rows, this.W.cols));
  }

  private forward(X: Mat): Mat {
    const a = matmulInto(X, this.W, zeros(X.rows, this.outputSize));
    return softmaxRowsInto(a, a);
  }

  private inputs(x: MatInput, t: TargetInput): { X: Mat; T: Target } {
    const X = toMat(x, 'x', this.inputSize);
    return { X, T: toTarget(t, X.rows, this.outputSize) };
  }

  private scratch(B: number) {
    return { a: zeros(B, this.outputSize), losses: new Float64Array(B), tree: new Float64Array(nextPow2(B)) };
  }

  private lossWith(X: Mat, T: Target, s: ReturnType<SimpleNet['scratch']>): number {
    matmulInto(X, this.W, s.a);
    softmaxRowsInto(s.a, s.a);
    return meanOfSamples(sampleLossesInto(s.a, T, s.losses), X.rows, s.tree);
  }
}
