// Closure factories for the float64 evaluator. Each shape of operation has its own function
// literal, so V8 compiles (and inlines within) each one separately: a binary operation on a
// parameter and a constant is one closure, not three calls.

/** Evaluation state, one per compiled function (evaluation is synchronous, never re-entered). */
export class State {
  x: Float64Array = new Float64Array(0);
  /** length of x */
  L = 0;
  /** the differentiation index, for derivatives taken for a runtime i */
  i = 0;
  /** the output index */
  oi = 0;
  /** loop variables by slot */
  iv: Float64Array;
  /** shared subexpressions by slot */
  tmp: Float64Array;
  constructor(loops: number, temps: number) {
    this.iv = new Float64Array(Math.max(1, loops));
    this.tmp = new Float64Array(Math.max(1, temps));
  }
}

export type F = (x: Float64Array, s: State) => number;

/** A compiled operand: a closure, and for fusing, a constant value, a fixed parameter index,
 *  an in-range read x[v + off] of a loop variable's slot, or a monomial c·x_i (p = 1) or
 *  c·(x_i·x_i) (p = 2). */
export interface C { f: F; c?: number; x?: number; v?: { slot: number; off: number }; m?: Mono }
interface Mono { c: number; i: number; p: 1 | 2 }

/** Fusing monomials into their neighbours (switchable, so a test can compare with the plain closures). */
export const fuseConfig = { monomials: true };

export const element = (slot: number, off: number): C => ({ f: (x, s) => x[s.iv[slot] + off], v: { slot, off } });

export const konst = (v: number): C => ({ f: () => v, c: v });
export const param = (i: number): C => ({ f: (x) => x[i], x: i });

type Op = '+' | '-' | '*' | '/';

/** a op b with the operand shapes fused (f: closure, c: constant, x: parameter). */
export function binary(op: Op, a: C, b: C): F {
  const fa = a.f, fb = b.f;
  const i = a.x ?? 0, j = b.x ?? 0, ca = a.c ?? 0, cb = b.c ?? 0;
  const ka = a.c !== undefined ? 'c' : a.x !== undefined ? 'x' : a.v ? 'v' : 'f';
  const kb = b.c !== undefined ? 'c' : b.x !== undefined ? 'x' : b.v ? 'v' : 'f';
  const va = a.v?.slot ?? 0, oa = a.v?.off ?? 0, vb = b.v?.slot ?? 0, ob = b.v?.off ?? 0;
  switch (op + ka + kb) {
    // loop-element reads x[v + off] fused (the hot case: the body of a sum over an index)
    case '+vv': return (x, s) => x[s.iv[va] + oa] + x[s.iv[vb] + ob];
    case '+vc': return (x, s) => x[s.iv[va] + oa] + cb;
    case '+cv': return (x, s) => ca + x[s.iv[vb] + ob];
    case '+vf': return (x, s) => x[s.iv[va] + oa] + fb(x, s);
    case '+fv': return (x, s) => fa(x, s) + x[s.iv[vb] + ob];
    case '-vv': return (x, s) => x[s.iv[va] + oa] - x[s.iv[vb] + ob];
    case '-vc': return (x, s) => x[s.iv[va] + oa] - cb;
    case '-cv': return (x, s) => ca - x[s.iv[vb] + ob];
    case '-vf': return (x, s) => x[s.iv[va] + oa] - fb(x, s);
    case '-fv': return (x, s) => fa(x, s) - x[s.iv[vb] + ob];
    case '*vv': return (x, s) => x[s.iv[va] + oa] * x[s.iv[vb] + ob];
    case '*vc': return (x, s) => x[s.iv[va] + oa] * cb;
    case '*cv': return (x, s) => ca * x[s.iv[vb] + ob];
    case '*vf': return (x, s) => x[s.iv[va] + oa] * fb(x, s);
    case '*fv': return (x, s) => fa(x, s) * x[s.iv[vb] + ob];
    case '/vv': return (x, s) => x[s.iv[va] + oa] / x[s.iv[vb] + ob];
    case '/vc': return (x, s) => x[s.iv[va] + oa] / cb;
    case '/cv': return (x, s) => ca / x[s.iv[vb] + ob];
    case '/vf': return (x, s) => x[s.iv[va] + oa] / fb(x, s);
    case '/fv': return (x, s) => fa(x, s) / x[s.iv[vb] + ob];
    case '+ff': return (x, s) => fa(x, s) + fb(x, s);
    case '+fc': return (x, s) => fa(x, s) + cb;
    case '+cf': return (x, s) => ca + fb(x, s);
    case '+fx': return (x, s) => fa(x, s) + x[j];
    case '+xf': return (x, s) => x[i] + fb(x, s);
    case '+xx': return (x) => x[i] + x[j];
    case '+xc': return (x) => x[i] + cb;
    case '+cx': return (x) => ca + x[j];
    case '-ff': return (x, s) => fa(x, s) - fb(x, s);
    case '-fc': return (x, s) => fa(x, s) - cb;
    case '-cf': return (x, s) => ca - fb(x, s);
    case '-fx': return (x, s) => fa(x, s) - x[j];
    case '-xf': return (x, s) => x[i] - fb(x, s);
    case '-xx': return (x) => x[i] - x[j];
    case '-xc': return (x) => x[i] - cb;
    case '-cx': return (x) => ca - x[j];
    case '*ff': return (x, s) => fa(x, s) * fb(x, s);
    case '*fc': return (x, s) => fa(x, s) * cb;
    case '*cf': return (x, s) => ca * fb(x, s);
    case '*fx': return (x, s) => fa(x, s) * x[j];
    case '*xf': return (x, s) => x[i] * fb(x, s);
    case '*xx': return (x) => x[i] * x[j];
    case '*xc': return (x) => x[i] * cb;
    case '*cx': return (x) => ca * x[j];
    case '/ff': return (x, s) => fa(x, s) / fb(x, s);
    case '/fc': return (x, s) => fa(x, s) / cb;
    case '/cf': return (x, s) => ca / fb(x, s);
    case '/fx': return (x, s) => fa(x, s) / x[j];
    case '/xf': return (x, s) => x[i] / fb(x, s);
    case '/xx': return (x) => x[i] / x[j];
    case '/xc': return (x) => x[i] / cb;
    case '/cx': return (x) => ca / x[j];
    case '+cc': case '-cc': case '*cc': case '/cc': {
      const v = op === '+' ? ca + cb : op === '-' ? ca - cb : op === '*' ? ca * cb : ca / cb;
      return () => v;
    }
    // a parameter and a loop element: through the generic closures
    default: return binary(op, { f: fa, c: a.c }, { f: fb, c: b.c });
  }
}

