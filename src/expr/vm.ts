// Sums over an index on a register machine (no eval, no Function constructor), called by the
// closure tree (eval.ts) for each sum it can run: the body runs a block of indices at a time
// (vm-run.ts), with the parts that do not depend on the index hoisted out of the loop and
// computed once by scalar instructions, as are the bounds. What the machine does not run
// inside a sum (a sum over an index the body depends on, a skipped index) makes the whole sum
// a closure again; a hoisted part it does not run is a closure called from one instruction.
// Derivative nodes (when/guard/pick) stay with the closure tree, whose index tables suit them.
import { ownIndices, some, walk, type IExpr, type IVar, type Node } from './ast';
import { affine, iconst, iuses } from './iexpr';
import { fuse } from './vm-fuse';
import { BLOCK, FN1, Op, OPW, runScalar, UNARY_OPS, type Fn1, type Fn2, type LoopRun, type ScalarRun, type SelSpec, type Tables } from './vm-run';

const CMP: Record<string, number> = { '<': 0, '<=': 1, '>': 2, '>=': 3, '==': 4, '!=': 5 };

class Unsupported extends Error {}

type Closure = (x: Float64Array, i: number, oi: number) => number;
export type ClosureCompiler = (n: Node) => Closure;

/** An instruction stream and its register file under construction. */
class Code {
  code: number[] = [];
  consts: [number, number][] = [];
  regs = 0;
  reg(): number { return this.regs++; }
  konst(v: number): number { const r = this.reg(); this.consts.push([r, v]); return r; }
  emit(op: number, a = 0, b = 0, e = 0): number {
    const d = this.reg();
    this.code.push(op, d, a, b, e, 0);
    return d;
  }
}

class VmCompiler {
  readonly top = new Code();
  readonly t: Tables = { fns: [], sels: [], data: [] };
  readonly loops: LoopRun[] = [];
  readonly clos: Closure[] = [];
  private readonly memo = new Map<Node, number>();
  private readonly konsts = new Map<number, number>();
  private readonly xs = new Map<number, number>();
  readonly len = this.top.reg();
  readonly di = this.top.reg();
  readonly oi = this.top.reg();
  private readonly dataIds = new Map<string, number>();

  constructor(private readonly data: ReadonlyMap<string, Float64Array>, private readonly fallback: ClosureCompiler) {}

  private fn(f: Fn1 | Fn2): number { this.t.fns.push(f); return this.t.fns.length - 1; }
  private dataId(name: string): number {
    let k = this.dataIds.get(name);
    if (k === undefined) { k = this.t.data.length; this.t.data.push(this.data.get(name)!); this.dataIds.set(name, k); }
    return k;
  }
  private sconst(v: number): number {
    if (Number.isNaN(v) || Object.is(v, -0)) return this.top.konst(v);
    let r = this.konsts.get(v);
    if (r === undefined) { r = this.top.konst(v); this.konsts.set(v, r); }
    return r;
  }

  /** Index expression outside any vectorised sum: a scalar register. */
  sindex(e: IExpr): number {
    switch (e.k) {
      case 'int': return this.sconst(e.v);
      case 'len': return this.len;
      case 'di': return this.di;
      case 'oi': return this.oi;
      case 'iv': throw new Unsupported();
      case 'iop': {
        const a = this.sindex(e.a), b = this.sindex(e.b);
        return this.top.emit(e.op === '+' ? Op.ADD : e.op === '-' ? Op.SUB : Op.MUL, a, b);
      }
    }
  }

  scalar(n: Node): number {
    const hit = this.memo.get(n);
    if (hit !== undefined) return hit;
    const r = this.snode(n);
    this.memo.set(n, r);
    return r;
  }

