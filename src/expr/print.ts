import { mapNode, walk, type IExpr, type Node } from './ast';
import { decideLE, inorm, iprint, iuses } from './iexpr';
import { substVar } from './derivative';

// Precedence: comparisons (0) < + - (1) < * / (2) < unary minus (3) < ^ (4, right-assoc) < atoms (5).
function prec(n: Node): number {
  switch (n.k) {
    case 'num': return n.v < 0 || Object.is(n.v, -0) ? 3 : 5;
    case 'neg': return 3;
    case 'add': return 1;
    case 'mul': return 2;
    case 'pow': return 4;
    case 'sel': return isCmp(n) ? 0 : 5;
    case 'ival': return n.idx.k === 'iop' ? 1 : 5;
    default: return 5;
  }
}

const isCmp = (n: Extract<Node, { k: 'sel' }>) => n.t.k === 'num' && n.t.v === 1 && n.f.k === 'num' && n.f.v === 0;
const wrap = (s: string, yes: boolean) => (yes ? `(${s})` : s);
const idx = (e: IExpr) => iprint(e);

/** Prints an AST back as expression source, with only the parentheses it needs (a
 *  left-assoc operator's same-precedence right operand keeps them, so the printed text
 *  re-parses to the same float64 evaluation order). Derivative-only forms print as the
 *  equivalent where(...) / sum(...), with i for a runtime differentiation index. */
export function printExpr(n: Node): string {
  switch (n.k) {
    case 'num': return String(n.v);
    case 'var': return n.name ?? (n.bare ? 'x' : `x${n.i}`);
    case 'xat': return `x[${idx(n.idx)}]`;
    case 'data': return n.idx.k === 'oi' ? n.name : `${n.name}[${idx(n.idx)}]`;
    case 'ival': return idx(n.idx);
    case 'when': return `(i == ${n.j} ? ${printExpr(n.t)} : 0)`;
    case 'guard': return `where(${idx(n.a)} == ${idx(n.b)}, ${printExpr(n.t)}, 0)`;
    // -(a*b) prints as -a*b: (-a)*b rounds identically, so no parentheses are needed
    case 'neg': return `-${wrap(printExpr(n.a), prec(n.a) < 2 || prec(n.a) === 3)}`;
    case 'add': case 'mul': {
      const p = prec(n);
      const flags = n.k === 'add' ? n.neg : n.inv;
      return n.xs.map((x, k) => {
        const s = wrap(printExpr(x), k === 0 ? prec(x) < p : prec(x) <= p);
        if (k === 0) return s;
        return n.k === 'add' ? ` ${flags[k] ? '-' : '+'} ${s}` : `${flags[k] ? '/' : '*'}${s}`;
      }).join('');
    }
    case 'pow': return `${wrap(printExpr(n.a), prec(n.a) <= 4)}^${wrap(printExpr(n.b), prec(n.b) < 4)}`;
    case 'call': return `${n.f}(${n.args.map(printExpr).join(', ')})`;
    case 'sel': {
      const c = `${wrap(printExpr(n.a), prec(n.a) < 1)} ${n.op} ${wrap(printExpr(n.b), prec(n.b) < 1)}`;
      return isCmp(n) ? c : `where(${c}, ${printExpr(n.t)}, ${printExpr(n.f)})`;
    }
    case 'loop': {
      const elementwise = n.ew && !n.skip && onlyElement(n);
      if (elementwise) return `${n.op}(${printExpr(bareElements(n))})`;
      const v = n.v.name;
      const body = n.skip ? `where(${v} == ${idx(n.skip)}, 1, ${printExpr(n.body)})` : printExpr(n.body);
      return `${n.op}(${v}, ${idx(n.lo)}, ${idx(n.hi)}, ${body})`;
    }
    case 'pick': {
      const T = idx(n.t);
      if (Math.abs(n.a) !== 1) {
        const at = `${n.a}*${n.v.name} + ${idx(n.b)}`;
        return `sum(${n.v.name}, ${idx(n.lo)}, ${idx(n.hi)}, where(${at} == ${T}, ${printExpr(n.body)}, 0))`;
      }
      const q: IExpr = { k: 'iop', op: '-', a: n.t, b: n.b };
      const at = inorm(n.a === 1 ? q : { k: 'iop', op: '-', a: { k: 'int', v: 0 }, b: q });
      const body = printExpr(substVar(n.body, n.v, at));
      const minN = n.t.k === 'int' ? n.t.v + 1 : 1;
      const checks = [[n.lo, at], [at, n.hi]].filter(([a, b]) => decideLE(a, b, minN) !== true).map(([a, b]) => `${idx(a)} <= ${idx(b)}`);
      return checks.reduceRight((acc, c) => `where(${c}, ${acc}, 0)`, body);
    }
  }
}

/** the loop body reads its variable only as the element (x[v] or data[v]): print sum(x^2) */
function onlyElement(n: Extract<Node, { k: 'loop' }>): boolean {
  let ok = true;
  walk(n.body, (m) => {
    if (m.k === 'xat' || m.k === 'data') {
      if (iuses(m.idx, n.v) && !(m.idx.k === 'iv' && m.idx.v.id === n.v.id)) ok = false;
    } else if ((m.k === 'ival' && iuses(m.idx, n.v)) || m.k === 'loop' || m.k === 'pick' || m.k === 'guard') {
      ok = false;
    }
  });
  return ok;
}

/** the body with x[v] as x and data[v] as the bare data name */
function bareElements(n: Extract<Node, { k: 'loop' }>): Node {
  const isV = (e: IExpr) => e.k === 'iv' && e.v.id === n.v.id;
  return mapNode(n.body, (m) => {
    if (m.k === 'xat' && isV(m.idx)) return { k: 'var', i: 0, bare: true };
    if (m.k === 'data' && isV(m.idx)) return { k: 'data', name: m.name, idx: { k: 'oi' } };
    return m;
  });
}
