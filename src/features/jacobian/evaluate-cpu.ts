// Evaluating a plan in float64 (the reference path), for every kind of function.
import { ArgumentError } from '../../core/errors';
import type { NestedOut } from '../../core/input';
import { ExprFunction, WgslFunction, type DiffFunction, type JsFunction } from '../../functions/fn';
import type { Plan, Samples } from './plan';

/** f's outputs at a flat point (a JS function returns a number or an array of them). */
export function multiEvaluator(f: DiffFunction, pointShape: readonly number[]): (x: Float64Array) => Float64Array {
  if (f instanceof ExprFunction) return (x) => f.evalOutputs(x);
  if (f instanceof WgslFunction) return (x) => f.evalCpuOutputs(x);
  return jsMulti(f, pointShape);
}

/** A JS function sees the point in its own nesting (as in functions/fn.ts), and may return several outputs. */
function jsMulti(f: JsFunction, shape: readonly number[]): (x: Float64Array) => Float64Array {
  const read = (v: unknown): Float64Array => {
    if (typeof v === 'number') return Float64Array.of(v);
    if (Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array) {
      const out = Float64Array.from(v as ArrayLike<number>);
      if ((v as ArrayLike<unknown>).length === 0 || Array.from(v as ArrayLike<unknown>).some((e) => typeof e !== 'number')) {
        throw new ArgumentError('f', 'the JS function returned an array that is not a non-empty list of numbers');
      }
      return out;
    }
    throw new ArgumentError('f', `the JS function returned ${v === null ? 'null' : typeof v}; expected a number or an array of numbers`);
  };
  if (shape.length === 0) return (x) => read((f as (x: number) => unknown)(x[0]));
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
    return read(f(view as never));
  };
}

/** Number of outputs of f (a JS function is called once at x to find out). */
export function outputsOf(f: DiffFunction, x: Float64Array, pointShape: readonly number[]): number {
  if (f instanceof ExprFunction || f instanceof WgslFunction) return f.outputs;
  return multiEvaluator(f, pointShape)(x).length;
}

/** Every lane of the plan in float64; an expression's lanes together, per output, on the
 *  batched machine (src/expr/batch.ts: the bits evalOutputs gives lane by lane). */
export function cpuSamples(f: DiffFunction, plan: Plan, m: number, pointShape: readonly number[]): Samples {
  if (f instanceof ExprFunction && m === f.outputs && plan.lanes > 0) {
    const values = new Float64Array(plan.lanes * m);
    const src = { base: plan.base, n: plan.n, points: plan.lanes, row: plan.row, j1: plan.i1, v1: plan.v1, j2: plan.i2, v2: plan.v2 };
    for (let k = 0; k < m; k++) f.evalBatch(src, k, values.subarray(k), m);
    return { values, m };
  }
  const ev = multiEvaluator(f, pointShape);
  const x = new Float64Array(plan.n);
  // m = 0: a JS function, whose outputs the first lane tells
  const first = plan.lanes > 0 && m === 0 ? ev(plan.point(0, x)) : null;
  if (first) m = first.length;
  const values = new Float64Array(plan.lanes * m);
  for (let l = 0; l < plan.lanes; l++) {
    const y = l === 0 && first ? first : ev(plan.point(l, x));
    if (y.length !== m) throw new ArgumentError('f', `f returned ${y.length} outputs at one point and ${m} at another`);
    values.set(y, l * m);
  }
  return { values, m };
}

/** Every lane's symbolic gradient (n outputs) in float64, for H·v as a difference of gradients. */
export function cpuGradientSamples(f: ExprFunction, plan: Plan): Samples {
  const n = plan.n, values = new Float64Array(plan.lanes * n), x = new Float64Array(n);
  for (let l = 0; l < plan.lanes; l++) values.set(f.gradJs(plan.point(l, x)), l * n);
  return { values, m: n };
}
