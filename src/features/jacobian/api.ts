// Validation and result shaping of ctx.jacobian, jvp, vjp, hessian and hessianVectorProduct,
// in terms of a Runner (see docs/design.md, the feature-folder pattern).
import type { Runner } from '../../core/backend';
import { ArgumentError } from '../../core/errors';
import { nest, readOptions, readPoints, readTensor, type NestedOut, type Points } from '../../core/input';
import { checkGpuRange } from '../../core/steps';
import { arity, ExprFunction, toFunction, WgslFunction, type DiffFunction } from '../../functions/fn';
import type { FunctionInput } from '../diff/api';
import { colourColumns, patternFrom, readPattern, symmetric, type SparsityPattern } from './colouring';
import { outputsOf } from './evaluate-cpu';
import type { Colouring, EntriesOut } from './jobs';
import { gradientHvpOp, hessianOp, hvpOp, jacobianOp, jvpOp } from './ops';
import { cooOrder, shapeEntries, toCoo, unpack, type CooMatrix, type EntriesDetail } from './shape';

/** What jacobian, jvp and vjp differentiate: any FunctionInput, or on the CPU a JS function returning several outputs. */
export type VectorFunctionInput = FunctionInput | ((x: any) => number | ArrayLike<number>); // eslint-disable-line @typescript-eslint/no-explicit-any

export interface JacobianOptions {
  /** x is a batch of points (one per first-level row) or one point; inferred from f's n by default */
  batch?: boolean;
  /** the shape of a Float32Array/Float64Array x (flat by default) */
  shape?: number[];
  /** return { value, error, step, status, issues, evaluations, colours?, backend } instead of the value */
  detail?: boolean;
  /** warn (one line) when an entry is flagged (default true; detail reports it instead) */
  warn?: boolean;
  /** a known pattern (m×n 0/1 mask or { rows, cols }), or 'detect' to probe for it: colour the columns */
  sparsity?: SparsityPattern | 'detect';
  /** 'dense' (default): the dense nesting; 'coo': { shape, rows, cols, values } of the pattern's entries (with sparsity) */
  format?: 'dense' | 'coo';
}
export interface HessianOptions extends JacobianOptions {
  /** sparse Hessians: 'gradient' (for expressions, the default there): H·u per colour as a difference
   *  of symbolic gradients, 4 gradient evaluations per colour; 'values': the mixed stencil on f */
  method?: 'auto' | 'gradient' | 'values';
}
export type ProductOptions = Pick<JacobianOptions, 'batch' | 'shape' | 'detail' | 'warn'>;
export interface HvpOptions extends ProductOptions {
  /** 'gradient': a difference of the expression's symbolic gradients (4 gradient evaluations per
   *  direction); 'values': the mixed stencil on f alone (12n evaluations per direction); 'auto'
   *  (default): 'gradient' for ctx.fn expressions, else 'values' */
  method?: 'auto' | 'gradient' | 'values';
}

const KEYS = ['batch', 'shape', 'detail', 'warn', 'sparsity', 'format'];
const PRODUCT_KEYS = ['batch', 'shape', 'detail', 'warn'];
const BOOLS = ['batch', 'detail', 'warn'];

function input(ctx: Runner, f: VectorFunctionInput, x: unknown, opts: { batch?: boolean; shape?: number[] }): { fn: DiffFunction; pts: Points } {
  const fn = toFunction(f as FunctionInput);
  const pts = readPoints(readTensor(x, 'x', opts.shape), arity(fn), opts.batch, 'x');
  if (ctx.backend === 'webgpu') checkGpuRange(pts.data, pts.shape, 'x', null, 3);
  return { fn, pts };
}

/** f's outputs, known before running except for a JS function on the CPU (0: learnt from its first evaluation). */
function outputs(fn: DiffFunction): number {
  return fn instanceof ExprFunction || fn instanceof WgslFunction ? fn.outputs : 0;
}

function lead(pts: Points): number[] {
  return pts.batch ? [pts.rows] : [];
}

