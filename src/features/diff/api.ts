import type { Runner } from '../../core/backend';
import { ArgumentError } from '../../core/errors';
import { arity, toFunction, type DiffFunction } from '../../functions/fn';
import { nest, readOptions, readPoints, readTensor, unravel, type NestedOut, type NumericInput, type Points } from '../../core/input';
import type { GradientJob, GradientOut, Stencil, Step } from './jobs';
import { BOOK_H, checkGpuRange, checkStencil, checkStep } from '../../core/steps';
import { evaluateOp, gradientOp } from './ops';
import { structuredApplies, sumsGradientOp } from '../sums/ops';
import { explain, flagged, flagWarning, statusName, type DerivativeStatus } from './status';
import { verifyGradient, type VerifyReport } from './verify';
import { readBounds, type BoundsInput } from './bounds';

/** A result in the nesting of the input: number for a number, arrays for arrays. */
export type Like<X> = X extends number ? number : X extends readonly (infer E)[] ? Like<E>[] : NestedOut;
/**
 * What the derivatives return for an input X: its nesting (Like), or for a Float32Array or
 * Float64Array the same kind, flat, in x's row-major order.
 *
 * @example
 * ```ts
 * const g = await ctx.numericalGradient('x0^2 + x1^2', Float32Array.of(3, 4, 1, 2), { shape: [2, 2] });
 * // g is a Float32Array [6, 8, 2, 4]
 * ```
 */
export type Shaped<X> = X extends Float32Array ? Float32Array : X extends Float64Array ? Float64Array : Like<X>;
/** Anything numgrad differentiates: ctx.fn(...), ctx.wgsl(...), an expression string, or (CPU) a JS function. */
export type FunctionInput = DiffFunction | string;

export interface PointOptions {
  /** x is a batch of points (one per first-level row) or one point; inferred from f's n by default */
  batch?: boolean;
  /** the shape of a Float32Array/Float64Array x (flat by default) */
  shape?: number[];
}

export interface DiffOptions extends PointOptions {
  /**
   * 'auto' (default): the step ladder, a value, an error estimate and a status per component;
   * 'book': the book's fixed h = 1e-4; a positive number: that fixed step, as given
   */
  h?: Step;
  /**
   * the domain of f per parameter, `[lo, hi]` (each a number or one entry per parameter of a point;
   * ±Infinity: unbounded): the step ladder never evaluates f outside it, and next to a bound it
   * uses one-sided differences (status 'one-sided'). Only with h: 'auto'.
   */
  bounds?: BoundsInput;
  /** fixed steps: 3 (default, the book's central difference) or 5 points ('auto' extrapolates by itself) */
  stencil?: Stencil;
  /** also compute a reference (CPU float64 on the GPU, the symbolic derivative on the CPU) and report */
  verify?: boolean;
  /** return { value, error, step, status, issues, vanished, h, stencil, backend, verify? } instead of the bare value */
  detail?: boolean;
  /** warn on the console (one line) when some component is flagged (default true; detail reports it instead) */
  warn?: boolean;
}

export interface GradientDetail<T> {
  value: T;
  /** estimated absolute error of each component, in the value's nesting (null for a fixed step, which has no ladder to estimate from) */
  error: T | null;
  /** the step each component's value came from (the smallest of its Richardson window), in the value's nesting */
  step: T;
  /** 'ok' or why not, per component, in the value's nesting (see docs/design.md, "The step ladder") */
  status: Nest<DerivativeStatus>;
  /** flagged components (not 'ok' or 'one-sided'): how many, and the first few with an explanation */
  issues: { count: number; first: { index: number[]; status: DerivativeStatus; message: string }[] };
  /** components whose step vanished (x ± h rounded to x, derivative reported as 0): indices into the result */
  vanished: { count: number; indices: number[][] };
  h: Step;
  stencil: Stencil;
  backend: 'cpu' | 'webgpu';
  verify?: VerifyReport;
}

/** Values of type V nested like a result. */
export type Nest<V> = V | Nest<V>[];

export type Detailed = { detail: true } | { verify: true };

function input(f: FunctionInput, x: unknown, opts: PointOptions, name = 'x'): { fn: DiffFunction; pts: Points } {
  const fn = toFunction(f);
  const t = readTensor(x, name, opts.shape);
  return { fn, pts: readPoints(t, arity(fn), opts.batch, name) };
}

// Every accepted key, checked against the option types both ways by the compiler.
const POINT_KEYS: Record<keyof PointOptions, true> = { batch: true, shape: true };
const DIFF_KEYS: Record<keyof DiffOptions, true> = { ...POINT_KEYS, h: true, stencil: true, bounds: true, verify: true, detail: true, warn: true };
const DIRECTIONAL_KEYS: Record<keyof DirectionalOptions, true> = { ...DIFF_KEYS, normalize: true };
const BOOLS = ['batch', 'verify', 'detail', 'warn', 'normalize'];

export interface DirectionalOptions extends DiffOptions {
  /** divide by ‖v‖ (default true); false gives ∇f·v */
  normalize?: boolean;
}

