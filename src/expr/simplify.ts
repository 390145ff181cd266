import { FN_IMPL, int, mapNode, num, type CmpOp, type Fn, type IExpr, type IVar, type Node } from './ast';
import { iconst, ikey, inorm, iuses } from './iexpr';

// Smart constructors: build nodes while folding constants and dropping identities, so
// derivatives print readably (d/dx0 of x0^2 is 2*x0, not 2*x0^1*1 + 0). They reassociate
// sums and products, so they are for derivatives only; the user's own expression is
// evaluated as written (foldConstants below keeps its order).

export { num } from './ast';
export const ZERO = num(0);
export const ONE = num(1);

const isNum = (n: Node): n is { k: 'num'; v: number } => n.k === 'num';
/** n is the constant v (either zero for v = 0) */
const isVal = (n: Node, v: number): boolean => n.k === 'num' && n.v === v;

/** t if the differentiation index is j, else 0 */
export function when(j: number, t: Node): Node {
  if (isVal(t, 0)) return ZERO;
  return { k: 'when', j, t };
}

/** t if a == b, else 0 */
export function guard(a: IExpr, b: IExpr, t: Node): Node {
  if (isVal(t, 0)) return ZERO;
  const ca = iconst(a), cb = iconst(b);
  if (ca !== null && cb !== null) return ca === cb ? t : ZERO;
  if (ikey(a) === ikey(b)) return t;
  if (b.k === 'di' && ca !== null) return when(ca, t);
  if (a.k === 'di' && cb !== null) return when(cb, t);
  return { k: 'guard', a: inorm(a), b: inorm(b), t };
}

interface Term { n: Node; neg: boolean }

/** Σ ±terms: nested sums flattened, constants combined (placed last), zeros dropped and
 *  the terms guarded by the same index merged under one guard. */
export function addN(terms: readonly Term[]): Node {
  const out: Term[] = [];
  const whens = new Map<number, Term[]>();
  let c = 0;
  const push = (n: Node, neg: boolean): void => {
    if (n.k === 'num') { c += neg ? -n.v : n.v; return; }
    if (n.k === 'neg') { push(n.a, !neg); return; }
    if (n.k === 'add') { n.xs.forEach((x, k) => push(x, neg !== n.neg[k])); return; }
    if (n.k === 'when') {
      const list = whens.get(n.j);
      if (list) { list.push({ n: n.t, neg }); return; }
      whens.set(n.j, [{ n: n.t, neg }]);
      out.push({ n, neg: false }); // placeholder, rebuilt below
      return;
    }
    // a - 2*x rather than a + -2*x
    const c0 = n.k === 'mul' && isNum(n.xs[0]) ? n.xs[0].v : 0;
    if (n.k === 'mul' && c0 < 0) {
      push(mulN(n.xs.map((x, k) => ({ n: k === 0 ? num(-c0) : x, inv: n.inv[k] }))), !neg);
      return;
    }
    out.push({ n, neg });
  };
  for (const t of terms) push(t.n, t.neg);
  const list = out.map((t) => (t.n.k === 'when' ? { n: when(t.n.j, addN(whens.get(t.n.j)!)), neg: false } : t))
    .filter((t) => !isVal(t.n, 0));
  if (c !== 0 || Number.isNaN(c)) list.push({ n: num(Math.abs(c)), neg: c < 0 });
  if (list.length === 0) return ZERO;
  const first = list.findIndex((t) => !t.neg);
  if (first < 0) {
    const pos = list.length === 1 ? list[0].n : { k: 'add' as const, xs: list.map((t) => t.n), neg: list.map(() => false) };
    return pos.k === 'num' ? num(-pos.v) : { k: 'neg', a: pos };
  }
  if (first > 0) list.unshift(...list.splice(first, 1));
  if (list.length === 1) return list[0].n;
  return { k: 'add', xs: list.map((t) => t.n), neg: list.map((t) => t.neg) };
}

