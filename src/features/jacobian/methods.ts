// The Jacobian family's context methods: jacobian, jvp, vjp, hessian, hessianVectorProduct
// and their checks against analytic matrices.
import type { Runner } from '../../core/backend';
import type { NestedOut, NumericInput } from '../../core/input';
import type { FunctionInput } from '../diff/api';
import * as api from './api';
import type { HessianOptions, HvpOptions, JacobianOptions, ProductOptions, VectorFunctionInput } from './api';
import { matrixCheck, type MatrixCheckOptions, type MatrixCheckReport } from './check';
import type { EntriesDetail } from './shape';

type Detailed = { detail: true };

export interface JacobianMethods {
  /**
   * The Jacobian J[i][j] = ∂f_i/∂x_j of a function with m outputs (`ctx.fn([...])`, a WGSL
   * body with `outputs`, or on the CPU a JS function returning an array), m × n in x's
   * nesting (a batch: one m × n per row). Every entry comes from the step ladder of
   * numericalGradient (value, error estimate, status), all in one dispatch on the GPU.
   * `sparsity` (a 0/1 mask, `{ rows, cols }` or `'detect'`) colours the columns so a
   * tridiagonal Jacobian takes 3 groups of evaluations instead of n; `format: 'coo'` returns
   * only the pattern's entries.
   *
   * @example
   * ```ts
   * const f = ctx.fn(['x0^2 * x1', '5*x0 + sin(x1)']);
   * await ctx.jacobian(f, [1, 2]);   // ≈ [[4, 1], [5, cos(2)]]
   * const band = await ctx.jacobian(g, x, { sparsity: 'detect', detail: true });
   * band.colours;                     // 3 for a tridiagonal g
   * ```
   */
  jacobian(f: VectorFunctionInput, x: NumericInput, opts: JacobianOptions & Detailed): Promise<EntriesDetail>;
  jacobian(f: VectorFunctionInput, x: NumericInput, opts?: JacobianOptions): Promise<NestedOut>;
  /**
   * Jacobian–vector products J(x)·v for one direction v or a list of them, each from
   * 2·8 evaluations along v (the step ladder on t ↦ f(x + t·v)) plus f(x) once: O(1) per
   * direction, not O(n). A scalar f gives ∇f·v.
   *
   * @example
   * ```ts
   * await ctx.jvp('x0^2 + 3*x1', [1, 2], [1, 1]);           // ≈ 5
   * await ctx.jvp(f, [1, 2], [[1, 0], [0, 1]]);              // the Jacobian's columns
   * ```
   */
  jvp(f: VectorFunctionInput, x: NumericInput, v: NumericInput, opts: ProductOptions & Detailed): Promise<EntriesDetail>;
  jvp(f: VectorFunctionInput, x: NumericInput, v: NumericInput, opts?: ProductOptions): Promise<NestedOut>;
  /**
   * Vector–Jacobian products uᵀ·J(x) (u of length m, or a list), through the Jacobian.
   *
   * @example
   * ```ts
   * await ctx.vjp(ctx.fn(['x0*x1', 'x0 + x1']), [2, 3], [1, 1]); // ≈ [4, 3]
   * ```
   */
  vjp(f: VectorFunctionInput, x: NumericInput, u: NumericInput, opts: ProductOptions & Detailed): Promise<EntriesDetail>;
  vjp(f: VectorFunctionInput, x: NumericInput, u: NumericInput, opts?: ProductOptions): Promise<NestedOut>;
  /**
   * The Hessian ∂²f/∂x_i∂x_j of a scalar f, n × n and symmetric: lanes over the pairs i ≤ j
   * and the four corners of the mixed stencil at three steps (c, 2c, 4c per unit of
   * max(|x|, 1); c = 2⁻⁷ in float64, 2⁻³ in float32), two Richardson levels, an error
   * estimate and a status per entry. `sparsity` as for jacobian (a symmetric colouring):
   * per colour, H·u_c as a difference of symbolic gradients for an expression (4 gradient
   * evaluations per colour: a tridiagonal Hessian at n = 10⁴ takes 16), else from f alone.
   *
   * @example
   * ```ts
   * await ctx.hessian('x0^2 + x1^2', [1, 2]);                               // [[2, 0], [0, 2]]
   * await ctx.hessian('100*(x1 - x0^2)^2 + (1 - x0)^2', [1, 1]);            // [[802, -400], [-400, 200]]
   * await ctx.hessian(rosenbrockSum, x, { sparsity: 'detect', format: 'coo' }); // { shape, rows, cols, values }
   * ```
   */
  hessian(f: FunctionInput, x: NumericInput, opts: HessianOptions & Detailed): Promise<EntriesDetail>;
  hessian(f: FunctionInput, x: NumericInput, opts?: HessianOptions): Promise<NestedOut>;
  /**
   * Hessian–vector products H(x)·v for one direction or a list, without forming H, all
   * directions in one dispatch. For an expression (ctx.fn or a string): a difference of its
   * symbolic gradients at x ± t·v and x ± 2t·v, 4 gradient evaluations per direction; for
   * other functions (or `method: 'values'`): the mixed stencil on f along (e_i, v) for every
   * i, 12n evaluations per direction.
   *
   * @example
   * ```ts
   * await ctx.hessianVectorProduct('x0^2 + x0*x1', [1, 2], [1, 0]);              // ≈ [2, 1]
   * await ctx.hessianVectorProduct(f, x, [[1, 0], [0, 1]], { method: 'values' }); // H's columns
   * ```
   */
  hessianVectorProduct(f: FunctionInput, x: NumericInput, v: NumericInput, opts: HvpOptions & Detailed): Promise<EntriesDetail>;
  hessianVectorProduct(f: FunctionInput, x: NumericInput, v: NumericInput, opts?: HvpOptions): Promise<NestedOut>;
  /**
   * A user's analytic Jacobian (m × n, or rows × m × n for a batch) against numgrad's,
   * element by element, with a tolerance per element from its error estimate; the worst
   * element is named.
   *
   * @example
   * ```ts
   * const r = await ctx.jacobianCheck(f, [1, 2], [[4, 1], [5, Math.cos(2)]]);
   * r.ok; r.worst;   // true, { index: [1, 1], numerical, analytic, error, tolerance }
   * ```
   */
  jacobianCheck(f: VectorFunctionInput, x: NumericInput, analytic: NumericInput, opts?: MatrixCheckOptions): Promise<MatrixCheckReport>;
  /**
   * A user's analytic Hessian against numgrad's (see jacobianCheck).
   *
   * @example
   * ```ts
   * (await ctx.hessianCheck('x0^2*x1', [1, 2], [[4, 2], [2, 0]])).ok;   // true
   * ```
   */
  hessianCheck(f: FunctionInput, x: NumericInput, analytic: NumericInput, opts?: MatrixCheckOptions): Promise<MatrixCheckReport>;
}