/** Strict options: unknown keys and non-boolean flags are ArgumentErrors naming the key. */
function checkOptions<T extends object>(opts: unknown, keys: Record<keyof T, true>, where: string): T {
  return readOptions<T>(opts, Object.keys(keys), where, BOOLS);
}

/** A gradient call's outcome: the value in the input's form (built on demand), the flat float64 values, and the detail when asked for. */
interface Gradient {
  value: () => NestedOut;
  raw: () => Float64Array;
  detail?: GradientDetail<NestedOut>;
}

async function gradientOf(ctx: Runner, fn: DiffFunction, pts: Points, opts: DiffOptions): Promise<Gradient> {
  const job: GradientJob = {
    f: fn, get x() { return pts.data; }, x32: pts.f32, maxAbs: pts.maxAbs, rows: pts.rows, n: pts.n, pointShape: pts.pointShape,
    h: checkStep(opts.h), stencil: checkStencil(opts.stencil),
  };
  if (opts.bounds !== undefined && job.h !== 'auto') {
    throw new ArgumentError('bounds', `applies to the step ladder (h: 'auto'), which steps inside them; with a fixed h = ${String(job.h)} numgrad does not choose the steps`);
  }
  job.bounds = readBounds(opts.bounds, pts);
  // the ladder ('auto') skips steps that leave float32's range; a fixed step must not
  // (a Float32Array is checked as it is: its float64 copy is made only if the path needs it)
  if (ctx.backend === 'webgpu') checkGpuRange(pts.f32 ?? pts.data, pts.shape, 'x', job.h === 'auto' ? null : job.h, job.stencil, pts.maxAbs);
  // a sum of terms: each lane evaluates only the terms its parameter touches (features/sums)
  // (the structured path has no bounds: a bounded job takes the whole-function ladder)
  const out = await ctx.exec(!job.bounds && structuredApplies(job) ? sumsGradientOp : gradientOp, job);
  const backend = ctx.backend;
  const quiet = opts.detail || opts.verify || opts.warn === false;
  if (!quiet && out.status) {
    const w = flagWarning(out.status, out.grad, out.error, pts.shape, backend);
    if (w) console.warn(w);
  } else if (!quiet && out.vanishedCount > 0) {
    const first = unravel(out.vanished[0], pts.shape);
    console.warn(`numgrad: ${out.vanishedCount} gradient component(s) are 0 because x ± h rounded to x ` +
      `(first at [${first.join(', ')}], x = ${pts.data[out.vanished[0]]}, h = ${job.h}); use a larger h or h: 'auto'`);
  }
  // the bare value: no per-component detail is built (a million status names cost more than the gradient)
  if (!(opts.detail || opts.verify)) return { value: () => gradLike(out, pts), raw: () => out.grad };
  const total = out.grad.length;
  const status = out.status ?? new Uint32Array(total);
  const fixed = typeof job.h === 'number' ? job.h : job.h === 'book' ? BOOK_H : NaN;
  const issues: GradientDetail<NestedOut>['issues'] = { count: 0, first: [] };
  for (let i = 0; i < total; i++) {
    if (!flagged(status[i])) continue;
    if (issues.count++ < 10) issues.first.push({ index: unravel(i, pts.shape), status: statusName(status[i]), message: explain(status[i], backend) });
  }
  const detail: GradientDetail<NestedOut> = {
    value: gradLike(out, pts),
    error: out.error ? like(out.error, pts) : null,
    step: like(out.step ?? new Float64Array(total).fill(fixed), pts),
    status: pts.typed ? Array.from(status, statusName) : nestStatus(status, pts.shape),
    issues,
    vanished: { count: out.vanishedCount, indices: out.vanished.map((i) => unravel(i, pts.shape)) },
    h: job.h,
    stencil: job.stencil,
    backend,
  };
  if (opts.verify) detail.verify = verifyGradient(job, out, backend);
  return { value: () => detail.value, raw: () => out.grad, detail };
}

/**
 * A result in the input's form: nested arrays for nested input, the same typed-array kind
 * (flat, in x's row-major order) for a Float32Array/Float64Array.
 */
function like(data: Float64Array, pts: Points): NestedOut {
  if (pts.typed === 'f64') return data as unknown as NestedOut;
  if (pts.typed === 'f32') return new Float32Array(data) as unknown as NestedOut;
  return nest(data, pts.shape);
}

/** The gradient in the input's form; a Float32Array result takes the path's float32 values as they are. */
function gradLike(out: GradientOut, pts: Points): NestedOut {
  if (pts.typed === 'f32' && out.grad32) return out.grad32 as unknown as NestedOut;
  return like(out.grad, pts);
}

function nestStatus(codes: Uint32Array, shape: readonly number[]): Nest<DerivativeStatus> {
  const names = Array.from(codes, statusName);
  const build = (off: number, dims: readonly number[]): Nest<DerivativeStatus> => {
    if (dims.length === 0) return names[off];
    const step = dims.slice(1).reduce((a, b) => a * b, 1);
    return Array.from({ length: dims[0] }, (_, i) => build(off + i * step, dims.slice(1)));
  };
  return build(0, shape);
}