  private snode(n: Node): number {
    const c = this.top;
    switch (n.k) {
      case 'num': return this.sconst(n.v);
      case 'var': {
        let r = this.xs.get(n.i);
        if (r === undefined) { r = c.emit(Op.LOADX, n.i); this.xs.set(n.i, r); }
        return r;
      }
      case 'xat': return c.emit(Op.GATHERX, this.sindex(n.idx));
      case 'data': return c.emit(Op.GATHERD, this.sindex(n.idx), 0, this.dataId(n.name));
      case 'ival': return this.sindex(n.idx);
      case 'neg': return c.emit(Op.NEG, this.scalar(n.a));
      case 'add': case 'mul': {
        const flags = n.k === 'add' ? n.neg : n.inv;
        let acc = this.scalar(n.xs[0]);
        for (let k = 1; k < n.xs.length; k++) {
          const b = this.scalar(n.xs[k]);
          acc = c.emit(n.k === 'add' ? (flags[k] ? Op.SUB : Op.ADD) : flags[k] ? Op.DIV : Op.MUL, acc, b);
        }
        return acc;
      }
      case 'pow': {
        const a = this.scalar(n.a);
        if (n.b.k === 'num' && n.b.v === 2) return c.emit(Op.SQ, a);
        return c.emit(Op.POW, a, this.scalar(n.b));
      }
      case 'call': {
        const args = n.args.map((a) => this.scalar(a));
        if (args.length === 1) {
          const op = UNARY_OPS[n.f];
          return op !== undefined ? c.emit(op, args[0]) : c.emit(Op.CALL1, args[0], 0, this.fn(FN1[n.f]));
        }
        return c.emit(Op.CALL2, args[0], args[1], this.fn(FN1[n.f] as unknown as Fn2));
      }
      case 'sel': {
        const a = this.scalar(n.a), b = this.scalar(n.b), t = this.scalar(n.t), f = this.scalar(n.f);
        this.t.sels.push({ op: CMP[n.op], t, f } satisfies SelSpec);
        return c.emit(Op.SEL, a, b, this.t.sels.length - 1);
      }
      case 'loop': {
        const lp = n.op === 'sum' || n.op === 'prod' ? this.vloop(n) : null;
        if (lp) { this.loops.push(lp); return c.emit(Op.LOOP, 0, 0, this.loops.length - 1); }
        this.clos.push(this.fallback(n));
        return c.emit(Op.CLOS, 0, 0, this.clos.length - 1);
      }
      default: throw new Unsupported();
    }
  }

  /** A sum or product over v as a block loop, or null (it then runs as a closure). */
  private vloop(n: Extract<Node, { k: 'loop' }>): LoopRun | null {
    if (n.skip) return null;
    const lo = this.sindex(n.lo), hi = this.sindex(n.hi);
    const saved = { code: this.top.code.length, regs: this.top.regs };
    try {
      const v = new VecLoop(this, n.v);
      const res = v.node(n.body);
      const R = new Float64Array(Math.max(1, v.c.regs) * BLOCK);
      for (const [r, val] of v.c.consts) R.fill(val, r * BLOCK, r * BLOCK + BLOCK);
      const fast = fuse(v.c.code, res, n.op === 'sum', this.t.sels);
      return { lo, hi, prod: n.op === 'prod', code: Int32Array.from(v.c.code), ...fast, bcast: Int32Array.from(v.bcast), R, res };
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      // drop what the attempt hoisted (registers stay allocated, harmlessly)
      this.top.code.length = saved.code;
      for (const [k, r] of [...this.memo]) if (r >= saved.regs) this.memo.delete(k);
      for (const [k, r] of [...this.xs]) if (r >= saved.regs) this.xs.delete(k);
      for (const [k, r] of [...this.konsts]) if (r >= saved.regs) this.konsts.delete(k);
      return null;
    }
  }

  topLoop(n: Extract<Node, { k: 'loop' }>): number | null {
    const lp = this.vloop(n);
    if (!lp) return null;
    this.loops.push(lp);
    return this.top.emit(Op.LOOP, 0, 0, this.loops.length - 1);
  }

  dataIndex(name: string): number { return this.dataId(name); }
  fnIndex(f: Fn1 | Fn2): number { return this.fn(f); }
}

