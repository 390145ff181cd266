// Where the batched machine's points come from: base rows, and per point an optional base row
// index and up to two coordinates replaced (the shape of a gradient's perturbed points and of a
// Jacobian plan's lanes), so the points of a gradient need no copy of x per point.
import { BState, CHUNK, type Step } from './batch-kernels';
import { coneSuits, runCone, type Cone, type Plan } from './batch-cone';

/**
 * Points for the batched machine (batch.ts): point p is base row `row[p]` (or row p when `row` is
 * absent) of `base` (rows × n, row-major), with coordinate `j1[p]` set to `v1[p]` and then
 * `j2[p]` to `v2[p]` where those are in [0, n) (any other index, such as 0xffffffff, sets none).
 *
 * @example
 * // the 2n points x ± h·e_j of a central difference at x = (1, 2):
 * const src = { base: Float64Array.of(1, 2), n: 2, points: 4, row: Uint32Array.of(0, 0, 0, 0),
 *   j1: Uint32Array.of(0, 0, 1, 1), v1: Float64Array.of(1 + 1e-4, 1 - 1e-4, 2 + 1e-4, 2 - 1e-4) };
 */
export interface PointSource {
  base: Float64Array;
  /** coordinates per point */
  n: number;
  points: number;
  row?: Uint32Array;
  j1?: Uint32Array;
  v1?: Float64Array;
  j2?: Uint32Array;
  v2?: Float64Array;
}

/** Point p written into x (length n): the per-point fallback's view of the source. */
export function pointOf(src: PointSource, p: number, x: Float64Array): Float64Array {
  const n = src.n, r = src.row ? src.row[p] : p;
  x.set(src.base.subarray(r * n, (r + 1) * n));
  if (src.j1 && src.v1 && src.j1[p] < n) x[src.j1[p]] = src.v1[p];
  if (src.j2 && src.v2 && src.j2[p] < n) x[src.j2[p]] = src.v2[p];
  return x;
}

/** Runs `steps` over every chunk of the source's points; register res holds the value. */
export function runChunks(s: BState, src: PointSource, steps: readonly Step[], res: number, out: Float64Array, stride: number,
  cone: { cone: Cone; plans: Map<number, Plan> } | null): void {
  const n = src.n, P = src.points;
  s.base = src.base; s.L = n;
  s.row = src.row ?? null;
  s.j1 = src.j1 && src.v1 ? src.j1 : null; s.v1 = s.j1 ? src.v1! : null;
  s.j2 = src.j2 && src.v2 ? src.j2 : null; s.v2 = s.j2 ? src.v2! : null;
  // stamps only grow, so marks of earlier runs never match (no clearing per run)
  if (s.mark.length < n || s.stamp > 2 ** 30) { s.mark = new Int32Array(Math.max(n, s.mark.length)); s.stamp = 0; }
  s.run++;
  if (cone && s.j1 && coneSuits(src)) { runCone(s, src, steps, cone.cone, cone.plans, out, stride); return; }
  const R = s.R, U = s.U, E = res * CHUNK, nst = steps.length, row = s.row, j1 = s.j1, j2 = s.j2, st = s.runStart;
  for (let p0 = 0; p0 < P;) {
    let p1 = Math.min(P, p0 + CHUNK), single = p1 - p0 === 1, G = 0;
    s.r0 = p0;
    const stamp = ++s.stamp, mark = s.mark;
    if (row) {
      // whole runs of points with one row and the same replacements; a chunk that spans rows
      // component by component ends where the component changes, so the parameters it does
      // not replace are per run
      const r0 = row[p0], a1 = j1 ? j1[p0] : 0, a2 = j2 ? j2[p0] : 0, end = p1, runRow = s.runRow;
      let p = p0, same = true, last = r0;
      single = true;
      while (p < end) {
        const r = row[p], b1 = j1 ? j1[p] : 0, b2 = j2 ? j2[p] : 0;
        if (b1 !== a1 || b2 !== a2) {
          // the next component of points laid out component by component (rows start over)
          if (!single && p - p0 >= 16 && r <= last) break;
          same = false;
        }
        last = r;
        if (r !== r0) single = false;
        let e = p + 1;
        if (j2) while (e < end && row[e] === r && (!j1 || j1[e] === b1) && j2[e] === b2) e++;
        else if (j1) while (e < end && row[e] === r && j1[e] === b1) e++;
        else while (e < end && row[e] === r) e++;
        if (b1 < n) mark[b1] = stamp;
        if (j2 && b2 < n) mark[b2] = stamp;
        runRow[G] = r;
        st[G] = p - p0;
        G++;
        p = e;
      }
      p1 = p;
      st[G] = p - p0;
      s.r0 = r0;
      // every point replaces the same one coordinate: x_k is v1 itself
      if (same && j1 && a1 < n && !(j2 && a2 < n)) s.runK = a1;
    } else if (single) {
      if (j1 && j1[p0] < n) mark[j1[p0]] = stamp;
      if (j2 && j2[p0] < n) mark[j2[p0]] = stamp;
    }
    const m = p1 - p0;
    s.p0 = p0; s.m = m; s.single = single;
    s.G = single || G === m ? 0 : G;
    for (let t = 0; t < nst; t++) steps[t](s);
    s.runK = -1;
    const shape = U[res];
    if (shape === 1) { const v = R[E]; for (let q = 0; q < m; q++) out[(p0 + q) * stride] = v; }
    else if (shape === 2) for (let g = 0; g < s.G; g++) { const v = R[E + g]; for (let q = st[g]; q < st[g + 1]; q++) out[(p0 + q) * stride] = v; }
    else if (stride === 1) for (let q = 0; q < m; q++) out[p0 + q] = R[E + q];
    else for (let q = 0; q < m; q++) out[(p0 + q) * stride] = R[E + q];
    p0 = p1;
  }
  s.G = 0;
}
