// Which parameters each term of the top-level sum reads: data for a structure-aware GPU
// kernel (a perturbed x_j changes only the terms that read it, so the others need not be
// re-evaluated). Read from the AST, not by evaluation.
import { children, type IVar, type Node } from './ast';
import { affine, interval, iprint, iuses } from './iexpr';
import { printExpr } from './print';

export interface IndexRange {
  /** reads x[a·v + b] for v = lo … hi (the term's own sum index v; b may use enclosing indices) */
  v: string;
  a: number;
  b: string;
  lo: string;
  hi: string;
}

export interface TermDependency {
  /** the term as source text */
  source: string;
  /** subtracted rather than added */
  negated: boolean;
  /** fixed parameters read (x3, or a named parameter's index), sorted */
  fixed: number[];
  /** computed reads x[a·v + b] inside the term's sums */
  ranges: IndexRange[];
  /** a read whose index is not affine in its sum index, or not bounded: assume any parameter */
  irregular: boolean;
  /** every parameter index read, sorted, when the bounds are known numbers (n known or constant) */
  indices: number[] | null;
}

export interface Dependencies {
  n: number | null;
  terms: TermDependency[];
}

const MAX_LISTED = 1 << 20;

export function dependencies(ast: Node, n: number | null): Dependencies {
  const parts = ast.k === 'add' ? ast.xs.map((x, k) => ({ x, neg: ast.neg[k] })) : [{ x: ast, neg: false }];
  return { n, terms: parts.map(({ x, neg }) => term(x, neg, n)) };
}

function term(root: Node, negated: boolean, n: number | null): TermDependency {
  const fixed = new Set<number>();
  const ranges: IndexRange[] = [];
  const seenRange = new Set<string>();
  let irregular = false;
  let listed: Set<number> | null = new Set();
  const bounds = new Map<number, [number, number] | null>();
  const env = (v: IVar) => bounds.get(v.id) ?? null;
  const stack: { v: IVar; lo: string; hi: string }[] = [];
  const go = (m: Node) => {
    if (m.k === 'var') { fixed.add(m.i); listed?.add(m.i); return; }
    if (m.k === 'xat') {
      const loop = [...stack].reverse().find((l) => iuses(m.idx, l.v));
      const af = loop ? affine(m.idx, loop.v) : null;
      if (!loop || !af) irregular = true;
      else {
        const r = { v: loop.v.name, a: af.a, b: iprint(af.b), lo: loop.lo, hi: loop.hi };
        const key = JSON.stringify(r);
        if (!seenRange.has(key)) { seenRange.add(key); ranges.push(r); }
      }
      const iv = interval(m.idx, env);
      if (!iv || iv[1] - iv[0] > MAX_LISTED) listed = null;
      else if (listed) {
        // affine in one index with unit step: exactly these; otherwise the interval (a superset)
        for (let k = Math.max(0, iv[0]); k <= iv[1] && (n === null || k < n); k++) listed.add(k);
      }
      return;
    }
    if (m.k === 'loop') {
      const lo = interval(m.lo, env), hi = interval(m.hi, env);
      bounds.set(m.v.id, lo && hi ? [lo[0], hi[1]] : null);
      stack.push({ v: m.v, lo: iprint(m.lo), hi: iprint(m.hi) });
      go(m.body);
      stack.pop();
      return;
    }
    for (const c of children(m)) go(c);
  };
  go(root);
  const indices: number[] | null = irregular ? null : listed ? [...(listed as Set<number>)].sort((a, b) => a - b) : null;
  return { source: printExpr(root), negated, fixed: [...fixed].sort((a, b) => a - b), ranges, irregular, indices };
}
