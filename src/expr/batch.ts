// The batched float64 machine: an AST compiled (no eval, no Function constructor) to a list
// of instructions over registers of CHUNK points each (batch-kernels.ts), run over many points
// at once: a gradient's perturbed points, a batch's rows, a Jacobian plan's lanes. Sums over an
// index loop over the index, each body instruction over the chunk; what does not depend on a
// loop's index is computed before the loop (once per chunk). Shared subexpressions (DAG nodes)
// are computed once into a register. Registers are per point, shared by the chunk, or per run
// of points on one base row (batch-kernels.ts); sums keep the terms a chunk shares
// (batch-loop.ts); with few parameters only the instructions that read the replaced
// coordinate run (batch-cone.ts). Every operation is the closure tree's, in its order, so the
// bits are the same. What it does not compile (derivative-only nodes) is evaluated per point
// by the closure tree instead (Compiled.evalBatch), never wrongly.
import { FN_IMPL, ownIndices, children, useCounts, walk, type IExpr, type Node } from './ast';
import {
  BINARY, binaryStep, BState, call2Step, CHUNK, dataStep, konstStep, loadAtStep, loadStep, selStep,
  unaryStep, uniformStep, type Index, type Step,
} from './batch-kernels';
import { loopStep, type TermReads } from './batch-loop';
import { affine, iconst } from './iexpr';
import { runChunks, type PointSource } from './batch-source';
import type { Cone, Plan } from './batch-cone';

export type { PointSource } from './batch-source';

class Unsupported extends Error {}

/** An instruction list (the top level, or one loop's body) and the registers free in it. */
interface List { steps: Step[]; free: number[] }

const NO_VARS: readonly number[] = [];
/** registers at most (of CHUNK doubles: 64 MB) */
const MAX_REGS = 32768;

class BatchCompiler {
  regs = 0;
  readonly top: List = { steps: [], free: [] };
  /** loop variables being compiled: id → the loop body's list and the variable's slot */
  private readonly active = new Map<number, { list: List; slot: number; depth: number }>();
  private slots = 0;
  private readonly owner = new Map<number, List>();
  private readonly pinned = new Set<number>();
  private readonly memo = new Map<Node, { r: number; list: List }>();
  private readonly vars = new Map<Node, readonly number[]>();
  private readonly counts: Map<Node, number>;
  // the top list's instructions, for cone evaluation (batch-cone.ts): destination, the
  // parameters read (bits), operands and the instruction that wrote each
  private readonly tDst: number[] = [];
  private readonly tDeps: number[] = [];
  private readonly tOff: number[] = [0];
  private readonly tReg: number[] = [];
  private readonly tProd: number[] = [];
  private readonly regDeps = new Map<number, number>();
  private readonly writer = new Map<number, number>();
  /** loops being compiled: the lists inside each, and the registers from outside them its body reads */
  private readonly loops: { lists: Set<List>; inputs: Set<number> }[] = [];

  /** parameters read by more than one node: loaded once (pure, so one register serves all) */
  private readonly multi = new Set<number>();
  private readonly loaded = new Map<number, number>();

  constructor(root: Node, private readonly data: ReadonlyMap<string, Float64Array>) {
    this.counts = useCounts([root]);
    const seen = new Set<number>();
    walk(root, (m) => { if (m.k === 'var') { if (seen.has(m.i)) this.multi.add(m.i); seen.add(m.i); } });
  }

  get slotCount(): number { return this.slots; }

  private alloc(list: List): number {
    const r = list.free.pop() ?? this.regs++;
    this.owner.set(r, list);
    return r;
  }

  /** r is consumed by an instruction of `list`: reusable after it, if it was made there
   *  (a value made before a loop and read in its body must survive every iteration) */
  private release(r: number, list: List): void {
    if (!this.pinned.has(r) && this.owner.get(r) === list) list.free.push(r);
  }

  /** loop variables n reads that no loop inside n binds */
  private freeVars(n: Node): readonly number[] {
    const hit = this.vars.get(n);
    if (hit) return hit;
    const set = new Set<number>();
    const ivs = (e: IExpr): void => {
      if (e.k === 'iv') set.add(e.v.id);
      else if (e.k === 'iop') { ivs(e.a); ivs(e.b); }
    };
    for (const e of ownIndices(n)) ivs(e);
    for (const c of children(n)) for (const v of this.freeVars(c)) set.add(v);
    if (n.k === 'loop' || n.k === 'pick') set.delete(n.v.id);
    const out = set.size ? [...set] : NO_VARS;
    this.vars.set(n, out);
    return out;
  }

  /** the list n's instructions go into: the body of the innermost loop whose index it reads */
  private listOf(n: Node): List {
    let best: { list: List; depth: number } | null = null;
    for (const v of this.freeVars(n)) {
      const a = this.active.get(v);
      if (!a) throw new Unsupported(); // an index no enclosing sum binds
      if (!best || a.depth > best.depth) best = a;
    }
    return best ? best.list : this.top;
  }

