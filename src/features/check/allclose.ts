// The one comparison in the code base: numpy.isclose / numpy.allclose semantics, element by
// element, with a report naming the worst elements. The test helper expectAllclose, verify
// (numericalGradient's { verify: true }) and the gradCheck report all go through isClose.
import { ArgumentError } from '../../core/errors';

/** Nested numeric data as users pass it, or a flat typed array. */
export type Numeric = number | ArrayLike<number> | readonly Numeric[];

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** NaN equals NaN (default false, as numpy) */
  equalNan?: boolean;
  /** how many of the worst elements to list (default 5) */
  show?: number;
}

export interface CloseReport {
  ok: boolean;
  /** elements violating |a − e| ≤ atol + rtol·|e| (non-finite: a === e), or all of them when the shapes differ */
  failing: number;
  /** max |a − e| over the elements that are not identical (NaN and ±Inf count as Infinity) */
  maxAbs: number;
  /** max |a − e| / |e| over the same elements */
  maxRel: number;
  /**
   * flat index of the element furthest past (or, when all pass, closest to) its tolerance,
   * by excess = |a − e| / (atol + rtol·|e|); −1 when there are no elements or the shapes differ
   */
  worstIndex: number;
  /** `worstIndex` as a multi-index into the shape ([] for a scalar or none) */
  worstAt: number[];
  /** excess of the worst element (> 1, or Infinity, when it fails) */
  worstExcess: number;
  count: number;
  actualShape: number[];
  expectedShape: number[];
  message: string;
}

export function flatten(x: Numeric, out: number[] = [], shape: number[] = [], depth = 0): { data: number[]; shape: number[] } {
  if (typeof x === 'number') {
    out.push(x);
  } else {
    const len = x.length;
    if (shape.length <= depth) shape.push(len);
    for (let i = 0; i < len; i++) flatten((x as ArrayLike<Numeric>)[i], out, shape, depth + 1);
  }
  return { data: out, shape };
}

/**
 * numpy.isclose for one pair (b is the reference): finite values are close when
 * |a − b| ≤ atol + rtol·|b|; a non-finite value only equals itself (Inf vs Inf, −Inf vs −Inf),
 * never a finite value or the other infinity; NaN equals NaN only with equalNan.
 * (Without the split, 5 vs Inf gives |Inf| ≤ atol + rtol·Inf = Inf: close.)
 */
export function isClose(a: number, b: number, rtol: number, atol: number, equalNan = false): boolean {
  if (Number.isFinite(a) && Number.isFinite(b)) return Math.abs(a - b) <= atol + rtol * Math.abs(b);
  if (Number.isNaN(a) || Number.isNaN(b)) return equalNan && Number.isNaN(a) && Number.isNaN(b);
  return a === b;
}

/**
 * How far a is outside its tolerance around b: |a − b| / (atol + rtol·|b|) for finite values
 * (0 when equal, Infinity when they differ and the tolerance is 0); 0 or Infinity for
 * non-finite ones, as isClose decides. isClose(a, b) ⇔ closeExcess(a, b) ≤ 1 for a tolerance > 0.
 */
export function closeExcess(a: number, b: number, rtol: number, atol: number, equalNan = false): number {
  if (Number.isFinite(a) && Number.isFinite(b)) {
    const d = Math.abs(a - b);
    const tol = atol + rtol * Math.abs(b);
    return d === 0 ? 0 : tol > 0 ? d / tol : Infinity;
  }
  return isClose(a, b, rtol, atol, equalNan) ? 0 : Infinity;
}

interface Tensor {
  data: number[];
  shape: number[];
}

const isArrayLike = (x: unknown): x is ArrayLike<unknown> =>
  Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'number' ? String(v) : typeof v);
const fmtShape = (s: number[]) => `[${s.join(', ')}]`;
const fmtAt = (at: number[]) => at.map((i) => `[${i}]`).join('');

/** Reads nested arrays / typed arrays into data + shape; an error string for ragged or non-numeric input. */
function readTensor(x: unknown, path: string): Tensor | string {
  if (typeof x === 'number') return { data: [x], shape: [] };
  if (!isArrayLike(x)) return `${path} is ${describe(x)}, not a number or an array`;
  if (ArrayBuffer.isView(x)) {
    const data = Array.from(x as ArrayLike<number>, Number);
    return { data, shape: [data.length] };
  }
  const data: number[] = [];
  let inner: number[] | null = null;
  for (let i = 0; i < x.length; i++) {
    const t = readTensor(x[i], `${path}[${i}]`);
    if (typeof t === 'string') return t;
    if (inner === null) inner = t.shape;
    else if (inner.length !== t.shape.length || inner.some((d, k) => d !== t.shape[k])) {
      return `${path} is ragged: ${path}[0] has shape ${fmtShape(inner)}, ${path}[${i}] has shape ${fmtShape(t.shape)}`;
    }
    for (const v of t.data) data.push(v);
  }
  return { data, shape: [x.length, ...(inner ?? [])] };
}

