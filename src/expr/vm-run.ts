// The register machine's two interpreters (programs built by vm.ts). Each instruction is
// OPW int32s [op, d, a, b, e, flags] over one Float64Array register file: the scalar interpreter
// runs the expression outside sums one value per register; the block interpreter runs the
// body of a sum over an index for BLOCK consecutive indices at once, each register a run of
// BLOCK values, so every instruction is a tight monomorphic loop and its dispatch is paid
// once per BLOCK terms (no closure per node, no call per term). Every operation is the one
// the closure tree uses (eval.ts), in the same order, so both give the same bits.
import { FN_IMPL } from './ast';
import * as K from './vm-kernels';

export const OPW = 6;
export const BLOCK = 128;

/** Opcodes (the interpreters' cases are these literals, so V8 dispatches by a jump table). */
export const Op = {
  LOADX: 0, ADD: 1, SUB: 2, MUL: 3, DIV: 4, POW: 5, NEG: 6,
  SQ: 7, EXP: 8, LOG: 9, SQRT: 10, SIN: 11, COS: 12, TANH: 13, ABS: 14,
  SIGMOID: 15, CALL1: 16, CALL2: 17, SEL: 18, LOOP: 19, CLOS: 20, XOFF: 21, IOTA: 22,
  GATHERX: 23, DATAOFF: 24, GATHERD: 25, BCAST: 26, MULC: 27, ADDC: 28, SUBC: 29, CSUB: 30,
  DIVC: 31, ADDS: 32, SUBS: 33, ADDS2: 34, SUBS2: 35,
} as const;

/** unary functions with their own opcode: the same Math calls as eval-ops.ts's unaryCall */
export const UNARY_OPS: Readonly<Record<string, number>> = {
  exp: Op.EXP, log: Op.LOG, sqrt: Op.SQRT, sin: Op.SIN, cos: Op.COS, tanh: Op.TANH, abs: Op.ABS, sigmoid: Op.SIGMOID,
};

export type Fn1 = (a: number) => number;
export type Fn2 = (a: number, b: number) => number;
export const FN1 = FN_IMPL as unknown as Record<string, Fn1>;

/** (a op b) ? t : f with NaN on either side giving NaN; op 0..5 = < <= > >= == != */
export interface SelSpec { op: number; t: number; f: number }

export function cmp(op: number, p: number, q: number): boolean {
  switch (op) {
    case 0: return p < q;
    case 1: return p <= q;
    case 2: return p > q;
    case 3: return p >= q;
    case 4: return p === q;
    default: return p !== q;
  }
}

export interface Tables {
  fns: (Fn1 | Fn2)[];
  sels: SelSpec[];
  data: Float64Array[];
}

/** One block of a sum's body: indices j0 … j0 + m − 1 of the loop variable; `r` is the
 *  running sum, returned with the block's terms added when the last instruction reduces.
 *  Instruction flags (the sixth word): 1 / 2 operand a / b reads x at j0 + offset directly
 *  (the loop checked the range), 4 the result is squared, 8 the result is added to r. */