  index(e: IExpr): Index {
    switch (e.k) {
      case 'int': { const v = e.v; return () => v; }
      case 'iv': {
        const a = this.active.get(e.v.id);
        if (!a) throw new Unsupported();
        const k = a.slot;
        return (s) => s.iv[k];
      }
      case 'len': return (s) => s.L;
      case 'di': return (s) => s.di;
      case 'oi': return (s) => s.oi;
      case 'iop': {
        const a = this.index(e.a), b = this.index(e.b);
        if (e.op === '+') return (s) => a(s) + b(s);
        if (e.op === '-') return (s) => a(s) - b(s);
        return (s) => a(s) * b(s);
      }
    }
  }

  compile(n: Node): number {
    const hit = this.memo.get(n);
    if (hit) return hit.r;
    const list = this.listOf(n);
    const r = this.node(n, list);
    if ((this.counts.get(n) ?? 0) > 1) {
      this.memo.set(n, { r, list });
      this.pinned.add(r);
    }
    return r;
  }

  /** an instruction of `list` reading `args` (released first: d may reuse one, elementwise);
   *  `leaf`: the parameters a leaf reads (bit k: x_k, −1: any) */
  private emit(list: List, args: number[], make: (d: number) => Step, leaf = 0): number {
    this.reads(list, args);
    for (const a of args) this.release(a, list);
    const d = this.alloc(list);
    list.steps.push(make(d));
    if (list === this.top) this.recordTop(d, args, leaf);
    return d;
  }

  private recordTop(d: number, args: readonly number[], leaf: number): void {
    let deps = leaf;
    for (const a of args) {
      deps |= this.regDeps.get(a) ?? -1;
      this.tReg.push(a);
      this.tProd.push(this.writer.get(a) ?? -1);
    }
    this.tOff.push(this.tReg.length);
    this.tDst.push(d);
    this.tDeps.push(deps);
    this.regDeps.set(d, deps);
    this.writer.set(d, this.tDst.length - 1);
  }

  cone(res: number): Cone | null {
    if (this.tDst.length > 1024) return null;
    return {
      dst: Int32Array.from(this.tDst), deps: Int32Array.from(this.tDeps), off: Int32Array.from(this.tOff),
      reg: Int32Array.from(this.tReg), prod: Int32Array.from(this.tProd), root: this.writer.get(res) ?? -1,
      base: new Float64Array(this.tDst.length),
    };
  }

  private reads(list: List, args: readonly number[]): void {
    for (const lp of this.loops) {
      if (!lp.lists.has(list)) continue;
      for (const a of args) if (!lp.lists.has(this.owner.get(a)!)) lp.inputs.add(a);
    }
  }

  /** the value of a constant exponent (as the closure tree folds it: a number, negated) */
  private constOf(n: Node): number | undefined {
    if (n.k === 'num') return n.v;
    if (n.k === 'neg') { const v = this.constOf(n.a); return v === undefined ? undefined : -v; }
    return undefined;
  }

  private node(n: Node, list: List): number {
    switch (n.k) {
      case 'num': { const v = n.v; return this.emit(list, [], (d) => konstStep(d, v)); }
      case 'var': {
        const i = n.i, hit = this.loaded.get(i);
        if (hit !== undefined) return hit;
        const r = this.emit(list, [], (d) => loadStep(d, i), i < 31 ? 1 << i : -1);
        if (this.multi.has(i)) { this.loaded.set(i, r); this.pinned.add(r); }
        return r;
      }
      case 'xat': { const I = this.index(n.idx); return this.emit(list, [], (d) => loadAtStep(d, I), -1); }
      case 'data': {
        const arr = this.data.get(n.name);
        if (!arr) throw new Unsupported();
        const I = this.index(n.idx);
        return this.emit(list, [], (d) => dataStep(d, arr, I));
      }
      case 'ival': { const I = this.index(n.idx); return this.emit(list, [], (d) => uniformStep(d, I)); }
      case 'neg': {
        const c = this.constOf(n);
        if (c !== undefined) return this.emit(list, [], (d) => konstStep(d, c));
        const a = this.compile(n.a);
        return this.emit(list, [a], (d) => unaryStep('neg', null, d, a));
      }
      case 'add': case 'mul': {
        const flags = n.k === 'add' ? n.neg : n.inv;
        let acc = this.compile(n.xs[0]);
        for (let k = 1; k < n.xs.length; k++) {
          const b = this.compile(n.xs[k]);
          const op = n.k === 'add' ? (flags[k] ? BINARY['-'] : BINARY['+']) : flags[k] ? BINARY['/'] : BINARY['*'];
          const a = acc;
          acc = this.emit(list, [a, b], (d) => binaryStep(op, d, a, b));
        }
        return acc;
      }
      case 'pow': {
        const a = this.compile(n.a);
        // u² is u·u, as the closure tree's (V8's Math.pow(u, 2) is the same product)
        if (this.constOf(n.b) === 2) return this.emit(list, [a], (d) => unaryStep('sq', null, d, a));
        const b = this.compile(n.b);
        return this.emit(list, [a, b], (d) => binaryStep(BINARY.pow, d, a, b));
      }
      case 'call': {
        const fn = FN_IMPL[n.f];
        if (n.args.length === 1) {
          const a = this.compile(n.args[0]);
          return this.emit(list, [a], (d) => unaryStep(n.f, fn as (u: number) => number, d, a));
        }
        const a = this.compile(n.args[0]), b = this.compile(n.args[1]);
        return this.emit(list, [a, b], (d) => call2Step(fn as (u: number, v: number) => number, d, a, b));
      }
      case 'sel': {
        const a = this.compile(n.a), b = this.compile(n.b), t = this.compile(n.t), f = this.compile(n.f);
        const op = n.op;
        return this.emit(list, [a, b, t, f], (d) => selStep(op, d, a, b, t, f));
      }
      case 'loop': return this.loop(n, list);
      default: throw new Unsupported(); // when/guard/pick: derivatives only
    }
  }

