// What SimpleNet and TwoLayerNet share: the backend's NetImpl, a host mirror of the
// parameters (so `params` reads synchronously), input validation and result nesting.
import type { Backend, Runner } from '../../core/backend';
import { ArgumentError } from '../../core/errors';
import { nest, readOptions, type NestedOut } from '../../core/input';
import { netErrorEstimates, type FlatNetDetail } from './detail';
import { nonFiniteWarning } from './non-finite';
import { createNetImpl } from './impl';
import { readBatch, readX } from './inputs';
import { type FlatParams, type GradMethod, type NetImpl, type NetSpec, paramShapes } from './ops';
import { checkMethod, checkNetStep, resolveNetStep, type NetStep } from './steps';
import { trainNet, type TrainCheckpoint, type TrainOptions, type TrainResult } from './train';

export interface NetGradientOptions {
  /** 'auto' (default): 1e-4 on the CPU (the book's); on the GPU see src/core/steps.ts. An explicit h is honoured. */
  h?: NetStep;
  /** 'structured' (default): loss differences from the cached forward pass; 'generic': a whole forward per perturbed copy (small nets, for checks). */
  method?: GradMethod;
  /**
   * true: also an error estimate for every parameter (see {@link NetGradientDetail}); costs
   * a second structured pass at 2h.
   */
  detail?: boolean;
  /** false: no console warning when some entries are not finite (they are NaN or ±Inf in the result either way). */
  warn?: boolean;
}

const GRADIENT_KEYS = ['h', 'method', 'detail', 'warn'] as const;

/**
 * What `numericalGradient(x, t, { detail: true })` returns: the gradient and, in the same
 * nesting, each parameter's estimated absolute error, the sum of a truncation estimate
 * (Richardson, from a second pass at 2h) and a rounding bound from the working precision
 * (float32 on the GPU, float64 on the CPU). See src/features/nn/detail.ts for the model.
 *
 * @example
 * ```ts
 * const d = await net.numericalGradient(x, t, { detail: true });
 * d.value.W1[0][0]; // the gradient
 * d.error.W1[0][0]; // its estimated absolute error
 * ```
 */
export interface NetGradientDetail<T> {
  value: T;
  /** estimated absolute error per parameter: truncation + rounding */
  error: T;
  /** the Richardson part of error */
  truncation: T;
  /** the working-precision part of error */
  rounding: T;
  /** the step used (the second pass used 2h) */
  h: number;
  backend: 'cpu' | 'webgpu';
  method: GradMethod;
}

export abstract class Net {
  private impl: NetImpl;
  private implOn: Backend;
  private mirror: FlatParams;
  private disposed = false;

  protected constructor(readonly ctx: Runner, readonly spec: NetSpec, params: FlatParams) {
    this.mirror = params.map((p) => Float64Array.from(p));
    this.implOn = ctx.current();
    this.impl = createNetImpl(this.implOn, spec, this.mirror);
  }

  get inputSize(): number { return this.spec.inputSize; }
  get outputSize(): number { return this.spec.outputSize; }
  /** 'webgpu' | 'cpu': where the parameters live */
  get backend(): 'webgpu' | 'cpu' { return this.implOn.kind; }

  /** 'SimpleNet' or 'TwoLayerNet', for error messages */
  protected abstract readonly kind: string;

