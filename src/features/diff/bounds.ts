// The `bounds` option: a per-parameter domain [lo, hi] that the step ladder never steps
// across. Steps that would leave it are skipped, so near a bound the ladder falls back on
// the side that stays inside (one-sided differences, status 'one-sided').
import { ArgumentError } from '../../core/errors';
import { describeValue, elementName, readValues, type NumericInput, type Points } from '../../core/input';

/**
 * `[lo, hi]`: each a number (every parameter) or an array or typed array with one entry per
 * parameter of a point (in the point's shape); ±Infinity means unbounded on that side.
 *
 * @example
 * ```ts
 * // sqrt and log are defined for x ≥ 0 and x > 0: the ladder never steps below 0
 * const d = await ctx.numericalGradient('sqrt(x0) + log(x1)', [1e-4, 1e-3], { bounds: [0, Infinity], detail: true });
 * // d.value ≈ [50, 1000]; a component next to a bound may be 'one-sided'
 * ```
 */
export type BoundsInput = readonly [NumericInput, NumericInput];

export interface Bounds {
  lo: Float64Array;
  hi: Float64Array;
}

function side(v: unknown, which: 'lo' | 'hi', n: number, pointShape: readonly number[]): Float64Array {
  const name = `bounds.${which}`;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new ArgumentError('bounds', `${which} is NaN; expected a number or ±Infinity`);
    return new Float64Array(n).fill(v);
  }
  const t = readValues(v, name);
  if (t.data.length !== n) {
    throw new ArgumentError('bounds', `${which} has ${t.data.length} entries (shape [${t.shape.join(', ')}]) but a point holds ${n} parameters; ` +
      'give one number for every parameter or one entry per parameter');
  }
  const bad = t.data.findIndex((d) => Number.isNaN(d));
  if (bad >= 0) throw new ArgumentError('bounds', `${elementName(name, bad, pointShape)} is NaN; expected a number or ±Infinity`);
  return t.data;
}

/** Reads and checks `bounds` against the points: lo < hi per parameter and every x inside [lo, hi]. */
export function readBounds(b: unknown, pts: Points): Bounds | undefined {
  if (b === undefined) return undefined;
  if (!Array.isArray(b) || b.length !== 2) {
    throw new ArgumentError('bounds', `expected [lo, hi] (each a number or one entry per parameter), got ${describeValue(b)}`);
  }
  const lo = side(b[0], 'lo', pts.n, pts.pointShape), hi = side(b[1], 'hi', pts.n, pts.pointShape);
  for (let j = 0; j < pts.n; j++) {
    if (!(lo[j] < hi[j])) {
      throw new ArgumentError('bounds', `lo must be below hi for every parameter, but at parameter ${j} lo = ${lo[j]} and hi = ${hi[j]}`);
    }
  }
  for (let i = 0; i < pts.data.length; i++) {
    const j = i % pts.n, v = pts.data[i];
    if (v < lo[j] || v > hi[j]) {
      throw new ArgumentError('x', `${elementName('x', i, pts.shape)} is ${v}, outside bounds [${lo[j]}, ${hi[j]}]`);
    }
  }
  return { lo, hi };
}

/** Float32 bounds for the GPU, rounded inwards so a float32 x ± h inside them is inside the float64 ones. */
export function bounds32(b: Bounds): Float32Array {
  const n = b.lo.length;
  const out = new Float32Array(2 * n);
  for (let j = 0; j < n; j++) {
    out[j] = inward(b.lo[j], 1);
    out[n + j] = inward(b.hi[j], -1);
  }
  return out;
}

function inward(v: number, dir: 1 | -1): number {
  const r = Math.fround(v);
  if (!Number.isFinite(v) || (dir > 0 ? r >= v : r <= v)) return r;
  // the next float32 towards the inside
  const bits = new Uint32Array(Float32Array.of(r).buffer);
  const up = dir > 0 === r >= 0;
  if (r === 0) return dir * 2 ** -149;
  bits[0] += up ? 1 : -1;
  return new Float32Array(bits.buffer)[0];
}