export function runBlock(code: Int32Array, R: Float64Array, m: number, j0: number, x: Float64Array, t: Tables, r: number): number {
  const B = BLOCK;
  for (let pc = 0; pc < code.length; pc += OPW) {
    const op = code[pc], d = code[pc + 1] * B, e = code[pc + 4], fl = code[pc + 5];
    const A = fl & 1 ? x : R, ao = fl & 1 ? j0 + code[pc + 2] : code[pc + 2] * B;
    const Q = fl & 2 ? x : R, bo = fl & 2 ? j0 + code[pc + 3] : code[pc + 3] * B;
    const a = ao, b = bo, f = fl & 12;
    switch (op) {
      case 1 /* ADD */:
        if (f === 0) K.add(A, ao, Q, bo, R, d, m); else if (f === 4) K.addSq(A, ao, Q, bo, R, d, m);
        else r = f === 8 ? K.addRed(A, ao, Q, bo, m, r) : K.addSqRed(A, ao, Q, bo, m, r);
        break;
      case 2 /* SUB */:
        if (f === 0) K.sub(A, ao, Q, bo, R, d, m); else if (f === 4) K.subSq(A, ao, Q, bo, R, d, m);
        else r = f === 8 ? K.subRed(A, ao, Q, bo, m, r) : K.subSqRed(A, ao, Q, bo, m, r);
        break;
      case 3 /* MUL */:
        if (f === 0) K.mul(A, ao, Q, bo, R, d, m); else if (f === 4) K.mulSq(A, ao, Q, bo, R, d, m);
        else r = f === 8 ? K.mulRed(A, ao, Q, bo, m, r) : K.mulSqRed(A, ao, Q, bo, m, r);
        break;
      case 4 /* DIV */:
        if (f === 0) K.div(A, ao, Q, bo, R, d, m); else if (f === 4) K.divSq(A, ao, Q, bo, R, d, m);
        else r = f === 8 ? K.divRed(A, ao, Q, bo, m, r) : K.divSqRed(A, ao, Q, bo, m, r);
        break;
      case 27 /* MULC */: {
        const c = R[e * B];
        if (f === 0) K.mulc(A, ao, c, R, d, m); else if (f === 4) K.mulcSq(A, ao, c, R, d, m);
        else r = f === 8 ? K.mulcRed(A, ao, c, m, r) : K.mulcSqRed(A, ao, c, m, r);
        break;
      }
      case 28 /* ADDC */: {
        const c = R[e * B];
        if (f === 0) K.addc(A, ao, c, R, d, m); else if (f === 4) K.addcSq(A, ao, c, R, d, m);
        else r = f === 8 ? K.addcRed(A, ao, c, m, r) : K.addcSqRed(A, ao, c, m, r);
        break;
      }
      case 29 /* SUBC */: {
        const c = R[e * B];
        if (f === 0) K.subc(A, ao, c, R, d, m); else if (f === 4) K.subcSq(A, ao, c, R, d, m);
        else r = f === 8 ? K.subcRed(A, ao, c, m, r) : K.subcSqRed(A, ao, c, m, r);
        break;
      }
      case 30 /* CSUB */: {
        const c = R[e * B];
        if (f === 0) K.csub(A, ao, c, R, d, m); else if (f === 4) K.csubSq(A, ao, c, R, d, m);
        else r = f === 8 ? K.csubRed(A, ao, c, m, r) : K.csubSqRed(A, ao, c, m, r);
        break;
      }
      case 31 /* DIVC */: {
        const c = R[e * B];
        if (f === 0) K.divc(A, ao, c, R, d, m); else if (f === 4) K.divcSq(A, ao, c, R, d, m);
        else r = f === 8 ? K.divcRed(A, ao, c, m, r) : K.divcSqRed(A, ao, c, m, r);
        break;
      }
      case 32 /* ADDS */: {
        const c = R[e * B];
        if (f === 0) K.adds(A, ao, Q, bo, c, R, d, m); else if (f === 4) K.addsSq(A, ao, Q, bo, c, R, d, m);
        else r = f === 8 ? K.addsRed(A, ao, Q, bo, c, m, r) : K.addsSqRed(A, ao, Q, bo, c, m, r);
        break;
      }
      case 33 /* SUBS */: {
        const c = R[e * B];
        if (f === 0) K.subs(A, ao, Q, bo, c, R, d, m); else if (f === 4) K.subsSq(A, ao, Q, bo, c, R, d, m);
        else r = f === 8 ? K.subsRed(A, ao, Q, bo, c, m, r) : K.subsSqRed(A, ao, Q, bo, c, m, r);
        break;
      }
      case 34 /* ADDS2 */: {
        const c = R[e * B];
        if (f === 0) K.adds2(A, ao, Q, bo, c, R, d, m); else if (f === 4) K.adds2Sq(A, ao, Q, bo, c, R, d, m);
        else r = f === 8 ? K.adds2Red(A, ao, Q, bo, c, m, r) : K.adds2SqRed(A, ao, Q, bo, c, m, r);
        break;
      }
      case 35 /* SUBS2 */: {
        const c = R[e * B];
        if (f === 0) K.subs2(A, ao, Q, bo, c, R, d, m); else if (f === 4) K.subs2Sq(A, ao, Q, bo, c, R, d, m);
        else r = f === 8 ? K.subs2Red(A, ao, Q, bo, c, m, r) : K.subs2SqRed(A, ao, Q, bo, c, m, r);
        break;
      }
      case 7 /* SQ */: if (f === 8) r = K.sqRed(A, ao, m, r); else K.sq(A, ao, R, d, m); break;
      case 6 /* NEG */: K.neg(A, ao, R, d, m); break;
      case 8 /* EXP */: K.exp(A, ao, R, d, m); break;
      case 9 /* LOG */: K.log(A, ao, R, d, m); break;
      case 10 /* SQRT */: K.sqrt(A, ao, R, d, m); break;
      case 11 /* SIN */: K.sin(A, ao, R, d, m); break;
      case 12 /* COS */: K.cos(A, ao, R, d, m); break;
      case 13 /* TANH */: K.tanh(A, ao, R, d, m); break;
      case 14 /* ABS */: K.abs(A, ao, R, d, m); break;
      case 15 /* SIGMOID */: K.sigmoid(A, ao, R, d, m); break;
      case 5 /* POW */: K.pow(A, ao, Q, bo, R, d, m); break;
      case 16 /* CALL1 */: { const f = t.fns[e] as Fn1; for (let k = 0; k < m; k++) R[d + k] = f(R[a + k]); break; }
      case 17 /* CALL2 */: { const f = t.fns[e] as Fn2; for (let k = 0; k < m; k++) R[d + k] = f(R[a + k], R[b + k]); break; }
      case 18 /* SEL */: {
        const s = t.sels[e], tt = s.t * B, ff = s.f * B, op = s.op;
        for (let k = 0; k < m; k++) {
          const p = R[a + k], q = R[b + k];
          R[d + k] = p !== p || q !== q ? NaN : cmp(op, p, q) ? R[tt + k] : R[ff + k];
        }
        break;
      }
      case 21 /* XOFF */: {
        // x[v + off]: a plain copy when the block stays inside x, else NaN outside it
        const base = j0 + code[pc + 2], L = x.length;
        if (base >= 0 && base + m <= L) for (let k = 0; k < m; k++) R[d + k] = x[base + k];
        else for (let k = 0; k < m; k++) { const j = base + k; R[d + k] = j >= 0 && j < L ? x[j] : NaN; }
        break;
      }
      case 22 /* IOTA */: { const base = j0 + code[pc + 2]; for (let k = 0; k < m; k++) R[d + k] = base + k; break; }
      case 23 /* GATHERX */: {
        const L = x.length;
        for (let k = 0; k < m; k++) { const j = R[a + k]; R[d + k] = j >= 0 && j < L ? x[j] : NaN; }
        break;
      }
      case 24 /* DATAOFF */: {
        const arr = t.data[e], base = j0 + code[pc + 2], L = arr.length;
        if (base >= 0 && base + m <= L) for (let k = 0; k < m; k++) R[d + k] = arr[base + k];
        else for (let k = 0; k < m; k++) { const j = base + k; R[d + k] = j >= 0 && j < L ? arr[j] : NaN; }
        break;
      }
      case 25 /* GATHERD */: {
        const arr = t.data[e], L = arr.length;
        for (let k = 0; k < m; k++) { const j = R[a + k]; R[d + k] = j >= 0 && j < L ? arr[j] : NaN; }
        break;
      }
      default: throw new Error(`numgrad: internal error: opcode ${op} in a sum's body`);
    }
  }
  return r;
}

