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
  /** elements violating |a − e| ≤ atol + rtol·|e| */
  failing: number;
  maxAbs: number;
  maxRel: number;
  worstIndex: number;
  count: number;
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

/** numpy.allclose semantics, with a report naming the worst elements (largest violation). */
export function compareClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): CloseReport {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  const a = flatten(actual).data;
  const e = flatten(expected).data;
  if (a.length !== e.length) {
    return { ok: false, failing: Math.max(a.length, e.length), maxAbs: Infinity, maxRel: Infinity, worstIndex: -1, count: a.length,
      message: `length mismatch: actual has ${a.length} elements, expected ${e.length}` };
  }
  let failing = 0;
  let maxAbs = 0;
  let maxRel = 0;
  const bad: { i: number; excess: number }[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    const bothNan = Number.isNaN(x) && Number.isNaN(y);
    if (bothNan && opts.equalNan) continue;
    const d = Math.abs(x - y);
    const tol = atol + rtol * Math.abs(y);
    const fine = x === y || d <= tol; // x === y covers equal infinities
    if (!fine) {
      failing++;
      bad.push({ i, excess: Number.isNaN(d) ? Infinity : d / tol });
    }
    if (!(x === y)) {
      const dd = Number.isNaN(d) ? Infinity : d;
      if (dd > maxAbs) maxAbs = dd;
      const r = dd / Math.abs(y);
      if (r > maxRel) maxRel = r;
    }
  }
  bad.sort((p, q) => q.excess - p.excess || p.i - q.i);
  const show = bad.slice(0, opts.show ?? 5);
  const message = failing
    ? `${failing} of ${a.length} elements not close (rtol=${rtol}, atol=${atol}); worst:\n` +
      show.map(({ i }) => `  [${i}] actual ${a[i]} expected ${e[i]} (|diff| ${Math.abs(a[i] - e[i]).toExponential(3)})`).join('\n')
    : `all ${a.length} elements close (max |diff| ${maxAbs.toExponential(3)}, max rel ${maxRel.toExponential(3)})`;
  return { ok: failing === 0, failing, maxAbs, maxRel, worstIndex: bad.length ? bad[0].i : -1, count: a.length, message };
}
