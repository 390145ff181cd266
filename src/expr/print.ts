import type { Node } from './ast';

// Precedence: + - (1) < * / (2) < unary minus (3) < ^ (4, right-assoc) < atoms (5).
function prec(n: Node): number {
  switch (n.k) {
    case 'num': return n.v < 0 || Object.is(n.v, -0) ? 3 : 5;
    case 'neg': return 3;
    case 'bin': return n.op === '+' || n.op === '-' ? 1 : n.op === '^' ? 4 : 2;
    default: return 5;
  }
}

const wrap = (s: string, yes: boolean) => (yes ? `(${s})` : s);

/** Prints an AST back as expression source, with only the parentheses it needs
 *  (a left-assoc operator's same-precedence right operand keeps them, so the
 *  printed text re-parses to the same float64 evaluation order). */
export function printExpr(n: Node): string {
  switch (n.k) {
    case 'num': return String(n.v);
    case 'var': return n.bare ? 'x' : `x${n.i}`;
    case 'elem': return 'x';
    case 'dvar': return 'x[i]';
    case 'when': return `(i == ${n.j} ? ${printExpr(n.t)} : 0)`;
    // -(a*b) prints as -a*b: (-a)*b rounds identically, so no parentheses are needed
    case 'neg': return `-${wrap(printExpr(n.a), prec(n.a) < 2 || prec(n.a) === 3)}`;
    case 'bin': {
      const p = prec(n);
      const pa = prec(n.a), pb = prec(n.b);
      const left = wrap(printExpr(n.a), n.op === '^' ? pa <= p : pa < p);
      const right = wrap(printExpr(n.b), n.op === '^' ? pb < p : pb <= p);
      return n.op === '+' || n.op === '-' ? `${left} ${n.op} ${right}` : `${left}${n.op}${right}`;
    }
    case 'call': return `${n.f}(${n.args.map(printExpr).join(', ')})`;
    case 'sel': return `(${printExpr(n.a)} ${n.op} ${printExpr(n.b)} ? ${printExpr(n.t)} : ${printExpr(n.f)})`;
    case 'red': {
      if (n.skip === undefined) return `${n.op}(${printExpr(n.body)})`;
      const s = n.skip === 'I' ? 'i' : String(n.skip);
      return `${n.op}_except(${s}, ${printExpr(n.body)})`;
    }
  }
}