  /**
   * Runs `body` on the context's backend with this net's state there. When an 'auto'
   * context loses its device, the context runs the body again on the CPU, where the net is
   * rebuilt from the host copy of its parameters (kept current by every call that changes
   * them, and by training checkpoints).
   */
  protected on<T>(what: string, body: (impl: NetImpl) => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new ArgumentError('net', 'this net has been disposed'));
    return this.ctx.run((b) => body(this.implFor(b)), `${this.kind}.${what}`);
  }

  private implFor(b: Backend): NetImpl {
    if (b !== this.implOn) {
      const old = this.impl;
      this.impl = createNetImpl(b, this.spec, this.mirror);
      this.implOn = b;
      try {
        old.dispose(); // its buffers belong to the lost device's pool
      } catch { /* nothing to give back on a dead device */ }
    }
    return this.impl;
  }

  protected flatParams(): FlatParams {
    return this.mirror.map((p) => Float64Array.from(p));
  }

  protected setFlatParams(p: FlatParams): void {
    if (this.disposed) throw new ArgumentError('net', 'this net has been disposed');
    this.mirror = p.map((a) => Float64Array.from(a));
    this.implFor(this.ctx.current()).setParams(p);
  }

  /** Parameters as nested arrays, by name. */
  protected nestedParams(p: FlatParams): Record<string, NestedOut> {
    const out: Record<string, NestedOut> = {};
    paramShapes(this.spec).forEach(({ name, shape }, i) => { out[name] = nest(p[i], shape); });
    return out;
  }

  /** SimpleNet: logits x·W (the book's predict); TwoLayerNet: softmax probabilities. */
  async predict(x: unknown): Promise<NestedOut> {
    const X = readX(x, this.spec.inputSize);
    const y = await this.on('predict', (impl) => impl.predict(X.data, X.rows));
    return nest(y, X.single ? [this.spec.outputSize] : [X.rows, this.spec.outputSize]);
  }

  /** The book's cross-entropy −Σ t·log(y + 1e-7) / batch. */
  async loss(x: unknown, t: unknown): Promise<number> {
    const { batch } = readBatch(x, t, this.spec.inputSize, this.spec.outputSize);
    return this.on('loss', (impl) => impl.loss(batch));
  }

  /** Fraction of samples whose argmax is the label. */
  async accuracy(x: unknown, t: unknown): Promise<number> {
    const { batch } = readBatch(x, t, this.spec.inputSize, this.spec.outputSize);
    return this.on('accuracy', (impl) => impl.accuracy(batch));
  }

  protected async numericalFlat(x: unknown, t: unknown, opts: NetGradientOptions = {}): Promise<{ g: FlatParams; h: number }> {
    readOptions(opts, GRADIENT_KEYS, 'numericalGradient', ['detail', 'warn']);
    const h0 = checkNetStep(opts.h);
    const method = checkMethod(opts.method);
    const { batch } = readBatch(x, t, this.spec.inputSize, this.spec.outputSize);
    return this.on('numericalGradient', async (impl) => {
      const h = resolveNetStep(h0, impl.kind, method);
      const g = await impl.numericalGradient(batch, h, method);
      const w = opts.warn === false ? null : nonFiniteWarning(g, paramShapes(this.spec), h, impl.kind);
      if (w) console.warn(w);
      return { g, h };
    });
  }

  /** The gradient at h and at 2h on one backend, and the error estimates they give. */
  protected async numericalFlatDetail(x: unknown, t: unknown, opts: NetGradientOptions = {}): Promise<FlatNetDetail & { h: number; backend: 'cpu' | 'webgpu'; method: GradMethod }> {
    readOptions(opts, GRADIENT_KEYS, 'numericalGradient', ['detail', 'warn']);
    const h0 = checkNetStep(opts.h);
    const method = checkMethod(opts.method);
    const { batch } = readBatch(x, t, this.spec.inputSize, this.spec.outputSize);
    return this.on('numericalGradient', async (impl) => {
      const h = resolveNetStep(h0, impl.kind, method);
      const g = await impl.numericalGradient(batch, h, method);
      const w = opts.warn === false ? null : nonFiniteWarning(g, paramShapes(this.spec), h, impl.kind);
      if (w) console.warn(w);
      const g2 = await impl.numericalGradient(batch, 2 * h, method);
      const u = impl.kind === 'webgpu' ? 2 ** -24 : 2 ** -53;
      return { ...netErrorEstimates(g, g2, u), h, backend: impl.kind, method };
    });
  }

  /** A flat detail nested by parameter name. */
  protected nestDetail(d: FlatNetDetail & { h: number; backend: 'cpu' | 'webgpu'; method: GradMethod }): NetGradientDetail<Record<string, NestedOut>> {
    return {
      value: this.nestedParams(d.value), error: this.nestedParams(d.error), truncation: this.nestedParams(d.truncation),
      rounding: this.nestedParams(d.rounding), h: d.h, backend: d.backend, method: d.method,
    };
  }

  protected async gradientFlat(x: unknown, t: unknown): Promise<FlatParams> {
    const { batch } = readBatch(x, t, this.spec.inputSize, this.spec.outputSize);
    return this.on('gradient', (impl) => impl.gradient(batch));
  }

  /**
   * Minibatch SGD. On the GPU the parameters stay on the device, the update is a kernel,
   * and nothing is read back between checkpoints (see TRAIN_CHECKPOINT_EVERY): if an
   * 'auto' context loses its device, training resumes on the CPU from the last checkpoint.
   */
  async train(opts: TrainOptions): Promise<TrainResult> {
    const checkpoint: TrainCheckpoint = { iter: 0 };
    try {
      return await this.on('train', (impl) => trainNet(impl, this.spec, opts, checkpoint, (p) => { this.mirror = p; }));
    } finally {
      if (!this.disposed) this.mirror = await this.impl.getParams().catch(() => this.mirror);
    }
  }

  /** @internal the numerical gradient with the step used (for gradCheck) */
  abstract numericalGradientDetail(x: unknown, t: unknown, opts?: NetGradientOptions): Promise<{ grad: Record<string, NestedOut>; flat: FlatParams; h: number }>;
  /** @internal the analytic gradient, flat */
  abstract gradientDetail(x: unknown, t: unknown): Promise<FlatParams>;

  /** Frees the net's device buffers. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.impl.dispose();
  }
}
