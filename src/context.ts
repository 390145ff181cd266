import type { Backend } from './backend';
import { CpuBackend } from './cpu/backend';
import { ArgumentError, DeviceLostError, DisposedError, NoAdapterError } from './errors';
import { acquireAdapter, type AdapterInfo, type AdapterSource } from './webgpu/device';
import { WebGpuBackend } from './webgpu/backend';
import { GpuRuntime } from './webgpu/runtime';
// networks and checks
import { SimpleNet, type SimpleNetOptions } from './nn/simple-net';
import { TwoLayerNet, type TwoLayerNetOptions } from './nn/two-layer-net';
import type { Net } from './nn/net';
import { gradCheck, type GradCheckOptions, type GradCheckReport } from './check/gradcheck';
// differentiation
import * as diff from './diff/api';
import type { Detailed, DiffOptions, FunctionInput, GradientDetail, Like, PointOptions } from './diff/api';
import { makeExpr, WgslFunction, type ExprFunction, type WgslSpec } from './fn';
import { gradientDescent, type DescentOptions, type DescentResult } from './optim/descent';
import type { NestedOut, NumericInput } from './shape';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface ContextOptions {
  /** 'auto' (default): WebGPU when an adapter is found, else the CPU path; 'webgpu': fail without one; 'cpu': float64 reference. */
  backend?: BackendChoice;
  /** Log a line when 'auto' falls back to the CPU path (default true). */
  warn?: boolean;
}

/**
 * A numgrad context: one backend (and, on WebGPU, one device with its buffers and
 * pipelines) for its whole life. An 'auto' context whose device is lost carries on, on the
 * CPU path, and says so in `fallbackReason`.
 */
export class Context {
  private current: Backend;
  private reason: string | null;
  private disposed = false;

  /** @internal use createContext() */
  constructor(backend: Backend, readonly requested: BackendChoice, fallbackReason: string | null, private readonly warn: boolean) {
    this.current = backend;
    this.reason = fallbackReason;
    if (backend instanceof WebGpuBackend && requested === 'auto') {
      backend.rt.onLost((e) => this.fallBack(e));
    }
  }

  /** The path in use: what 'auto' chose, or 'cpu' after an auto context lost its device. */
  get backend(): 'webgpu' | 'cpu' {
    return this.current.kind;
  }
  get adapterInfo(): AdapterInfo | null {
    return this.current.adapterInfo;
  }
  get fallbackReason(): string | null {
    return this.reason;
  }
  get limits(): Readonly<Record<string, number>> {
    return this.current.limits;
  }
  /** @internal the backend operations (for the concern modules) */
  get impl(): Backend {
    if (this.disposed) throw new DisposedError();
    return this.current;
  }
  /** @internal the GPU runtime, when on WebGPU */
  get runtime(): GpuRuntime | null {
    return this.current instanceof WebGpuBackend ? this.current.rt : null;
  }

  /**
   * Runs an operation on the current backend. If an 'auto' context's device is lost during
   * it, the context switches to the CPU path and the operation runs again there.
   */
  async run<T>(op: (b: Backend) => Promise<T>): Promise<T> {
    const b = this.impl;
    try {
      return await op(b);
    } catch (e) {
      const lost = e instanceof DeviceLostError ? e : b instanceof WebGpuBackend ? b.rt.lostError : null;
      if (lost && this.requested === 'auto' && !this.disposed) {
        this.fallBack(lost);
        return op(this.impl);
      }
      throw e;
    }
  }

  private fallBack(e: DeviceLostError): void {
    if (this.current.kind === 'cpu' || this.disposed) return;
    const lost = this.current;
    this.current = new CpuBackend();
    this.reason = `${e.message}; continuing on the CPU path`;
    if (this.warn) console.warn(`numgrad: ${this.reason}`);
    void lost.dispose().catch(() => {});
  }

  /** Sum with a deterministic pairwise order on either backend. */
  sum(values: ArrayLike<number>): Promise<number> {
    return this.run((b) => b.sum(Float64Array.from(values)));
  }

  // --- differentiation (src/fn.ts, src/diff/, src/optim/): methods forward to those modules ---

  /** Compiles an expression ('x0^2 + x1^2', 'sum(x^2)', '0.01*x^2 + 0.1*x') for both paths. */
  fn(source: string, opts: { n?: number } = {}): ExprFunction {
    return makeExpr(source, opts);
  }

  /** A raw WGSL body reading parameter i through p(i) and the named data arrays (gradcheck for your WGSL). */
  wgsl(spec: WgslSpec): WgslFunction {
    return new WgslFunction(spec);
  }

  /** f at a point, or one value per row of a batch. */
  evaluate(f: FunctionInput, x: NumericInput, opts?: PointOptions): Promise<NestedOut> {
    return diff.evaluate(this, f, x, opts);
  }

