// WGSL helper functions, each emitted at most once per module, after the helpers it calls.
// Every name starts with `ng_` so nothing clashes with the harness (which owns `N`, `p`,
// `main`, bindings). NaN handling matches the float64 path: NaN in, NaN out, where WGSL's
// own sign/min/max/select would drop it (sign(NaN) = 0, max(NaN, a) = a on llvmpipe).
import { MATH_HELPERS, type Helper } from './wgsl-math';

// tanh Taylor coefficients for x^3 .. x^19: 2^2n (2^2n − 1) B_2n / (2n)!. On |u| < 0.55 the
// first omitted term is < 1e-9 relative, far below f32's 6e-8 half-ulp.
const TANH_COEFFS = [
  -1 / 3, 2 / 15, -17 / 315, 62 / 2835, -1382 / 155925, 21844 / 6081075,
  -929569 / 638512875, 6404582 / 10854718875, -443861162 / 1856156927625,
];

const tanhPoly = (z: string) => {
  const lit = (c: number) => (c < 0 ? `(${c.toExponential()})` : c.toExponential());
  let s = lit(TANH_COEFFS[TANH_COEFFS.length - 1]);
  for (let k = TANH_COEFFS.length - 2; k >= 0; k--) s = `${lit(TANH_COEFFS[k])} + ${z} * (${s})`;
  return s;
};

/** A comparison select: NaN when either side is NaN, else t or f. */
const selHelper = (name: string, op: string): Helper => ({
  deps: ['ng_isnan', 'ng_nan'],
  src: `fn ${name}(a: f32, b: f32, t: f32, f: f32) -> f32 {
  if (ng_isnan(a) || ng_isnan(b)) { return ng_nan(); }
  return select(f, t, a ${op} b);
}`,
});

export const SEL_HELPER: Readonly<Record<string, string>> = {
  '<': 'ng_sel_lt', '<=': 'ng_sel_le', '>': 'ng_sel_gt', '>=': 'ng_sel_ge', '==': 'ng_sel_eq', '!=': 'ng_sel_ne',
};