function unravelIndex(i: number, shape: number[]): number[] {
  const at = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    at[k] = i % shape[k];
    i = Math.floor(i / shape[k]);
  }
  return at;
}

function checkTol(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ArgumentError(name, `must be a finite number ≥ 0, got ${String(v)}`);
}

/**
 * numpy.allclose(actual, expected, rtol, atol, equal_nan) with a report naming the worst
 * elements. The shapes must be equal, with no broadcasting (not even of a scalar: no caller
 * needs it, and a scalar standing for a whole array hides a wrong-shaped result): `[[1, 2, 3]]`
 * and `[[1], [2], [3]]` differ, a typed array has shape [length], a number shape [], and
 * ragged or non-numeric input fails with a message instead of being flattened.
 */
export function compareClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): CloseReport {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  checkTol('rtol', rtol);
  checkTol('atol', atol);
  const equalNan = opts.equalNan ?? false;
  const A = readTensor(actual, 'actual');
  const E = readTensor(expected, 'expected');
  const fail = (message: string, actualShape: number[] = [], expectedShape: number[] = [], count = 0): CloseReport => ({
    ok: false, failing: count, maxAbs: Infinity, maxRel: Infinity, worstIndex: -1, worstAt: [], worstExcess: Infinity, count,
    actualShape, expectedShape, message,
  });
  if (typeof A === 'string' || typeof E === 'string') {
    return fail([A, E].filter((t): t is string => typeof t === 'string').join('; '),
      typeof A === 'string' ? [] : A.shape, typeof E === 'string' ? [] : E.shape, typeof A === 'string' ? 0 : A.data.length);
  }
  const shapes = `actual shape ${fmtShape(A.shape)}, expected shape ${fmtShape(E.shape)}`;
  if (A.shape.length !== E.shape.length || A.shape.some((d, k) => d !== E.shape[k])) {
    return fail(`shape mismatch: ${shapes}`, A.shape, E.shape, A.data.length);
  }
  const a = A.data;
  const e = E.data;
  let failing = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let worstIndex = -1;
  let worstExcess = -1;
  const bad: { i: number; excess: number }[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    const excess = closeExcess(x, y, rtol, atol, equalNan);
    if (excess > worstExcess) {
      worstExcess = excess;
      worstIndex = i;
    }
    if (!isClose(x, y, rtol, atol, equalNan)) {
      failing++;
      bad.push({ i, excess });
    }
    if (x !== y && !(equalNan && Number.isNaN(x) && Number.isNaN(y))) {
      const d = Math.abs(x - y);
      const dd = Number.isNaN(d) ? Infinity : d;
      if (dd > maxAbs) maxAbs = dd;
      const r = dd / Math.abs(y);
      if (r > maxRel || Number.isNaN(r)) maxRel = Number.isNaN(r) ? Infinity : r;
    }
  }
  bad.sort((p, q) => q.excess - p.excess || p.i - q.i);
  const show = bad.slice(0, opts.show ?? 5);
  const why = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y)
    ? `|diff| ${Math.abs(x - y).toExponential(3)} > allowed ${(atol + rtol * Math.abs(y)).toExponential(3)}`
    : Number.isNaN(x) || Number.isNaN(y) ? `NaN${equalNan ? '' : ' never'} equals ${equalNan ? 'only NaN' : 'anything'}` : 'an infinity only equals itself';
  const at = (i: number) => fmtAt(unravelIndex(i, A.shape)) || '(scalar)';
  const message = failing
    ? `${failing} of ${a.length} elements not close (rtol=${fmtTol(rtol)}, atol=${fmtTol(atol)}${equalNan ? ', equalNan' : ''}; ${shapes}); worst:\n` +
      show.map(({ i }) => `  ${at(i)} (flat ${i}): actual ${a[i]} expected ${e[i]} (${why(a[i], e[i])})`).join('\n')
    : `all ${a.length} elements close (${shapes}; max |diff| ${maxAbs.toExponential(3)}, max rel ${maxRel.toExponential(3)})`;
  return {
    ok: failing === 0, failing, maxAbs, maxRel, worstIndex, worstAt: worstIndex >= 0 ? unravelIndex(worstIndex, A.shape) : [],
    worstExcess: worstIndex >= 0 ? worstExcess : 0, count: a.length, actualShape: A.shape, expectedShape: E.shape, message,
  };
}

/** A tolerance as people write one: 1e-5, 4.84e-4, 0.1 (three significant digits at most). */
export function fmtTol(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}
