// The float64 evaluator: the AST compiled to a tree of closures (no eval, no Function constructor,
// so it runs under a Content-Security-Policy without 'unsafe-eval'). Sums over an index run on
// the block machine (vm.ts) where it can run them, else as closures with a JS for-loop
// inside; shared subexpressions (derivatives are DAGs) are computed once into a slot; index
// guards in long sums dispatch through a table instead of testing each.
import { FN_IMPL, useCounts, type IExpr, type IVar, type Node } from './ast';
import { binaryC, chain, element, konst, param, powConstC, State, unaryCall, type C, type F } from './eval-ops';
import { affine, iconst } from './iexpr';
import { compare } from './simplify';
import { compileLoopVm } from './vm';

type IF = (s: State) => number;

export type ScalarFn = (x: ArrayLike<number>, i: number, oi?: number) => number;
export type VectorFn = (x: ArrayLike<number>, out: Float64Array) => void;

/** Loop ranges known relative to n or a constant length, for reads that need no check. */
interface Range { lo: number; hiFromLen: number | null; hiConst: number | null }

class Compiler {
  private readonly slots = new Map<number, number>();
  private temps = 0;
  private readonly scopes: Map<Node, number>[] = [new Map()];
  private readonly ranges = new Map<number, Range>();
  constructor(
    private readonly counts: Map<Node, number>,
    private readonly data: ReadonlyMap<string, Float64Array>,
    /** x.length when it is fixed (checked by the caller), for reads that need no check */
    private readonly n: number | null,
    /** run sums over an index on the block machine where it can */
    private readonly machine = true,
  ) {}

  state(): State { return new State(this.slots.size, this.temps); }

  private slot(v: IVar): number {
    let k = this.slots.get(v.id);
    if (k === undefined) { k = this.slots.size; this.slots.set(v.id, k); }
    return k;
  }

  scoped<T>(body: () => T): T {
    this.scopes.push(new Map());
    try { return body(); } finally { this.scopes.pop(); }
  }

  index(e: IExpr): IF {
    switch (e.k) {
      case 'int': { const v = e.v; return () => v; }
      case 'iv': { const k = this.slot(e.v); return (s) => s.iv[k]; }
      case 'len': return (s) => s.L;
      case 'di': return (s) => s.i;
      case 'oi': return (s) => s.oi;
      case 'iop': {
        if (e.b.k === 'int' && e.a.k === 'iv' && e.op !== '*') {
          const k = this.slot(e.a.v), c = e.op === '+' ? e.b.v : -e.b.v;
          return (s) => s.iv[k] + c;
        }
        const a = this.index(e.a), b = this.index(e.b);
        if (e.op === '+') return (s) => a(s) + b(s);
        if (e.op === '-') return (s) => a(s) - b(s);
        return (s) => a(s) * b(s);
      }
    }
  }

  /** whether idx stays within [0, length) for every value of its loop variable */
  private inRange(idx: IExpr, length: number | null): boolean {
    if (idx.k === 'int') return idx.v >= 0 && (length === null ? false : idx.v < length);
    const iv = idx.k === 'iv' ? idx : idx.k === 'iop' && idx.a.k === 'iv' ? idx.a : null;
    if (!iv || iv.k !== 'iv') return false;
    const af = affine(idx, iv.v);
    const r = this.ranges.get(iv.v.id);
    const d = af && af.a === 1 ? iconst(af.b) : null;
    if (!r || d === null || r.lo + d < 0) return false;
    if (length === null && r.hiFromLen !== null) return r.hiFromLen - d >= 1;
    const len = length ?? this.n;
    return len !== null && r.hiConst !== null && r.hiConst + d < len;
  }

  compile(n: Node): C {
    const shared = (this.counts.get(n) ?? 0) > 1 && n.k !== 'num' && n.k !== 'var';
    if (!shared) return this.node(n);
    for (let k = this.scopes.length - 1; k >= 0; k--) {
      const t = this.scopes[k].get(n);
      if (t !== undefined) return { f: (_x, s) => s.tmp[t] };
    }
    const f = this.node(n).f;
    const t = this.temps++;
    this.scopes[this.scopes.length - 1].set(n, t);
    return { f: (x, s) => (s.tmp[t] = f(x, s)) };
  }

