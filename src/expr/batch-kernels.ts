// The batched machine's instructions (programs built by batch.ts). Every register is a run of
// CHUNK float64 values, one per point of the chunk, or — flagged in U — one value shared by
// every point (what a parameter no point of the chunk perturbs, a constant, a data element
// gives), or one value per run of points on one base row (a parameter no point of the chunk
// replaces, when the chunk spans rows): an operation on shared operands is one scalar
// operation per chunk (or per run), so a gradient's points pay per point only for what their
// replaced coordinate changes. Each instruction is a
// closure over its registers; its inner loop is a plain function per operation (monomorphic),
// so dispatch is paid once per chunk, not once per point. Every operation is the closure
// tree's (eval.ts, eval-ops.ts), in the same order, so both give the same bits.
import { compare } from './simplify';
import type { CmpOp } from './ast';

export const CHUNK = 256;
const C = CHUNK;

/** Evaluation state for one chunk of points. */
export class BState {
  R: Float64Array = new Float64Array(0);
  /** the register's shape: 0 one value per point, 1 one value (at its first slot) for every
   *  point of the chunk, 2 one value per run (slot g for the points of run g) */
  U: Uint8Array = new Uint8Array(0);
  /** points in the chunk, and the first one's index */
  m = 0;
  p0 = 0;
  /** loop variables by slot, x's length, the differentiation and output indices */
  iv: Float64Array = new Float64Array(1);
  L = 0;
  di = 0;
  oi = 0;
  // the point source (see batch-source.ts)
  base: Float64Array = new Float64Array(0);
  row: Uint32Array | null = null;
  j1: Uint32Array | null = null;
  v1: Float64Array | null = null;
  j2: Uint32Array | null = null;
  v2: Float64Array | null = null;
  /** every point of the chunk is on base row r0 */
  single = false;
  r0 = 0;
  /** mark[k] === stamp: some point of the chunk overrides coordinate k */
  mark: Int32Array = new Int32Array(0);
  stamp = 0;
  /** counts runs (a loop's cached terms belong to one run and one row) */
  run = 0;
  /** the coordinate every point of the chunk replaces (and nothing else), or −1 */
  runK = -1;
  /** runs of the chunk when it spans rows (0: no per-run registers), where run g starts (and
   *  runStart[G] = m), run g's row */
  G = 0;
  runStart: Int32Array = new Int32Array(CHUNK + 1);
  runRow: Int32Array = new Int32Array(CHUNK);
}

export type Step = (s: BState) => void;
export type Index = (s: BState) => number;

/** x_k at every point of the chunk (k in [0, L)): shared when no point changes it. */
export function load(s: BState, k: number, d: number): void {
  const R = s.R, D = d * C, m = s.m, p0 = s.p0, n = s.L, base = s.base;
  if (s.mark[k] !== s.stamp) {
    if (s.single) { R[D] = base[s.r0 * n + k]; s.U[d] = 1; return; }
    if (s.G > 0) { const rr = s.runRow; for (let g = 0; g < s.G; g++) R[D + g] = base[rr[g] * n + k]; s.U[d] = 2; return; }
  }
  s.U[d] = 0;
  const j1 = s.j1, v1 = s.v1, j2 = s.j2, v2 = s.v2;
  if (k === s.runK) { for (let q = 0; q < m; q++) R[D + q] = v1![p0 + q]; return; }
  if (s.single) {
    const b = base[s.r0 * n + k];
    if (j1 && v1) for (let q = 0; q < m; q++) R[D + q] = j1[p0 + q] === k ? v1[p0 + q] : b;
    else R.fill(b, D, D + m);
  } else if (s.row) {
    const row = s.row;
    for (let q = 0; q < m; q++) R[D + q] = base[row[p0 + q] * n + k];
    if (j1 && v1) for (let q = 0; q < m; q++) if (j1[p0 + q] === k) R[D + q] = v1[p0 + q];
  } else {
    for (let q = 0; q < m; q++) R[D + q] = base[(p0 + q) * n + k];
    if (j1 && v1) for (let q = 0; q < m; q++) if (j1[p0 + q] === k) R[D + q] = v1[p0 + q];
  }
  if (j2 && v2) for (let q = 0; q < m; q++) if (j2[p0 + q] === k) R[D + q] = v2[p0 + q];
}

