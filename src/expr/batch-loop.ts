// Sums and products over an index on the batched machine: the body runs for each index over
// the chunk, and its value is added per point, left to right from 0 (or multiplied from 1), as
// the closure tree's loop does. A term that reads no coordinate a point of the chunk replaces
// (and no value that differs between those points) is the same at every point and in every
// chunk of the row: it is computed once per row and kept, so a gradient's 2n points cost per
// point one addition per term after their own, not the term (the O(n²) part is that addition,
// which each point's own rounding needs).
import { CHUNK, expand, type BState, type Index, type Step } from './batch-kernels';

const C = CHUNK;
/** terms kept per loop at most (a sum over more indices runs uncached) */
const MAX_CACHED = 1 << 22;

/** What a loop body reads, to tell when a term is the row's own (see the file comment). */
export interface TermReads {
  /** x[v + off] for each off */
  offs: Int32Array;
  /** x_k for each k */
  fixed: Int32Array;
  /** x at other indices (of v only) */
  other: Index[];
  /** registers from outside the body that it reads: the terms are the row's when all are shared */
  inputs: Int32Array;
}

/** Adds (or multiplies) the kept terms ca … cb into every point's accumulator, term by term as
 *  the closure tree does, point by point (the running value stays in a register). */
function flush(R: Float64Array, D: number, m: number, T: Float64Array, ca: number, cb: number, prod: boolean): void {
  if (prod) for (let q = 0; q < m; q++) { let a = R[D + q]; for (let c = ca; c <= cb; c++) a *= T[c]; R[D + q] = a; }
  else for (let q = 0; q < m; q++) { let a = R[D + q]; for (let c = ca; c <= cb; c++) a += T[c]; R[D + q] = a; }
}

export function loopStep(prod: boolean, d: number, slot: number, LO: Index, HI: Index, SK: Index | null, body: Step[], res: number, reads: TermReads | null): Step {
  const D = d * C, E = res * C, nb = body.length;
  let cache = new Float64Array(0), have = new Uint8Array(0), run = -1, row = -1, base = 0;
  return (s) => {
    const R = s.R, U = s.U, iv = s.iv;
    R[D] = prod ? 1 : 0; U[d] = 1;
    const lo = LO(s), hi = HI(s), sk = SK ? SK(s) : NaN;
    let cached = reads !== null && nb > 0 && s.single && hi - lo < MAX_CACHED;
    if (cached) for (let q = 0; q < reads!.inputs.length; q++) if (U[reads!.inputs[q]] !== 1) { cached = false; break; }
    if (cached && (run !== s.run || row !== s.r0 || base !== lo || cache.length < hi - lo + 1)) {
      if (cache.length < hi - lo + 1) { cache = new Float64Array(hi - lo + 1); have = new Uint8Array(hi - lo + 1); } else have.fill(0);
      run = s.run; row = s.r0; base = lo;
    }
    const mark = s.mark, stamp = s.stamp, L = s.L, m = s.m;
    // kept terms pa … pb not yet added into the accumulator (a column by then)
    let pa = 0, pb = -2;
    for (let j = lo; j <= hi; j++) {
      if (j === sk) continue;
      let shared = false, ran = false, y = 0;
      if (cached) {
        const rd = reads!;
        let clean = true;
        for (let q = 0; q < rd.offs.length && clean; q++) { const k = j + rd.offs[q]; if (k >= 0 && k < L && mark[k] === stamp) clean = false; }
        for (let q = 0; q < rd.fixed.length && clean; q++) if (mark[rd.fixed[q]] === stamp) clean = false;
        if (clean && rd.other.length) {
          iv[slot] = j;
          for (let q = 0; q < rd.other.length && clean; q++) { const k = rd.other[q](s); if (k >= 0 && k < L && mark[k] === stamp) clean = false; }
        }
        if (clean) {
          const c = j - lo;
          if (have[c] === 1 && U[d] === 0) {
            if (c !== pb + 1) { if (pb >= pa) flush(R, D, m, cache, pa, pb, prod); pa = c; }
            pb = c;
            continue;
          }
          if (have[c] === 1) { shared = true; y = cache[c]; } else {
            iv[slot] = j;
            for (let t = 0; t < nb; t++) body[t](s);
            ran = true;
            if (U[res] === 1) { shared = true; y = cache[c] = R[E]; have[c] = 1; }
          }
        }
      }
      if (!shared) {
        if (!ran) { iv[slot] = j; for (let t = 0; t < nb; t++) body[t](s); }
        if (U[res] === 1) { shared = true; y = R[E]; }
      }
      if (pb >= pa) { flush(R, D, m, cache, pa, pb, prod); pb = pa - 2; }
      if (U[d] === 1 && shared) { R[D] = prod ? R[D] * y : R[D] + y; continue; }
      // per run while neither the sum nor the term is per point (a chunk spanning rows)
      let len = m;
      if (U[d] !== 0 && (shared || U[res] === 2)) {
        len = s.G;
        if (U[d] === 1) { R.fill(R[D], D + 1, D + len); U[d] = 2; }
      } else { expand(s, d); expand(s, res); }
      if (U[d] === 1) {
        const r = R[D];
        if (prod) for (let q = 0; q < len; q++) R[D + q] = r * R[E + q];
        else for (let q = 0; q < len; q++) R[D + q] = r + R[E + q];
        U[d] = 0;
      } else if (shared) {
        if (prod) for (let q = 0; q < len; q++) R[D + q] *= y;
        else for (let q = 0; q < len; q++) R[D + q] += y;
      } else if (prod) for (let q = 0; q < len; q++) R[D + q] *= R[E + q];
      else for (let q = 0; q < len; q++) R[D + q] += R[E + q];
    }
    if (pb >= pa) flush(R, D, m, cache, pa, pb, prod);
  };
}