export interface LoopRun {
  /** registers of the loop's bounds and of the hoisted values, in the outer (scalar) file */
  lo: number;
  hi: number;
  prod: boolean;
  /** the body with x read through copies (XOFF, range-checked per block) */
  code: Int32Array;
  /** the body with x read in place (flags 1, 2), squares and the final sum fused (4, 8) */
  fast: Int32Array;
  /** offsets of x read in place: fast runs when lo + minOff ≥ 0 and hi + maxOff < x.length */
  minOff: number;
  maxOff: number;
  /** fast's last instruction adds into the running sum */
  reduces: boolean;
  /** [vector register, scalar register] pairs broadcast once per evaluation of the sum */
  bcast: Int32Array;
  R: Float64Array;
  res: number;
}

function runLoop(lp: LoopRun, S: Float64Array, x: Float64Array, t: Tables): number {
  const R = lp.R, B = BLOCK;
  for (let q = 0; q < lp.bcast.length; q += 2) R.fill(S[lp.bcast[q + 1]], lp.bcast[q] * B, lp.bcast[q] * B + B);
  // integers as int32 (from the float registers) so typed-array indexing stays on the fast
  // path; bounds beyond ±2³⁰ (a sum that reads no x, or one whose reads fall outside) as given
  const lo0 = S[lp.lo], hi0 = S[lp.hi];
  const small = Math.abs(lo0) < 2 ** 30 && Math.abs(hi0) < 2 ** 30;
  const lo = small ? lo0 | 0 : lo0, hi = small ? hi0 | 0 : hi0, res = lp.res * B;
  // the program that reads x directly, when every x[v + off] of the loop stays inside x
  const fast = small && lo + lp.minOff >= 0 && hi + lp.maxOff < x.length;
  const code = fast ? lp.fast : lp.code;
  let r = lp.prod ? 1 : 0;
  for (let j0 = lo; j0 <= hi; j0 += B) {
    const m = Math.min(B, hi - j0 + 1);
    // left to right, as the closure tree's loop adds its terms
    if (fast && lp.reduces) { r = runBlock(code, R, m, j0, x, t, r); continue; }
    runBlock(code, R, m, j0, x, t, 0);
    r = lp.prod ? K.reduceProd(R, res, m, r) : K.reduce(R, res, m, r);
  }
  return r;
}