/** a per-run register as one value per point (in place, from the last point down) */
export function expand(s: BState, r: number): void {
  if (s.U[r] !== 2) return;
  // run g starts at or after slot g, so filling from the last run down reads each value first
  const A = r * C, R = s.R, st = s.runStart;
  for (let g = s.G - 1; g >= 0; g--) { const v = R[A + g]; for (let q = st[g + 1] - 1; q >= st[g]; q--) R[A + q] = v; }
  s.U[r] = 0;
}

/** the shape an operation on these registers gives (0 per point, 2 per run, 1 shared), with
 *  every operand made readable in it: per-run operands of a per-point result expanded, shared
 *  ones spread (they stay flagged shared) */
function unify(s: BState, regs: readonly number[]): number {
  const U = s.U;
  let shape = 1;
  for (const r of regs) if (U[r] === 0) shape = 0; else if (U[r] === 2 && shape === 1) shape = 2;
  if (shape === 1) return 1;
  const len = shape === 2 ? s.G : s.m;
  for (const r of regs) {
    if (U[r] === 1) { const A = r * C; s.R.fill(s.R[A], A + 1, A + len); } else if (shape === 0) expand(s, r);
  }
  return shape;
}

export const konstStep = (d: number, v: number): Step => (s) => { s.R[d * C] = v; s.U[d] = 1; };
export const uniformStep = (d: number, I: Index): Step => (s) => { s.R[d * C] = I(s); s.U[d] = 1; };
export const loadStep = (d: number, k: number): Step => (s) => load(s, k, d);
/** x[I]: NaN outside [0, n) */
export const loadAtStep = (d: number, I: Index): Step => (s) => {
  const k = I(s);
  if (k >= 0 && k < s.L) load(s, k, d); else { s.R[d * C] = NaN; s.U[d] = 1; }
};
/** data[I]: NaN outside the array */
export const dataStep = (d: number, arr: Float64Array, I: Index): Step => (s) => {
  const k = I(s);
  s.R[d * C] = k >= 0 && k < arr.length ? arr[k] : NaN;
  s.U[d] = 1;
};

type Col = (R: Float64Array, D: number, A: number, B: number, m: number) => void;
type Sc = (x: number, y: number) => number;
/** one operand per point, the other per run: runs from the last down (d may be the per-run operand) */
type Mix = (R: Float64Array, D: number, A: number, B: number, st: Int32Array, G: number) => void;
interface Bin {
  op: number; cc: Col; uc: (R: Float64Array, D: number, x: number, B: number, m: number) => void; cu: (R: Float64Array, D: number, A: number, y: number, m: number) => void;
  /** a per point, b per run; a per run, b per point */
  cr?: Mix; rc?: Mix;
}

