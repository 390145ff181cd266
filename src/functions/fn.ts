import { ArgumentError } from '../core/errors';
import { compileExpr, type CompiledExpr, type CompileOptions, type Dependencies } from '../expr/index';
import type { PointSource } from '../expr/batch-source';
import type { NestedOut } from '../core/input';
import { checkBody, normalizeLineBreaks } from './wgsl-body';
import { dataNameProblem, offLimitNames } from './wgsl-names';

/**
 * The functions numgrad differentiates: an expression (`ctx.fn`), a raw WGSL body
 * (`ctx.wgsl`), or — on the CPU path only — a plain JS function.
 */

/** A plain JS function. It receives the point in its own nesting: a number for a scalar x,
 *  an array for a vector, nested arrays for a matrix (the book's `f(W)`). */
export type JsFunction = (x: any) => number; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An expression compiled to a float64 closure, WGSL and its symbolic derivative. */
export class ExprFunction {
  readonly kind = 'expr' as const;
  /** @internal use ctx.fn(source) */
  constructor(readonly expr: CompiledExpr) {}
  /** the expression as written */
  get source(): string {
    return this.expr.source;
  }
  /** parameters; null for whole-vector expressions such as `sum(x^2)` (any n) */
  get n(): number | null {
    return this.expr.n;
  }
  /** outputs: 1, or several for ctx.fn([...]) (ctx.jacobian, jvp, vjp on both paths) or a bare data name outside sums (CPU only for now) */
  get outputs(): number {
    return this.expr.outputs;
  }
  /** the named parameters, or null for x0, x1, … */
  get params(): readonly string[] | null {
    return this.expr.params;
  }
  /** float64 values of every output at a flat point */
  evalOutputs(x: ArrayLike<number>): Float64Array {
    return this.expr.evalOutputs(x);
  }
  /** float64 value of output k at a flat point */
  evalOutput(k: number, x: ArrayLike<number>): number {
    return this.expr.evalOutput(k, x);
  }
  /**
   * float64 values of output k at many points at once (the batched machine, src/expr/batch.ts):
   * the bits evalOutput(k, ·) gives at each, written to out[p·stride]. Points are base rows with
   * up to two coordinates replaced (see PointSource), so a gradient's points need no copies.
   *
   * @example
   * const f = ctx.fn('x0^2 + x1^2');
   * // f at (3 ± 1e-4, 4): one base row, coordinate 0 replaced per point
   * f.evalBatch({ base: Float64Array.of(3, 4), n: 2, points: 2, row: new Uint32Array(2),
   *   j1: Uint32Array.of(0, 0), v1: Float64Array.of(3 + 1e-4, 3 - 1e-4) }); // [25.00060001, 24.99940001]
   */
  evalBatch(src: PointSource, k = 0, out?: Float64Array, stride = 1): Float64Array {
    return this.expr.evalBatch(src, k, out, stride);
  }
  /** @internal whether output k holds a sum or product over an index (the CPU path's choice of evaluator) */
  hasIndexSum(k = 0): boolean {
    return this.expr.hasIndexSum(k);
  }
  /** float64 symbolic Jacobian (outputs × x.length, row-major) */
  jacobianJs(x: ArrayLike<number>): Float64Array {
    return this.expr.jacobianJs(x);
  }
  /** the data arrays as float32, in binding order (the shape of WgslFunction.data), for a
   *  harness that binds them as storage buffers (see CompiledExpr.wgsl's dataBinding) */
  get data(): ReadonlyArray<{ name: string; values: Float32Array }> {
    return [...this.expr.data32].map(([name, values]) => ({ name, values }));
  }
  /** which parameters each term of the top-level sum reads */
  dependencies(): Dependencies {
    return this.expr.dependencies();
  }
  /** float64 value at a flat point */
  evalJs(x: ArrayLike<number>): number {
    return this.expr.evalJs(x);
  }
  /** float64 symbolic gradient at a flat point */
  gradJs(x: ArrayLike<number>): Float64Array {
    return this.expr.gradJs(x);
  }
  /** symbolic ∂f/∂x_i (of output k) as source text */
  derivativeSource(i: number, n?: number, k?: number): string {
    return this.expr.derivativeSource(i, n, k);
  }
  /** the WGSL declarations: `user_f` (and `user_df`) plus their helpers */
  wgslCode(): string {
    return this.expr.wgsl() + '\n' + this.expr.wgslGrad();
  }
}