export const jacobianMethods = {
  jacobian(this: Runner, f: VectorFunctionInput, x: NumericInput, opts?: JacobianOptions) {
    return api.jacobian(this, f, x, opts);
  },
  jvp(this: Runner, f: VectorFunctionInput, x: NumericInput, v: NumericInput, opts?: ProductOptions) {
    return api.jvp(this, f, x, v, opts);
  },
  vjp(this: Runner, f: VectorFunctionInput, x: NumericInput, u: NumericInput, opts?: ProductOptions) {
    return api.vjp(this, f, x, u, opts);
  },
  hessian(this: Runner, f: FunctionInput, x: NumericInput, opts?: HessianOptions) {
    return api.hessian(this, f, x, opts);
  },
  hessianVectorProduct(this: Runner, f: FunctionInput, x: NumericInput, v: NumericInput, opts?: HvpOptions) {
    return api.hessianVectorProduct(this, f, x, v, opts);
  },
  jacobianCheck(this: Runner, f: VectorFunctionInput, x: NumericInput, analytic: NumericInput, opts?: MatrixCheckOptions) {
    return matrixCheck(this, 'jacobian', f, x, analytic, opts);
  },
  hessianCheck(this: Runner, f: FunctionInput, x: NumericInput, analytic: NumericInput, opts?: MatrixCheckOptions) {
    return matrixCheck(this, 'hessian', f, x, analytic, opts);
  },
};
