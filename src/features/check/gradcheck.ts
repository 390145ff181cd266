// gradCheck: a numerical gradient against an analytic one, element by element, with a
// report that names the worst element (what torch.autograd.gradcheck is for PyTorch).
import type { Runner } from '../../core/backend';
import { numericalGradient } from '../diff/api';
import { ArgumentError } from '../../core/errors';
import { ExprFunction, makeExpr } from '../../functions/fn';
import { readTensor, readValues, unravel, type NestedOut, type NumericInput } from '../../core/input';
import type { FunctionInput, GradientDetail } from '../diff/api';
import { Net } from '../nn/net';
import { paramShapes } from '../nn/ops';
import type { NetStep } from '../nn/steps';
import { buildReport, type GradCheckReport, type GradPart } from './gradcheck-report';

export type { GradCheckReport, GradCheckElement, NonFiniteElement } from './gradcheck-report';

export interface GradCheckOptions {
  /** the analytic gradient, in the numerical gradient's shape; default: the net's gradient(x, t) / the expression's symbolic one */
  analytic?: unknown;
  /** default 1e-3 on the GPU (float32), 1e-5 on the CPU */
  rtol?: number;
  /** default 1e-5 (GPU) or 1e-7 (CPU) times max |numerical| */
  atol?: number;
  /** step of the numerical gradient (default 'auto') */
  h?: NetStep;
  /** nets: 'structured' (default) or 'generic' */
  method?: 'structured' | 'generic';
}

function tolerances(ctx: Runner, o: GradCheckOptions, parts: GradPart[]): { rtol: number; atol: number } {
  const gpu = ctx.backend === 'webgpu';
  for (const k of ['rtol', 'atol'] as const) {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new ArgumentError(k, `expected a finite number ≥ 0, got ${String(v)}`);
    }
  }
  let scale = 0;
  for (const p of parts) for (const v of Array.from(p.numerical)) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  return { rtol: o.rtol ?? (gpu ? 1e-3 : 1e-5), atol: o.atol ?? (gpu ? 1e-5 : 1e-7) * scale };
}

/**
 * Reads a user analytic gradient into the parts' shapes (a net: an object by param name, or
 * W for SimpleNet). NaN/Inf are kept: the report lists them rather than refusing them.
 */
function readAnalytic(a: unknown, parts: { name: string; shape: number[] }[]): Float64Array[] {
  if (parts.length === 1 && (Array.isArray(a) || typeof a === 'number' || a instanceof Float64Array || a instanceof Float32Array)) {
    return [checkShape(readValues(a, 'analytic'), parts[0].shape, 'analytic')];
  }
  if (a === null || typeof a !== 'object') throw new ArgumentError('analytic', `expected ${parts.map((p) => p.name).join(', ')} by name`);
  return parts.map(({ name, shape }) => {
    const v = (a as Record<string, unknown>)[name];
    if (v === undefined) throw new ArgumentError('analytic', `missing ${name} (shape [${shape.join(', ')}])`);
    return checkShape(readValues(v, `analytic.${name}`), shape, `analytic.${name}`);
  });
}

function checkShape(t: { data: Float64Array; shape: number[] }, shape: number[], name: string): Float64Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== size || (t.shape.length === shape.length && t.shape.some((d, i) => d !== shape[i]))) {
    throw new ArgumentError(name, `expected shape [${shape.join(', ')}] (the gradient's), got [${t.shape.join(', ')}]`);
  }
  return t.data;
}

/** Net: numerical (structured by default) vs analytic (default: the net's backprop, the 1e-7 included). */
export async function gradCheckNet(ctx: Runner, net: Net, x: unknown, t: unknown, opts: GradCheckOptions = {}): Promise<GradCheckReport> {
  if (net.ctx !== ctx) throw new ArgumentError('net', 'belongs to another context');
  const shapes = paramShapes(net.spec);
  const user = opts.analytic !== undefined ? readAnalytic(opts.analytic, shapes) : null;
  const num = await net.numericalGradientDetail(x, t, { h: opts.h, method: opts.method });
  const analytic = user ?? (await net.gradientDetail(x, t));
  const parts: GradPart[] = shapes.map(({ name, shape }, i) => ({ name, shape, numerical: num.flat[i], analytic: analytic[i] }));
  return buildReport(parts, num.h, tolerances(ctx, opts, parts));
}

/** Function: ctx.numericalGradient(f, x) vs analytic (default: an expression's symbolic gradient). */
export async function gradCheckFn(ctx: Runner, f0: unknown, x: NumericInput, opts: GradCheckOptions = {}): Promise<GradCheckReport> {
  const f = typeof f0 === 'string' ? makeExpr(f0) : f0;
  if (opts.method !== undefined) throw new ArgumentError('method', 'is for nets; a function uses ctx.numericalGradient');
  const detail = (await numericalGradient(ctx, f as FunctionInput, x, { h: opts.h, detail: true })) as GradientDetail<NestedOut>;
  // NaN/Inf kept (f undefined near x, say): the report lists them instead of throwing
  const grad = readValues(detail.value, 'numerical');
  let analytic: Float64Array;
  if (opts.analytic !== undefined) {
    analytic = checkShape(readValues(opts.analytic, 'analytic'), grad.shape, 'analytic');
  } else if (f instanceof ExprFunction) {
    const xs = readTensor(x, 'x').data;
    const per = f.n ?? xs.length; // a whole-vector expression: x is one point
    analytic = new Float64Array(grad.data.length);
    for (let r = 0; r < xs.length / per; r++) analytic.set(f.gradJs(xs.subarray(r * per, (r + 1) * per)), r * per);
  } else {
    throw new ArgumentError('analytic', 'needed for a WGSL or JS function (only expressions have a symbolic derivative)');
  }
  const parts: GradPart[] = [{ name: 'x', shape: grad.shape, numerical: grad.data, analytic }];
  return buildReport(parts, detail.h, tolerances(ctx, opts, parts));
}

export async function gradCheck(ctx: Runner, target: unknown, x: unknown, tOrOpts?: unknown, maybeOpts?: GradCheckOptions): Promise<GradCheckReport> {
  if (target instanceof Net) return gradCheckNet(ctx, target, x, tOrOpts, maybeOpts ?? {});
  if (maybeOpts !== undefined) throw new ArgumentError('options', 'gradCheck(f, x, options) takes no target t');
  return gradCheckFn(ctx, target, x as NumericInput, (tOrOpts ?? {}) as GradCheckOptions);
}

export { unravel };
