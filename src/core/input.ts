import { ArgumentError } from './errors';

/** Numbers nested to any depth, as users write them (`5`, `[3, 4]`, `[[1, 2], [3, 4]]`). */
export type Nested = number | readonly Nested[];
/** What numeric arguments accept: nested numbers, or a flat typed array (with `shape` given separately). */
export type NumericInput = Nested | Float32Array | Float64Array;
/** A nested plain-JS result (number for a 0-d shape). */
export type NestedOut = number | NestedOut[];

/** Flat row-major float64 data with its shape (`[]` for a scalar). */
export interface Tensor {
  data: Float64Array;
  shape: number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function path(name: string, idx: readonly number[]): string {
  return name + idx.map((i) => `[${i}]`).join('');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)})`;
  return typeof v === 'number' ? String(v) : `a ${typeof v}`;
}

/**
 * Reads a numeric argument into flat float64 data and a shape. Ragged nesting, non-numbers,
 * NaN and ±Inf are ArgumentErrors naming the element (`x[1][2]`, and its flat index).
 * A typed array is flat unless `shape` says otherwise.
 */
export function readTensor(x: unknown, name: string, shape?: readonly number[]): Tensor {
  if (x instanceof Float32Array || x instanceof Float64Array) {
    const s = shape ? [...shape] : [x.length];
    if (!s.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(s) !== x.length) {
      throw new ArgumentError(name, `shape [${s.join(', ')}] does not fit a typed array of ${x.length} elements`);
    }
    const data = Float64Array.from(x);
    checkFinite(data, s, name);
    if (data.length === 0) throw new ArgumentError(name, 'is empty');
    return { data, shape: s };
  }
  if (shape !== undefined) throw new ArgumentError('shape', 'is only for typed arrays; nested arrays carry their own shape');
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new ArgumentError(name, `is ${x}; expected a finite number`);
    return { data: Float64Array.of(x), shape: [] };
  }
  if (!Array.isArray(x)) {
    throw new ArgumentError(name, `expected a number, a (nested) array of numbers or a Float32Array/Float64Array, got ${describe(x)}`);
  }
  // The shape follows the first element at each depth; everything else must match it.
  const s: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    s.push(probe.length);
    if (probe.length === 0) throw new ArgumentError(name, `${path(name, new Array(s.length - 1).fill(0))} is empty`);
    probe = probe[0];
  }
  const data = new Float64Array(sizeOf(s));
  let k = 0;
  const idx: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === s.length) {
      if (typeof v !== 'number') {
        throw new ArgumentError(name, `${path(name, idx)} is ${describe(v)}; expected ${Array.isArray(v) ? 'a number (ragged nesting)' : 'a finite number'} (shape [${s.join(', ')}])`);
      }
      if (!Number.isFinite(v)) throw new ArgumentError(name, `${path(name, idx)} (flat index ${k}) is ${v}; expected a finite number`);
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== s[depth]) {
      throw new ArgumentError(name, `ragged: ${path(name, idx)} is ${describe(v)}, expected an array of length ${s[depth]} (shape [${s.join(', ')}])`);
    }
    for (let i = 0; i < v.length; i++) {
      idx.push(i);
      walk(v[i], depth + 1);
      idx.pop();
    }
  };
  walk(x, 0);
  return { data, shape: s };
}

function checkFinite(data: Float64Array, shape: readonly number[], name: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ArgumentError(name, `${path(name, unravel(i, shape))} (flat index ${i}) is ${data[i]}; expected a finite number`);
    }
  }
}

/** Multi-index of flat index `i` in `shape` (row-major). */
export function unravel(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return out;
}

/** Flat data back into plain nested arrays of `shape` (a number for `[]`), like numpy's tolist(). */
export function nest(data: ArrayLike<number>, shape: readonly number[], offset = 0): NestedOut {
  if (shape.length === 0) return data[offset];
  const [d, ...rest] = shape;
  const step = sizeOf(rest);
  const out: NestedOut[] = new Array(d);
  for (let i = 0; i < d; i++) out[i] = nest(data, rest, offset + i * step);
  return out;
}

/** How an input splits into points for a function of n parameters. */
export interface Points {
  data: Float64Array;
  /** number of points (1 for a single point) */
  rows: number;
  /** parameters per point */
  n: number;
  /** the shape of one point (x's shape for a single point, x.shape[1:] for a batch) */
  pointShape: number[];
  /** the input's shape: results come back in it */
  shape: number[];
  batch: boolean;
}

/**
 * Reads x as one point or a batch of points of a function of `n` parameters (null: any n).
 * One point: x holds exactly n numbers, in any nesting. A batch: each first-level row holds
 * n numbers. `batch` overrides the inference; with n null, x is one point unless batch is true.
 */
export function readPoints(t: Tensor, n: number | null, batch: boolean | undefined, name = 'x'): Points {
  const size = t.data.length;
  const rowShape = t.shape.slice(1);
  const perRow = sizeOf(rowShape);
  const point = (): Points => ({ data: t.data, rows: 1, n: size, pointShape: t.shape, shape: t.shape, batch: false });
  const rows = (): Points => ({ data: t.data, rows: t.shape[0], n: perRow, pointShape: rowShape, shape: t.shape, batch: true });
  const want = n === null ? '' : ` but f takes n = ${n} parameter${n === 1 ? '' : 's'}`;
  const got = `x has shape [${t.shape.join(', ')}] (${size} number${size === 1 ? '' : 's'})`;
  if (batch === true) {
    if (t.shape.length === 0) throw new ArgumentError(name, `batch: true needs an array of points; ${got}`);
    if (n !== null && perRow !== n) throw new ArgumentError(name, `batch: true: each row of x holds ${perRow} numbers${want}`);
    return rows();
  }
  if (batch === false || n === null) {
    if (n !== null && size !== n) throw new ArgumentError(name, `${got}${want}`);
    return point();
  }
  if (size === n) return point();
  if (t.shape.length >= 1 && perRow === n) return rows();
  throw new ArgumentError(name, `${got}${want}: give one point of ${n} numbers (any nesting) or rows of ${n}`);
}