const ADD: Bin = {
  op: 0,
  cc: (R, D, A, B, m) => { for (let q = 0; q < m; q++) R[D + q] = R[A + q] + R[B + q]; },
  uc: (R, D, x, B, m) => { for (let q = 0; q < m; q++) R[D + q] = x + R[B + q]; },
  cu: (R, D, A, y, m) => { for (let q = 0; q < m; q++) R[D + q] = R[A + q] + y; },
  cr: (R, D, A, B, st, G) => { for (let g = G - 1; g >= 0; g--) { const y = R[B + g]; for (let q = st[g]; q < st[g + 1]; q++) R[D + q] = R[A + q] + y; } },
  rc: (R, D, A, B, st, G) => { for (let g = G - 1; g >= 0; g--) { const x = R[A + g]; for (let q = st[g]; q < st[g + 1]; q++) R[D + q] = x + R[B + q]; } },
};
const SUB: Bin = {
  op: 1,
  cc: (R, D, A, B, m) => { for (let q = 0; q < m; q++) R[D + q] = R[A + q] - R[B + q]; },
  uc: (R, D, x, B, m) => { for (let q = 0; q < m; q++) R[D + q] = x - R[B + q]; },
  cu: (R, D, A, y, m) => { for (let q = 0; q < m; q++) R[D + q] = R[A + q] - y; },
  cr: (R, D, A, B, st, G) => { for (let g = G - 1; g >= 0; g--) { const y = R[B + g]; for (let q = st[g]; q < st[g + 1]; q++) R[D + q] = R[A + q] - y; } },
  rc: (R, D, A, B, st, G) => { for (let g = G - 1; g >= 0; g--) { const x = R[A + g]; for (let q = st[g]; q < st[g + 1]; q++) R[D + q] = x - R[B + q]; } },
};
const MUL: Bin = {
  op: 2,
  cc: (R, D, A, B, m) => { for (let q = 0; q < m; q++) R[D + q] = R[A + q] * R[B + q]; },
  uc: (R, D, x, B, m) => { for (let q = 0; q < m; q++) R[D + q] = x * R[B + q]; },
  cu: (R, D, A, y, m) => { for (let q = 0; q < m; q++) R[D + q] = R[A + q] * y; },
  cr: (R, D, A, B, st, G) => { for (let g = G - 1; g >= 0; g--) { const y = R[B + g]; for (let q = st[g]; q < st[g + 1]; q++) R[D + q] = R[A + q] * y; } },
  rc: (R, D, A, B, st, G) => { for (let g = G - 1; g >= 0; g--) { const x = R[A + g]; for (let q = st[g]; q < st[g + 1]; q++) R[D + q] = x * R[B + q]; } },
};
const DIV: Bin = {
  op: 3,
  cc: (R, D, A, B, m) => { for (let q = 0; q < m; q++) R[D + q] = R[A + q] / R[B + q]; },
  uc: (R, D, x, B, m) => { for (let q = 0; q < m; q++) R[D + q] = x / R[B + q]; },
  cu: (R, D, A, y, m) => { for (let q = 0; q < m; q++) R[D + q] = R[A + q] / y; },
  cr: (R, D, A, B, st, G) => { for (let g = G - 1; g >= 0; g--) { const y = R[B + g]; for (let q = st[g]; q < st[g + 1]; q++) R[D + q] = R[A + q] / y; } },
  rc: (R, D, A, B, st, G) => { for (let g = G - 1; g >= 0; g--) { const x = R[A + g]; for (let q = st[g]; q < st[g + 1]; q++) R[D + q] = x / R[B + q]; } },
};
// V8's Math.pow is the closure tree's pow; u^k with a constant k is the common shape
const POW: Bin = {
  op: 4,
  cc: (R, D, A, B, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.pow(R[A + q], R[B + q]); },
  uc: (R, D, x, B, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.pow(x, R[B + q]); },
  cu: (R, D, A, y, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.pow(R[A + q], y); },
};

export const BINARY = { '+': ADD, '-': SUB, '*': MUL, '/': DIV, pow: POW } as const;

/** d = a op b, elementwise; either operand may be shared. The shared case is a switch, not a
 *  call (a call returning a double would box it: one allocation per instruction). */
export function binaryStep(k: Bin, d: number, a: number, b: number): Step {
  const D = d * C, A = a * C, B = b * C, op = k.op, cc = k.cc, uc = k.uc, cu = k.cu, cr = k.cr, rc = k.rc;
  return (s) => {
    const R = s.R, U = s.U;
    if (U[a] === 1 && U[b] === 1) {
      switch (op) {
        case 0: R[D] = R[A] + R[B]; break;
        case 1: R[D] = R[A] - R[B]; break;
        case 2: R[D] = R[A] * R[B]; break;
        case 3: R[D] = R[A] / R[B]; break;
        default: R[D] = Math.pow(R[A], R[B]);
      }
      U[d] = 1;
      return;
    }
    // per run when neither operand is per point, else per point (a per-run operand read run
    // by run, or for pow expanded first)
    let len = s.G, shape = 2;
    if (U[a] === 0 || U[b] === 0) {
      if (U[a] + U[b] === 2 && cr && rc) {
        if (U[a] === 2) rc(R, D, A, B, s.runStart, s.G); else cr(R, D, A, B, s.runStart, s.G);
        U[d] = 0;
        return;
      }
      expand(s, a); expand(s, b); len = s.m; shape = 0;
    }
    if (U[a] === 1) uc(R, D, R[A], B, len);
    else if (U[b] === 1) cu(R, D, A, R[B], len);
    else cc(R, D, A, B, len);
    U[d] = shape;
  };
}

