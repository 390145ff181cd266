// Float32 helpers shared by the nn_* kernels (spliced in front of them as text).
// WGSL has no expm1/log1p, and exp(u) - 1 or log(1 + u) lose every digit for small u
// (WGSL only promises log to an absolute 2^-21 near 1), so both use series near 0.

// e^u - 1, within a few ulp for every u.
fn expm1f(u: f32) -> f32 {
  let a = abs(u);
  if (a < 0.0078125) {
    // |u| < 2^-7: the first dropped term u^4/120 is below 2^-30 relative
    return u * (1.0 + u * (0.5 + u * (0.16666667 + u * 0.041666668)));
  }
  if (a < 1.0) {
    // Taylor to u^13/13!: the dropped u^14/14! is below 2^-36 relative at |u| = 1
    var p = 1.6059044e-10;
    p = p * u + 2.0876757e-9;
    p = p * u + 2.5052108e-8;
    p = p * u + 2.7557319e-7;
    p = p * u + 2.7557319e-6;
    p = p * u + 2.4801587e-5;
    p = p * u + 1.9841270e-4;
    p = p * u + 1.3888889e-3;
    p = p * u + 8.3333333e-3;
    p = p * u + 4.1666668e-2;
    p = p * u + 0.16666667;
    p = p * u + 0.5;
    p = p * u + 1.0;
    return p * u;
  }
  // here |e^u - 1| >= 0.63, so the subtraction costs at most ~1.6x exp's own error
  return exp(u) - 1.0;
}

// log(1 + u), within a few ulp for u > -1.
fn log1pf(u: f32) -> f32 {
  if (abs(u) < 0.0078125) {
    // |u| < 2^-7 (every loss change of a small step): Taylor to u^5/5, the dropped u^6/6 is
    // below 2^-38 relative; no division (the structured kernels call this per sample and side)
    return u * (1.0 - u * (0.5 - u * (0.33333334 - u * (0.25 - u * 0.2))));
  }
  if (u > -0.5 && u < 1.0) {
    // log(1+u) = 2 atanh(s), s = u/(2+u), |s| <= 1/3: odd series to s^15/15
    let s = u / (2.0 + u);
    let s2 = s * s;
    var p = 0.06666667;
    p = p * s2 + 0.07692308;
    p = p * s2 + 0.09090909;
    p = p * s2 + 0.11111111;
    p = p * s2 + 0.14285715;
    p = p * s2 + 0.2;
    p = p * s2 + 0.33333334;
    p = p * s2 + 1.0;
    return 2.0 * s * p;
  }
  // 1 + u is exact for u in [-1, -0.5] (Sterbenz) and log's argument is away from 1
  return log(1.0 + u);
}

// sigma(a) through exp(-|a|): no overflow for large |a|
fn sigmoidf(a: f32) -> f32 {
  let e = exp(-abs(a));
  let d = 1.0 + e;
  return select(e / d, 1.0 / d, a >= 0.0);
}
