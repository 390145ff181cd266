// Integer index expressions (x[i+1], sum bounds): normal forms, affine decomposition in a
// loop variable (what lets ∂/∂x_t of a sum pick its one term instead of looping), bounds,
// and facts about the differentiation index (0 ≤ i ≤ n − 1).
import { int, type IExpr, type IVar } from './ast';

interface Term { atom: IExpr; coef: number }
/** c + Σ coef·atom over atoms iv, len, di, oi */
interface Lin { c: number; terms: Map<string, Term> }

function atomKey(e: IExpr): string {
  switch (e.k) {
    case 'iv': return `v${String(e.v.id).padStart(9, '0')}`;
    case 'di': return 'w_i';
    case 'len': return 'x_n';
    case 'oi': return 'y_o';
    default: return '';
  }
}

function lin(e: IExpr): Lin | null {
  switch (e.k) {
    case 'int': return { c: e.v, terms: new Map() };
    case 'iop': {
      const a = lin(e.a), b = lin(e.b);
      if (!a || !b) return null;
      if (e.op === '*') {
        const [k, other] = a.terms.size === 0 ? [a.c, b] : b.terms.size === 0 ? [b.c, a] : [NaN, null];
        if (!other) return null;
        const terms = new Map<string, Term>();
        for (const [key, t] of other.terms) if (k * t.coef !== 0) terms.set(key, { atom: t.atom, coef: k * t.coef });
        return { c: k * other.c, terms };
      }
      const s = e.op === '+' ? 1 : -1;
      const terms = new Map(a.terms);
      for (const [key, t] of b.terms) {
        const coef = (terms.get(key)?.coef ?? 0) + s * t.coef;
        if (coef === 0) terms.delete(key);
        else terms.set(key, { atom: t.atom, coef });
      }
      return { c: a.c + s * b.c, terms };
    }
    default: return { c: 0, terms: new Map([[atomKey(e), { atom: e, coef: 1 }]]) };
  }
}

const op = (o: '+' | '-' | '*', a: IExpr, b: IExpr): IExpr => ({ k: 'iop', op: o, a, b });

function fromLin(l: Lin): IExpr {
  const keys = [...l.terms.keys()].sort();
  const scaled = (t: Term, c: number) => (c === 1 ? t.atom : op('*', int(c), t.atom));
  let acc: IExpr | null = null;
  for (const k of keys) {
    const t = l.terms.get(k)!;
    if (t.coef > 0) acc = acc ? op('+', acc, scaled(t, t.coef)) : scaled(t, t.coef);
  }
  if (l.c > 0 || (!acc && l.c === 0 && l.terms.size === 0)) acc = acc ? op('+', acc, int(l.c)) : int(l.c);
  for (const k of keys) {
    const t = l.terms.get(k)!;
    if (t.coef < 0) acc = op('-', acc ?? int(0), scaled(t, -t.coef));
  }
  if (l.c < 0) acc = acc ? op('-', acc, int(-l.c)) : int(l.c);
  return acc!;
}

/** Canonical form: linear expressions as sorted sums, constants folded. */
export function inorm(e: IExpr): IExpr {
  const l = lin(e);
  if (l) return fromLin(l);
  if (e.k !== 'iop') return e;
  const a = inorm(e.a), b = inorm(e.b);
  if (a.k === 'int' && b.k === 'int') return int(e.op === '+' ? a.v + b.v : e.op === '-' ? a.v - b.v : a.v * b.v);
  return op(e.op, a, b);
}

export function iprint(e: IExpr, top = true): string {
  switch (e.k) {
    case 'int': return String(e.v);
    case 'iv': return e.v.name;
    case 'len': return 'n';
    case 'di': return 'i';
    case 'oi': return 'k';
    case 'iop': {
      if (e.op === '-' && e.a.k === 'int' && e.a.v === 0) return `-${iprint(e.b, false)}`;
      const a = iprint(e.a, e.op !== '*');
      const b = iprint(e.b, false);
      const s = e.op === '*' ? `${a}*${b}` : `${a} ${e.op} ${b}`;
      return top || e.op === '*' ? s : `(${s})`;
    }
  }
}

export const ikey = (e: IExpr): string => iprint(inorm(e));

export function iconst(e: IExpr): number | null {
  const n = inorm(e);
  return n.k === 'int' ? n.v : null;
}

export function imap(e: IExpr, f: (a: IExpr) => IExpr | undefined): IExpr {
  const r = f(e);
  if (r) return r;
  if (e.k !== 'iop') return e;
  return op(e.op, imap(e.a, f), imap(e.b, f));
}

export function isubst(e: IExpr, v: IVar, by: IExpr): IExpr {
  return inorm(imap(e, (a) => (a.k === 'iv' && a.v.id === v.id ? by : undefined)));
}

export function ihas(e: IExpr, pred: (a: IExpr) => boolean): boolean {
  if (pred(e)) return true;
  return e.k === 'iop' && (ihas(e.a, pred) || ihas(e.b, pred));
}

export const iuses = (e: IExpr, v: IVar): boolean => ihas(e, (a) => a.k === 'iv' && a.v.id === v.id);

/** e = a·v + b with an integer a and b free of v; null when not affine in v. */
export function affine(e: IExpr, v: IVar): { a: number; b: IExpr } | null {
  const l = lin(e);
  if (!l) return iuses(e, v) ? null : { a: 0, b: inorm(e) };
  const key = atomKey({ k: 'iv', v });
  const a = l.terms.get(key)?.coef ?? 0;
  const rest = new Map(l.terms);
  rest.delete(key);
  return { a, b: fromLin({ c: l.c, terms: rest }) };
}

/** Bounds of e given each loop variable's bounds; null if it depends on n, i or the output. */
export function interval(e: IExpr, env: (v: IVar) => [number, number] | null): [number, number] | null {
  switch (e.k) {
    case 'int': return [e.v, e.v];
    case 'iv': return env(e.v);
    case 'iop': {
      const a = interval(e.a, env), b = interval(e.b, env);
      if (!a || !b) return null;
      if (e.op === '+') return [a[0] + b[0], a[1] + b[1]];
      if (e.op === '-') return [a[0] - b[1], a[1] - b[0]];
      const p = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
      return [Math.min(...p), Math.max(...p)];
    }
    default: return null;
  }
}

/**
 * Whether lhs ≤ rhs holds for every n ≥ minN and differentiation index 0 ≤ i ≤ n − 1
 * (true), for none (false), or it depends (null). Decided only when rhs − lhs is linear in
 * n and i. (A derivative for a known index t is asked for with n ≥ t + 1.)
 */
export function decideLE(lhs: IExpr, rhs: IExpr, minN = 1): boolean | null {
  const d = lin(op('-', rhs, lhs));
  if (!d) return null;
  let cn = 0, ci = 0;
  for (const [k, t] of d.terms) {
    if (k === 'x_n') cn = t.coef;
    else if (k === 'w_i') ci = t.coef;
    else return null;
  }
  // extremes of cn·n + ci·i + c over {n ≥ minN, 0 ≤ i ≤ n − 1}: at its corners
  // (minN, 0) and (minN, minN − 1) or along its rays (1, 0) and (1, 1)
  const corners = [cn * minN + d.c, cn * minN + ci * (minN - 1) + d.c];
  if (cn >= 0 && cn + ci >= 0 && corners.every((v) => v >= 0)) return true;
  if (cn <= 0 && cn + ci <= 0 && corners.every((v) => v < 0)) return false;
  return null;
}
