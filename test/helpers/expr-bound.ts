// A float64 evaluation of an expression AST that also bounds, to first order, how far a
// float32 evaluation (every operation rounded, each function within a few ulps) can be from
// it: a running error analysis. Where that error could change a discrete outcome (a
// comparison, floor, a domain edge, overflow) the result is `null`: no comparison is fair.
// Test-only: the fuzz tests compare the GPU with the CPU within this bound.
import type { IExpr, Node } from '../../src/expr/ast';
import { FN_IMPL } from '../../src/expr/fns';

export interface Bound { v: number; e: number }
const U = 2 ** -24;
/** a WGSL function's error in ulps (measured ≤ 3; builtin pow ~10) */
const FN_ULPS = 4;
const F32_MAX = 3.4028234663852886e38;
const TINY = 2 ** -120;

class Indeterminate extends Error {}
const fail = (): never => { throw new Indeterminate(); };
/** p·q for error terms: an exact operand (error 0) contributes 0 even next to an infinity */
const times = (p: number, q: number) => (p === 0 || q === 0 ? 0 : p * q);

/** |f'(u)| for the error of f's argument, and the domain (a closed interval, or null for all). */
const DERIV: Record<string, [(u: number) => number, [number, number] | null]> = {
  exp: [Math.exp, null], log: [(u) => 1 / u, [0, Infinity]], sqrt: [(u) => 0.5 / Math.sqrt(u), [0, Infinity]],
  sin: [(u) => Math.abs(Math.cos(u)), null], cos: [(u) => Math.abs(Math.sin(u)), null], tan: [(u) => 1 / Math.cos(u) ** 2, null],
  tanh: [(u) => 1 - Math.tanh(u) ** 2, null], sigmoid: [(u) => { const s = 1 / (1 + Math.exp(-u)); return s * (1 - s); }, null],
  abs: [() => 1, null], erf: [(u) => 1.13 * Math.exp(-u * u), null],
  asin: [(u) => 1 / Math.sqrt(1 - u * u), [-1, 1]], acos: [(u) => 1 / Math.sqrt(1 - u * u), [-1, 1]], atan: [(u) => 1 / (1 + u * u), null],
  sinh: [Math.cosh, null], cosh: [(u) => Math.abs(Math.sinh(u)), null], asinh: [(u) => 1 / Math.sqrt(u * u + 1), null],
  acosh: [(u) => 1 / Math.sqrt(u * u - 1), [1, Infinity]], atanh: [(u) => 1 / (1 - u * u), [-1, 1]],
  expm1: [Math.exp, null], log1p: [(u) => 1 / (1 + u), [-1, Infinity]], log2: [(u) => 1 / (u * Math.LN2), [0, Infinity]],
  log10: [(u) => 1 / (u * Math.LN10), [0, Infinity]], exp2: [(u) => 2 ** u * Math.LN2, null],
  cbrt: [(u) => 1 / (3 * Math.cbrt(u) ** 2), null],
};

function ival(e: IExpr, iv: Map<number, number>): number {
  switch (e.k) {
    case 'int': return e.v;
    case 'iv': return iv.get(e.v.id)!;
    case 'iop': { const a = ival(e.a, iv), b = ival(e.b, iv); return e.op === '+' ? a + b : e.op === '-' ? a - b : a * b; }
    default: return fail();
  }
}

function cmp(op: string, a: number, b: number): boolean {
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : op === '>=' ? a >= b : op === '==' ? a === b : a !== b;
}

