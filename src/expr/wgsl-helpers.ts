// WGSL helper functions, each emitted at most once per module. Every name starts with
// `ng_` so nothing clashes with the harness (which owns `N`, `p`, `main`, bindings).

// tanh Taylor coefficients for x^3 .. x^19: 2^2n (2^2n − 1) B_2n / (2n)!. On |u| < 0.55 the
// first omitted term is < 1e-9 relative, far below f32's 6e-8 half-ulp.
const TANH_COEFFS = [
  -1 / 3, 2 / 15, -17 / 315, 62 / 2835, -1382 / 155925, 21844 / 6081075,
  -929569 / 638512875, 6404582 / 10854718875, -443861162 / 1856156927625,
];

function horner(coeffs: readonly number[], z: string): string {
  // c0 + z*(c1 + z*(c2 + ...)), literals always carry an exponent or decimal point
  const lit = (c: number) => (c < 0 ? `(${c.toExponential()})` : c.toExponential());
  let s = lit(coeffs[coeffs.length - 1]);
  for (let k = coeffs.length - 2; k >= 0; k--) s = `${lit(coeffs[k])} + ${z} * (${s})`;
  return s;
}

export const HELPER_SOURCE: Readonly<Record<string, string>> = {
  // NaN and inf come from a runtime var: a constant expression evaluating to NaN or
  // infinity is a shader-creation error in WGSL.
  ng_nan: `fn ng_nan() -> f32 {
  var bits: u32 = 0x7fc00000u;
  return bitcast<f32>(bits);
}`,
  ng_inf: `fn ng_inf() -> f32 {
  var bits: u32 = 0x7f800000u;
  return bitcast<f32>(bits);
}`,
  ng_sigmoid: `fn ng_sigmoid(u: f32) -> f32 {
  return 1.0 / (1.0 + exp(-u));
}`,
  // Builtin tanh may be (e^u − e^−u)/(e^u + e^−u): inaccurate near 0, NaN past |u| ≈ 88.
  ng_tanh: `fn ng_tanh(u: f32) -> f32 {
  let a = abs(u);
  if (a < 0.55) {
    let z = u * u;
    return u + u * z * (${horner(TANH_COEFFS, 'z')});
  }
  return sign(u) * (1.0 - 2.0 / (exp(2.0 * a) + 1.0));
}`,
  // b^k by squaring: exact sign for negative bases, like JS Math.pow with integer k.
  ng_powi: `fn ng_powi(b: f32, k: i32) -> f32 {
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
}`,
  // JS Math.pow semantics where WGSL pow is undefined (u <= 0).
  ng_pow: `fn ng_pow(u: f32, v: f32) -> f32 {
  if (v == 0.0) { return 1.0; }
  if (u == 0.0) {
    if (v > 0.0) { return 0.0; }
    return ng_inf();
  }
  if (u < 0.0) {
    if (floor(v) != v) { return ng_nan(); }
    let m = pow(-u, v);
    // every f32 at or above 2^24 is even
    if (abs(v) < 16777216.0 && (i32(v) & 1i) == 1i) { return -m; }
    return m;
  }
  return pow(u, v);
}`,
};

/** Helpers a helper itself calls. */
export const HELPER_DEPS: Readonly<Record<string, readonly string[]>> = {
  ng_pow: ['ng_nan', 'ng_inf'],
};

export const HELPER_ORDER = ['ng_nan', 'ng_inf', 'ng_sigmoid', 'ng_tanh', 'ng_powi', 'ng_pow'];

export { TANH_COEFFS };
