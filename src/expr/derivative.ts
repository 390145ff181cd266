// Symbolic ∂f/∂x_t. A sum over i of g(x[a·i + b]) contributes, for each distinct affine
// reference, the one term whose index equals t (a `pick`, O(1)), not a loop over every i
// testing i: so the gradient of sum(i, 0, n-2, …x[i+1]…x[i]…) is O(n), not O(n²).
// Indices that are not affine in their loop variable fall back to a guarded loop.
import { children, freshVar, int, mapNode, type IExpr, type IVar, type Node, type NodeOf } from './ast';
import { callDerivative } from './deriv-rules';
import { affine, decideLE, iconst, ihas, ikey, inorm, isubst, iuses } from './iexpr';
import {
  add, addN, call, div, guard, loop, mul, mulN, neg, ONE, pow, sel, simplify, sub, when, ZERO,
} from './simplify';

/** Differentiate with respect to parameter t (a known index) or the runtime index i ('I'),
 *  used when n is unknown until call time. */
export type Target = number | 'I';

type Mode = 'zero' | 'rest' | { pick: string };

interface Ctx {
  target: Target;
  /** references outside every loop follow the target (else they count 0) */
  top: boolean;
  /** enclosing loops being differentiated, outermost first, and how their own references count */
  stack: readonly IVar[];
  modes: ReadonlyMap<number, Mode>;
  /** loops met below pick their own terms (else their references count 0) */
  tMode: boolean;
  memo: Map<Node, Node>;
}

const xfreeMemo = new WeakMap<Node, boolean>();
/** no x anywhere below (data and indices are constants for differentiation) */
export function xfree(n: Node): boolean {
  const hit = xfreeMemo.get(n);
  if (hit !== undefined) return hit;
  const r = n.k !== 'var' && n.k !== 'xat' && children(n).every(xfree);
  xfreeMemo.set(n, r);
  return r;
}

const targetIdx = (t: Target): IExpr => (t === 'I' ? { k: 'di' } : int(t));
const groupKey = (a: number, b: IExpr) => `${a}|${ikey(b)}`;

/** Symbolic ∂f/∂x_t, simplified. */
export function derivative(f: Node, t: Target): Node {
  return diff(simplify(f), { target: t, top: true, stack: [], modes: new Map(), tMode: true, memo: new Map() });
}

/** The deepest enclosing loop whose variable the index uses (null: none, a top-level reference). */
function owner(idx: IExpr, stack: readonly IVar[]): IVar | null {
  for (let k = stack.length - 1; k >= 0; k--) if (iuses(idx, stack[k])) return stack[k];
  return null;
}

function leaf(idx: IExpr, ctx: Ctx): Node {
  const o = owner(idx, ctx.stack);
  if (!o) {
    if (!ctx.top) return ZERO;
    const c = iconst(idx);
    if (c !== null) return ctx.target === 'I' ? when(c, ONE) : c === ctx.target ? ONE : ZERO;
    return guard(idx, targetIdx(ctx.target), ONE);
  }
  const mode = ctx.modes.get(o.id) ?? 'zero';
  if (mode === 'zero') return ZERO;
  const af = affine(idx, o);
  if (mode === 'rest') return af ? ZERO : guard(idx, targetIdx(ctx.target), ONE);
  return af && groupKey(af.a, af.b) === mode.pick ? ONE : ZERO;
}

function diff(n: Node, ctx: Ctx): Node {
  const hit = ctx.memo.get(n);
  if (hit) return hit;
  const out = diffNode(n, ctx);
  ctx.memo.set(n, out);
  return out;
}