  private node(n: Node): C {
    switch (n.k) {
      case 'num': return konst(n.v);
      case 'var': return param(n.i);
      case 'xat': {
        const safe = this.inRange(n.idx, null);
        const e = n.idx;
        // x[v + c]: one closure, no index call
        const v = e.k === 'iv' ? e : e.k === 'iop' && e.op !== '*' && e.a.k === 'iv' && e.b.k === 'int' ? e.a : null;
        if (v && v.k === 'iv') {
          const k = this.slot(v.v), c = e.k === 'iop' ? (e.op === '+' ? (e.b as { v: number }).v : -(e.b as { v: number }).v) : 0;
          if (safe) return element(k, c);
          return { f: (x, s) => { const j = s.iv[k] + c; return j >= 0 && j < s.L ? x[j] : NaN; } };
        }
        const I = this.index(n.idx);
        if (safe) return { f: (x, s) => x[I(s)] };
        return { f: (x, s) => { const k = I(s); return k >= 0 && k < s.L ? x[k] : NaN; } };
      }
      case 'data': {
        const d = this.data.get(n.name)!;
        const I = this.index(n.idx), m = d.length;
        if (this.inRange(n.idx, m)) return { f: (_x, s) => d[I(s)] };
        return { f: (_x, s) => { const k = I(s); return k >= 0 && k < m ? d[k] : NaN; } };
      }
      case 'ival': { const I = this.index(n.idx); return { f: (_x, s) => I(s) }; }
      case 'neg': {
        const a = this.compile(n.a);
        if (a.c !== undefined) return konst(-a.c);
        if (a.x !== undefined) { const i = a.x; return { f: (x) => -x[i] }; }
        const f = a.f;
        return { f: (x, s) => -f(x, s) };
      }
      case 'add': case 'mul': return this.nary(n);
      case 'pow': {
        const a = this.compile(n.a), b = this.compile(n.b);
        if (b.c !== undefined) return powConstC(a, b.c);
        const fa = a.f, fb = b.f;
        return { f: (x, s) => Math.pow(fa(x, s), fb(x, s)) };
      }
      case 'call': {
        const args = n.args.map((a) => this.compile(a));
        const fn = FN_IMPL[n.f];
        if (args.length === 1) return { f: unaryCall(n.f, fn, args[0]) };
        const a = args[0].f, b = args[1].f;
        return { f: (x, s) => fn(a(x, s), b(x, s)) };
      }
      case 'sel': {
        const a = this.compile(n.a).f, b = this.compile(n.b).f;
        const t = this.scoped(() => this.compile(n.t)).f, e = this.scoped(() => this.compile(n.f)).f;
        const op = n.op;
        // NaN on either side is NaN, as on the GPU
        return { f: (x, s) => { const p = a(x, s), q = b(x, s); return p !== p || q !== q ? NaN : compare(op, p, q) ? t(x, s) : e(x, s); } };
      }
      case 'when': {
        const j = n.j, t = this.scoped(() => this.compile(n.t)).f;
        return { f: (x, s) => (s.i === j ? t(x, s) : 0) };
      }
      case 'guard': {
        const a = this.index(n.a), b = this.index(n.b), t = this.scoped(() => this.compile(n.t)).f;
        return { f: (x, s) => (a(s) === b(s) ? t(x, s) : 0) };
      }
      case 'loop': return { f: this.loop(n) };
      case 'pick': {
        const k = this.slot(n.v), a = n.a;
        const B = this.index(n.b), LO = this.index(n.lo), HI = this.index(n.hi), T = this.index(n.t);
        const body = this.scoped(() => this.compile(n.body)).f;
        return {
          f: (x, s) => {
            const q = T(s) - B(s);
            if (q % a !== 0) return 0;
            const v = q / a;
            if (v < LO(s) || v > HI(s)) return 0;
            s.iv[k] = v;
            return body(x, s);
          },
        };
      }
    }
  }