export interface ScalarRun extends Tables {
  code: Int32Array;
  R: Float64Array;
  loops: LoopRun[];
  /** fallback closures for nodes the machine does not run: (x, i, oi) → value */
  clos: ((x: Float64Array, i: number, oi: number) => number)[];
  len: number;
  di: number;
  oi: number;
  res: number;
}

export function runScalar(p: ScalarRun, x: Float64Array, i: number, oi: number): number {
  const R = p.R, code = p.code;
  R[p.len] = x.length; R[p.di] = i; R[p.oi] = oi;
  for (let pc = 0; pc < code.length; pc += OPW) {
    const d = code[pc + 1], a = code[pc + 2], b = code[pc + 3], e = code[pc + 4];
    switch (code[pc]) {
      case 0 /* LOADX */: R[d] = x[a]; break;
      case 1 /* ADD */: R[d] = R[a] + R[b]; break;
      case 2 /* SUB */: R[d] = R[a] - R[b]; break;
      case 3 /* MUL */: R[d] = R[a] * R[b]; break;
      case 4 /* DIV */: R[d] = R[a] / R[b]; break;
      case 27 /* MULC */: R[d] = R[a] * R[e]; break;
      case 28 /* ADDC */: R[d] = R[a] + R[e]; break;
      case 29 /* SUBC */: R[d] = R[a] - R[e]; break;
      case 30 /* CSUB */: R[d] = R[e] - R[a]; break;
      case 5 /* POW */: R[d] = Math.pow(R[a], R[b]); break;
      case 6 /* NEG */: R[d] = -R[a]; break;
      case 7 /* SQ */: { const v = R[a]; R[d] = v * v; break; }
      case 8 /* EXP */: R[d] = Math.exp(R[a]); break;
      case 9 /* LOG */: R[d] = Math.log(R[a]); break;
      case 10 /* SQRT */: R[d] = Math.sqrt(R[a]); break;
      case 11 /* SIN */: R[d] = Math.sin(R[a]); break;
      case 12 /* COS */: R[d] = Math.cos(R[a]); break;
      case 13 /* TANH */: R[d] = Math.tanh(R[a]); break;
      case 14 /* ABS */: R[d] = Math.abs(R[a]); break;
      case 15 /* SIGMOID */: R[d] = 1 / (1 + Math.exp(-R[a])); break;
      case 16 /* CALL1 */: R[d] = (p.fns[e] as Fn1)(R[a]); break;
      case 17 /* CALL2 */: R[d] = (p.fns[e] as Fn2)(R[a], R[b]); break;
      case 18 /* SEL */: {
        const s = p.sels[e], u = R[a], w = R[b];
        R[d] = u !== u || w !== w ? NaN : cmp(s.op, u, w) ? R[s.t] : R[s.f];
        break;
      }
      case 19 /* LOOP */: R[d] = runLoop(p.loops[e], R, x, p); break;
      case 20 /* CLOS */: R[d] = p.clos[e](x, i, oi); break;
      case 23 /* GATHERX */: { const j = R[a]; R[d] = j >= 0 && j < x.length ? x[j] : NaN; break; }
      case 25 /* GATHERD */: { const arr = p.data[e], j = R[a]; R[d] = j >= 0 && j < arr.length ? arr[j] : NaN; break; }
      default: throw new Error(`numgrad: internal error: opcode ${code[pc]} outside a sum`);
    }
  }
  return R[p.res];
}
