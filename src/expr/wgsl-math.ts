// Float32 implementations of the functions whose WGSL builtins are inaccurate on real
// platforms (llvmpipe: asin 3,800 ulp, log near 1 39,000 ulp, atanh 3·10⁶ ulp near 0, …;
// measured figures in docs/expressions.md). Each propagates NaN explicitly (a NaN check by
// bits, which no fast-math rewrite removes). Polynomials were fitted (least squares on
// Chebyshev nodes, relative weight) to mpmath values and checked in emulated float32.

export interface Helper { src: string; deps?: readonly string[] }

const lit = (c: number) => (c < 0 ? `(${c.toPrecision(9)})` : c.toPrecision(9));
/** c0 + z*(c1 + z*(…)), literals with a decimal point or exponent */
export function horner(coeffs: readonly number[], z: string): string {
  let s = lit(coeffs[coeffs.length - 1]);
  for (let k = coeffs.length - 2; k >= 0; k--) s = `${lit(coeffs[k])} + ${z} * (${s})`;
  return s;
}

// (asin(x) − x)/x³ in z = x², z ∈ [0, 1/4]: 0.58 ulp in emulated f32
const ASIN_P = [0.166666657, 0.0750009418, 0.0445994735, 0.0310998391, 0.0171530005, 0.0336848311];
// (atan(u) − u)/u³ in z = u², |u| ≤ tan(π/8): 0.54 ulp
const ATAN_Q = [-0.333333343, 0.199999765, -0.142841369, 0.110711113, -0.0862290934, 0.0504384078];
// erf(x)/x − 1 in z = x², |x| < 0.84375: 0.70 ulp
const ERF_E = [0.128379166, -0.376126379, 0.112837896, -0.0268659797, 0.00522300974, -0.000852069003, 0.000116027448, -1.0888888e-5];
// erfc(x)·e^(x²) in s = (x − 2.421875)/1.578125, x ∈ [0.84375, 4]: erf to 0.91 ulp
const ERFC_R = [0.216770872, -0.123717502, 0.0670121908, -0.0346636772, 0.0172047447, -0.0082190726, 0.00380295957,
  -0.00173004763, 0.000742673641, -0.000268079282, 0.000119609387, -8.59257998e-5, 3.07131995e-5];
// log(1+f) = f − (f²/2 − s·(f²/2 + R(s²))), s = f/(2+f): R = 2z/3 + 2z²/5 + … (atanh series)
const LOG_R = [2 / 3, 2 / 5, 2 / 7, 2 / 9, 2 / 11, 2 / 13];
// e^r, |r| ≤ ln2/2: Taylor to r⁷/7! (next term below 2^-27 relative)
const EXP_T = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040];
// e^u − 1 on |u| < 1: Taylor to u^13/13! (nn_mathf.wgsl's expm1f)
const EXPM1_T = [1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320, 1 / 362880, 1 / 3628800,
  1 / 39916800, 1 / 479001600, 1 / 6227020800];

export { ASIN_P, ATAN_Q, ERF_E, ERFC_R };

// π/2, π/4, π and ln 2 as f32 hi + lo, and ln 2's hi part short enough that e·hi is exact
const PIO2_HI = '1.57079637', PIO2_LO = '(-4.37113883e-8)';
const PIO4_HI = '0.785398185', PIO4_LO = '(-2.18556942e-8)';
const PI_HI = '3.14159274', PI_LO = '(-8.74227766e-8)';
const LN2_HI = '0.693145752', LN2_LO = '1.42860677e-6';

/** copysign(r, x) including −0 */
const copysign = (r: string, x: string) => `select(${r}, -${r}, (bitcast<u32>(${x}) >> 31u) == 1u)`;