/** The body of one sum over v, compiled for blocks of indices. */
class VecLoop {
  readonly c = new Code();
  readonly bcast: number[] = [];
  private readonly memo = new Map<Node, number>();
  private readonly dep = new Map<Node, boolean>();
  private readonly vconsts = new Map<number, number>();
  constructor(private readonly outer: VmCompiler, private readonly v: IVar) {}

  private depends(n: Node): boolean {
    let d = this.dep.get(n);
    if (d === undefined) {
      d = some(n, (m) => ownIndices(m).some((e) => iuses(e, this.v)));
      this.dep.set(n, d);
    }
    return d;
  }

  private konst(v: number): number {
    if (Number.isNaN(v) || Object.is(v, -0)) return this.c.konst(v);
    let r = this.vconsts.get(v);
    if (r === undefined) { r = this.c.konst(v); this.vconsts.set(v, r); }
    return r;
  }

  /** a value computed once outside the loop, broadcast into a block register */
  private hoist(scalarReg: number): number {
    const r = this.c.reg();
    this.bcast.push(r, scalarReg);
    return r;
  }

  private index(e: IExpr): number {
    if (!iuses(e, this.v)) {
      const ic = iconst(e);
      return ic !== null ? this.konst(ic) : this.hoist(this.outer.sindex(e));
    }
    if (e.k === 'iv') return this.c.emit(Op.IOTA, 0);
    if (e.k !== 'iop') throw new Unsupported();
    if (e.a.k === 'iv' && e.b.k === 'int' && e.op !== '*') return this.c.emit(Op.IOTA, e.op === '+' ? e.b.v : -e.b.v);
    const a = this.index(e.a), b = this.index(e.b);
    return this.c.emit(e.op === '+' ? Op.ADD : e.op === '-' ? Op.SUB : Op.MUL, a, b);
  }

  node(n: Node): number {
    const hit = this.memo.get(n);
    if (hit !== undefined) return hit;
    let r: number;
    if (n.k === 'num') r = this.konst(n.v);
    else if (!this.depends(n)) r = this.hoist(this.outer.scalar(n));
    else r = this.vnode(n);
    this.memo.set(n, r);
    return r;
  }

  /** c − u, u + c, u − c, u·c with a constant c: one operand read once per block */
  private binary(op: 'add' | 'sub' | 'mul' | 'div', a: Node, ra: number, b: Node, rb: number): number {
    const c = this.c;
    // (−u)·c = u·(−c) and (−u)/c = u/(−c) exactly (negation is exact, rounding symmetric)
    if (b.k === 'num' && a.k === 'neg' && (op === 'mul' || op === 'div')) {
      return c.emit(op === 'mul' ? Op.MULC : Op.DIVC, this.node(a.a), 0, this.konst(-b.v));
    }
    if (b.k === 'num') {
      if (op === 'div') return c.emit(Op.DIVC, ra, 0, rb);
      if (op === 'add') return c.emit(Op.ADDC, ra, 0, rb);
      if (op === 'sub') return c.emit(Op.SUBC, ra, 0, rb);
      if (op === 'mul') return c.emit(Op.MULC, ra, 0, rb);
    }
    if (a.k === 'num') {
      if (op === 'sub') return c.emit(Op.CSUB, rb, 0, ra);
      // c + u and c·u keep their operand order: IEEE + and × commute exactly
      if (op === 'add') return c.emit(Op.ADDC, rb, 0, ra);
      if (op === 'mul') return c.emit(Op.MULC, rb, 0, ra);
    }
    return c.emit(op === 'add' ? Op.ADD : op === 'sub' ? Op.SUB : op === 'mul' ? Op.MUL : Op.DIV, ra, rb);
  }

