// The lane boilerplate shared by the gradient harness and gradient descent (included by the
// build plugin): which parameter a lane perturbs, p() for the user's code, and the
// central-difference stencil. The harness defines `fn ngh_point(i: u32) -> f32` (the
// unperturbed value of parameter i of the lane's point); the user's `fn user_f() -> f32`,
// appended after the harness, reads parameters only through p().
// Namespace: every module-scope name of the harnesses is ngh_* / ng_* (identifiers a user
// body may not use, src/functions/wgsl-body.ts), except p, the overrides N, STENCIL, WG and
// the entry points, which are only reserved as data names (overrides are read-only).
//#include "../../../gpu/shaders/lanes.wgsl"
override N: u32;        // parameters per point
override STENCIL: u32;  // 3 or 5 points

var<private> ngh_j: u32;   // the parameter this lane perturbs (0xffffffffu: none)
var<private> ngh_xj: f32;  // its perturbed value

fn p(i: u32) -> f32 {
  if (i == ngh_j) { return ngh_xj; }
  if (i >= N) { return 0.0; }   // out of range reads 0 rather than the next point
  return ngh_point(i);
}

fn ngh_at(v: f32) -> f32 {
  ngh_xj = v;
  return user_f();
}

// Derivative along parameter ngh_j from the perturbed coordinates xp = x + h, xm = x − h
// (and xp2 = x + 2h, xm2 = x − 2h for the 5-point stencil), all already rounded to f32.
// Divides by the realised step xp − xm (exact by Sterbenz when xm and xp are within a factor
// 2 of each other), never by 2h. Returns (derivative, 1 when x ± h rounded to x else 0).
fn ngh_derivative(xp: f32, xm: f32, xp2: f32, xm2: f32) -> vec2<f32> {
  let d1 = xp - xm;
  if (d1 == 0.0) { return vec2<f32>(0.0, 1.0); }
  let g1 = (ngh_at(xp) - ngh_at(xm)) / d1;
  if (STENCIL != 5u) { return vec2<f32>(g1, 0.0); }
  // Richardson on the realised steps: g = g1 + (g1 − g2)·d1²/(d2² − d1²)
  // (= (4·g1 − g2)/3 when d2 = 2·d1).
  let d2 = xp2 - xm2;
  let g2 = (ngh_at(xp2) - ngh_at(xm2)) / d2;
  let w = (d1 * d1) / (d2 * d2 - d1 * d1);
  return vec2<f32>(g1 + (g1 - g2) * w, 0.0);
}