function ev(n: Node, x: readonly number[], iv: Map<number, number>): Bound {
  const go = (m: Node) => ev(m, x, iv);
  const round = (v: number, e: number, ulps = 1): Bound => {
    if (Number.isNaN(v)) return { v, e: 0 };
    if (!Number.isFinite(v)) return { v, e: 0 };
    if (Math.abs(v) + e > F32_MAX * 0.5) fail(); // may overflow in float32
    return { v, e: e + times(ulps * U, Math.abs(v)) + TINY };
  };
  switch (n.k) {
    case 'num': return { v: n.v, e: Math.abs(n.v - Math.fround(n.v)) };
    case 'var': return { v: x[n.i], e: 0 };
    case 'xat': { const k = ival(n.idx, iv); return { v: k >= 0 && k < x.length ? x[k] : NaN, e: 0 }; }
    case 'ival': return { v: ival(n.idx, iv), e: 0 };
    case 'neg': { const a = go(n.a); return { v: -a.v, e: a.e }; }
    case 'add': {
      let acc = go(n.xs[0]);
      for (let k = 1; k < n.xs.length; k++) {
        const b = go(n.xs[k]);
        acc = round(n.neg[k] ? acc.v - b.v : acc.v + b.v, acc.e + b.e);
      }
      return acc;
    }
    case 'mul': {
      let acc = go(n.xs[0]);
      for (let k = 1; k < n.xs.length; k++) {
        const b = go(n.xs[k]);
        if (n.inv[k]) {
          if (Math.abs(b.v) <= 2 * b.e || b.v === 0) fail();
          const q = acc.v / b.v;
          acc = round(q, (acc.e + Math.abs(q) * b.e) / (Math.abs(b.v) - b.e));
        } else {
          acc = round(acc.v * b.v, times(Math.abs(acc.v), b.e) + times(Math.abs(b.v), acc.e) + acc.e * b.e);
        }
      }
      return acc;
    }
    case 'pow': {
      const a = go(n.a), b = go(n.b);
      // x^0 = 1, NaN included, also for an exact 0 computed at run time (a comparison: seed 404)
      if ((n.b.k === 'num' && n.b.v === 0) || (b.v === 0 && b.e === 0)) return { v: 1, e: 0 };
      const v = Math.pow(a.v, b.v);
      if (Number.isNaN(v) || !Number.isFinite(v)) {
        // a domain edge or an overflow the float32 inputs may or may not reach
        if (a.e > 0 || b.e > 0) fail();
        return { v, e: 0 };
      }
      const intExp = n.b.k === 'num' && Number.isInteger(n.b.v) && Math.abs(n.b.v) <= 16;
      if (a.v === 0 || (!intExp && Math.abs(a.v) <= a.e)) fail();
      const da = times(Math.abs(b.v * Math.pow(a.v, b.v - 1)), a.e);
      const db = times(Math.abs(v * Math.log(Math.abs(a.v))), b.e);
      return round(v, da + db, intExp ? 6 : 4 + 2 * Math.abs(b.v * Math.log2(Math.abs(a.v))));
    }
    case 'call': {
      const args = n.args.map(go);
      if (args.some((a) => Number.isNaN(a.v))) return { v: NaN, e: 0 };
      const [a, b] = args;
      switch (n.f) {
        case 'sign': if (Math.abs(a.v) <= a.e) fail(); return { v: Math.sign(a.v), e: 0 };
        case 'floor': {
          const f = Math.floor(a.v);
          if (a.v - f <= a.e || f + 1 - a.v <= a.e) fail();
          return { v: f, e: 0 };
        }
        case 'min': case 'max': {
          if (Math.abs(a.v - b.v) <= a.e + b.e) return { v: n.f === 'min' ? Math.min(a.v, b.v) : Math.max(a.v, b.v), e: Math.max(a.e, b.e) };
          const w = (n.f === 'min') === (a.v < b.v) ? a : b;
          return w;
        }
        case 'atan2': {
          const r2 = a.v * a.v + b.v * b.v;
          if (Math.sqrt(r2) <= 4 * (a.e + b.e) || r2 === 0) fail();
          if (b.v < 0 && Math.abs(a.v) <= a.e) fail(); // the branch cut
          return round(Math.atan2(a.v, b.v), (Math.abs(b.v) * a.e + Math.abs(a.v) * b.e) / r2, FN_ULPS);
        }
        case 'mod': {
          if (Math.abs(b.v) <= b.e || !Number.isFinite(a.v) || !Number.isFinite(b.v)) fail();
          const q = a.v / b.v;
          const eq = (a.e + Math.abs(q) * b.e) / Math.abs(b.v) + 4 * U * Math.abs(q);
          if (Math.abs(q - Math.round(q)) <= eq) fail(); // near a jump
          const f = Math.floor(q);
          return round(a.v - b.v * f, a.e + Math.abs(f) * b.e);
        }
        default: {
          const [d, dom] = DERIV[n.f];
          if (!Number.isFinite(a.v)) {
            // inf in, a limit out: the same on both paths when the argument is inf exactly
            if (a.e > 0) fail();
            return { v: evalFn(n.f, a.v), e: 0 };
          }
          if (dom && (a.v - a.e <= dom[0] || a.v + a.e >= dom[1])) {
            if (a.v < dom[0] || a.v > dom[1]) { if (a.v + a.e < dom[0] || a.v - a.e > dom[1]) return { v: NaN, e: 0 }; }
            fail();
          }
          if ((n.f === 'sin' || n.f === 'cos' || n.f === 'tan') && Math.abs(a.v) > 1e4) fail();
          if (n.f === 'tan' && Math.abs(Math.cos(a.v)) < 1e-3) fail();
          if (n.f === 'cbrt' && Math.abs(a.v) <= 2 * a.e) fail();
          const v = evalFn(n.f, a.v);
          const slope = d(a.v);
          if (!Number.isFinite(slope)) fail();
          return round(v, slope * a.e, FN_ULPS);
        }
      }
    }
    case 'sel': {
      const a = go(n.a), b = go(n.b);
      if (Number.isNaN(a.v) || Number.isNaN(b.v)) return { v: NaN, e: 0 };
      if (Math.abs(a.v - b.v) <= a.e + b.e + TINY) fail();
      return go(cmp(n.op, a.v, b.v) ? n.t : n.f);
    }
    case 'loop': {
      const lo = ival(n.lo, iv), hi = ival(n.hi, iv);
      let acc: Bound = { v: n.op === 'sum' ? 0 : 1, e: 0 };
      for (let j = lo; j <= hi; j++) {
        iv.set(n.v.id, j);
        const b = go(n.body);
        acc = n.op === 'sum' ? round(acc.v + b.v, acc.e + b.e) : round(acc.v * b.v, times(Math.abs(acc.v), b.e) + times(Math.abs(b.v), acc.e));
      }
      return acc;
    }
    default: return fail();
  }
}

const evalFn = (f: string, u: number) => (FN_IMPL as Record<string, (u: number) => number>)[f](u);

/** (value, bound) or null when float32 rounding could change a discrete outcome */
export function bound(n: Node, x: readonly number[]): Bound | null {
  try {
    return ev(n, x, new Map());
  } catch (e) {
    if (e instanceof Indeterminate) return null;
    throw e;
  }
}
