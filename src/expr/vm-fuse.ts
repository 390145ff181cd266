// The block machine's peephole pass (vm.ts builds the body of a sum, this makes its fast
// twin): x read in place, dead copies dropped, c·u ± w and (a op b)² folded, the last operation
// adding into the running sum. Same operations in the same order: the same bits.
import { Op, OPW, type SelSpec } from './vm-run';

const READS_A = new Set<number>([Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW, Op.NEG, Op.SQ, Op.EXP, Op.LOG, Op.SQRT, Op.SIN, Op.COS,
  Op.TANH, Op.ABS, Op.SIGMOID, Op.MULC, Op.ADDC, Op.SUBC, Op.CSUB, Op.DIVC, Op.CALL1, Op.CALL2, Op.SEL, Op.GATHERX, Op.GATHERD,
  Op.ADDS, Op.SUBS, Op.ADDS2, Op.SUBS2]);
const READS_B = new Set<number>([Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW, Op.CALL2, Op.SEL, Op.ADDS, Op.SUBS, Op.ADDS2, Op.SUBS2]);
/** operand a / b may be x read in place */
const X_A = new Set<number>([Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW, Op.NEG, Op.SQ, Op.EXP, Op.LOG, Op.SQRT, Op.SIN, Op.COS,
  Op.TANH, Op.ABS, Op.SIGMOID, Op.MULC, Op.ADDC, Op.SUBC, Op.CSUB, Op.DIVC]);
const X_B = new Set<number>([Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW]);
/** ops with the squared (4) and reducing (8) variants */
const FUSES = new Set<number>([Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MULC, Op.ADDC, Op.SUBC, Op.CSUB, Op.DIVC, Op.ADDS, Op.SUBS, Op.ADDS2, Op.SUBS2]);

/** The in-place program of a sum's body: x[v + off] read where used instead of copied, a
 *  square folded into the operation it squares, and the last operation adding into the sum.
 *  Same operations in the same order, so the same bits. */
export function fuse(code: readonly number[], res: number, sum: boolean, sels: readonly SelSpec[]): { fast: Int32Array; minOff: number; maxOff: number; reduces: boolean } {
  const ins: number[][] = [];
  for (let k = 0; k < code.length; k += OPW) ins.push(code.slice(k, k + OPW));
  const xoff = new Map<number, number>();
  for (const q of ins) if (q[0] === Op.XOFF) xoff.set(q[1], q[2]);
  let minOff = Infinity, maxOff = -Infinity;
  const inPlace = (off: number) => { minOff = Math.min(minOff, off); maxOff = Math.max(maxOff, off); };
  for (const q of ins) {
    if (X_A.has(q[0]) && xoff.has(q[2])) { q[2] = xoff.get(q[2])!; q[5] |= 1; inPlace(q[2]); }
    if (X_B.has(q[0]) && xoff.has(q[3])) { q[3] = xoff.get(q[3])!; q[5] |= 2; inPlace(q[3]); }
  }
  const uses = new Map<number, number>();
  const use = (r: number) => uses.set(r, (uses.get(r) ?? 0) + 1);
  const count = (list: number[][]) => {
    uses.clear();
    use(res);
    for (const q of list) {
      if (READS_A.has(q[0]) && !(q[5] & 1)) use(q[2]);
      if (READS_B.has(q[0]) && !(q[5] & 2)) use(q[3]);
      if (q[0] === Op.SEL) { use(sels[q[4]].t); use(sels[q[4]].f); }
    }
  };
  count(ins);
  // dead code (copies now read in place, a negation folded into its constant): nothing has effects
  let out = ins;
  for (let before = -1; before !== out.length;) {
    before = out.length;
    out = out.filter((q) => (uses.get(q[1]) ?? 0) > 0);
    count(out);
  }
  // c·u ± w in one pass: a MULC whose one use is an ADD or SUB
  const defs = new Map(out.map((q) => [q[1], q] as [number, number[]]));
  const folded = new Set<number[]>();
  for (const q of out) {
    if ((q[0] !== Op.ADD && q[0] !== Op.SUB) || q[5] & 12) continue;
    const pa = q[5] & 1 ? undefined : defs.get(q[2]), pb = q[5] & 2 ? undefined : defs.get(q[3]);
    const p = pa && pa[0] === Op.MULC && !(pa[5] & 12) && uses.get(q[2]) === 1 ? pa : pb && pb[0] === Op.MULC && !(pb[5] & 12) && uses.get(q[3]) === 1 ? pb : null;
    if (!p || folded.has(p)) continue;
    if (p === pa) { q[0] = q[0] === Op.ADD ? Op.ADDS : Op.SUBS; q[2] = p[2]; q[5] = (q[5] & ~1) | (p[5] & 1); }
    else { q[0] = q[0] === Op.ADD ? Op.ADDS2 : Op.SUBS2; q[3] = p[2]; q[5] = (q[5] & ~2) | (p[5] & 1 ? 2 : 0); }
    q[4] = p[4];
    folded.add(p);
  }
  out = out.filter((q) => !folded.has(q));
  count(out);
  // (a op b)² in one pass
  const def = new Map(out.map((q) => [q[1], q] as [number, number[]]));
  out = out.filter((q) => {
    if (q[0] !== Op.SQ || q[5] & 1) return true;
    const p = def.get(q[2]);
    if (!p || !FUSES.has(p[0]) || p[5] & 12 || uses.get(q[2]) !== 1) return true;
    p[5] |= 4;
    p[1] = q[1];
    def.set(q[1], p);
    return false;
  });
  count(out);
  const last = out[out.length - 1];
  let reduces = false;
  if (sum && last && last[1] === res && uses.get(res) === 1 && (FUSES.has(last[0]) || last[0] === Op.SQ) && !(last[5] & 8)) {
    last[5] |= 8;
    reduces = true;
  }
  if (minOff === Infinity) { minOff = 0; maxOff = -1; }
  return { fast: Int32Array.from(out.flat()), minOff, maxOff, reduces };
}

