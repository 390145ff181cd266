// Where float32 code generation must keep a NaN that WGSL compilers may fold away: they may
// assume finite values, so t − t → 0, t·0 → 0 and a·q + b·q → (a + b)·q are theirs to make.
// These predicates find the operands and sums at risk; wgsl.ts guards them by bits.
import { ownIndices, some, type Node } from './ast';
import { ihas } from './iexpr';
import { printExpr } from './print';

/** Operands whose float32 folding could hide a NaN: in a sum, a term that also appears with
 *  the opposite sign; in a product, every factor next to a literal zero. */
export function riskyOperands(n: Extract<Node, { k: 'add' | 'mul' }>): Set<number> {
  const out = new Set<number>();
  if (n.k === 'mul') {
    const zero = n.xs.findIndex((x) => x.k === 'num' && x.v === 0 && !n.inv[n.xs.indexOf(x)]);
    if (zero >= 0) n.xs.forEach((x, k) => { if (k !== zero && x.k !== 'num') out.add(k); });
    return out;
  }
  if (!n.neg.some(Boolean) && !n.xs.some((x) => x.k === 'neg')) return out;
  const seen = new Map<string, { k: number; neg: boolean }>();
  n.xs.forEach((x, k) => {
    const base = x.k === 'neg' ? x.a : x;
    if (base.k === 'num' || base.k === 'var') return; // finite by construction
    const neg = n.neg[k] !== (x.k === 'neg');
    const key = printExpr(base);
    const other = seen.get(key);
    if (other && other.neg !== neg) out.add(other.k);
    else if (!other) seen.set(key, { k, neg });
  });
  return out;
}

/** A leaf is finite by construction (a literal, a parameter, a data element, an index). */
const isLeaf = (x: Node): boolean => x.k === 'num' || x.k === 'var' || x.k === 'xat' || x.k === 'data' || x.k === 'ival' ||
  (x.k === 'neg' && isLeaf(x.a));

/** The factors of a term's top-level product that may be infinite (compound, or a divisor), as printed. */
function compoundFactors(x: Node): string[] {
  const t = x.k === 'neg' ? x.a : x;
  return t.k === 'mul' ? t.xs.flatMap((f, k) => (!mayBeInfinite(f, t.inv[k]) ? [] : [t.inv[k] ? `1/(${printExpr(f)})` : printExpr(f)])) : [];
}

function mayBeInfinite(f: Node, inverted: boolean): boolean {
  return inverted ? !(f.k === 'num' && f.v !== 0) : !isLeaf(f);
}

/** A sum whose terms share a compound factor (x0·q + x1·q): compilers may factor it into
 *  (x0 + x1)·q, which hides the NaN of inf − inf when q is infinite. */
export function sharedFactor(n: Extract<Node, { k: 'add' }>): boolean {
  const seen = new Set<string>();
  for (const x of n.xs) {
    const own = new Set(compoundFactors(x));
    for (const f of own) {
      if (seen.has(f)) return true;
    }
    for (const f of own) seen.add(f);
  }
  return false;
}

/** A sum loop whose body multiplies by a compound factor that does not depend on the loop's
 *  index: unrolled (constant bounds), its terms share that factor as in sharedFactor. */
export function invariantFactor(n: Extract<Node, { k: 'loop' }>): boolean {
  if (n.op !== 'sum') return false;
  const v = n.v;
  const reads = (m: Node): boolean => some(m, (q) => ownIndices(q).some((e) => ihas(e, (a) => a.k === 'iv' && a.v.id === v.id)));
  return some(n.body, (m) => m.k === 'mul' && m.xs.some((f, k) => mayBeInfinite(f, m.inv[k]) && !reads(f)));
}