function diffNode(n: Node, ctx: Ctx): Node {
  const d = (m: Node) => diff(m, ctx);
  switch (n.k) {
    case 'num': case 'data': case 'ival': return ZERO;
    case 'var': return leaf(int(n.i), ctx);
    case 'xat': return leaf(n.idx, ctx);
    case 'neg': return neg(d(n.a));
    case 'add': return addN(n.xs.map((x, k) => ({ n: d(x), neg: n.neg[k] })));
    case 'mul': {
      const terms: Node[] = [];
      n.xs.forEach((x, k) => {
        const dk = d(x);
        if (dk.k === 'num' && dk.v === 0) return;
        const others = n.xs.flatMap((y, j) => (j === k ? [] : [{ n: y, inv: n.inv[j] }]));
        // d(1/g) = −dg/g²
        terms.push(n.inv[k]
          ? neg(mulN([...others, { n: dk, inv: false }, { n: x, inv: true }, { n: x, inv: true }]))
          : mulN([...others, { n: dk, inv: false }]));
      });
      return addN(terms.map((t) => ({ n: t, neg: false })));
    }
    case 'pow': {
      const { a, b } = n;
      if (xfree(b)) return mul(mul(b, pow(a, sub(b, ONE))), d(a));
      if (xfree(a)) return mul(mul(n, call('log', a)), d(b));
      return mul(n, add(mul(d(b), call('log', a)), div(mul(b, d(a)), a)));
    }
    case 'call': {
      if (xfree(n)) return ZERO;
      return callDerivative(n.f, n, n.args, n.args.map(d));
    }
    case 'sel': return sel(n.op, n.a, n.b, d(n.t), d(n.f));
    case 'when': return when(n.j, d(n.t));
    case 'guard': return guard(n.a, n.b, d(n.t));
    case 'loop': return xfree(n.body) ? ZERO : diffLoop(n, ctx);
    case 'pick': throw new Error('numgrad: internal error: a derivative of a derivative was asked for');
  }
}

/** Π_{w ≠ v} body(w): the other factors of a product, for its derivative */
function productExcept(l: NodeOf<'loop'>): Node {
  const w = freshVar(`${l.v.name}'`);
  return loop('prod', w, l.lo, l.hi, substVar(l.body, l.v, { k: 'iv', v: w }), { k: 'iv', v: l.v });
}

function diffLoop(l: NodeOf<'loop'>, ctx: Ctx): Node {
  if (l.skip) throw new Error('numgrad: internal error: cannot differentiate a loop with a skip');
  const stack = [...ctx.stack, l.v];
  const withMode = (base: ReadonlyMap<number, Mode> | null, m: Mode) => {
    const modes = new Map(base ?? []);
    if (!base) for (const v of ctx.stack) modes.set(v.id, 'zero');
    modes.set(l.v.id, m);
    return modes;
  };
  const times = (dBody: Node) => (l.op === 'prod' ? mul(dBody, productExcept(l)) : dBody);
  if (!ctx.tMode) {
    const c: Ctx = { ...ctx, stack, modes: withMode(ctx.modes, 'zero'), memo: new Map() };
    return loop('sum', l.v, l.lo, l.hi, times(diff(l.body, c)), undefined, l.ew);
  }
  const terms: Node[] = [];
  for (const g of ownedGroups(l)) {
    const c: Ctx = { target: ctx.target, top: false, stack, modes: withMode(null, { pick: g.key }), tMode: false, memo: new Map() };
    terms.push(pick(l.v, g.a, g.b, l.lo, l.hi, times(diff(l.body, c)), ctx.target));
  }
  const rest: Ctx = { ...ctx, stack, modes: withMode(ctx.modes, 'rest'), memo: new Map() };
  terms.push(loop('sum', l.v, l.lo, l.hi, times(diff(l.body, rest)), undefined, l.ew));
  return addN(terms.map((t) => ({ n: t, neg: false })));
}

/** The distinct affine references x[a·v + b] the loop owns (not those of loops inside it). */
function ownedGroups(l: NodeOf<'loop'>): { key: string; a: number; b: IExpr }[] {
  const groups = new Map<string, { key: string; a: number; b: IExpr }>();
  const seen = new Set<Node>();
  const go = (n: Node, nested: readonly IVar[]) => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.k === 'xat' && iuses(n.idx, l.v) && !nested.some((w) => iuses(n.idx, w))) {
      const af = affine(n.idx, l.v);
      if (af) {
        const key = groupKey(af.a, af.b);
        if (!groups.has(key)) groups.set(key, { key, a: af.a, b: af.b });
      }
    }
    const inner = n.k === 'loop' || n.k === 'pick' ? [...nested, n.v] : nested;
    for (const c of children(n)) go(c, inner);
  };
  go(l.body, []);
  return [...groups.values()];
}

