// The local form of a sum, for structure-aware differences: L(x, j) = the sum of the terms
// of f that read x_j. f(x + h·e_j) − f(x) = L(x + h·e_j, j) − L(x, j), so a lane perturbing
// x_j evaluates a few terms, not all n, and never subtracts two large sums.
// Read from the AST: a sum over an index whose reads are x[a·v + b] picks its one term per
// distinct reference (as the symbolic derivative does); fixed terms (x3, sin(x0*x1)) are
// grouped by the parameters they read. A term whose reads cannot be told (x[x0], a sum
// inside a function call) makes the whole expression unstructured (null): the caller then
// uses the whole function.
import { children, walk, type IExpr, type Node } from './ast';
import { pick, xfree } from './derivative';
import { affine, ihas, ikey } from './iexpr';
import { addN, mulN, neg, sel, when, ZERO } from './simplify';

export interface LocalSum {
  /** L in terms of the runtime index i (`di`): the localised sums over an index, and the
   *  fixed terms as `when(j, …)` groups, one per parameter read */
  node: Node;
  /** the localised sums alone (null if none), for code that dispatches the groups itself */
  loops: Node | null;
  /** parameter j → the fixed terms that read x_j */
  fixed: Map<number, Node>;
  /** sums over an index that were localised (0: only fixed terms) */
  localised: number;
  /** top-level terms */
  terms: number;
}

const DI: IExpr = { k: 'di' };

type Part = { loop: Node } | { fixed: Node; reads: number[] } | 'const' | null;

/** Reads of x in a term: fixed indices, and whether any is computed (x[...]). */
function reads(t: Node): { vars: Set<number>; computed: boolean } {
  const vars = new Set<number>();
  let computed = false;
  walk(t, (m) => {
    if (m.k === 'var') vars.add(m.i);
    if (m.k === 'xat') computed = true;
  });
  return { vars, computed };
}

/** A sum over v localised: Σ over its distinct references x[a·v + b] of the body at the one
 *  v that reads x_i, each v counted once; the whole sum for an i the body reads as a fixed
 *  parameter. null when some read is not affine in v alone. */
function localLoop(l: Extract<Node, { k: 'loop' }>): Node | null {
  if (l.op !== 'sum' || l.skip) return null;
  const refs = new Map<string, { a: number; b: IExpr; idx: IExpr }>();
  let ok = true;
  walk(l.body, (m) => {
    if (m.k !== 'xat' || !ok) return;
    const af = affine(m.idx, l.v);
    if (!af || af.a === 0 || ihas(af.b, (e) => e.k === 'iv' || e.k === 'di' || e.k === 'oi')) { ok = false; return; }
    refs.set(`${af.a}|${ikey(af.b)}`, { a: af.a, b: af.b, idx: m.idx });
  });
  if (!ok || ihas(l.lo, (e) => e.k !== 'int' && e.k !== 'len' && e.k !== 'iop') || ihas(l.hi, (e) => e.k !== 'int' && e.k !== 'len' && e.k !== 'iop')) return null;
  const list = [...refs.values()];
  const terms = list.map((r, k) => {
    // an earlier reference with another stride may pick the same v: counted there
    let body = l.body;
    for (const q of list.slice(0, k)) {
      if (q.a !== r.a) body = sel('==', { k: 'ival', idx: q.idx }, { k: 'ival', idx: DI }, ZERO, body);
    }
    return { n: pick(l.v, r.a, r.b, l.lo, l.hi, body, 'I'), neg: false };
  });
  const picks = addN(terms);
  // a fixed parameter x_j read in every term: lane j needs the whole sum, as
  // when(j, sum − picks) + picks (a guard, so other lanes do not evaluate the sum; a select
  // would evaluate both sides on the GPU)
  const whole = [...reads(l.body).vars].map((j) => ({ n: when(j, addN([{ n: l, neg: false }, { n: picks, neg: true }])), neg: false }));
  return addN([{ n: picks, neg: false }, ...whole]);
}

function part(t: Node): Part {
  if (xfree(t)) return 'const';
  if (t.k === 'loop') {
    const loc = localLoop(t);
    return loc ? { loop: loc } : null;
  }
  if (t.k === 'neg') {
    const p = part(t.a);
    if (p === null || p === 'const') return p;
    return 'loop' in p ? { loop: neg(p.loop) } : { fixed: neg(p.fixed), reads: p.reads };
  }
  if (t.k === 'mul') {
    // constant factors times one term: c·g localises as c·L_g
    const dep = t.xs.map((x) => !xfree(x));
    const k = dep.indexOf(true);
    if (dep.lastIndexOf(true) === k && !t.inv[k] && t.xs[k].k !== 'var') {
      const p = part(t.xs[k]);
      if (p === null || p === 'const') return p;
      const scale = (m: Node) => mulN(t.xs.map((x, q) => ({ n: q === k ? m : x, inv: t.inv[q] })));
      return 'loop' in p ? { loop: scale(p.loop) } : { fixed: scale(p.fixed), reads: p.reads };
    }
  }
  const r = reads(t);
  if (r.computed || someLoopReadsX(t)) return null;
  return { fixed: t, reads: [...r.vars].sort((a, b) => a - b) };
}

function someLoopReadsX(t: Node): boolean {
  let found = false;
  const go = (m: Node, inLoop: boolean) => {
    if (found) return;
    if (inLoop && (m.k === 'var' || m.k === 'xat')) { found = true; return; }
    for (const c of children(m)) go(c, inLoop || m.k === 'loop');
  };
  go(t, false);
  return found;
}

/** Flattens the top-level sum (nested +/−, unary minus) into signed terms. */
function topTerms(n: Node, negated: boolean, out: { n: Node; neg: boolean }[]): void {
  if (n.k === 'add') { n.xs.forEach((x, k) => topTerms(x, negated !== n.neg[k], out)); return; }
  if (n.k === 'neg') { topTerms(n.a, !negated, out); return; }
  out.push({ n, neg: negated });
}

/** The local form of f, or null when some term's dependencies cannot be told. */
export function localSum(ast: Node): LocalSum | null {
  const terms: { n: Node; neg: boolean }[] = [];
  topTerms(ast, false, terms);
  const loops: { n: Node; neg: boolean }[] = [];
  const groups = new Map<number, { n: Node; neg: boolean }[]>();
  for (const t of terms) {
    const p = part(t.n);
    if (p === null) return null;
    if (p === 'const') continue;
    if ('loop' in p) { loops.push({ n: p.loop, neg: t.neg }); continue; }
    for (const j of p.reads) {
      const g = groups.get(j) ?? [];
      g.push({ n: p.fixed, neg: t.neg });
      groups.set(j, g);
    }
  }
  const loopNode = loops.length ? addN(loops) : null;
  const fixed = new Map([...groups].sort((a, b) => a[0] - b[0]).map(([j, g]) => [j, addN(g)] as [number, Node]));
  const whens = [...fixed].map(([j, g]) => ({ n: when(j, g), neg: false }));
  const node = addN([...(loopNode ? [{ n: loopNode, neg: false }] : []), ...whens]);
  return { node, loops: loopNode, fixed, localised: loops.length, terms: terms.length };
}