/** Directions: one vector of a point's size, or a list of them (first-level rows). */
function readDirections(v: unknown, n: number, name: string): { dirs: Float64Array; count: number; list: boolean } {
  const t = readTensor(v, name);
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  if (t.shape.length >= 2 && per === n) return { dirs: t.data, count: t.shape[0], list: true };
  if (t.data.length === n) return { dirs: t.data, count: 1, list: false };
  if (t.shape.length === 1 && n === 1) return { dirs: t.data, count: t.shape[0], list: true };
  throw new ArgumentError(name, `has shape [${t.shape.join(', ')}] (${t.data.length} numbers) but a point of x holds ${n}: give one vector of ${n} numbers or a list of them`);
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Probe points for 'detect': x moved by up to 10% of max(|x_j|, 1) in every coordinate, seeded. */
export const DETECT_PROBES = 2;
export const DETECT_SEED = 0x5eed;
function probes(x: Float64Array): Float64Array {
  const rnd = mulberry(DETECT_SEED), n = x.length;
  const out = new Float64Array(DETECT_PROBES * n);
  for (let p = 0; p < DETECT_PROBES; p++) for (let j = 0; j < n; j++) out[p * n + j] = x[j] + 0.1 * Math.max(Math.abs(x[j]), 1) * (2 * rnd() - 1);
  return out;
}

/** The colouring for opts.sparsity (probing the function for 'detect'); null when dense. */
async function colouringFor(ctx: Runner, fn: DiffFunction, pts: Points, m: number, sparsity: unknown, hessian: boolean): Promise<{ col: Colouring; probeEvaluations: number; m: number } | null> {
  if (sparsity === undefined) return null;
  const n = pts.n;
  let cols: Uint32Array[];
  let probeEvaluations = 0;
  if (sparsity === 'detect') {
    const job = { f: fn, x: probes(pts.data.subarray(0, n)), rows: DETECT_PROBES, n, m, pointShape: pts.pointShape };
    const out = hessian ? await ctx.exec(hessianOp, job) : await ctx.exec(jacobianOp, job);
    probeEvaluations = out.evaluations;
    const mm = hessian ? n : out.value.length / (DETECT_PROBES * n);
    const per = mm * n;
    const split = (a: Float64Array) => Array.from({ length: DETECT_PROBES }, (_, p) => a.subarray(p * per, (p + 1) * per));
    cols = patternFrom(split(out.value), split(out.error), mm, n);
    m = mm;
  } else {
    if (m === 0) m = Array.isArray(sparsity) ? sparsity.length : outputsOf(fn, pts.data.subarray(0, n), pts.pointShape);
    cols = readPattern(sparsity, hessian ? n : m, n);
  }
  if (hessian) cols = symmetric(cols);
  return { col: colourColumns(cols, hessian ? n : m), probeEvaluations, m };
}

/** Relative size of a disagreement between J·w and jvp(w) that the pattern check reports. */
// (float32: the jvp's direction may bend by up to DIRECTION_BEND, 2.4e-4, of |J|·|w|)
const PATTERN_REL = { cpu: 1e-8, webgpu: 1e-3 } as const;

/**
 * The pattern check: at the first point, J·w from the coloured Jacobian against one jvp along
 * a seeded random w (2·8 + 1 evaluations). An entry the pattern lacks shows as a difference
 * beyond both error estimates; it is reported (ArgumentError 'sparsity'), never returned.
 */
async function checkPattern(ctx: Runner, fn: DiffFunction, pts: Points, m: number, packed: EntriesOut, col: Colouring): Promise<void> {
  const n = pts.n, rnd = mulberry(DETECT_SEED + 1);
  const w = Float64Array.from({ length: n }, () => 2 * rnd() - 1);
  const ref = await ctx.exec(jvpOp, { f: fn, x: pts.data.subarray(0, n), rows: 1, n, m, pointShape: pts.pointShape, dirs: w, count: 1 });
  packed.evaluations += ref.evaluations;
  const jw = new Float64Array(m), bound = new Float64Array(m), size = new Float64Array(m);
  let k = 0;
  col.cols.forEach((rs, j) => rs.forEach((i) => {
    jw[i] += packed.value[k] * w[j];
    bound[i] += Math.abs(w[j]) * packed.error[k];
    size[i] += Math.abs(packed.value[k++] * w[j]);
  }));
  const rel = PATTERN_REL[ctx.backend];
  for (let i = 0; i < m; i++) {
    const d = Math.abs(jw[i] - ref.value[i]);
    if (d > 8 * (bound[i] + ref.error[i]) + rel * (size[i] + Math.abs(ref.value[i]))) {
      throw new ArgumentError('sparsity', `the pattern disagrees with f: at x, output ${i} along a random direction changes at ${ref.value[i]} ` +
        `but the pattern's entries give ${jw[i]} (difference ${d.toPrecision(3)}): the pattern misses entries of row ${i}; fix it or use sparsity: 'detect'`);
    }
  }
}

/**
 * The sparse Hessian's pattern check: H·w from the packed entries of the first point against
 * one H·v along a seeded random w (4 gradient evaluations by gradients, 12n + 1 by values).
 */
async function checkHessianPattern(ctx: Runner, fn: DiffFunction, pts: Points, out: EntriesOut, col: Colouring, byGradient: boolean): Promise<void> {
  const n = pts.n, rnd = mulberry(DETECT_SEED + 2);
  const w = Float64Array.from({ length: n }, () => 2 * rnd() - 1);
  const ref = await ctx.exec(byGradient ? gradientHvpOp : hvpOp, { f: fn, x: pts.data.subarray(0, n), rows: 1, n, m: 1, pointShape: pts.pointShape, dirs: w, count: 1 });
  out.evaluations += ref.evaluations;
  const rel = PATTERN_REL[ctx.backend] * 10; // second differences: a coarser floor
  const hwAll = new Float64Array(n), boundAll = new Float64Array(n), sizeAll = new Float64Array(n);
  let k = 0;
  col.cols.forEach((rs, j) => rs.forEach((i) => {
    hwAll[i] += out.value[k] * w[j];
    boundAll[i] += Math.abs(w[j]) * out.error[k];
    sizeAll[i] += Math.abs(out.value[k++] * w[j]);
  }));
  for (let i = 0; i < n; i++) {
    const hw = hwAll[i], bound = boundAll[i], size = sizeAll[i];
    const d = Math.abs(hw - ref.value[i]);
    if (d > 8 * (bound + ref.error[i]) + rel * (size + Math.abs(ref.value[i]))) {
      throw new ArgumentError('sparsity', `the pattern disagrees with f: at x, row ${i} of H·w along a random direction w is ${ref.value[i]} ` +
        `but the pattern's entries give ${hw} (difference ${d.toPrecision(3)}): the pattern misses entries of row ${i}; fix it or use sparsity: 'detect'`);
    }
  }
}

function readFormat(opts: JacobianOptions): 'dense' | 'coo' {
  const f = opts.format ?? 'dense';
  if (f !== 'dense' && f !== 'coo') throw new ArgumentError('format', `expected 'dense' or 'coo', got ${String(f)}`);
  if (f === 'coo' && opts.sparsity === undefined) throw new ArgumentError('format', "'coo' needs a sparsity pattern (or sparsity: 'detect')");
  return f;
}

function finish(out: EntriesOut, shape: number[], ctx: Runner, what: string, opts: ProductOptions, extra: Partial<EntriesDetail> = {}, coo?: () => CooMatrix | CooMatrix[]): unknown {
  const quiet = !!opts.detail || opts.warn === false;
  const d = shapeEntries(out, shape, ctx.backend, what, quiet);
  Object.assign(d, extra);
  if (coo) d.value = coo() as never;
  return opts.detail ? d : d.value;
}

/** ctx.jacobian: see JacobianMethods in methods.ts. */
export async function jacobian(ctx: Runner, f: VectorFunctionInput, x: unknown, options?: JacobianOptions): Promise<unknown> {
  const opts = readOptions<JacobianOptions>(options, KEYS, 'jacobian', BOOLS);
  const format = readFormat(opts);
  const { fn, pts } = input(ctx, f, x, opts);
  let m = outputs(fn);
  const sparse = await colouringFor(ctx, fn, pts, m, opts.sparsity, false);
  if (sparse) m = sparse.m;
  const packed = await ctx.exec(jacobianOp, { f: fn, x: pts.data, rows: pts.rows, n: pts.n, m, pointShape: pts.pointShape, colouring: sparse?.col });
  if (!sparse) m = packed.value.length / (pts.rows * pts.n);
  if (sparse) await checkPattern(ctx, fn, pts, m, packed, sparse.col);
  const out = sparse && format === 'dense' ? unpack(packed, pts.rows, m, pts.n, sparse.col.cols) : packed;
  if (out.outside?.length) {
    const o = out.outside[0];
    throw new ArgumentError('sparsity', `the pattern disagrees with f: output ${o.row} changes when column(s) ${o.columns.join(', ')} move ` +
      `(point ${o.point}), but the pattern has no entry for it in those columns (${out.outside.length}${out.outside.length >= 10 ? '+' : ''} such); fix the pattern or use sparsity: 'detect'`);
  }
  const extra = sparse ? { colours: sparse.col.colours, nonzeros: sparse.col.cols.reduce((s, c) => s + c.length, 0), evaluations: out.evaluations + sparse.probeEvaluations } : {};
  if (sparse && format === 'coo') {
    const nnz = extra.nonzeros!;
    const coo = () => {
      const per = Array.from({ length: pts.rows }, (_, r) => toCoo(packed.value, r * nnz, m, pts.n, sparse.col.cols, true));
      return pts.batch ? per : per[0];
    };
    // error, step and status in the COO order of the values
    return finish(cooOrder(packed, pts.rows, sparse.col.cols), [...lead(pts), nnz], ctx, 'Jacobian', opts, extra, coo);
  }
  return finish(out, [...lead(pts), m, ...pts.pointShape], ctx, 'Jacobian', opts, extra);
}

/** ctx.jvp: J(x)·v for one direction or a list, 2·LADDER_STEPS evaluations each (plus f(x) once). */
export async function jvp(ctx: Runner, f: VectorFunctionInput, x: unknown, v: unknown, options?: ProductOptions): Promise<unknown> {
  const opts = readOptions<ProductOptions>(options, PRODUCT_KEYS, 'jvp', BOOLS);
  const { fn, pts } = input(ctx, f, x, opts);
  const d = readDirections(v, pts.n, 'v');
  if (ctx.backend === 'webgpu') checkGpuRange(d.dirs, [d.dirs.length], 'v', null, 3);
  const out = await ctx.exec(jvpOp, { f: fn, x: pts.data, rows: pts.rows, n: pts.n, m: outputs(fn), pointShape: pts.pointShape, dirs: d.dirs, count: d.count });
  const m = out.value.length / (pts.rows * d.count);
  return finish(out, [...lead(pts), ...(d.list ? [d.count] : []), ...(m === 1 ? [] : [m])], ctx, 'jvp', opts);
}

/** ctx.vjp: uᵀ·J(x) for one cotangent u (length m) or a list, through the Jacobian. */
export async function vjp(ctx: Runner, f: VectorFunctionInput, x: unknown, u: unknown, options?: ProductOptions): Promise<unknown> {
  const opts = readOptions<ProductOptions>(options, PRODUCT_KEYS, 'vjp', BOOLS);
  const { fn, pts } = input(ctx, f, x, opts);
  const out = await ctx.exec(jacobianOp, { f: fn, x: pts.data, rows: pts.rows, n: pts.n, m: outputs(fn), pointShape: pts.pointShape });
  const n = pts.n, m = out.value.length / (pts.rows * n);
  const d = readDirections(u, m, 'u');
  const size = pts.rows * d.count * n;
  const res: EntriesOut = { value: new Float64Array(size), error: new Float64Array(size), step: new Float64Array(size), status: new Uint32Array(size), evaluations: out.evaluations };
  for (let r = 0; r < pts.rows; r++) {
    for (let c = 0; c < d.count; c++) {
      for (let j = 0; j < n; j++) {
        const o = (r * d.count + c) * n + j;
        for (let i = 0; i < m; i++) {
          const w = d.dirs[c * m + i], e = (r * m + i) * n + j;
          res.value[o] += w * out.value[e];
          res.error[o] += Math.abs(w) * out.error[e];
          if (w !== 0) res.status[o] = Math.max(res.status[o], out.status[e]);
        }
      }
    }
  }
  return finish(res, [...lead(pts), ...(d.list ? [d.count] : []), ...pts.pointShape], ctx, 'vjp', opts);
}

/** ctx.hessian: see JacobianMethods in methods.ts. */
function readMethod(opts: { method?: unknown }, fn: DiffFunction): boolean {
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'gradient' && method !== 'values') throw new ArgumentError('method', `expected 'auto', 'gradient' or 'values', got ${String(method)}`);
  if (method === 'gradient' && !(fn instanceof ExprFunction)) {
    throw new ArgumentError('method', "'gradient' needs an expression (ctx.fn), whose symbolic gradient numgrad has; use 'values' for this function");
  }
  return fn instanceof ExprFunction && method !== 'values';
}