export const add = (a: Node, b: Node): Node => addN([{ n: a, neg: false }, { n: b, neg: false }]);
export const sub = (a: Node, b: Node): Node => addN([{ n: a, neg: false }, { n: b, neg: true }]);

interface Factor { n: Node; inv: boolean }

/** Π factors: nested products flattened, constants combined (leading), signs pulled out,
 *  and an index guard moved outermost so the whole product is skipped for other indices. */
export function mulN(factors: readonly Factor[]): Node {
  const out: Factor[] = [];
  let c = 1;
  let guardJ: number | null = null;
  let conflict = false;
  const push = (n: Node, inv: boolean): void => {
    if (n.k === 'num') { c = inv ? c / n.v : c * n.v; return; }
    if (n.k === 'neg') { c = -c; push(n.a, inv); return; }
    if (n.k === 'mul') { n.xs.forEach((x, k) => push(x, inv !== n.inv[k])); return; }
    if (n.k === 'when' && !inv) {
      if (guardJ !== null && guardJ !== n.j) conflict = true;
      guardJ = n.j;
      push(n.t, false);
      return;
    }
    out.push({ n, inv });
  };
  for (const f of factors) push(f.n, f.inv);
  if (conflict || c === 0) return ZERO;
  let body: Node;
  if (out.length === 0) body = num(c);
  else {
    const sign = c < 0 && c === -1 ? -1 : 1;
    const k = sign === -1 ? 1 : c;
    const list = k === 1 && !out[0].inv ? out : [{ n: num(k), inv: false }, ...out];
    body = list.length === 1 ? list[0].n : { k: 'mul', xs: list.map((f) => f.n), inv: list.map((f) => f.inv) };
    if (sign === -1) body = { k: 'neg', a: body };
  }
  return guardJ === null ? body : when(guardJ, body);
}

export const mul = (a: Node, b: Node): Node => mulN([{ n: a, inv: false }, { n: b, inv: false }]);
export const div = (a: Node, b: Node): Node => mulN([{ n: a, inv: false }, { n: b, inv: true }]);

export function neg(a: Node): Node {
  if (isNum(a)) return num(-a.v);
  if (a.k === 'neg') return a.a;
  if (a.k === 'when') return when(a.j, neg(a.t));
  if (a.k === 'add') return addN(a.xs.map((x, k) => ({ n: x, neg: !a.neg[k] })));
  // push the sign into a leading constant: -(2*x) → -2*x
  const c0 = a.k === 'mul' && isNum(a.xs[0]) ? a.xs[0].v : null;
  if (a.k === 'mul' && c0 !== null) return mulN(a.xs.map((x, k) => ({ n: k === 0 ? num(-c0) : x, inv: a.inv[k] })));
  return { k: 'neg', a };
}

export function pow(a: Node, b: Node): Node {
  if (isNum(a) && isNum(b)) return num(Math.pow(a.v, b.v));
  if (isVal(b, 0)) return ONE; // JS: pow(anything, 0) = 1, NaN included
  if (isVal(b, 1)) return a;
  return { k: 'pow', a, b };
}

export function call(f: Fn, ...args: Node[]): Node {
  if (args.every(isNum)) return num(FN_IMPL[f](...args.map((a) => (a as { v: number }).v)));
  return { k: 'call', f, args };
}

