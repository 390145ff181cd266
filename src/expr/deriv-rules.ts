// ∂f(u…)/∂u for every function, by hand (chain rule applied by the caller).
import type { Fn, Node } from './ast';
import { add, call, div, mul, neg, num, ONE, pow, sel, sub, ZERO } from './simplify';

const sq = (u: Node) => pow(u, num(2));

/** d f(args) given the node n = f(args) and the derivatives of its arguments. */
export function callDerivative(f: Fn, n: Node, args: readonly Node[], d: readonly Node[]): Node {
  const [u] = args;
  const du = d[0];
  switch (f) {
    case 'exp': return mul(n, du);
    case 'log': return div(du, u);
    case 'sqrt': return div(du, mul(num(2), n));
    case 'sin': return mul(call('cos', u), du);
    case 'cos': return mul(neg(call('sin', u)), du);
    case 'tan': return div(du, sq(call('cos', u)));
    case 'tanh': return mul(sub(ONE, sq(n)), du);
    case 'sigmoid': return mul(mul(n, sub(ONE, n)), du);
    case 'abs': return mul(call('sign', u), du);
    case 'sign': case 'floor': return ZERO;
    case 'min': return sel('<=', args[0], args[1], d[0], d[1]);
    case 'max': return sel('>=', args[0], args[1], d[0], d[1]);
    // 2/√π · e^(−u²)
    case 'erf': return mul(mul(num(1.1283791670955126), call('exp', neg(sq(u)))), du);
    case 'asin': return div(du, call('sqrt', sub(ONE, sq(u))));
    case 'acos': return neg(div(du, call('sqrt', sub(ONE, sq(u)))));
    case 'atan': return div(du, add(ONE, sq(u)));
    case 'atan2': {
      // atan2(y, x): (x dy − y dx)/(x² + y²)
      const [y, x] = args;
      return div(sub(mul(x, d[0]), mul(y, d[1])), add(sq(x), sq(y)));
    }
    case 'sinh': return mul(call('cosh', u), du);
    case 'cosh': return mul(call('sinh', u), du);
    case 'asinh': return div(du, call('sqrt', add(sq(u), ONE)));
    // √(u−1)·√(u+1) rather than √(u²−1): no cancellation near u = 1
    case 'acosh': return div(du, mul(call('sqrt', sub(u, ONE)), call('sqrt', add(u, ONE))));
    case 'atanh': return div(du, sub(ONE, sq(u)));
    case 'expm1': return mul(call('exp', u), du);
    case 'log1p': return div(du, add(ONE, u));
    case 'log2': return div(du, mul(u, num(Math.LN2)));
    case 'log10': return div(du, mul(u, num(Math.LN10)));
    case 'exp2': return mul(mul(n, num(Math.LN2)), du);
    case 'cbrt': return div(du, mul(num(3), sq(n)));
    // mod(a, b) = a − b·floor(a/b)
    case 'mod': return sub(d[0], mul(call('floor', div(args[0], args[1])), d[1]));
  }
}
