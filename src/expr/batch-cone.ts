// The batched machine on a gradient's points, when f has few parameters: the points come in
// runs that share a base row and the replaced coordinate (the ladder's 2·LADDER_STEPS points
// per component, a Jacobian plan's lanes), so a run is one chunk and only the instructions
// that read a replaced coordinate (the "cone" of x_j) run over its points; every other value
// is the base row's, computed once per row and copied into the register where an instruction
// of the cone reads it (registers are reused, so it is copied just before that read).
import { CHUNK, type BState, type Step } from './batch-kernels';

/** The parts of a PointSource (batch-source.ts) that tell its runs (not imported: that file imports this one). */
interface Runs { n: number; points: number; row?: Uint32Array; j1?: Uint32Array; v1?: Float64Array; j2?: Uint32Array }

/** The top-level instructions, as cone evaluation needs them. */
export interface Cone {
  /** destination register of each instruction */
  dst: Int32Array;
  /** the parameters each reads, as bits (bit k: x_k; −1: any) */
  deps: Int32Array;
  /** operand registers of instruction t: reg[off[t]] … reg[off[t + 1] − 1], each written by instruction prod[·] */
  off: Int32Array;
  reg: Int32Array;
  prod: Int32Array;
  /** the instruction whose destination is the result */
  root: number;
  /** the base row's value of each instruction (scratch, reused) */
  base: Float64Array;
}

/** parameters at most (the bit masks' width) */
export const CONE_MAX_N = 31;
/** shortest average run of points for which one chunk per run pays */
const MIN_RUN = 8;

/** where the run of points starting at p0 (one row, the same replacements) ends, at most CHUNK points on */
function runEnd(row: Uint32Array, j1: Uint32Array, j2: Uint32Array | null | undefined, p0: number, P: number): number {
  const r = row[p0], a = j1[p0], b = j2 ? j2[p0] : 0, end = Math.min(P, p0 + CHUNK);
  let p = p0 + 1;
  if (j2) while (p < end && row[p] === r && j1[p] === a && j2[p] === b) p++;
  else while (p < end && row[p] === r && j1[p] === a) p++;
  return p;
}

export type { Plan };

/** Whether cone evaluation suits the source: few parameters, points on base rows in long runs. */
export function coneSuits(src: Runs): boolean {
  if (src.n > CONE_MAX_N || !src.row || !src.j1 || !src.v1 || src.points < MIN_RUN) return false;
  // long runs, mostly on the row of the run before (else the base row's values would be
  // computed for almost every run: chunks spanning rows do better, batch-source.ts)
  let runs = 0, rows = 0;
  for (let p = 0; p < src.points; runs++) {
    if (p > 0 && src.row[p] !== src.row[p - 1]) rows++;
    if (runs >= 8 && 2 * rows > runs + 8) return false;
    p = runEnd(src.row, src.j1, src.j2, p, src.points);
  }
  return src.points >= MIN_RUN * runs && 2 * rows <= runs;
}

/** What a chunk replacing the coordinates in `mask` runs. */
interface Plan {
  /** [t, count, (register, producer) × count, …]: the instructions to run, each preceded by
   *  its operands made by instructions outside the cone */
  code: Int32Array;
  /** whether it reads the base row's values (else the row's base run is skipped) */
  base: boolean;
  /** whether the result is computed (else it is the base row's) */
  root: boolean;
}

function plan(c: Cone, mask: number): Plan {
  const out: number[] = [];
  // leaves that read no parameter (constants, data) run themselves: one store, no copy
  const inCone = (t: number) => (c.deps[t] & mask) !== 0 || (c.deps[t] === 0 && c.off[t] === c.off[t + 1]);
  const root = inCone(c.root);
  let base = !root;
  for (let t = 0; t < c.dst.length; t++) {
    if (!inCone(t)) continue;
    const fills: number[] = [];
    for (let q = c.off[t]; q < c.off[t + 1]; q++) if (c.prod[q] >= 0 && !inCone(c.prod[q])) fills.push(c.reg[q], c.prod[q]);
    if (fills.length) base = true;
    out.push(t, fills.length / 2, ...fills);
  }
  return { code: Int32Array.from(out), base, root };
}

export function runCone(s: BState, src: Runs, steps: readonly Step[], c: Cone, plans: Map<number, Plan>, out: Float64Array, stride: number): void {
  const n = src.n, row = src.row!, j1 = src.j1!, j2 = s.j2, R = s.R, U = s.U, mark = s.mark;
  const baseVal = c.base;
  let baseRow = -1;
  s.G = 0;
  for (let p0 = 0; p0 < src.points;) {
    const p1 = runEnd(row, j1, j2, p0, src.points);
    const m = p1 - p0, r0 = row[p0];
    s.single = true; s.r0 = r0; s.p0 = p0;
    let mask = 0;
    const k1 = j1[p0], k2 = j2 ? j2[p0] : n;
    if (k1 < n) mask |= 1 << k1;
    if (k2 < n) mask |= 1 << k2;
    let pl = plans.get(mask);
    if (!pl) { pl = plan(c, mask); plans.set(mask, pl); }
    if (pl.base && r0 !== baseRow) {
      // the base row's values: one point, nothing replaced
      s.m = 1; s.stamp++; s.runK = -1;
      for (let t = 0; t < steps.length; t++) { steps[t](s); baseVal[t] = R[c.dst[t] * CHUNK]; }
      baseRow = r0;
    }
    s.m = m;
    const stamp = ++s.stamp;
    if (k1 < n) mark[k1] = stamp;
    if (k2 < n) mark[k2] = stamp;
    s.runK = k1 < n && k2 >= n ? k1 : -1;
    const code = pl.code;
    for (let q = 0; q < code.length;) {
      const t = code[q], f = code[q + 1];
      for (let u = 0; u < f; u++) { const r = code[q + 2 + 2 * u]; R[r * CHUNK] = baseVal[code[q + 3 + 2 * u]]; U[r] = 1; }
      steps[t](s);
      q += 2 + 2 * f;
    }
    const E = c.dst[c.root] * CHUNK;
    if (!pl.root) { const v = baseVal[c.root]; for (let q = p0; q < p1; q++) out[q * stride] = v; }
    else if (U[c.dst[c.root]] === 1) { const v = R[E]; for (let q = p0; q < p1; q++) out[q * stride] = v; }
    else if (stride === 1) for (let q = 0; q < m; q++) out[p0 + q] = R[E + q];
    else for (let q = 0; q < m; q++) out[(p0 + q) * stride] = R[E + q];
    p0 = p1;
  }
  s.runK = -1;
}
