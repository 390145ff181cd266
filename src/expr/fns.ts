// The functions of the expression language: arity and float64 semantics (the CPU path and
// constant folding). Where JS has no builtin (erf, mod) the implementation is here.

/** Call targets inside the AST (pow is its own node). */
export type Fn =
  | 'exp' | 'log' | 'sqrt' | 'sin' | 'cos' | 'tan' | 'tanh' | 'sigmoid' | 'abs' | 'sign' | 'min' | 'max'
  | 'erf' | 'asin' | 'acos' | 'atan' | 'atan2' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh'
  | 'expm1' | 'log1p' | 'log2' | 'log10' | 'exp2' | 'cbrt' | 'floor' | 'mod';

/** Argument counts, in the order error messages list them (the original twelve first). */
export const FN_ARITY: Readonly<Record<Fn, number>> = {
  exp: 1, log: 1, sqrt: 1, sin: 1, cos: 1, tan: 1, tanh: 1, sigmoid: 1, abs: 1,
  // sign is abs' and appears in printed derivatives, so it is accepted back as input
  sign: 1, min: 2, max: 2,
  erf: 1, asin: 1, acos: 1, atan: 1, atan2: 2, sinh: 1, cosh: 1, asinh: 1, acosh: 1, atanh: 1,
  expm1: 1, log1p: 1, log2: 1, log10: 1, exp2: 1, cbrt: 1, floor: 1, mod: 2,
};

export const FN_NAMES = Object.keys(FN_ARITY) as Fn[];

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

/** e^(−x²) to about 1 ulp: x² split exactly (Dekker), since its rounding error is
 *  multiplied by x² in the exponent. */
function expNegSquare(x: number): number {
  const c = 134217729 * x;
  const xh = c - (c - x);
  const xl = x - xh;
  const hi = x * x;
  const lo = ((xh * xh - hi) + 2 * xh * xl) + xl * xl;
  return Math.exp(-hi) * (1 - lo);
}

/** erf in float64: the all-positive series e^(−x²)·Σ 2ⁿx^(2n+1)/(2n+1)!! below 2.5 (no
 *  cancellation), 1 − erfc by its continued fraction (modified Lentz) above. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x); // erfc(6) ≈ 2e-17: below half an ulp of 1
  if (a < 2.5) {
    if (a < 1e-8) return TWO_OVER_SQRT_PI * x; // next term x³/3 is below an ulp
    const z = 2 * a * a;
    let term = a;
    let s = a;
    for (let k = 1; k < 200 && term > 1e-17 * s; k++) {
      term *= z / (2 * k + 1);
      s += term;
    }
    return Math.sign(x) * TWO_OVER_SQRT_PI * expNegSquare(a) * s;
  }
  // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …))))
  const tiny = 1e-300;
  let f = a;
  let C = a;
  let D = 0;
  for (let k = 1; k < 300; k++) {
    const ak = k / 2;
    D = a + ak * D;
    D = D === 0 ? tiny : 1 / D;
    C = a + ak / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = (INV_SQRT_PI * expNegSquare(a)) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Floored modulo (Python's and numpy's %): the result has b's sign. a % b is exact. */
export function mod(a: number, b: number): number {
  const r = a % b;
  if (r !== 0 && (r < 0) !== (b < 0)) return r + b;
  return r === 0 ? (b < 0 ? -0 : 0) : r;
}

/** NaN-propagating sign, min and max (Math's already propagate; this states it). */
export const FN_IMPL: Readonly<Record<Fn, (...a: number[]) => number>> = {
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  sigmoid: (u) => 1 / (1 + Math.exp(-u)),
  abs: Math.abs,
  sign: Math.sign,
  min: Math.min,
  max: Math.max,
  erf,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  atan2: Math.atan2,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  expm1: Math.expm1,
  log1p: Math.log1p,
  log2: Math.log2,
  log10: Math.log10,
  exp2: (u) => Math.pow(2, u),
  cbrt: Math.cbrt,
  floor: Math.floor,
  mod,
};
