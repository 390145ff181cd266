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

/** A compiled operand: a closure, and for fusing, a constant value, a fixed parameter index
 *  or an in-range read x[v + off] of a loop variable's slot. */
export interface C { f: F; c?: number; x?: number; v?: { slot: number; off: number } }

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

export function powConst(a: C, k: number): F {
  const f = a.f;
  if (k === 2) return square(a);
  if (k === 0.5) return (x, s) => Math.pow(f(x, s), 0.5);
  return (x, s) => Math.pow(f(x, s), k);
}

/** One closure literal per common function, so the call to Math.* can be inlined. */
export function unaryCall(name: string, fn: (u: number) => number, a: C): F {
  const f = a.f;
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