/** What ctx.wgsl(spec) takes: a WGSL function body over parameters p(0) … p(n − 1), its data and an optional float64 twin. */
export interface WgslSpec {
  /** number of parameters: the body reads p(0) … p(n − 1) */
  n: number;
  /** the statements of `fn user_f() -> f32 { … }`: must `return` an f32. Statements only: no
   *  attributes, functions or module-scope declarations, no identifiers starting with `ngh_`,
   *  `ng_` or `numgrad_` (the harness's), no loop that visibly never ends (see wgsl-body.ts) */
  body: string;
  /** named f32 arrays the body reads as `name[i]` (read-only storage buffers; arrayLength works).
   *  Names must not be WGSL keywords, reserved words, builtins or names the harness declares */
  data?: Record<string, ArrayLike<number>>;
  /** an optional float64 twin of the body for the CPU path and `verify` (with `outputs`: all m outputs as an array) */
  cpu?: (x: Float64Array, data: Record<string, ArrayLike<number>>) => number | ArrayLike<number>;
  /** several outputs (a vector-valued function, for ctx.jacobian): the body is then that of
   *  `fn user_fm(k: u32) -> f32` and returns output k, k in [0, outputs) */
  outputs?: number;
}

/** A raw WGSL function body with its data, validated on construction, compiled at first GPU use. */
export class WgslFunction {
  readonly kind = 'wgsl' as const;
  /** number of parameters */
  readonly n: number;
  /** the body as given */
  readonly body: string;
  /** data arrays in declaration order (binding order) as float32 */
  readonly data: ReadonlyArray<{ name: string; values: Float32Array }>;
  /** the float64 twin of the body, if one was given */
  readonly cpu: WgslSpec['cpu'];
  /** outputs: 1, or spec.outputs (the body is then `fn user_fm(k: u32) -> f32`) */
  readonly outputs: number;
  private readonly original: Record<string, ArrayLike<number>>;
  /** the body as compiled: line breaks as \n, so compiler lines are body lines */
  private readonly text: string;

  /** @internal use ctx.wgsl(spec) */
  constructor(spec: WgslSpec) {
    if (spec === null || typeof spec !== 'object') throw new ArgumentError('wgsl', 'expected { n, body, data?, cpu? }');
    if (!Number.isInteger(spec.n) || spec.n < 1) throw new ArgumentError('n', `expected a positive integer number of parameters, got ${String(spec.n)}`);
    if (typeof spec.body !== 'string' || spec.body.trim() === '') {
      throw new ArgumentError('body', 'expected a WGSL function body (a string) that returns an f32, e.g. "return p(0u) * p(0u);"');
    }
    checkBody(spec.body, offLimitNames());
    if (spec.cpu !== undefined && typeof spec.cpu !== 'function') throw new ArgumentError('cpu', 'expected (x, data) => number');
    if (spec.outputs !== undefined && (!Number.isInteger(spec.outputs) || spec.outputs < 1)) {
      throw new ArgumentError('outputs', `expected a positive integer number of outputs, got ${String(spec.outputs)}`);
    }
    this.outputs = spec.outputs ?? 1;
    this.n = spec.n;
    this.body = spec.body;
    this.text = normalizeLineBreaks(spec.body);
    this.cpu = spec.cpu;
    this.original = { ...(spec.data ?? {}) };
    const data: { name: string; values: Float32Array }[] = [];
    for (const [name, values] of Object.entries(spec.data ?? {})) {
      const problem = dataNameProblem(name);
      if (problem) throw new ArgumentError('data', `'${name}' cannot name a WGSL array: ${problem}`);
      if (values == null || typeof (values as ArrayLike<number>).length !== 'number' || values.length === 0) {
        throw new ArgumentError('data', `'${name}' must be a non-empty array of numbers`);
      }
      const f = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = Number(values[i]);
        if (typeof values[i] !== 'number' || !Number.isFinite(v)) throw new ArgumentError('data', `${name}[${i}] is ${String(values[i])}; expected a finite number`);
        f[i] = v;
      }
      data.push(Object.freeze({ name, values: f }));
    }
    if (this.outputs > 1 && data.some((d) => d.name === 'k')) {
      throw new ArgumentError('data', "'k' is the output index of a body with outputs (fn user_fm(k: u32)); rename the array");
    }
    this.data = Object.freeze(data);
    Object.freeze(this); // what was checked is what compiles
  }

  /** The CPU twin at a flat point, or a clear error when none was given. */
  evalCpu(x: Float64Array): number {
    if (!this.cpu) {
      throw new ArgumentError('f', 'WGSL functions need the webgpu backend; give a CPU twin too as ' +
        '`ctx.wgsl({ ..., cpu: (x, data) => number })` to run or check it on the CPU path');
    }
    return this.cpu(x, this.original) as number;
  }

  /** The CPU twin's m outputs at a flat point (a number is one output). */
  evalCpuOutputs(x: Float64Array): Float64Array {
    const v = this.cpu ? this.cpu(x, this.original) : this.evalCpu(x);
    const out = typeof v === 'number' ? Float64Array.of(v) : Float64Array.from(v ?? []);
    if (out.length !== this.outputs) {
      throw new ArgumentError('cpu', `the CPU twin returned ${out.length} value(s) but the function has ${this.outputs} output(s)`);
    }
    return out;
  }

  /** WGSL declarations: the data bindings (from `firstBinding`) and `fn user_f`. Returns the
   *  source, the line at which the body starts and the body as placed, to map compile errors
   *  back to it. */
  /** @internal the shader declarations: data bindings from `firstBinding` and `user_f` */
  wgslCode(firstBinding: number): { code: string; bodyLine: number; body: string } {
    const decls = this.data.map((d, k) => `@group(0) @binding(${firstBinding + k}) var<storage, read> ${d.name}: array<f32>;`);
    // `_ = &name;` keeps every data binding in the 'auto' layout even when the body skips one
    const sig = this.outputs > 1 ? 'fn user_fm(k: u32) -> f32 {' : 'fn user_f() -> f32 {';
    const head = [...decls, sig + this.data.map((d) => ` _ = &${d.name};`).join('')];
    return { code: head.join('\n') + '\n' + this.text + '\n}\n', bodyLine: head.length + 1, body: this.text };
  }
}