/** body at v = (t − b)/a when that is an integer in [lo, hi], else 0; resolved now when the
 *  range check can be decided (0 ≤ t ≤ n − 1 is known). */
export function pick(v: IVar, a: number, b: IExpr, lo: IExpr, hi: IExpr, body: Node, t: Target): Node {
  if (body.k === 'num' && body.v === 0) return ZERO;
  const T = targetIdx(t);
  const q = inorm({ k: 'iop', op: '-', a: T, b });
  const qc = iconst(q);
  let at: IExpr | null = null;
  if (a === 1) at = q;
  else if (a === -1) at = inorm({ k: 'iop', op: '-', a: int(0), b: q });
  else if (qc !== null) {
    if (qc % a !== 0) return ZERO;
    at = int(qc / a);
  }
  if (at) {
    const minN = t === 'I' ? 1 : t + 1;
    const okLo = decideLE(lo, at, minN), okHi = decideLE(at, hi, minN);
    if (okLo === false || okHi === false) return ZERO;
    if (okLo && okHi) return substVar(body, v, at);
  }
  return { k: 'pick', v, a, b: inorm(b), lo: inorm(lo), hi: inorm(hi), body, t: T };
}

/** Replaces loop variable v by an index expression everywhere below n (x[v+1] at v = 2 is x3). */
export function substVar(n: Node, v: IVar, by: IExpr): Node {
  const s = (e: IExpr) => isubst(e, v, by);
  return mapNode(n, (m) => {
    switch (m.k) {
      case 'xat': {
        const idx = s(m.idx);
        return idx.k === 'int' ? (idx.v >= 0 ? { k: 'var', i: idx.v } : { k: 'num', v: NaN }) : { k: 'xat', idx };
      }
      case 'data': return { k: 'data', name: m.name, idx: s(m.idx) };
      case 'ival': {
        const idx = s(m.idx);
        return idx.k === 'int' ? { k: 'num', v: idx.v } : { k: 'ival', idx };
      }
      case 'guard': return guard(s(m.a), s(m.b), m.t);
      case 'loop': return loop(m.op, m.v, s(m.lo), s(m.hi), m.body, m.skip && s(m.skip), m.ew);
      case 'pick': return { ...m, b: s(m.b), lo: s(m.lo), hi: s(m.hi) };
      default: return m;
    }
  });
}

/** n known at compile time: every n in indices becomes that number. */
export function substLen(root: Node, n: number): Node {
  const s = (e: IExpr) => (ihas(e, (a) => a.k === 'len') ? inorm(mapLen(e, n)) : e);
  return mapNode(root, (m) => {
    switch (m.k) {
      case 'xat': {
        const idx = s(m.idx);
        return idx.k === 'int' ? (idx.v >= 0 && idx.v < n ? { k: 'var', i: idx.v } : { k: 'num', v: NaN }) : { ...m, idx };
      }
      case 'data': return { ...m, idx: s(m.idx) };
      case 'ival': {
        const idx = s(m.idx);
        return idx.k === 'int' ? { k: 'num', v: idx.v } : { ...m, idx };
      }
      case 'loop': {
        const out = { ...m, lo: s(m.lo), hi: s(m.hi) };
        if (m.skip) out.skip = s(m.skip);
        return out;
      }
      default: return m;
    }
  });
}

function mapLen(e: IExpr, n: number): IExpr {
  if (e.k === 'len') return int(n);
  if (e.k !== 'iop') return e;
  return { k: 'iop', op: e.op, a: mapLen(e.a, n), b: mapLen(e.b, n) };
}