/**
 * a op b as an operand: binary's closure, or where a monomial is involved, one closure for
 * the whole shape (c·x², c·x ± d·y², x² + f(…), …). The operations and their order are the
 * plain closures' (multiplication commutes exactly, and 1·v = v), so the bits are the same.
 */
export function binaryC(op: Op, a: C, b: C): C {
  if (fuseConfig.monomials) {
    const r = fuse(op, a, b);
    if (r) return r;
  }
  return { f: binary(op, a, b) };
}

const mono = (c: number, i: number, p: 1 | 2): C =>
  ({ f: p === 1 ? (x) => c * x[i] : c === 1 ? (x) => x[i] * x[i] : (x) => c * (x[i] * x[i]), m: { c, i, p } });

function fuse(op: Op, a: C, b: C): C | null {
  if (op === '*') {
    if (a.c !== undefined && b.x !== undefined) return mono(a.c, b.x, 1);
    if (b.c !== undefined && a.x !== undefined) return mono(b.c, a.x, 1);
    // c·(1·u) = c·u exactly: only a monomial without its own coefficient takes another
    if (a.c !== undefined && b.m?.c === 1) return mono(a.c, b.m.i, b.m.p);
    if (b.c !== undefined && a.m?.c === 1) return mono(b.c, a.m.i, a.m.p);
    return null;
  }
  if (op === '/' || !(a.m || b.m)) return null;
  const ma: Mono | undefined = a.m ?? (a.x !== undefined ? { c: 1, i: a.x, p: 1 } : undefined);
  const mb: Mono | undefined = b.m ?? (b.x !== undefined ? { c: 1, i: b.x, p: 1 } : undefined);
  const sub = op === '-';
  if (ma && mb) return { f: monoMono(sub, ma, mb) };
  if (ma && b.c !== undefined) return { f: monoRest(sub, ma, () => b.c!, true) };
  if (mb && a.c !== undefined) return { f: monoRest(sub, mb, () => a.c!, false) };
  if (ma && !b.v) return { f: monoRest(sub, ma, b.f, true) };
  if (mb && !a.v) return { f: monoRest(sub, mb, a.f, false) };
  return null;
}

function monoMono(sub: boolean, a: Mono, b: Mono): F {
  const ca = a.c, i = a.i, cb = b.c, j = b.i;
  switch ((sub ? 4 : 0) + (a.p - 1) * 2 + (b.p - 1)) {
    case 0: return (x) => ca * x[i] + cb * x[j];
    case 1: return (x) => ca * x[i] + cb * (x[j] * x[j]);
    case 2: return (x) => ca * (x[i] * x[i]) + cb * x[j];
    case 3: return (x) => ca * (x[i] * x[i]) + cb * (x[j] * x[j]);
    case 4: return (x) => ca * x[i] - cb * x[j];
    case 5: return (x) => ca * x[i] - cb * (x[j] * x[j]);
    case 6: return (x) => ca * (x[i] * x[i]) - cb * x[j];
    default: return (x) => ca * (x[i] * x[i]) - cb * (x[j] * x[j]);
  }
}