/** Anything numgrad differentiates: ctx.fn(...), ctx.wgsl(...) or (CPU path only) a JS function. */
export type DiffFunction = ExprFunction | WgslFunction | JsFunction;

/** Validates `f` (a string compiles as an expression). */
export function toFunction(f: unknown): DiffFunction {
  if (f instanceof ExprFunction || f instanceof WgslFunction) return f;
  if (typeof f === 'string') return new ExprFunction(compileExpr(f));
  if (typeof f === 'function') return f as JsFunction;
  throw new ArgumentError('f', `expected ctx.fn(...), ctx.wgsl(...), an expression string or (on the CPU path) a JS function, got ${f === null ? 'null' : typeof f}`);
}

/** Parameters f takes; null when any n works (vector expressions, JS functions). */
export function arity(f: DiffFunction): number | null {
  return typeof f === 'function' ? null : f.n;
}

/** A float64 evaluator at flat points of a given point shape (the CPU path). */
export function cpuEvaluator(f: DiffFunction, pointShape: readonly number[]): (x: Float64Array) => number {
  if (f instanceof ExprFunction) return (x) => f.evalJs(x);
  if (f instanceof WgslFunction) return (x) => f.evalCpu(x);
  return jsEvaluator(f, pointShape);
}

/**
 * A JS function sees the point in its own nesting. The nested copy is built once and its
 * leaves overwritten in place per evaluation (as the book's numerical_gradient mutates x).
 */
function jsEvaluator(f: JsFunction, shape: readonly number[]): (x: Float64Array) => number {
  const call = (x: Float64Array | number): number => {
    const v = f(x);
    if (typeof v !== 'number') throw new ArgumentError('f', `the JS function returned ${v === null ? 'null' : typeof v}; expected a number`);
    return v;
  };
  if (shape.length === 0) return (x) => call(x[0]);
  const leaves: { arr: number[]; i: number }[] = [];
  const build = (depth: number): NestedOut[] => {
    const arr = new Array(shape[depth]).fill(0);
    for (let i = 0; i < shape[depth]; i++) {
      if (depth === shape.length - 1) leaves.push({ arr, i });
      else arr[i] = build(depth + 1);
    }
    return arr;
  };
  const view = build(0);
  return (x) => {
    for (let k = 0; k < leaves.length; k++) leaves[k].arr[leaves[k].i] = x[k];
    return call(view as never);
  };
}

/** Options of ctx.fn: the number of parameters, named parameters, named data arrays. */
export type ExprOptions = CompileOptions;

/** ctx.fn: compile an expression (or a list: several outputs); bad options are
 *  ArgumentErrors, bad syntax an ExprError with the column. */
export function makeExpr(source: unknown, opts: ExprOptions = {}): ExprFunction {
  const list = Array.isArray(source);
  if (typeof source !== 'string' && !list) throw new ArgumentError('source', `expected an expression string, got ${typeof source}`);
  if (list && (source as unknown[]).some((s) => typeof s !== 'string')) throw new ArgumentError('source', 'expected a list of expression strings');
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'expected { n?, params?, data? }');
  for (const key of Object.keys(opts)) {
    if (key !== 'n' && key !== 'params' && key !== 'data') throw new ArgumentError('opts', `unknown option '${key}' (expected n, params, data)`);
  }
  if (opts.n !== undefined && (!Number.isInteger(opts.n) || opts.n < 1)) {
    throw new ArgumentError('n', `expected a positive integer number of parameters, got ${String(opts.n)}`);
  }
  const o: CompileOptions = {};
  if (opts.n !== undefined) o.n = opts.n;
  if (opts.params !== undefined) o.params = opts.params;
  if (opts.data !== undefined) o.data = opts.data;
  return new ExprFunction(compileExpr(source as string | string[], o));
}