/** ctx.hessian: see JacobianMethods in methods.ts. */
export async function hessian(ctx: Runner, f: FunctionInput, x: unknown, options?: HessianOptions): Promise<unknown> {
  const opts = readOptions<HessianOptions>(options, [...KEYS, 'method'], 'hessian', BOOLS);
  const format = readFormat(opts);
  const { fn, pts } = input(ctx, f, x, opts);
  const byGradient = readMethod(opts, fn);
  const m = outputs(fn);
  if (m > 1) throw new ArgumentError('f', `a Hessian is of a function with one output; f has ${m} (take the Hessian of each, or the Jacobian)`);
  const sparse = await colouringFor(ctx, fn, pts, 1, opts.sparsity, true);
  const n = pts.n;
  const packed = await ctx.exec(hessianOp, { f: fn, x: pts.data, rows: pts.rows, n, m: 1, pointShape: pts.pointShape, colouring: sparse?.col, byGradient: !!sparse && byGradient });
  if (!sparse && packed.value.length !== pts.rows * n * n) throw new ArgumentError('f', 'a Hessian is of a function with one output; f returned several');
  if (!sparse) return finish(packed, [...lead(pts), ...pts.pointShape, ...pts.pointShape], ctx, 'Hessian', opts);
  await checkHessianPattern(ctx, fn, pts, packed, sparse.col, byGradient);
  const nnz = sparse.col.cols.reduce((s, c) => s + c.length, 0);
  const extra = { colours: sparse.col.colours, nonzeros: nnz, evaluations: packed.evaluations + sparse.probeEvaluations };
  if (format === 'coo') {
    const coo = () => {
      const per = Array.from({ length: pts.rows }, (_, r) => toCoo(packed.value, r * nnz, n, n, sparse.col.cols, true));
      return pts.batch ? per : per[0];
    };
    return finish(cooOrder(packed, pts.rows, sparse.col.cols), [...lead(pts), nnz], ctx, 'Hessian', opts, extra, coo);
  }
  return finish(unpack(packed, pts.rows, n, n, sparse.col.cols), [...lead(pts), ...pts.pointShape, ...pts.pointShape], ctx, 'Hessian', opts, extra);
}