/** m op g (first) or g op m: a monomial and any other closure, g evaluated after or before m as written */
function monoRest(sub: boolean, m: Mono, g: F, first: boolean): F {
  const c = m.c, i = m.i;
  switch ((sub ? 4 : 0) + (m.p - 1) * 2 + (first ? 0 : 1)) {
    case 0: return (x, s) => c * x[i] + g(x, s);
    case 1: return (x, s) => g(x, s) + c * x[i];
    case 2: return (x, s) => c * (x[i] * x[i]) + g(x, s);
    case 3: return (x, s) => g(x, s) + c * (x[i] * x[i]);
    case 4: return (x, s) => c * x[i] - g(x, s);
    case 5: return (x, s) => g(x, s) - c * x[i];
    case 6: return (x, s) => c * (x[i] * x[i]) - g(x, s);
    default: return (x, s) => g(x, s) - c * (x[i] * x[i]);
  }
}

/** Left-to-right chain of + − (or × ÷) over many operands: a loop, not nested calls, so a
 *  10⁴-term sum neither recurses 10⁴ deep nor builds 10⁴ nested closures. */
export function chain(mulOps: boolean, fs: readonly F[], flags: readonly boolean[]): F {
  const n = fs.length;
  if (!flags.some(Boolean)) {
    return mulOps
      ? (x, s) => { let r = fs[0](x, s); for (let k = 1; k < n; k++) r *= fs[k](x, s); return r; }
      : (x, s) => { let r = fs[0](x, s); for (let k = 1; k < n; k++) r += fs[k](x, s); return r; };
  }
  return mulOps
    ? (x, s) => { let r = fs[0](x, s); for (let k = 1; k < n; k++) r = flags[k] ? r / fs[k](x, s) : r * fs[k](x, s); return r; }
    : (x, s) => { let r = fs[0](x, s); for (let k = 1; k < n; k++) r = flags[k] ? r - fs[k](x, s) : r + fs[k](x, s); return r; };
}

/** u² (exactly Math.pow(u, 2): V8's pow returns x*x for y = 2) */
export function square(a: C): F {
  if (a.x !== undefined) { const i = a.x; return (x) => x[i] * x[i]; }
  if (a.v) { const { slot, off } = a.v; return (x, s) => { const v = x[s.iv[slot] + off]; return v * v; }; }
  const f = a.f;
  return (x, s) => { const v = f(x, s); return v * v; };
}

/** u^k for a constant k; x_i² is a monomial (see binaryC) */
export function powConstC(a: C, k: number): C {
  if (k === 2 && a.x !== undefined && fuseConfig.monomials) return mono(1, a.x, 2);
  return { f: powConst(a, k) };
}

export function powConst(a: C, k: number): F {
  const f = a.f;
  if (k === 2) return square(a);
  if (k === 0.5) return (x, s) => Math.pow(f(x, s), 0.5);
  return (x, s) => Math.pow(f(x, s), k);
}

/** One closure literal per common function, so the call to Math.* can be inlined. */
export function unaryCall(name: string, fn: (u: number) => number, a: C): F {
  const f = a.f;
  if (a.x !== undefined && fuseConfig.monomials) {
    // of a parameter: one closure, no call for the operand
    const i = a.x;
    switch (name) {
      case 'exp': return (x) => Math.exp(x[i]);
      case 'log': return (x) => Math.log(x[i]);
      case 'sqrt': return (x) => Math.sqrt(x[i]);
      case 'sin': return (x) => Math.sin(x[i]);
      case 'cos': return (x) => Math.cos(x[i]);
      case 'tanh': return (x) => Math.tanh(x[i]);
      case 'abs': return (x) => Math.abs(x[i]);
      case 'sigmoid': return (x) => 1 / (1 + Math.exp(-x[i]));
      default: return (x) => fn(x[i]);
    }
  }
  switch (name) {
    case 'exp': return (x, s) => Math.exp(f(x, s));
    case 'log': return (x, s) => Math.log(f(x, s));
    case 'sqrt': return (x, s) => Math.sqrt(f(x, s));
    case 'sin': return (x, s) => Math.sin(f(x, s));
    case 'cos': return (x, s) => Math.cos(f(x, s));
    case 'tanh': return (x, s) => Math.tanh(f(x, s));
    case 'abs': return (x, s) => Math.abs(f(x, s));
    case 'sigmoid': return (x, s) => 1 / (1 + Math.exp(-f(x, s)));
    default: return (x, s) => fn(f(x, s));
  }
}
