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
  /** the input was a typed array of this kind: results come back as the same kind, flat */
  typed?: 'f32' | 'f64';
  /** the input itself when it was a Float32Array (the GPU uploads it as it is; do not write to it) */
  f32?: Float32Array;
  /** max |data[i]|, when the reader computed it on the way (typed input) */
  maxAbs?: number;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function path(name: string, idx: readonly number[]): string {
  return name + idx.map((i) => `[${i}]`).join('');
}

/**
 * A user value in a message, safely: never a template literal or JSON.stringify on a BigInt
 * or Symbol (both throw a TypeError), never a user toString (it may throw or lie).
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  switch (typeof v) {
    case 'number': return String(v);
    case 'string': return `a string (${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)})`;
    case 'bigint': return `a BigInt (${v.toString()}n)`;
    case 'symbol': return `a symbol (${String(v)})`;
    case 'boolean': return String(v);
    case 'function': return 'a function';
    default:
      if (ArrayBuffer.isView(v)) return `a ${Object.prototype.toString.call(v).slice(8, -1)}`;
      return 'an object';
  }
}
const describe = describeValue;

/**
 * Reads a numeric argument into flat float64 data and a shape. Ragged nesting, non-numbers,
 * NaN and ±Inf are ArgumentErrors naming the element (`x[1][2]`, and its flat index).
 * A typed array is flat unless `shape` says otherwise.
 */
export function readTensor(x: unknown, name: string, shape?: readonly number[]): Tensor {
  return read(x, name, shape, true);
}

/**
 * readTensor for values that are reported rather than refused (a user's analytic gradient):
 * NaN and ±Inf pass, and any numeric typed array is accepted. Nesting is still checked.
 */
export function readValues(x: unknown, name: string): Tensor {
  const typed = ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
  return read(typed && !(x instanceof Float32Array) ? Float64Array.from(x as unknown as ArrayLike<number>) : x, name, undefined, false);
}

// max |x[i]| (NaN if any is NaN), one function per array type: one loop reading both kinds
// is polymorphic in V8 and ran at ~4 ns an element (10 ms for a 10⁶-point batch)
function maxAbs32(x: Float32Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
    else if (!(a <= m)) return NaN;
  }
  return m;
}

function maxAbs64(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
    else if (!(a <= m)) return NaN;
  }
  return m;
}