  private loop(n: Extract<Node, { k: 'loop' }>): F {
    const vm = this.machine ? compileLoopVm(n, this.data, (m) => compileScalar(m, this.data, this.n)) : null;
    if (vm) return (x, s) => vm(x, s.i, s.oi);
    const k = this.slot(n.v);
    const LO = this.index(n.lo), HI = this.index(n.hi);
    const lo = iconst(n.lo);
    const hi = n.hi;
    const hiFromLen = hi.k === 'len' ? 0 : hi.k === 'iop' && hi.op === '-' && hi.a.k === 'len' && hi.b.k === 'int' ? hi.b.v : null;
    if (lo !== null) this.ranges.set(n.v.id, { lo, hiFromLen, hiConst: iconst(hi) });
    const body = this.scoped(() => this.compile(n.body)).f;
    this.ranges.delete(n.v.id);
    const SK = n.skip ? this.index(n.skip) : null;
    if (n.op === 'sum' && !SK) {
      return (x, s) => {
        const h = HI(s), iv = s.iv;
        let r = 0;
        for (let j = LO(s); j <= h; j++) { iv[k] = j; r += body(x, s); }
        return r;
      };
    }
    const prod = n.op === 'prod';
    return (x, s) => {
      const h = HI(s), iv = s.iv, sk = SK ? SK(s) : NaN;
      let r = prod ? 1 : 0;
      for (let j = LO(s); j <= h; j++) {
        if (j === sk) continue;
        iv[k] = j;
        r = prod ? r * body(x, s) : r + body(x, s);
      }
      return r;
    };
  }

  private nary(n: Extract<Node, { k: 'add' | 'mul' }>): C {
    const flags = n.k === 'add' ? n.neg : n.inv;
    const isMul = n.k === 'mul';
    // derivative sums of many index guards: one table lookup instead of a test per term
    const guarded = isMul ? [] : n.xs.filter((x) => x.k === 'when');
    if (guarded.length > 8) {
      const table = new Map<number, { f: F; neg: boolean }>();
      const restXs: Node[] = [], restNeg: boolean[] = [];
      n.xs.forEach((x, k) => {
        if (x.k === 'when') table.set(x.j, { f: this.scoped(() => this.compile(x.t)).f, neg: flags[k] });
        else { restXs.push(x); restNeg.push(flags[k]); }
      });
      const rest = restXs.length ? this.nary({ k: 'add', xs: restXs, neg: restNeg }).f : () => 0;
      return { f: (x, s) => { const t = table.get(s.i); const r = rest(x, s); return t ? (t.neg ? r - t.f(x, s) : r + t.f(x, s)) : r; } };
    }
    const cs = n.xs.map((x) => this.compile(x));
    if (cs.length <= 4) {
      let acc = cs[0];
      for (let k = 1; k < cs.length; k++) {
        const op = isMul ? (flags[k] ? '/' : '*') : flags[k] ? '-' : '+';
        acc = binaryC(op, acc, cs[k]);
      }
      return acc;
    }
    return { f: chain(isMul, cs.map((c) => c.f), flags) };
  }
}

function toF64(x: ArrayLike<number>): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/** f(x) → number; `i` is the differentiation index, `oi` the output index. Sums over an
 *  index run on the block machine (vm.ts) where it can run them, the rest as closures. */
export function compileScalar(n: Node, data: ReadonlyMap<string, Float64Array> = new Map(), len: number | null = null): ScalarFn {
  const c = new Compiler(useCounts([n]), data, len, true);
  const f = c.compile(n).f;
  const s = c.state();
  return (x, i, oi = 0) => {
    const v = toF64(x);
    s.x = v; s.L = v.length; s.i = i; s.oi = oi;
    return f(v, s);
  };
}

/** The closure tree alone, sums included (the benchmark's twin of the machine). */
export function closureScalar(n: Node, data: ReadonlyMap<string, Float64Array> = new Map(), len: number | null = null): ScalarFn {
  const c = new Compiler(useCounts([n]), data, len, false);
  const f = c.compile(n).f;
  const s = c.state();
  return (x, i, oi = 0) => {
    const v = toF64(x);
    s.x = v; s.L = v.length; s.i = i; s.oi = oi;
    return f(v, s);
  };
}

/** Writes every component: out[k] = nodes[k](x). */
export function compileVector(nodes: readonly Node[], data: ReadonlyMap<string, Float64Array> = new Map(), len: number | null = null): VectorFn {
  const c = new Compiler(useCounts(nodes), data, len);
  // each component is its own scope: a subexpression shared between two is computed in each
  const fs = nodes.map((n) => c.scoped(() => c.compile(n).f));
  const s = c.state();
  return (x, out) => {
    const v = toF64(x);
    s.x = v; s.L = v.length;
    for (let k = 0; k < fs.length; k++) out[k] = fs[k](v, s);
  };
}