function result(g: Gradient): unknown {
  return g.detail ?? g.value();
}

export async function numericalGradient(ctx: Runner, f: FunctionInput, x: unknown, options?: DiffOptions): Promise<unknown> {
  const opts = checkOptions<DiffOptions>(options, DIFF_KEYS, 'numericalGradient');
  const { fn, pts } = input(f, x, opts);
  return result(await gradientOf(ctx, fn, pts, opts));
}

/** d f/dx of a function of one variable; an array of xs is a batch (one derivative each). */
export async function numericalDiff(ctx: Runner, f: FunctionInput, x: unknown, options?: DiffOptions): Promise<unknown> {
  const opts = checkOptions<DiffOptions>(options, DIFF_KEYS, 'numericalDiff');
  const fn = toFunction(f);
  const n = arity(fn);
  if (n !== null && n !== 1) {
    throw new ArgumentError('f', `numericalDiff is for functions of one variable but f takes n = ${n}; use numericalGradient`);
  }
  const t = readTensor(x, 'x', opts.shape);
  const pts = readPoints(t, 1, opts.batch ?? (t.shape.length > 0 ? true : undefined));
  return result(await gradientOf(ctx, fn, pts, opts));
}

/** f at a point, or at each point of a batch (one number per row). */
export async function evaluate(ctx: Runner, f: FunctionInput, x: unknown, options?: PointOptions): Promise<NestedOut> {
  const opts = checkOptions<PointOptions>(options, POINT_KEYS, 'evaluate');
  const { fn, pts } = input(f, x, opts);
  if (ctx.backend === 'webgpu') checkGpuRange(pts.f32 ?? pts.data, pts.shape, 'x', null, 3, pts.maxAbs);
  const v = await ctx.exec(evaluateOp, { f: fn, get x() { return pts.data; }, x32: pts.f32, rows: pts.rows, n: pts.n, pointShape: pts.pointShape });
  return pts.batch ? like(v, { ...pts, shape: [pts.rows] }) : v[0];
}

/** The tangent line y = slope·t + intercept of a function of one variable at x (the book's tangent_line). */
export async function tangentLine(ctx: Runner, f: FunctionInput, x: number, options?: DiffOptions): Promise<{ slope: number; intercept: number }> {
  if (typeof x !== 'number') throw new ArgumentError('x', `tangentLine takes one number, got ${Array.isArray(x) ? 'an array' : typeof x}`);
  const opts = { ...checkOptions<DiffOptions>(options, DIFF_KEYS, 'tangentLine'), detail: false, verify: false };
  const slope = (await numericalDiff(ctx, f, x, opts)) as number;
  const y = (await evaluate(ctx, f, x)) as number;
  return { slope, intercept: y - slope * x };
}

/**
 * The rate of change of f at x along the direction of v: ∇f(x)·v/‖v‖ (v is normalised;
 * `normalize: false` gives ∇f·v). v has the shape of one point; for a batch, one value per row.
 */
/** The options of directionalDerivative, checked (unknown keys refused). */
export function checkDirectionalOptions(options: unknown): DirectionalOptions {
  return checkOptions<DirectionalOptions>(options, DIRECTIONAL_KEYS, 'directionalDerivative');
}

export async function directionalDerivative(
  ctx: Runner, f: FunctionInput, x: unknown, v: unknown, options?: DirectionalOptions,
): Promise<NestedOut> {
  const opts = checkOptions<DirectionalOptions>(options, DIRECTIONAL_KEYS, 'directionalDerivative');
  const { fn, pts } = input(f, x, opts);
  const vt = readTensor(v, 'v');
  if (vt.data.length !== pts.n) {
    throw new ArgumentError('v', `has shape [${vt.shape.join(', ')}] (${vt.data.length} numbers) but a point of x holds ${pts.n}`);
  }
  // v = m·u with m = max|vᵢ| and max|uᵢ| = 1, so ‖u‖ ∈ [1, √n] neither overflows nor
  // underflows (v = [1e200, 1e200] or [1e-200, 1e-200]): ∇f·v/‖v‖ = ∇f·u/‖u‖, ∇f·v = m·(∇f·u).
  let m = 0;
  for (const c of vt.data) m = Math.max(m, Math.abs(c));
  if (m === 0) throw new ArgumentError('v', 'is the zero vector: it has no direction');
  const u = vt.data.map((c) => c / m);
  let uu = 0;
  for (const c of u) uu += c * c;
  const scale = opts.normalize === false ? m : 1 / Math.sqrt(uu);
  const d = await gradientOf(ctx, fn, pts, { ...opts, detail: false, verify: false });
  const g = d.raw();
  const out = new Float64Array(pts.rows);
  for (let r = 0; r < pts.rows; r++) {
    let s = 0;
    for (let j = 0; j < pts.n; j++) s += g[r * pts.n + j] * u[j];
    out[r] = s * scale;
  }
  return pts.batch ? like(out, { ...pts, shape: [pts.rows] }) : out[0];
}