function read(x: unknown, name: string, shape: readonly number[] | undefined, finite: boolean): Tensor {
  if (x instanceof Float32Array || x instanceof Float64Array) {
    if (shape !== undefined && (!Array.isArray(shape) || !shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0))) {
      const bad = Array.isArray(shape) ? (shape as unknown[]).find((d) => !(Number.isInteger(d) && (d as number) >= 0)) : shape;
      throw new ArgumentError('shape', `expected an array of integers ≥ 0, got ${Array.isArray(shape) ? `an array holding ${describe(bad)}` : describe(bad)}`);
    }
    const s = shape ? [...shape] : [x.length];
    if (sizeOf(s) !== x.length) {
      throw new ArgumentError(name, `shape [${s.join(', ')}] does not fit a typed array of ${x.length} elements`);
    }
    // one pass over the input itself: finiteness and the largest magnitude (the GPU's range
    // and step checks use it)
    const maxAbs = x instanceof Float32Array ? maxAbs32(x) : maxAbs64(x);
    if (finite && !Number.isFinite(maxAbs)) checkFinite(x, s, name);
    if (x.length === 0) throw new ArgumentError(name, 'is empty');
    const extent = Number.isFinite(maxAbs) ? { maxAbs } : {};
    if (x instanceof Float64Array) return { data: new Float64Array(x), shape: s, typed: 'f64', ...extent };
    // a Float32Array: the GPU path uploads it as it is, so its float64 copy is made only when
    // read (the CPU path, a verify): 2·10⁶ values cost ~10 ms to widen, half a 10⁶-point GPU call
    let data: Float64Array | null = null;
    return { get data() { return (data ??= new Float64Array(x)); }, shape: s, typed: 'f32', f32: x, ...extent };
  }
  if (shape !== undefined) throw new ArgumentError('shape', 'is only for typed arrays; nested arrays carry their own shape');
  if (typeof x === 'number') {
    if (finite && !Number.isFinite(x)) throw new ArgumentError(name, `is ${x}; expected a finite number`);
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
  // the common case in one tight pass; anything wrong is found again by the walk below, which names it
  if (fill(x, s, 0, data, 0, finite) === data.length) return { data, shape: s };
  let k = 0;
  const idx: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === s.length) {
      if (typeof v !== 'number') {
        throw new ArgumentError(name, `${path(name, idx)} is ${describe(v)}; expected ${Array.isArray(v) ? 'a number (ragged nesting)' : 'a finite number'} (shape [${s.join(', ')}])`);
      }
      if (finite && !Number.isFinite(v)) throw new ArgumentError(name, `${path(name, idx)} (flat index ${k}) is ${v}; expected a finite number`);
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

/**
 * Copies a regular nesting of shape s[depth:] into out from offset k; returns the next offset,
 * or -1 at the first ragged row, non-number or (finite) non-finite number.
 */
function fill(v: unknown, s: readonly number[], depth: number, out: Float64Array, k: number, finite: boolean): number {
  if (!Array.isArray(v) || v.length !== s[depth]) return -1;
  const len = v.length;
  if (depth === s.length - 1) {
    for (let i = 0; i < len; i++) {
      const e = v[i];
      if (typeof e !== 'number' || (finite && !Number.isFinite(e))) return -1;
      out[k++] = e;
    }
    return k;
  }
  for (let i = 0; i < len; i++) {
    k = fill(v[i], s, depth + 1, out, k, finite);
    if (k < 0) return -1;
  }
  return k;
}

/** Element `i` of `name` as messages name it: `x[r][c] (flat index i)`. */
export function elementName(name: string, i: number, shape: readonly number[]): string {
  return `${path(name, unravel(i, shape))} (flat index ${i})`;
}

/** Throws an ArgumentError naming the first non-finite element (`x[r][c]` and its flat index). */
export function checkFinite(data: ArrayLike<number>, shape: readonly number[], name: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ArgumentError(name, `${elementName(name, i, shape)} is ${data[i]}; expected a finite number`);
    }
  }
}

/** A row-major float64 matrix: element (r, c) at data[r * cols + c]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export interface MatrixOptions {
  /** the width the caller needs */
  cols?: number;
  /** a 1-D input (nested or typed) is one row, a single sample (default true) */
  vector?: boolean;
}

const isMatrixLike = (x: unknown): x is { rows: unknown; cols: unknown; data: unknown } =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && 'data' in x;

/**
 * Reads a matrix argument into a fresh copy: rows of numbers, a { rows, cols, data } object
 * or (unless `vector: false`) one row as a vector or a typed array. Errors as readTensor's.
 */
export function readMatrix(x: unknown, name: string, opts: MatrixOptions = {}): Matrix {
  let m: Matrix;
  if (isMatrixLike(x)) {
    const { rows, cols, data } = x;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || (rows as number) < 0 || (cols as number) < 0) {
      throw new ArgumentError(name, `rows and cols must be integers ≥ 0, got ${describe(rows)} × ${describe(cols)}`);
    }
    const r = rows as number, c = cols as number;
    const len = (data as ArrayLike<number> | null)?.length;
    if (!(Array.isArray(data) || data instanceof Float32Array || data instanceof Float64Array) || len !== r * c) {
      throw new ArgumentError(name, `data length ${typeof len === 'number' ? len : describe(len)} does not match shape ${r}×${c}`);
    }
    if (r * c === 0) throw new ArgumentError(name, `is empty (${r}×${c})`);
    const flat = Array.isArray(data) ? readTensor(data, name).data : Float64Array.from(data);
    if (flat.length !== r * c) throw new ArgumentError(name, `data must be flat (${r * c} numbers), got ${flat.length}`);
    checkFinite(flat, [r, c], name);
    m = { rows: r, cols: c, data: flat };
  } else {
    const t = readTensor(x, name);
    const vector = t.shape.length === 1 && opts.vector !== false;
    if (t.shape.length !== 2 && !vector) {
      throw new ArgumentError(name, `expected a matrix (shape [rows, cols])${opts.vector !== false ? ' or one row' : ''}, got shape [${t.shape.join(', ')}]`);
    }
    m = vector ? { rows: 1, cols: t.shape[0], data: t.data } : { rows: t.shape[0], cols: t.shape[1], data: t.data };
  }
  if (opts.cols !== undefined && m.cols !== opts.cols) {
    throw new ArgumentError(name, `expected N×${opts.cols}, got ${m.rows}×${m.cols}`);
  }
  return m;
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
  if (shape.length === 1) {
    // the innermost rows in one loop (a call per number cost ~17 ns each: 0.7 ms for 784×50)
    const row: number[] = new Array(shape[0]);
    for (let i = 0; i < shape[0]; i++) row[i] = data[offset + i];
    return row;
  }
  const [d, ...rest] = shape;
  const step = sizeOf(rest);
  const out: NestedOut[] = new Array(d);
  for (let i = 0; i < d; i++) out[i] = nest(data, rest, offset + i * step);
  return out;
}

