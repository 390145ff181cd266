// The differentiation methods of a context: ctx.fn, ctx.wgsl and the derivatives.
import type { Runner } from '../../core/backend';
import type { NestedOut, NumericInput } from '../../core/input';
import { makeExpr, WgslFunction, type ExprFunction, type ExprOptions, type WgslSpec } from '../../functions/fn';
import * as api from './api';
import { directionalDerivativeJvp } from '../jacobian/api';
import type { Detailed, DiffOptions, FunctionInput, GradientDetail, PointOptions, Shaped } from './api';

export interface DiffMethods {
  /**
   * Compiles an expression ('x0^2 + x1^2', 'sum(i, 0, n-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)',
   * 'a*exp(-b*t)' with { params, data }) for both paths; a list of expressions is several outputs (CPU).
   * See docs/expressions.md.
   */
  fn(source: string | readonly string[], opts?: ExprOptions): ExprFunction;
  /** A raw WGSL body reading parameter i through p(i) and the named data arrays (gradcheck for your WGSL). */
  wgsl(spec: WgslSpec): WgslFunction;
  /** f at a point, or one value per row of a batch. */
  evaluate<X extends NumericInput>(f: FunctionInput, x: X, opts?: PointOptions): Promise<X extends Float32Array ? Float32Array | number : X extends Float64Array ? Float64Array | number : NestedOut>;
  /** df/dx of a function of one variable (an array of xs: one derivative each). */
  numericalDiff<X extends NumericInput>(f: FunctionInput, x: X, opts: DiffOptions & Detailed): Promise<GradientDetail<Shaped<X>>>;
  numericalDiff<X extends NumericInput>(f: FunctionInput, x: X, opts?: DiffOptions): Promise<Shaped<X>>;
  /** The tangent line of f at x: { slope, intercept }. */
  tangentLine(f: FunctionInput, x: number, opts?: DiffOptions): Promise<{ slope: number; intercept: number }>;
  /** Central-difference gradient at a point (any nesting) or at each row of a batch, in x's nesting. */
  numericalGradient<X extends NumericInput>(f: FunctionInput, x: X, opts: DiffOptions & Detailed): Promise<GradientDetail<Shaped<X>>>;
  numericalGradient<X extends NumericInput>(f: FunctionInput, x: X, opts?: DiffOptions): Promise<Shaped<X>>;
  /** ∇f(x)·v/‖v‖, the slope of f along v (normalize: false for ∇f·v): a Jacobian–vector
   *  product, 17 evaluations per point whatever n (with a fixed h, stencil 5, bounds or
   *  verify: from the whole gradient). */
  directionalDerivative(f: FunctionInput, x: NumericInput, v: NumericInput, opts?: DiffOptions & { normalize?: boolean }): Promise<NestedOut>;
}

export const diffMethods = {
  fn(this: Runner, source: string | readonly string[], opts: ExprOptions = {}) {
    this.current(); // throws after dispose
    return makeExpr(source, opts);
  },
  wgsl(this: Runner, spec: WgslSpec) {
    this.current();
    return new WgslFunction(spec);
  },
  evaluate(this: Runner, f: FunctionInput, x: NumericInput, opts?: PointOptions) {
    return api.evaluate(this, f, x, opts) as never;
  },
  numericalDiff(this: Runner, f: FunctionInput, x: NumericInput, opts?: DiffOptions) {
    return api.numericalDiff(this, f, x, opts);
  },
  tangentLine(this: Runner, f: FunctionInput, x: number, opts?: DiffOptions) {
    return api.tangentLine(this, f, x, opts);
  },
  numericalGradient(this: Runner, f: FunctionInput, x: NumericInput, opts?: DiffOptions) {
    return api.numericalGradient(this, f, x, opts);
  },
  async directionalDerivative(this: Runner, f: FunctionInput, x: NumericInput, v: NumericInput, opts?: DiffOptions & { normalize?: boolean }) {
    const o = api.checkDirectionalOptions(opts); // unknown keys refused with the full list
    // A fixed step, the 5-point stencil, bounds and verify are per-parameter notions: those
    // take the whole gradient (2n evaluations and more). Otherwise a jvp: the step ladder
    // along v, 17 evaluations per point whatever n.
    if ((o.h !== undefined && o.h !== 'auto') || o.stencil !== undefined || o.bounds !== undefined || o.verify !== undefined) {
      return api.directionalDerivative(this, f, x, v, opts);
    }
    const jvpOpts: Record<string, unknown> = {};
    for (const k of ['batch', 'shape', 'warn', 'normalize'] as const) if (o[k] !== undefined) jvpOpts[k] = o[k];
    return directionalDerivativeJvp(this, f, x, v, jvpOpts);
  },
};