/** ctx.hessianVectorProduct: H(x)·v for one direction or a list, all in one dispatch. */
export async function hessianVectorProduct(ctx: Runner, f: FunctionInput, x: unknown, v: unknown, options?: HvpOptions): Promise<unknown> {
  const opts = readOptions<HvpOptions>(options, [...PRODUCT_KEYS, 'method'], 'hessianVectorProduct', BOOLS);
  const { fn, pts } = input(ctx, f, x, opts);
  const byGradient = readMethod(opts, fn);
  const m = outputs(fn);
  if (m > 1) throw new ArgumentError('f', `H·v is of a function with one output; f has ${m}`);
  const d = readDirections(v, pts.n, 'v');
  if (ctx.backend === 'webgpu') checkGpuRange(d.dirs, [d.dirs.length], 'v', null, 3);
  const out = await ctx.exec(byGradient ? gradientHvpOp : hvpOp, { f: fn, x: pts.data, rows: pts.rows, n: pts.n, m: 1, pointShape: pts.pointShape, dirs: d.dirs, count: d.count });
  return finish(out, [...lead(pts), ...(d.list ? [d.count] : []), ...pts.pointShape], ctx, 'H·v', opts);
}

/**
 * ∇f(x)·v/‖v‖ (normalize false: ∇f·v) through jvp: 2·LADDER_STEPS + 1 evaluations per point
 * instead of the gradient's 2n·LADDER_STEPS + 1. For diff's directionalDerivative to switch to.
 */