export function compare(op: CmpOp, a: number, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

export function sel(op: CmpOp, a: Node, b: Node, t: Node, f: Node): Node {
  if (isNum(a) && isNum(b)) return Number.isNaN(a.v) || Number.isNaN(b.v) ? num(NaN) : compare(op, a.v, b.v) ? t : f;
  if (isNum(t) && isNum(f) && Object.is(t.v, f.v)) return t;
  return { k: 'sel', op, a, b, t, f };
}

export function loop(op: 'sum' | 'prod', v: IVar, lo: IExpr, hi: IExpr, body: Node, skip?: IExpr, ew?: 'x' | 'data'): Node {
  const l = iconst(lo), h = iconst(hi);
  if (l !== null && h !== null && h < l) return op === 'sum' ? ZERO : ONE;
  if (op === 'sum' && isVal(body, 0)) return ZERO;
  if (op === 'sum' && !skip) {
    // a guard that does not depend on v goes outside the loop, so the O(n) loop runs only
    // for the one differentiation index it guards (x0·sum(x) is O(n) to differentiate, not O(n²))
    const sum = (b: Node) => loop('sum', v, lo, hi, b, undefined, ew);
    if (body.k === 'when') return when(body.j, sum(body.t));
    if (body.k === 'guard' && !iuses(body.a, v) && !iuses(body.b, v)) return guard(body.a, body.b, sum(body.t));
    if (body.k === 'add' && body.xs.some((x) => x.k === 'when')) {
      const rest: Term[] = [];
      const out: Term[] = [];
      body.xs.forEach((x, k) => (x.k === 'when' ? out : rest).push({ n: x, neg: body.neg[k] }));
      out.forEach((t) => { t.n = sum(t.n); });
      if (rest.length) out.push({ n: sum(addN(rest)), neg: false });
      return addN(out);
    }
  }
  const n: Node = { k: 'loop', op, v, lo: inorm(lo), hi: inorm(hi), body };
  if (skip) n.skip = inorm(skip);
  if (ew) n.ew = ew;
  return n;
}

export { int };

/** Rebuilds n through the smart constructors (algebraic simplification). */
export function simplify(n: Node): Node {
  return mapNode(n, (m) => {
    switch (m.k) {
      case 'neg': return neg(m.a);
      case 'add': return addN(m.xs.map((x, k) => ({ n: x, neg: m.neg[k] })));
      case 'mul': return mulN(m.xs.map((x, k) => ({ n: x, inv: m.inv[k] })));
      case 'pow': return pow(m.a, m.b);
      case 'call': return call(m.f, ...m.args);
      case 'sel': return sel(m.op, m.a, m.b, m.t, m.f);
      case 'when': return when(m.j, m.t);
      case 'guard': return guard(m.a, m.b, m.t);
      case 'loop': return loop(m.op, m.v, m.lo, m.hi, m.body, m.skip, m.ew);
      default: return m;
    }
  });
}

/** Folds only variable-free subtrees (and constant prefixes of sums and products), keeping
 *  every other operation as written (exact semantics, e.g. x*0 stays NaN for x = inf).
 *  WGSL needs this: a constant expression that overflows f32 would be a shader-creation error. */
export function foldConstants(n: Node): Node {
  return mapNode(n, (m) => {
    if (m.k === 'neg' && isNum(m.a)) return num(-m.a.v);
    if (m.k === 'pow' && isNum(m.a) && isNum(m.b)) return num(Math.pow(m.a.v, m.b.v));
    if (m.k === 'add' || m.k === 'mul') {
      const flags = m.k === 'add' ? m.neg : m.inv;
      let k = 0;
      let v = 0;
      while (k < m.xs.length && isNum(m.xs[k])) {
        const x = (m.xs[k] as { v: number }).v;
        v = k === 0 ? x : m.k === 'add' ? (flags[k] ? v - x : v + x) : (flags[k] ? v / x : v * x);
        k++;
      }
      if (k === m.xs.length) return num(v);
      if (k >= 2) {
        const xs = [num(v), ...m.xs.slice(k)], fl = [false, ...flags.slice(k)];
        return m.k === 'add' ? { k: 'add', xs, neg: fl } : { k: 'mul', xs, inv: fl };
      }
      return m;
    }
    if (m.k === 'call' && m.args.every(isNum)) return call(m.f, ...m.args);
    if (m.k === 'sel' && isNum(m.a) && isNum(m.b)) return sel(m.op, m.a, m.b, m.t, m.f);
    return m;
  });
}