/** How an input splits into points for a function of n parameters. */
export interface Points {
  data: Float64Array;
  /** from the tensor: results come back as this typed-array kind, flat */
  typed?: 'f32' | 'f64';
  /** the Float32Array input itself, for the GPU */
  f32?: Float32Array;
  /** max |data[i]| when known */
  maxAbs?: number;
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
  const size = sizeOf(t.shape);
  const rowShape = t.shape.slice(1);
  const perRow = sizeOf(rowShape);
  const kind = { typed: t.typed, f32: t.f32, maxAbs: t.maxAbs };
  // data through the tensor's getter: a Float32Array's float64 copy only when someone reads it
  const point = (): Points => ({ get data() { return t.data; }, rows: 1, n: size, pointShape: t.shape, shape: t.shape, batch: false, ...kind });
  const rows = (): Points => ({ get data() { return t.data; }, rows: t.shape[0], n: perRow, pointShape: rowShape, shape: t.shape, batch: true, ...kind });
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

// --- options objects ---

/** `true`, `false` or absent (undefined); anything else is an ArgumentError naming `name`. */
export function checkBool(v: unknown, name: string): boolean | undefined {
  if (v === undefined || v === true || v === false) return v;
  throw new ArgumentError(name, `expected true or false, got ${describe(v)}`);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The accepted key a misspelt one most likely meant (case-insensitive, at most 2 edits), or null. */
function nearest(key: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(key.toLowerCase(), a.toLowerCase());
    if (d < bestD && d <= Math.min(2, Math.floor(Math.max(key.length, a.length) / 3))) {
      best = a;
      bestD = d;
    }
  }
  return best;
}

/**
 * Strict options: an own enumerable key (string or symbol) not in `allowed` is an
 * ArgumentError naming that key, with the nearest accepted key and the full list.
 */
export function checkKeys(opts: object, allowed: readonly string[], where: string): void {
  for (const k of Reflect.ownKeys(opts)) {
    if (typeof k === 'string' && allowed.includes(k)) continue;
    if (!Object.prototype.propertyIsEnumerable.call(opts, k)) continue;
    const near = typeof k === 'string' ? nearest(k, allowed) : null;
    throw new ArgumentError(
      typeof k === 'string' ? k : String(k),
      `is not an option of ${where}${near ? ` (did you mean '${near}'?)` : ''}; it accepts ${allowed.length ? allowed.join(', ') : 'none'}`,
    );
  }
}

/**
 * Reads an options argument: undefined is {}; anything but a plain object (null, an array,
 * a number...) is ArgumentError('opts'); unknown keys are refused (checkKeys); the keys in
 * `bools` must be true, false or undefined.
 */
export function readOptions<T extends object>(opts: unknown, allowed: readonly string[], where: string, bools: readonly string[] = []): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) {
    throw new ArgumentError('opts', `${where} expected an options object ({ ${allowed.join(', ')} }), got ${describe(opts)}`);
  }
  checkKeys(opts, allowed, where);
  for (const b of bools) checkBool((opts as Record<string, unknown>)[b], b);
  return opts as T;
}
