import { FN_IMPL, mapNode, type Fn, type Node } from './ast';

// Smart constructors: build nodes while folding constants and dropping identities, so
// derivatives print readably (d/dx0 of x0^2 is 2*x0, not 2*x0^1*1 + 0).

export const num = (v: number): Node => ({ k: 'num', v });
export const ZERO = num(0);
export const ONE = num(1);

const isNum = (n: Node): n is { k: 'num'; v: number } => n.k === 'num';
/** n is the constant v (either zero for v = 0); not a type guard, so a false result narrows nothing */
const isVal = (n: Node, v: number): boolean => n.k === 'num' && n.v === v;

/** t if the differentiation index is j, else 0 */
export function when(j: number, t: Node): Node {
  if (isVal(t, 0)) return ZERO;
  return { k: 'when', j, t };
}

export function add(a: Node, b: Node): Node {
  if (isNum(a) && isNum(b)) return num(a.v + b.v);
  if (a.k === 'when' && b.k === 'when' && a.j === b.j) return when(a.j, add(a.t, b.t));
  if (isVal(a, 0)) return b;
  if (isVal(b, 0)) return a;
  if (b.k === 'neg') return sub(a, b.a);
  if (isNum(b) && b.v < 0) return sub(a, num(-b.v));
  if (a.k === 'neg') return sub(b, a.a);
  return { k: 'bin', op: '+', a, b };
}

export function sub(a: Node, b: Node): Node {
  if (isNum(a) && isNum(b)) return num(a.v - b.v);
  if (a.k === 'when' && b.k === 'when' && a.j === b.j) return when(a.j, sub(a.t, b.t));
  if (isVal(b, 0)) return a;
  if (isVal(a, 0)) return neg(b);
  if (b.k === 'neg') return add(a, b.a);
  if (isNum(b) && b.v < 0) return add(a, num(-b.v));
  return { k: 'bin', op: '-', a, b };
}

export function neg(a: Node): Node {
  if (isNum(a)) return num(-a.v);
  if (a.k === 'neg') return a.a;
  if (a.k === 'when') return when(a.j, neg(a.t));
  // Push the sign into a leading constant: -(2*x) → -2*x.
  if (a.k === 'bin' && a.op === '*' && isNum(a.a)) return mul(num(-a.a.v), a.b);
  if (a.k === 'bin' && a.op === '-') return sub(a.b, a.a);
  return { k: 'neg', a };
}

export function mul(a: Node, b: Node): Node {
  if (isNum(a) && isNum(b)) return num(a.v * b.v);
  if (isVal(a, 0) || isVal(b, 0)) return ZERO;
  // the guard goes outermost, so the whole product is skipped for other indices
  if (a.k === 'when') return when(a.j, mul(a.t, b));
  if (b.k === 'when') return when(b.j, mul(a, b.t));
  if (isVal(a, 1)) return b;
  if (isVal(b, 1)) return a;
  if (isVal(a, -1)) return neg(b);
  if (isVal(b, -1)) return neg(a);
  if (isNum(b)) return mul(b, a); // constants lead
  if (a.k === 'neg') return neg(mul(a.a, b));
  if (b.k === 'neg') return neg(mul(a, b.a));
  if (isNum(a)) {
    if (b.k === 'bin' && b.op === '*' && isNum(b.a)) return mul(num(a.v * b.a.v), b.b);
    if (b.k === 'bin' && b.op === '/' && isNum(b.a)) return div(num(a.v * b.a.v), b.b);
  }
  // x * (c*y) → c*(x*y) keeps the constant in front
  if (b.k === 'bin' && b.op === '*' && isNum(b.a)) return mul(b.a, mul(a, b.b));
  if (a.k === 'bin' && a.op === '*' && isNum(a.a)) return mul(a.a, mul(a.b, b));
  return { k: 'bin', op: '*', a, b };
}

export function div(a: Node, b: Node): Node {
  if (isNum(a) && isNum(b)) return num(a.v / b.v);
  if (isVal(a, 0)) return ZERO;
  if (a.k === 'when') return when(a.j, div(a.t, b));
  if (isVal(b, 1)) return a;
  if (isVal(b, -1)) return neg(a);
  if (a.k === 'neg') return neg(div(a.a, b));
  return { k: 'bin', op: '/', a, b };
}

export function pow(a: Node, b: Node): Node {
  if (isNum(a) && isNum(b)) return num(Math.pow(a.v, b.v));
  if (isVal(b, 0)) return ONE; // JS: pow(anything, 0) = 1, NaN included
  if (isVal(b, 1)) return a;
  return { k: 'bin', op: '^', a, b };
}

export function call(f: Fn, ...args: Node[]): Node {
  if (args.every((a) => a.k === 'num')) return num(FN_IMPL[f](...args.map((a) => (a as { v: number }).v)));
  return { k: 'call', f, args };
}

export function sel(op: '<=' | '>=', a: Node, b: Node, t: Node, f: Node): Node {
  if (isNum(a) && isNum(b)) return (op === '<=' ? a.v <= b.v : a.v >= b.v) ? t : f;
  if (isNum(t) && isNum(f) && Object.is(t.v, f.v)) return t;
  return { k: 'sel', op, a, b, t, f };
}

/** Rebuilds n through the smart constructors (algebraic simplification). */
export function simplify(n: Node): Node {
  return mapNode(n, (m) => {
    switch (m.k) {
      case 'neg': return neg(m.a);
      case 'bin':
        switch (m.op) {
          case '+': return add(m.a, m.b);
          case '-': return sub(m.a, m.b);
          case '*': return mul(m.a, m.b);
          case '/': return div(m.a, m.b);
          case '^': return pow(m.a, m.b);
        }
        break;
      case 'call': return call(m.f, ...m.args);
      case 'sel': return sel(m.op, m.a, m.b, m.t, m.f);
      case 'when': return when(m.j, m.t);
      default: return m;
    }
    return m;
  });
}

/** Folds only variable-free subtrees, keeping every other operation as written
 *  (exact semantics, e.g. x*0 stays NaN for x = inf). WGSL needs this: a constant
 *  expression that overflows f32 would be a shader-creation error. */
export function foldConstants(n: Node): Node {
  return mapNode(n, (m) => {
    if (m.k === 'neg' && isNum(m.a)) return num(-m.a.v);
    if (m.k === 'bin' && isNum(m.a) && isNum(m.b)) {
      const x = m.a.v, y = m.b.v;
      switch (m.op) {
        case '+': return num(x + y);
        case '-': return num(x - y);
        case '*': return num(x * y);
        case '/': return num(x / y);
        case '^': return num(Math.pow(x, y));
      }
    }
    if (m.k === 'call' && m.args.every((a) => a.k === 'num')) return call(m.f, ...m.args);
    return m;
  });
}