export async function directionalDerivativeJvp(ctx: Runner, f: VectorFunctionInput, x: unknown, v: unknown, options: ProductOptions & { normalize?: boolean } = {}): Promise<NestedOut> {
  const { normalize, ...rest } = readOptions<ProductOptions & { normalize?: boolean }>(options, [...PRODUCT_KEYS, 'normalize'], 'directionalDerivative', [...BOOLS, 'normalize']);
  const t = readTensor(v, 'v');
  let big = 0;
  for (const c of t.data) big = Math.max(big, Math.abs(c));
  if (big === 0) throw new ArgumentError('v', 'is the zero vector: it has no direction');
  let uu = 0;
  for (const c of t.data) uu += (c / big) ** 2;
  // along u = v/max|vᵢ| (max|uᵢ| = 1, so neither ‖u‖ nor float32 overflows or underflows,
  // v = [1e200, 1e200] or [5e-324, 5e-324]): ∇f·v/‖v‖ = ∇f·u/‖u‖, ∇f·v = max|vᵢ|·(∇f·u)
  const u = t.data.map((c) => c / big);
  const scale = normalize === false ? big : 1 / Math.sqrt(uu);
  const r = (await jvp(ctx, f, x, u, { ...rest, detail: false })) as NestedOut;
  const mul = (a: NestedOut): NestedOut => (typeof a === 'number' ? a * scale : a.map(mul));
  return mul(r);
}

export { nest };