  /** df/dx of a function of one variable (an array of xs: one derivative each). */
  numericalDiff<X extends NumericInput>(f: FunctionInput, x: X, opts: DiffOptions & Detailed): Promise<GradientDetail<Like<X>>>;
  numericalDiff<X extends NumericInput>(f: FunctionInput, x: X, opts?: DiffOptions): Promise<Like<X>>;
  numericalDiff(f: FunctionInput, x: NumericInput, opts?: DiffOptions): Promise<unknown> {
    return diff.numericalDiff(this, f, x, opts);
  }

  /** The tangent line of f at x: { slope, intercept }. */
  tangentLine(f: FunctionInput, x: number, opts?: DiffOptions): Promise<{ slope: number; intercept: number }> {
    return diff.tangentLine(this, f, x, opts);
  }

  /** Central-difference gradient at a point (any nesting) or at each row of a batch, in x's nesting. */
  numericalGradient<X extends NumericInput>(f: FunctionInput, x: X, opts: DiffOptions & Detailed): Promise<GradientDetail<Like<X>>>;
  numericalGradient<X extends NumericInput>(f: FunctionInput, x: X, opts?: DiffOptions): Promise<Like<X>>;
  numericalGradient(f: FunctionInput, x: NumericInput, opts?: DiffOptions): Promise<unknown> {
    return diff.numericalGradient(this, f, x, opts);
  }

  /** ∇f(x)·v/‖v‖, the slope of f along v (normalize: false for ∇f·v). */
  directionalDerivative(f: FunctionInput, x: NumericInput, v: NumericInput, opts?: DiffOptions & { normalize?: boolean }): Promise<NestedOut> {
    return diff.directionalDerivative(this, f, x, v, opts);
  }

  /** The book's gradient descent on a fresh copy of initX; divergence and vanished steps reported. */
  gradientDescent<X extends NumericInput>(f: FunctionInput, initX: X, opts?: DescentOptions): Promise<DescentResult<Like<X>>> {
    return gradientDescent(this, f, initX, opts) as Promise<DescentResult<Like<X>>>;
  }

  // --- end differentiation ---

  // --- networks and checks (src/nn/, src/check/): methods forward to those modules ---

  /** The book's simpleNet: { W } (inputSize×outputSize, default 2×3) or a seeded N(0,1) init. */
  simpleNet(opts: SimpleNetOptions = {}): SimpleNet {
    this.impl; // throws after dispose
    return new SimpleNet(this, opts);
  }

  /** The book's TwoLayerNet (affine → sigmoid → affine → softmax), parameters on this context's backend. */
  twoLayerNet(opts: TwoLayerNetOptions): TwoLayerNet {
    this.impl;
    return new TwoLayerNet(this, opts);
  }

  /**
   * Numerical vs analytic gradient, element by element: gradCheck(net, x, t, opts) or
   * gradCheck(f, x, opts). The analytic default is the net's backprop (exact, the 1e-7 in the
   * log included) or the expression's symbolic gradient.
   */
  gradCheck(net: Net, x: unknown, t: unknown, opts?: GradCheckOptions): Promise<GradCheckReport>;
  gradCheck(f: FunctionInput, x: NumericInput, opts?: GradCheckOptions): Promise<GradCheckReport>;
  gradCheck(target: unknown, x: unknown, tOrOpts?: unknown, opts?: GradCheckOptions): Promise<GradCheckReport> {
    return gradCheck(this, target, x, tOrOpts, opts);
  }

  // --- end networks ---

  /** Frees every GPU buffer and pipeline and the device itself. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.current.dispose();
  }
}

/** Node and browser entries differ in where adapters come from and how to get one. */
export const NODE_HINT = 'run `bash scripts/setup-webgpu.sh` (Mesa lavapipe) for a software GPU on Linux';
export const BROWSER_HINT = 'use a browser with WebGPU enabled (Chrome/Edge 113+, or --enable-unsafe-webgpu)';

export async function createContextWith(sources: AdapterSource[], options: ContextOptions = {}, hint = NODE_HINT): Promise<Context> {
  const choice = options.backend ?? 'auto';
  if (choice !== 'auto' && choice !== 'webgpu' && choice !== 'cpu') {
    throw new ArgumentError('backend', `expected 'auto', 'webgpu' or 'cpu', got ${JSON.stringify(choice)}`);
  }
  const warn = options.warn ?? true;
  if (choice === 'cpu') return new Context(new CpuBackend(), choice, null, warn);
  const { acquired, attempts } = await acquireAdapter(sources);
  if (acquired) {
    try {
      const rt = await GpuRuntime.create(acquired);
      return new Context(new WebGpuBackend(rt), choice, null, warn);
    } catch (e) {
      attempts.push(`${acquired.source}: requestDevice failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (choice === 'webgpu') throw new NoAdapterError(attempts, hint);
  const reason = `no WebGPU adapter (${attempts.join('; ')}); ${hint}`;
  return new Context(new CpuBackend(), choice, reason, warn);
}