/** a two-argument function of the language (min, max, atan2, mod) */
export function call2Step(f: Sc, d: number, a: number, b: number): Step {
  const D = d * C, A = a * C, B = b * C, regs = [a, b];
  return (s) => {
    const R = s.R;
    const shape = unify(s, regs);
    if (shape === 1) { R[D] = f(R[A], R[B]); s.U[d] = 1; return; }
    for (let q = 0, m = shape === 2 ? s.G : s.m; q < m; q++) R[D + q] = f(R[A + q], R[B + q]);
    s.U[d] = shape;
  };
}

type Un = (R: Float64Array, D: number, A: number, m: number) => void;
/** one loop literal per common function (as eval-ops.ts's unaryCall), so Math.* inlines */
const UNARY_LOOPS: Record<string, Un> = {
  neg: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = -R[A + q]; },
  sq: (R, D, A, m) => { for (let q = 0; q < m; q++) { const v = R[A + q]; R[D + q] = v * v; } },
  exp: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.exp(R[A + q]); },
  log: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.log(R[A + q]); },
  sqrt: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.sqrt(R[A + q]); },
  sin: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.sin(R[A + q]); },
  cos: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.cos(R[A + q]); },
  tanh: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.tanh(R[A + q]); },
  abs: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = Math.abs(R[A + q]); },
  sigmoid: (R, D, A, m) => { for (let q = 0; q < m; q++) R[D + q] = 1 / (1 + Math.exp(-R[A + q])); },
};
const CODES: Record<string, number> = { neg: 0, sq: 1, exp: 2, log: 3, sqrt: 4, sin: 5, cos: 6, tanh: 7, abs: 8, sigmoid: 9 };

/** d = f(a); `name` picks a dedicated loop (and an inlined shared case) where there is one */
export function unaryStep(name: string, f: ((u: number) => number) | null, d: number, a: number): Step {
  const D = d * C, A = a * C, code = CODES[name] ?? -1, fn = f!;
  const loop: Un = UNARY_LOOPS[name] ?? ((R, D2, A2, m) => { for (let q = 0; q < m; q++) R[D2 + q] = fn(R[A2 + q]); });
  return (s) => {
    const R = s.R;
    if (s.U[a] === 1) {
      const u = R[A];
      switch (code) {
        case 0: R[D] = -u; break;
        case 1: R[D] = u * u; break;
        case 2: R[D] = Math.exp(u); break;
        case 3: R[D] = Math.log(u); break;
        case 4: R[D] = Math.sqrt(u); break;
        case 5: R[D] = Math.sin(u); break;
        case 6: R[D] = Math.cos(u); break;
        case 7: R[D] = Math.tanh(u); break;
        case 8: R[D] = Math.abs(u); break;
        case 9: R[D] = 1 / (1 + Math.exp(-u)); break;
        default: R[D] = fn(u);
      }
      s.U[d] = 1;
      return;
    }
    const shape = s.U[a];
    loop(R, D, A, shape === 2 ? s.G : s.m);
    s.U[d] = shape;
  };
}

/** (a op b) ? t : f, NaN when a or b is NaN (as the closure tree) */
export function selStep(op: CmpOp, d: number, a: number, b: number, t: number, f: number): Step {
  const D = d * C, A = a * C, B = b * C, T = t * C, F = f * C, regs = [a, b, t, f];
  return (s) => {
    const R = s.R, U = s.U;
    if (U[a] === 1 && U[b] === 1) {
      const p = R[A], q = R[B];
      const w = p !== p || q !== q ? -1 : compare(op, p, q) ? t : f;
      if (w < 0) { R[D] = NaN; U[d] = 1; return; }
      const shape = U[w];
      if (shape === 1) { R[D] = R[w * C]; U[d] = 1; return; }
      R.copyWithin(D, w * C, w * C + (shape === 2 ? s.G : s.m));
      U[d] = shape;
      return;
    }
    const shape = unify(s, regs);
    for (let k = 0, m = shape === 2 ? s.G : s.m; k < m; k++) {
      const p = R[A + k], q = R[B + k];
      R[D + k] = p !== p || q !== q ? NaN : compare(op, p, q) ? R[T + k] : R[F + k];
    }
    U[d] = shape;
  };
}