  private vnode(n: Node): number {
    const c = this.c;
    switch (n.k) {
      case 'xat': {
        const af = affine(n.idx, this.v), off = af && af.a === 1 ? iconst(af.b) : null;
        return off !== null ? c.emit(Op.XOFF, off) : c.emit(Op.GATHERX, this.index(n.idx));
      }
      case 'data': {
        const af = affine(n.idx, this.v), off = af && af.a === 1 ? iconst(af.b) : null;
        const id = this.outer.dataIndex(n.name);
        return off !== null ? c.emit(Op.DATAOFF, off, 0, id) : c.emit(Op.GATHERD, this.index(n.idx), 0, id);
      }
      case 'ival': return this.index(n.idx);
      case 'neg': return c.emit(Op.NEG, this.node(n.a));
      case 'add': case 'mul': {
        const flags = n.k === 'add' ? n.neg : n.inv;
        let acc = this.node(n.xs[0]);
        let accNode: Node = n.xs[0];
        for (let k = 1; k < n.xs.length; k++) {
          const b = this.node(n.xs[k]);
          const op = n.k === 'add' ? (flags[k] ? 'sub' : 'add') : flags[k] ? 'div' : 'mul';
          acc = this.binary(op, accNode, acc, n.xs[k], b);
          accNode = n; // an intermediate result: not a constant
        }
        return acc;
      }
      case 'pow': {
        const a = this.node(n.a);
        if (n.b.k === 'num' && n.b.v === 2) return c.emit(Op.SQ, a);
        return c.emit(Op.POW, a, this.node(n.b));
      }
      case 'call': {
        const args = n.args.map((a) => this.node(a));
        if (args.length === 1) {
          const op = UNARY_OPS[n.f];
          return op !== undefined ? c.emit(op, args[0]) : c.emit(Op.CALL1, args[0], 0, this.outer.fnIndex(FN1[n.f]));
        }
        return c.emit(Op.CALL2, args[0], args[1], this.outer.fnIndex(FN1[n.f] as unknown as Fn2));
      }
      case 'sel': {
        const a = this.node(n.a), b = this.node(n.b), t = this.node(n.t), f = this.node(n.f);
        this.outer.t.sels.push({ op: CMP[n.op], t, f });
        return c.emit(Op.SEL, a, b, this.outer.t.sels.length - 1);
      }
      default: throw new Unsupported(); // a sum over this index inside its own body, …
    }
  }
}

/** Whether n reads the index of a sum that encloses it (the closure tree holds its value;
 *  the machine and its fallback closures could not see it). */
function hasFreeIndex(n: Node): boolean {
  const bound = new Set<number>();
  walk(n, (m) => { if (m.k === 'loop') bound.add(m.v.id); });
  const ivs = (e: IExpr): boolean => (e.k === 'iv' ? !bound.has(e.v.id) : e.k === 'iop' && (ivs(e.a) || ivs(e.b)));
  return some(n, (m) => ownIndices(m).some(ivs));
}

export type VmFn = (x: ArrayLike<number>, i: number, oi?: number) => number;

/** A sum or product over an index on the block machine, or null when its body is not for
 *  the machine (a sum over the same index inside, derivative nodes, an enclosing index). */
export function compileLoopVm(n: Extract<Node, { k: 'loop' }>, data: ReadonlyMap<string, Float64Array>, fallback: ClosureCompiler): VmFn | null {
  if (some(n, (m) => m.k === 'when' || m.k === 'guard' || m.k === 'pick') || hasFreeIndex(n)) return null;
  const vc = new VmCompiler(data, fallback);
  let res: number | null;
  try {
    // the sum itself must go on the machine (else its closure would come back here)
    res = vc.topLoop(n);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  if (res === null) return null;
  const R = new Float64Array(Math.max(1, vc.top.regs));
  for (const [r, v] of vc.top.consts) R[r] = v;
  const prog: ScalarRun = {
    code: Int32Array.from(vc.top.code), R, loops: vc.loops, clos: vc.clos, ...vc.t,
    len: vc.len, di: vc.di, oi: vc.oi, res,
  };
  return (x, i, oi = 0) => runScalar(prog, x as Float64Array, i, oi);
}
