// Float32 building blocks that a WGSL kernel can express: every operation rounds to
// float32 (Math.fround). WGSL has no expm1/log1p and its log is only accurate to an
// absolute 2⁻²¹ near 1, so both are built from polynomials for small arguments.
// exp/log themselves are emulated correctly rounded (a GPU's are a few ulp worse).

export const f = Math.fround;

/** The cross-entropy 1e-7 as the GPU sees it. */
export const CE_EPS_F32 = f(1e-7);

export function expF32(u: number): number { return f(Math.exp(u)); }
export function logF32(u: number): number { return f(Math.log(u)); }

// 1/n! for n = 1..8: at |u| < 0.35 the first dropped term is below 2⁻²⁴ relative.
const EXPM1_C = [1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320].map(f);
export const EXPM1_SWITCH = 0.35;

/** e^u − 1 in float32: Horner u·(1 + u·(1/2 + u·(1/6 + …))) for small |u|, else exp(u) − 1. */
export function expm1F32(u: number): number {
  u = f(u);
  if (Math.abs(u) >= EXPM1_SWITCH) return f(expF32(u) - 1);
  let p = EXPM1_C[7];
  for (let n = 6; n >= 0; n--) p = f(f(p * u) + EXPM1_C[n]);
  return f(p * u);
}

// 1/(2n+1) for n = 0..7: with s = u/(2+u) and |u| < 0.5, |s| ≤ 1/3 and s¹⁷/17 is below 2⁻²⁴·|s|.
const ATANH_C = [1, 1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11, 1 / 13, 1 / 15].map(f);
export const LOG1P_SWITCH = 0.5;

/** log(1 + u) in float32: 2·atanh(s), s = u/(2+u), as an odd series in s; else log(1 + u). */
export function log1pF32(u: number): number {
  u = f(u);
  if (Math.abs(u) >= LOG1P_SWITCH) return logF32(f(1 + u));
  const s = f(u / f(2 + u));
  const s2 = f(s * s);
  let p = ATANH_C[7];
  for (let n = 6; n >= 0; n--) p = f(f(p * s2) + ATANH_C[n]);
  return f(2 * f(s * p));
}

/** σ(a) in float32 through exp(−|a|). */
export function sigmoidF32(a: number): number {
  const e = expF32(-Math.abs(a));
  const d = f(1 + e);
  return a >= 0 ? f(1 / d) : f(e / d);
}

/** The same stride-halving tree as ops.treeSum, each add rounded to float32. */
export function treeSumF32(v: ArrayLike<number>, n: number, scratch: Float32Array): number {
  if (n === 0) return 0;
  let p = 1;
  while (p < n) p <<= 1;
  for (let i = 0; i < n; i++) scratch[i] = v[i];
  scratch.fill(0, n, p);
  for (let stride = p >> 1; stride >= 1; stride >>= 1) {
    for (let i = 0; i < stride; i++) scratch[i] = scratch[i] + scratch[i + stride]; // Float32Array store rounds
  }
  return scratch[0];
}