  private loop(n: Extract<Node, { k: 'loop' }>, list: List): number {
    if (this.active.has(n.v.id)) throw new Unsupported();
    const LO = this.index(n.lo), HI = this.index(n.hi), SK = n.skip ? this.index(n.skip) : null;
    const acc = this.alloc(list);
    const body: List = { steps: [], free: [] };
    const depth = this.active.size + 1, slot = this.slots++;
    for (const lp of this.loops) lp.lists.add(body);
    const ctx = { lists: new Set([body]), inputs: new Set<number>() };
    this.loops.push(ctx);
    this.active.set(n.v.id, { list: body, slot, depth });
    let res: number, reads: TermReads | null;
    try {
      res = this.compile(n.body);
      reads = this.termReads(n);
    } finally {
      this.active.delete(n.v.id);
      this.loops.pop();
      for (const [k, e] of [...this.memo]) if (e.list === body) this.memo.delete(k);
    }
    if (reads) reads.inputs = Int32Array.from(ctx.inputs);
    this.reads(list, [res]);
    list.steps.push(loopStep(n.op === 'prod', acc, slot, LO, HI, SK, body.steps, res, reads));
    if (list === this.top) this.recordTop(acc, [...ctx.inputs, res].filter((r) => this.owner.get(r) === this.top), -1);
    // the body's registers are dead once the loop has run
    if (!this.pinned.has(res) && this.owner.get(res) === body) body.free.push(res);
    list.free.push(...body.free);
    return acc;
  }

  /** The x reads of a loop's body, to tell at run time when a term is the same at every point
   *  of a chunk (batch-loop.ts); null when its terms depend on more than its own index. */
  private termReads(n: Extract<Node, { k: 'loop' }>): TermReads | null {
    if (this.freeVars(n).length) return null; // bounds or body read an enclosing index
    const v = n.v.id, offs = new Set<number>(), fixed = new Set<number>(), other: Index[] = [];
    let ok = true;
    walk(n.body, (m) => {
      if (!ok) return;
      if (m.k === 'var') fixed.add(m.i);
      else if (m.k === 'xat') {
        if (this.freeVars({ k: 'ival', idx: m.idx }).some((u) => u !== v)) { ok = false; return; }
        const af = affine(m.idx, n.v), off = af && af.a === 1 ? iconst(af.b) : null;
        if (off !== null) offs.add(off); else other.push(this.index(m.idx));
      }
    });
    if (!ok) return null;
    return { offs: Int32Array.from(offs), fixed: Int32Array.from(fixed), other, inputs: new Int32Array(0) };
  }
}

/** A compiled program: run(src, out, stride, oi) writes the value at point p to out[p·stride]. */
export interface BatchProgram {
  run(src: PointSource, out: Float64Array, stride: number, oi: number): void;
}

/** The program for `root`, or null when some node is not for the machine (derivative nodes). */
export function compileBatch(root: Node, data: ReadonlyMap<string, Float64Array> = new Map()): BatchProgram | null {
  const c = new BatchCompiler(root, data);
  let res: number;
  try {
    res = c.compile(root);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  // registers of CHUNK doubles each: a DAG sharing very many values would need too much memory
  if (c.regs > MAX_REGS) return null;
  const steps = c.top.steps, regs = Math.max(1, c.regs), slots = c.slotCount;
  const cone = c.cone(res), plans = new Map<number, Plan>();
  let state: BState | null = null;
  return {
    run(src, out, stride, oi) {
      // one state per program, reused (evaluation is synchronous and never re-entered)
      const s = state ?? new BState();
      state = null;
      try {
        if (s.R.length < regs * CHUNK) { s.R = new Float64Array(regs * CHUNK); s.U = new Uint8Array(regs); }
        if (s.iv.length < slots) s.iv = new Float64Array(slots);
        s.oi = oi; s.di = 0;
        runChunks(s, src, steps, res, out, stride, cone && cone.root >= 0 ? { cone, plans } : null);
      } finally {
        state = s;
      }
    },
  };
}
