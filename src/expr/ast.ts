// The expression AST. Sums and products are n-ary (a chain of 10⁴ terms is one node, not a
// tree 10⁴ deep), so every pass recurses only as deep as the user's nesting, which the
// parser bounds. Derivatives share subtrees (a DAG): passes memoise by node identity and the
// code generators compute a shared subtree once.
import { FN_ARITY, type Fn } from './fns';

export { FN_IMPL, FN_ARITY, FN_NAMES, type Fn } from './fns';

/** Functions a user may call (name → argument count). sum/prod/where/len are the parser's. */
export const USER_FUNCTIONS: Readonly<Record<string, number>> = { ...FN_ARITY, pow: 2 };

export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A loop variable: `id` is unique in the process (derivatives make fresh ones). */
export interface IVar { readonly id: number; readonly name: string }

let nextVar = 0;
export function freshVar(name: string): IVar {
  return { id: nextVar++, name };
}

/** Integer index expressions: exact on both paths (float64 integers on the CPU, i32 in WGSL). */
export type IExpr =
  | { k: 'int'; v: number }
  | { k: 'iv'; v: IVar }
  /** n, the length of x: a runtime value when the expression works for any n */
  | { k: 'len' }
  /** the differentiation index i (only in derivatives taken for a runtime i) */
  | { k: 'di' }
  /** the output index, for an expression evaluated once per data element */
  | { k: 'oi' }
  | { k: 'iop'; op: '+' | '-' | '*'; a: IExpr; b: IExpr };

export type Node =
  | { k: 'num'; v: number }
  /** fixed parameter x_i; `bare` = written as a lone `x` (n = 1); `name` = a named parameter */
  | { k: 'var'; i: number; bare?: boolean; name?: string; col?: number }
  /** x at a computed index; NaN outside [0, n) */
  | { k: 'xat'; idx: IExpr; col?: number }
  /** element of a data array; NaN outside it */
  | { k: 'data'; name: string; idx: IExpr }
  /** an index expression as a number */
  | { k: 'ival'; idx: IExpr }
  /** t when the runtime differentiation index i equals j, else 0 (t evaluated only then) */
  | { k: 'when'; j: number; t: Node }
  /** t when a == b, else 0 (t evaluated only then) */
  | { k: 'guard'; a: IExpr; b: IExpr; t: Node }
  /** xs[0] ± xs[1] ± …, left to right (neg[0] is false) */
  | { k: 'add'; xs: Node[]; neg: boolean[] }
  /** xs[0] ×÷ xs[1] ×÷ …, left to right (inv[0] is false) */
  | { k: 'mul'; xs: Node[]; inv: boolean[] }
  | { k: 'neg'; a: Node }
  | { k: 'pow'; a: Node; b: Node }
  | { k: 'call'; f: Fn; args: Node[] }
  /** (a op b) ? t : f, and NaN when a or b is NaN (so NaN propagates on both paths) */
  | { k: 'sel'; op: CmpOp; a: Node; b: Node; t: Node; f: Node }
  /** Σ or Π of body for v = lo … hi (inclusive), skipping v = skip; `ew`: written sum(g(x)) */
  | { k: 'loop'; op: 'sum' | 'prod'; v: IVar; lo: IExpr; hi: IExpr; body: Node; skip?: IExpr; ew?: 'x' | 'data' }
  /** body at v = (t − b)/a when that is an integer in [lo, hi], else 0: the one term of a
   *  sum over v whose x[a·v + b] is the differentiation variable x_t (t: a number or di) */
  | { k: 'pick'; v: IVar; a: number; b: IExpr; lo: IExpr; hi: IExpr; body: Node; t: IExpr };

export type NodeOf<K extends Node['k']> = Extract<Node, { k: K }>;

export const num = (v: number): Node => ({ k: 'num', v });
export const int = (v: number): IExpr => ({ k: 'int', v });

/** Direct children, in evaluation order. */
export function children(n: Node): readonly Node[] {
  switch (n.k) {
    case 'add': case 'mul': return n.xs;
    case 'neg': return [n.a];
    case 'pow': return [n.a, n.b];
    case 'call': return n.args;
    case 'sel': return [n.a, n.b, n.t, n.f];
    case 'loop': case 'pick': return [n.body];
    case 'when': case 'guard': return [n.t];
    default: return [];
  }
}

/** Index expressions a node holds itself (not its children's). */
export function ownIndices(n: Node): IExpr[] {
  switch (n.k) {
    case 'xat': case 'data': case 'ival': return [n.idx];
    case 'guard': return [n.a, n.b];
    case 'loop': return n.skip ? [n.lo, n.hi, n.skip] : [n.lo, n.hi];
    case 'pick': return [n.b, n.lo, n.hi, n.t];
    default: return [];
  }
}

/** Visits every distinct node once (pre-order). */
export function walk(root: Node, visit: (n: Node) => void): void {
  const seen = new Set<Node>();
  const go = (n: Node) => {
    if (seen.has(n)) return;
    seen.add(n);
    visit(n);
    for (const c of children(n)) go(c);
  };
  go(root);
}

export function some(n: Node, pred: (n: Node) => boolean): boolean {
  let found = false;
  walk(n, (m) => { if (!found && pred(m)) found = true; });
  return found;
}

/** Largest fixed parameter index used, or -1. */
export function maxIndex(n: Node): number {
  let m = -1;
  walk(n, (x) => { if (x.k === 'var' && x.i > m) m = x.i; if (x.k === 'when' && x.j > m) m = x.j; });
  return m;
}

/** The same node kind with new children (in `children` order). */
export function withChildren(n: Node, c: readonly Node[]): Node {
  switch (n.k) {
    case 'add': return { k: 'add', xs: [...c], neg: n.neg };
    case 'mul': return { k: 'mul', xs: [...c], inv: n.inv };
    case 'neg': return { k: 'neg', a: c[0] };
    case 'pow': return { k: 'pow', a: c[0], b: c[1] };
    case 'call': return { k: 'call', f: n.f, args: [...c] };
    case 'sel': return { k: 'sel', op: n.op, a: c[0], b: c[1], t: c[2], f: c[3] };
    case 'loop': return { ...n, body: c[0] };
    case 'pick': return { ...n, body: c[0] };
    case 'when': return { k: 'when', j: n.j, t: c[0] };
    case 'guard': return { k: 'guard', a: n.a, b: n.b, t: c[0] };
    default: return n;
  }
}

/** Rebuilds a DAG bottom-up through `f` (children first), each distinct node once, so
 *  sharing survives and the cost is linear in the DAG, not in its unshared tree. */
export function mapNode(root: Node, f: (n: Node) => Node): Node {
  const memo = new Map<Node, Node>();
  const go = (n: Node): Node => {
    const hit = memo.get(n);
    if (hit) return hit;
    const cs = children(n);
    let changed = false;
    const next = cs.map((c) => { const m = go(c); if (m !== c) changed = true; return m; });
    const out = f(changed ? withChildren(n, next) : n);
    memo.set(n, out);
    return out;
  };
  return go(root);
}

/** How many parents reference each node (by identity): > 1 means shared. */
export function useCounts(roots: readonly Node[]): Map<Node, number> {
  const counts = new Map<Node, number>();
  const go = (n: Node) => {
    const c = counts.get(n) ?? 0;
    counts.set(n, c + 1);
    if (c === 0) for (const ch of children(n)) go(ch);
  };
  for (const r of roots) go(r);
  return counts;
}
