import type { Dependencies } from './deps';
import type { LocalSum } from './local';
import type { PointSource } from './batch-source';

export interface CompiledExpr {
  readonly source: string;
  /** number of parameters; null when the expression works for any n (e.g. 'sum(x^2)',
   *  'sum(i, 0, n-2, …)'), resolved at call time */
  readonly n: number | null;
  /** outputs: 1, the list's length for compileExpr([...]), or a data array's length when a
   *  data name is used bare outside any sum (one output per element) */
  readonly outputs: number;
  /** the named parameters (opts.params), or null for x0, x1, … */
  readonly params: readonly string[] | null;
  /** float64 value at x (x.length must equal n, or any length ≥ 1 when n is null) */
  evalJs(x: ArrayLike<number>): number;
  /** float64 value of output k at x */
  evalOutput(k: number, x: ArrayLike<number>): number;
  /** float64 values of every output at x */
  evalOutputs(x: ArrayLike<number>): Float64Array;
  /** float64 values of output k at every point of `src`, the same bits as evalOutput(k, ·) at
   *  each: out[p·stride] for point p (out defaults to a new array of src.points) */
  evalBatch(src: PointSource, k?: number, out?: Float64Array, stride?: number): Float64Array;
  /** whether output k holds a sum or product over an index */
  hasIndexSum(k?: number): boolean;
  /** float64 symbolic gradient at x, length x.length */
  gradJs(x: ArrayLike<number>): Float64Array;
  /** float64 symbolic Jacobian at x: outputs × x.length, row-major */
  jacobianJs(x: ArrayLike<number>): Float64Array;
  /** symbolic partial derivative d f / d x_i (of output k), simplified, as a printable source string */
  derivativeSource(i: number, n?: number, k?: number): string;
  /** WGSL declarations defining `fn user_f() -> f32` and every `ng_` helper that
   *  user_f and user_df need (so wgslGrad() must go into the same module as wgsl()). Data
   *  arrays are embedded, or with `dataBinding` declared as read-only storage buffers at
   *  bindings dataBinding, dataBinding + 1, … in the order of `data32` */
  wgsl(opts?: { dataBinding?: number }): string;
  /** WGSL declaration of `fn user_df(i: u32) -> f32`, the symbolic ∂f/∂x_i at the current point */
  wgslGrad(opts?: { dataBinding?: number }): string;
  /** the data arrays as float32 (an ArgumentError if a value is beyond float32's range), in binding order */
  readonly data32: ReadonlyMap<string, Float32Array>;
  /** which parameters each term of the top-level sum reads (for structure-aware kernels) */
  dependencies(): Dependencies;
  /** the local form of a sum: per parameter j, the terms that read x_j (structure-aware
   *  differences, src/features/sums); null when some term's reads cannot be told */
  localSum(): LocalSum | null;
  /** float64 sum of the terms that read x_j, at x (an ArgumentError when localSum() is null) */
  evalLocal(x: ArrayLike<number>, j: number): number;
  /** WGSL `fn user_local(i: u32) -> f32` (the terms that read p(i)) with its helpers, data
   *  arrays bound as read-only storage from `dataBinding` in the order of `data32` */
  wgslLocal(dataBinding: number): string;
}

export interface CompileOptions {
  /** number of parameters; must be ≥ what the expression uses */
  n?: number;
  /** named parameters: params[k] is x_k, written by name ('a*exp(-b*t)') */
  params?: readonly string[];
  /** named data arrays, read as t[i] or elementwise as a bare t inside sum(...) */
  data?: Readonly<Record<string, ArrayLike<number>>>;
}