export const MATH_HELPERS: Readonly<Record<string, Helper>> = {
  ng_exp: {
    deps: ['ng_isnan', 'ng_inf'],
    src: `fn ng_exp(x: f32) -> f32 {
  if (ng_isnan(x)) { return x; }
  if (x > 88.7228394) { return ng_inf(); }
  if (x < -103.972084) { return 0.0; }
  // x = k·ln2 + r, |r| <= ln2/2, with k·ln2 exact in two parts (Cody-Waite)
  let k = round(x * 1.44269502);
  let r = (x - k * ${LN2_HI}) - k * ${LN2_LO};
  let p = ${horner(EXP_T, 'r')};
  if (k > 127.0) { return ldexp(p * 2.0, 127i); }
  return ldexp(p, i32(k));
}`,
  },
  ng_expm1: {
    deps: ['ng_exp'],
    src: `fn ng_expm1(u: f32) -> f32 {
  let a = abs(u);
  if (a < 1.0) { return u * (${horner(EXPM1_T, 'u')}); }
  // here |e^u − 1| >= 0.63: the subtraction costs at most ~1.6x exp's own error (NaN lands here)
  return ng_exp(u) - 1.0;
}`,
  },
  // log(1 + f) for f in [√½ − 1, √2 − 1], accurate to ~0.6 ulp (fdlibm's arrangement)
  ng_log1p_core: {
    src: `fn ng_log1p_core(f: f32) -> f32 {
  let s = f / (2.0 + f);
  let z = s * s;
  let R = z * (${horner(LOG_R, 'z')});
  let hfsq = 0.5 * f * f;
  return f - (hfsq - s * (hfsq + R));
}`,
  },
  // x = m·2^e with m in [√½, √2): returns (e, log(m)) for positive finite x
  ng_log_parts: {
    deps: ['ng_log1p_core'],
    src: `fn ng_log_parts(x: f32) -> vec2<f32> {
  let fr = frexp(x);
  var m = fr.fract;
  var e = f32(fr.exp);
  if (m < 0.707106769) { m = m * 2.0; e = e - 1.0; }
  return vec2<f32>(e, ng_log1p_core(m - 1.0));
}`,
  },
  ng_log: {
    deps: ['ng_isnan', 'ng_nan', 'ng_inf', 'ng_log_parts'],
    src: `fn ng_log(x: f32) -> f32 {
  if (ng_isnan(x) || x < 0.0) { return ng_nan(); }
  if (x == 0.0) { return -ng_inf(); }
  if (bitcast<u32>(x) == 0x7f800000u) { return x; }
  let q = ng_log_parts(x);
  return q.x * ${LN2_HI} + (q.x * ${LN2_LO} + q.y);
}`,
  },
  ng_log2: {
    deps: ['ng_isnan', 'ng_nan', 'ng_inf', 'ng_log_parts'],
    src: `fn ng_log2(x: f32) -> f32 {
  if (ng_isnan(x) || x < 0.0) { return ng_nan(); }
  if (x == 0.0) { return -ng_inf(); }
  if (bitcast<u32>(x) == 0x7f800000u) { return x; }
  let q = ng_log_parts(x);
  return q.x + q.y * 1.44269502;
}`,
  },
  ng_log10: {
    deps: ['ng_isnan', 'ng_nan', 'ng_inf', 'ng_log_parts'],
    src: `fn ng_log10(x: f32) -> f32 {
  if (ng_isnan(x) || x < 0.0) { return ng_nan(); }
  if (x == 0.0) { return -ng_inf(); }
  if (bitcast<u32>(x) == 0x7f800000u) { return x; }
  let q = ng_log_parts(x);
  // log10(2) = 0.30102539 + 4.6050389e-6, the first part short enough that e·hi is exact
  return q.x * 0.301025391 + (q.x * 4.60503907e-6 + q.y * 0.434294492);
}`,
  },
  ng_log1p: {
    deps: ['ng_isnan', 'ng_nan', 'ng_inf', 'ng_log1p_core', 'ng_log'],
    src: `fn ng_log1p(u: f32) -> f32 {
  if (ng_isnan(u) || u < -1.0) { return ng_nan(); }
  if (u == -1.0) { return -ng_inf(); }
  if (u > -0.292893231 && u < 0.414213538) { return ng_log1p_core(u); }
  // log(t) + c/t with t = 1 + u rounded and c its rounding error
  let t = 1.0 + u;
  let c = select(u - (t - 1.0), 1.0 - (t - u), u > 1.0);
  return ng_log(t) + c / t;
}`,
  },
  ng_exp2: {
    deps: ['ng_isnan', 'ng_inf'],
    src: `fn ng_exp2(x: f32) -> f32 {
  if (ng_isnan(x)) { return x; }
  if (x >= 128.0) { return ng_inf(); }
  if (x < -150.0) { return 0.0; }
  return exp2(x);
}`,
  },
  ng_sinh: {
    deps: ['ng_isnan', 'ng_exp', 'ng_expm1'],
    src: `fn ng_sinh(x: f32) -> f32 {
  if (ng_isnan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a < 1.0) {
    let u = ng_expm1(a);
    r = 0.5 * (u + u / (u + 1.0));
  } else if (a < 9.0) {
    let e = ng_exp(a);
    r = 0.5 * (e - 1.0 / e);
  } else {
    // e^a/2 as e^(a/2)·(e^(a/2)/2): finite up to sinh's own overflow
    let h = ng_exp(0.5 * a);
    r = h * (0.5 * h);
  }
  return ${copysign('r', 'x')};
}`,
  },
  ng_cosh: {
    deps: ['ng_exp'],
    src: `fn ng_cosh(x: f32) -> f32 {
  let a = abs(x);
  if (a < 9.0) {
    let e = ng_exp(a);
    return 0.5 * (e + 1.0 / e);
  }
  let h = ng_exp(0.5 * a);
  return h * (0.5 * h);
}`,
  },
  ng_asinh: {
    deps: ['ng_isnan', 'ng_log', 'ng_log1p'],
    src: `fn ng_asinh(x: f32) -> f32 {
  if (ng_isnan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a > 4096.0) {
    r = ng_log(a) + 0.693147182;
  } else if (a > 2.0) {
    r = ng_log(2.0 * a + 1.0 / (sqrt(a * a + 1.0) + a));
  } else {
    r = ng_log1p(a + a * a / (1.0 + sqrt(1.0 + a * a)));
  }
  return ${copysign('r', 'x')};
}`,
  },
  ng_acosh: {
    deps: ['ng_isnan', 'ng_nan', 'ng_log', 'ng_log1p'],
    src: `fn ng_acosh(x: f32) -> f32 {
  if (ng_isnan(x) || x < 1.0) { return ng_nan(); }
  if (x > 4096.0) { return ng_log(x) + 0.693147182; }
  if (x > 2.0) { return ng_log(2.0 * x - 1.0 / (x + sqrt(x * x - 1.0))); }
  let t = x - 1.0;
  return ng_log1p(t + sqrt(2.0 * t + t * t));
}`,
  },
  ng_atanh: {
    deps: ['ng_isnan', 'ng_nan', 'ng_inf', 'ng_log1p'],
    src: `fn ng_atanh(x: f32) -> f32 {
  let a = abs(x);
  if (ng_isnan(x) || a > 1.0) { return ng_nan(); }
  var r: f32;
  if (a == 1.0) {
    r = ng_inf();
  } else if (a < 0.5) {
    r = 0.5 * ng_log1p(2.0 * a + 2.0 * a * a / (1.0 - a));
  } else {
    r = 0.5 * ng_log1p(2.0 * a / (1.0 - a));
  }
  return ${copysign('r', 'x')};
}`,
  },
  ng_asin_p: { src: `fn ng_asin_p(z: f32) -> f32 {\n  return ${horner(ASIN_P, 'z')};\n}` },
  ng_asin: {
    deps: ['ng_isnan', 'ng_nan', 'ng_asin_p'],
    src: `fn ng_asin(x: f32) -> f32 {
  let a = abs(x);
  if (ng_isnan(x) || a > 1.0) { return ng_nan(); }
  if (a <= 0.5) { return x + x * (x * x) * ng_asin_p(x * x); }
  // asin(a) = π/2 − 2·asin(√((1 − a)/2)); 1 − a is exact here
  let z = 0.5 * (1.0 - a);
  let s = sqrt(z);
  let r = ${PIO2_HI} - (2.0 * (s + s * z * ng_asin_p(z)) - ${PIO2_LO});
  return ${copysign('r', 'x')};
}`,
  },
  ng_acos: {
    deps: ['ng_isnan', 'ng_nan', 'ng_asin_p'],
    src: `fn ng_acos(x: f32) -> f32 {
  let a = abs(x);
  if (ng_isnan(x) || a > 1.0) { return ng_nan(); }
  if (a <= 0.5) { return ${PIO2_HI} - ((x + x * (x * x) * ng_asin_p(x * x)) - ${PIO2_LO}); }
  let z = 0.5 * (1.0 - a);
  let s = sqrt(z);
  let w = s + s * z * ng_asin_p(z);
  if (x > 0.0) { return 2.0 * w; }
  return ${PI_HI} - (2.0 * w - ${PI_LO});
}`,
  },
  ng_atan: {
    deps: ['ng_isnan'],
    src: `fn ng_atan(x: f32) -> f32 {
  if (ng_isnan(x)) { return x; }
  let a = abs(x);
  var base = 0.0;
  var lo = 0.0;
  var u = a;
  if (a > 2.41421366) {
    base = ${PIO2_HI};
    lo = ${PIO2_LO};
    u = -1.0 / a;
  } else if (a > 0.414213568) {
    base = ${PIO4_HI};
    lo = ${PIO4_LO};
    u = (a - 1.0) / (a + 1.0);
  }
  let z = u * u;
  let r = base + ((u + u * z * (${horner(ATAN_Q, 'z')})) + lo);
  return ${copysign('r', 'x')};
}`,
  },
  ng_atan2: {
    deps: ['ng_isnan', 'ng_nan', 'ng_inf', 'ng_atan'],
    src: `fn ng_atan2(y: f32, x: f32) -> f32 {
  if (ng_isnan(x) || ng_isnan(y)) { return ng_nan(); }
  let ax = abs(x);
  let ay = abs(y);
  // −0 counts as negative, as in Math.atan2 (atan2(0, −0) = π)
  let xneg = (bitcast<u32>(x) >> 31u) == 1u;
  let inf = ng_inf();
  var r: f32;
  if (ay == 0.0) {
    r = select(0.0, ${PI_HI}, xneg);
  } else if (ax == 0.0) {
    r = ${PIO2_HI};
  } else if (ax == inf && ay == inf) {
    r = select(${PIO4_HI}, 2.35619450, xneg);
  } else {
    if (ay <= ax) { r = ng_atan(ay / ax); } else { r = ${PIO2_HI} - (ng_atan(ax / ay) - ${PIO2_LO}); }
    if (xneg) { r = ${PI_HI} - (r - ${PI_LO}); }
  }
  return ${copysign('r', 'y')};
}`,
  },
  ng_erf: {
    deps: ['ng_isnan', 'ng_exp'],
    src: `fn ng_erf(x: f32) -> f32 {
  if (ng_isnan(x)) { return x; }
  let a = abs(x);
  var r: f32 = 1.0;
  if (a < 0.84375) {
    let z = a * a;
    r = a + a * (${horner(ERF_E, 'z')});
  } else if (a < 4.0) {
    let s = (a - 2.421875) * 0.633663356;
    r = 1.0 - ng_exp(-(a * a)) * (${horner(ERFC_R, 's')});
  }
  return ${copysign('r', 'x')};
}`,
  },
  ng_cbrt: {
    deps: ['ng_isnan', 'ng_inf'],
    src: `fn ng_cbrt(x: f32) -> f32 {
  let a = abs(x);
  if (ng_isnan(x) || a == 0.0 || a == ng_inf()) { return x; }
  var y = exp2(log2(a) * 0.333333343);
  // one Newton step on y³ = a squares the estimate's ~1e-6 relative error
  y = y - (y - a / (y * y)) * 0.333333343;
  return ${copysign('y', 'x')};
}`,
  },
  // floored modulo (the result has b's sign), exact while |a/b| < 2^24: q·b is formed
  // exactly as p + err (Dekker's product; WGSL does not promise a fused fma) and a − p is
  // exact (Sterbenz)
  ng_mod: {
    deps: ['ng_isnan', 'ng_nan', 'ng_inf'],
    src: `fn ng_mod(a: f32, b: f32) -> f32 {
  let inf = ng_inf();
  if (ng_isnan(a) || ng_isnan(b) || b == 0.0 || abs(a) == inf) { return ng_nan(); }
  if (abs(b) == inf) {
    if (a == 0.0 || (a < 0.0) == (b < 0.0)) { return a; }
    return b;
  }
  let q = floor(a / b);
  var r: f32;
  if (abs(q) < 16777216.0 && abs(b) < 1e30) {
    let p = q * b;
    let cq = 4097.0 * q;
    let qh = cq - (cq - q);
    let ql = q - qh;
    let cb = 4097.0 * b;
    let bh = cb - (cb - b);
    let bl = b - bh;
    let err = ((qh * bh - p) + qh * bl + ql * bh) + ql * bl;
    r = (a - p) - err;
  } else {
    r = a - q * b;
  }
  if (b > 0.0) {
    if (r < 0.0) { r = r + b; }
    if (r >= b) { r = r - b; }
  } else {
    if (r > 0.0) { r = r + b; }
    if (r <= b) { r = r - b; }
  }
  return r;
}`,
  },
};
