import { some, walk, type Node } from './ast';
import { add, call, div, mul, neg, num, ONE, pow, sel, simplify, sub, when, ZERO } from './simplify';

/** Differentiate with respect to parameter t (a known index) or the runtime index i ('I'),
 *  used when n is unknown until call time. */
export type Target = number | 'I';

type Leaf = (n: Node) => Node;

const isConst = (n: Node) => !some(n, (m) => m.k === 'var' || m.k === 'elem' || m.k === 'dvar');
const hasVar = (n: Node, j: number) => some(n, (m) => m.k === 'var' && m.i === j);

function fixedIndices(n: Node): number[] {
  const s = new Set<number>();
  walk(n, (m) => { if (m.k === 'var') s.add(m.i); });
  return [...s].sort((a, b) => a - b);
}

/** Symbolic ∂f/∂x_t, simplified. */
export function derivative(f: Node, t: Target): Node {
  const fixedLeaf: Leaf = (n) => {
    if (n.k !== 'var') return ZERO; // elem is treated as a constant here
    return typeof t === 'number' ? (n.i === t ? ONE : ZERO) : when(n.i, ONE);
  };
  const leafFor = (j: number): Leaf => (n) => (n.k === 'var' && n.i === j ? ONE : ZERO);
  const elemLeaf: Leaf = (n) => (n.k === 'elem' ? ONE : ZERO);
  const at = (n: Node): Node => substituteElem(n, typeof t === 'number' ? { k: 'var', i: t } : { k: 'dvar' });
  const skip = t;

  // Contribution of fixed references x_j inside a reduction body, build(∂/∂x_j leaf).
  // For a runtime index each x_j gets its own when(j, ...) guard, so the O(n) loop it
  // needs runs only for i = j rather than for every i.
  const viaFixed = (g: Node, build: (leaf: Leaf) => Node): Node => {
    if (typeof t === 'number') return hasVar(g, t) ? build(leafFor(t)) : ZERO;
    return fixedIndices(g).reduce<Node>((acc, j) => add(acc, when(j, build(leafFor(j)))), ZERO);
  };

  const reduction: (n: Extract<Node, { k: 'red' }>) => Node = (r) => {
    const g = r.body;
    // Contribution through the element x_t itself: g'(x_t) (times the other factors for prod).
    const own = at(diff(g, elemLeaf, reduction));
    if (r.op === 'sum') {
      // Plus fixed references inside the body: Σ_k ∂g(x_k)/∂x_t.
      return add(own, viaFixed(g, (leaf) => red('sum', diff(g, leaf, reduction))));
    }
    // d/dx_t Π g(x_j) = g'(x_t)·Π_{j≠t} g(x_j): no division by g(x_t), which may be 0.
    const first = mul(own, red('prod', g, skip));
    return add(first, viaFixed(g, (leaf) =>
      red('sum', mul(diff(g, leaf, reduction), red('prod', g, 'outer')))));
  };
  return diff(simplify(f), fixedLeaf, reduction);
}

function red(op: 'sum' | 'prod', body: Node, skip?: number | 'I' | 'outer'): Node {
  if (op === 'sum' && body.k === 'num' && body.v === 0) return ZERO;
  return { k: 'red', op, body, skip };
}

function substituteElem(n: Node, by: Node): Node {
  switch (n.k) {
    case 'elem': return by;
    case 'neg': return neg(substituteElem(n.a, by));
    case 'bin': {
      const a = substituteElem(n.a, by), b = substituteElem(n.b, by);
      return { k: 'bin', op: n.op, a, b };
    }
    case 'call': return call(n.f, ...n.args.map((a) => substituteElem(a, by)));
    case 'sel':
      return sel(n.op, substituteElem(n.a, by), substituteElem(n.b, by), substituteElem(n.t, by), substituteElem(n.f, by));
    case 'red': return n; // its elem is its own loop variable
    default: return n;
  }
}

function diff(n: Node, leaf: Leaf, reduction: (r: Extract<Node, { k: 'red' }>) => Node): Node {
  const d = (m: Node) => diff(m, leaf, reduction);
  switch (n.k) {
    case 'num':
      return ZERO;
    case 'var':
    case 'elem':
    case 'dvar':
      return leaf(n);
    case 'neg':
      return neg(d(n.a));
    case 'red':
      return reduction(n);
    case 'sel':
      return sel(n.op, n.a, n.b, d(n.t), d(n.f));
    case 'bin': {
      const { a, b } = n;
      const da = d(a), db = d(b);
      switch (n.op) {
        case '+': return add(da, db);
        case '-': return sub(da, db);
        case '*': return add(mul(da, b), mul(a, db));
        case '/':
          return sub(div(da, b), div(mul(a, db), pow(b, num(2))));
        case '^':
          if (isConst(b)) return mul(mul(b, pow(a, sub(b, ONE))), da);
          if (isConst(a)) return mul(mul(n, call('log', a)), db);
          return mul(n, add(mul(db, call('log', a)), div(mul(b, da), a)));
      }
      break;
    }
    case 'call': {
      const u = n.args[0];
      const du = n.args.length === 1 ? d(u) : ZERO;
      switch (n.f) {
        case 'exp': return mul(n, du);
        case 'log': return div(du, u);
        case 'sqrt': return div(du, mul(num(2), n));
        case 'sin': return mul(call('cos', u), du);
        case 'cos': return mul(neg(call('sin', u)), du);
        case 'tan': return div(du, pow(call('cos', u), num(2)));
        case 'tanh': return mul(sub(ONE, pow(n, num(2))), du);
        case 'sigmoid': return mul(mul(n, sub(ONE, n)), du);
        case 'abs': return mul(call('sign', u), du);
        case 'sign': return ZERO;
        case 'min': return sel('<=', n.args[0], n.args[1], d(n.args[0]), d(n.args[1]));
        case 'max': return sel('>=', n.args[0], n.args[1], d(n.args[0]), d(n.args[1]));
      }
    }
  }
  throw new Error(`numgrad: internal error: cannot differentiate node ${JSON.stringify(n)}`);
}