const BASE: Record<string, Helper> = {
  // NaN and inf come from a runtime var: a constant expression evaluating to NaN or
  // infinity is a shader-creation error in WGSL.
  ng_nan: { src: `fn ng_nan() -> f32 {
  var bits: u32 = 0x7fc00000u;
  return bitcast<f32>(bits);
}` },
  ng_inf: { src: `fn ng_inf() -> f32 {
  var bits: u32 = 0x7f800000u;
  return bitcast<f32>(bits);
}` },
  // by bits: a compiler may fold x != x to false under fast-math assumptions
  ng_isnan: { src: `fn ng_isnan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}` },
  ng_finite: { src: `fn ng_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}` },
  // +inf + −inf (and inf − inf) is NaN. Tested by bits, so the terms are computed one by one:
  // llvmpipe otherwise factors a·q + b·q into (a + b)·q (WGSL lets it assume finite values),
  // which is inf, not NaN, when q is inf and a, b have opposite signs
  ng_add: { deps: ['ng_nan'], src: `fn ng_add(a: f32, b: f32) -> f32 {
  let ua = bitcast<u32>(a);
  if ((ua & 0x7fffffffu) == 0x7f800000u && (ua ^ bitcast<u32>(b)) == 0x80000000u) { return ng_nan(); }
  return a + b;
}` },
  ng_sub: { deps: ['ng_nan'], src: `fn ng_sub(a: f32, b: f32) -> f32 {
  let ua = bitcast<u32>(a);
  if ((ua & 0x7fffffffu) == 0x7f800000u && ua == bitcast<u32>(b)) { return ng_nan(); }
  return a - b;
}` },
  // explicit domain: compilers rewrite sqrt(a)·sqrt(a) as |a|, which hides the NaN of a < 0
  ng_sqrt: { deps: ['ng_nan'], src: `fn ng_sqrt(u: f32) -> f32 {
  if (u < 0.0) { return ng_nan(); }
  return sqrt(u);
}` },
  ng_sigmoid: { deps: ['ng_exp'], src: `fn ng_sigmoid(u: f32) -> f32 {
  return 1.0 / (1.0 + ng_exp(-u));
}` },
  // Builtin tanh may be (e^u − e^−u)/(e^u + e^−u): inaccurate near 0, NaN past |u| ≈ 88.
  ng_tanh: { deps: ['ng_isnan'], src: `fn ng_tanh(u: f32) -> f32 {
  if (ng_isnan(u)) { return u; }
  let a = abs(u);
  if (a < 0.55) {
    let z = u * u;
    return u + u * z * (${tanhPoly('z')});
  }
  return sign(u) * (1.0 - 2.0 / (exp(2.0 * a) + 1.0));
}` },
  // b^k by squaring: exact sign for negative bases, like JS Math.pow with integer k.
  ng_powi: { src: `fn ng_powi(b: f32, k: i32) -> f32 {
  var r: f32 = 1.0;
  var s: f32 = b;
  var e: u32 = u32(abs(k));
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { r = r * s; }
    e = e >> 1u;
    if (e != 0u) { s = s * s; }
  }
  if (k < 0i) { return 1.0 / r; }
  return r;
}` },
  // JS Math.pow semantics where WGSL pow is undefined (u <= 0, NaN).
  ng_pow: { deps: ['ng_isnan', 'ng_nan', 'ng_inf'], src: `fn ng_pow(u: f32, v: f32) -> f32 {
  if (v == 0.0) { return 1.0; }
  if (ng_isnan(u) || ng_isnan(v)) { return ng_nan(); }
  let odd = abs(v) < 16777216.0 && floor(v) == v && (i32(v) & 1i) == 1i;
  if (u == -ng_inf()) {
    // (−inf)^v: ±inf or ±0 by v's sign and oddness, as Math.pow
    if (v > 0.0) { return select(ng_inf(), -ng_inf(), odd); }
    return select(0.0, -0.0, odd);
  }
  if (u == 0.0) {
    if (v > 0.0) { return 0.0; }
    return ng_inf();
  }
  if (u < 0.0) {
    if (floor(v) != v) { return ng_nan(); }
    let m = pow(-u, v);
    // every f32 at or above 2^24 is even
    if (odd) { return -m; }
    return m;
  }
  return pow(u, v);
}` },
  ng_sign: { deps: ['ng_isnan'], src: `fn ng_sign(u: f32) -> f32 {
  if (ng_isnan(u)) { return u; }
  return sign(u);
}` },
  ng_min: { deps: ['ng_isnan', 'ng_nan'], src: `fn ng_min(a: f32, b: f32) -> f32 {
  if (ng_isnan(a) || ng_isnan(b)) { return ng_nan(); }
  return min(a, b);
}` },
  ng_max: { deps: ['ng_isnan', 'ng_nan'], src: `fn ng_max(a: f32, b: f32) -> f32 {
  if (ng_isnan(a) || ng_isnan(b)) { return ng_nan(); }
  return max(a, b);
}` },
  // x at a computed index: NaN outside [0, N), as on the CPU path
  ng_x: { deps: ['ng_nan'], src: `fn ng_x(k: i32) -> f32 {
  if (k < 0i || k >= i32(N)) { return ng_nan(); }
  return p(u32(k));
}` },
};
for (const [op, name] of Object.entries(SEL_HELPER)) BASE[name] = selHelper(name, op);

export const HELPERS: Readonly<Record<string, Helper>> = { ...BASE, ...MATH_HELPERS };

/** The helpers' source, each after the helpers it calls. */
export function helperSource(used: ReadonlySet<string>): string {
  const out: string[] = [];
  const done = new Set<string>();
  const emit = (h: string) => {
    if (done.has(h)) return;
    done.add(h);
    for (const d of HELPERS[h].deps ?? []) emit(d);
    out.push(HELPERS[h].src);
  };
  for (const h of [...used].sort()) emit(h);
  return out.join('\n\n');
}

export { TANH_COEFFS };
