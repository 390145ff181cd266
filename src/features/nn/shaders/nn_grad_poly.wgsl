// The hidden layer's structured gradient through a matmul (nn_grad_hidden.wgsl explains the
// per-lane form). W1[i][j] ± h moves only a1[b][j], by ±h·x[b][i], so the lane's sum is
//   g[i][j] = sum_b D_bj(h·x[b][i]) / (2hB),   D_bj(d) = change_b(+d) - change_b(-d),
// one smooth odd function of d per (b, j). For |d| ≤ δ = h·s_b (s_b = max_i |x[b][i]|),
// D_bj(d) = 2φ1·d + 2φ3·d³ + O(d⁵), and with δ·max(1, max_k |W2[j][k]|) < 2^-9 the dropped
// terms are below 2^-36 of the first (each order adds a factor (δ·|w|)² ≤ 2^-18). So each
// (b, j) lane evaluates D exactly (as main would) at δ and δ/2, fits φ1 and φ3 from them
//   6φ1δ = 8D(δ/2) - D(δ),  1.5φ3δ³ = D(δ) - 2D(δ/2),
// and g = xᵀ·A + (x³)ᵀ·C with A[b][j] = φ1/B, C[b][j] = φ3·h²/B: matmuls (nn_matmul.wgsl)
// instead of B·I·H loss changes. The cubic one runs (indirect) only if for some pair
// |D1 - 2·D2| > 2^-20·N·δ (N: `natural`, the scale D's rounding is relative to): the φ3
// term is measurable above float32's rounding of the linear one. Below that, what C would
// hold is that rounding (for h = 1e-4, φ3·δ² is ~1e-8 of N): the true cubic term is as
// uncertain kept as dropped. This is the same finite central difference at the same h
// (its O(h²) truncation is the φ3 term, kept), not a derivative: only the evaluation of
// D at the I points h·x[b][i] is replaced by its interpolant through exactly evaluated
// points, exact to float32. The bias lanes use D(h) itself. A pair outside the bound (large
// h·x or weights) or a non-finite D sends the whole gradient to main, by indirect dispatch
// arguments written here (zero workgroups when every pair passed): the per-lane kernel, its
// moments table and its sparse column index are only built then.
//#include "../../../gpu/shaders/lanes.wgsl"
//#include "nn_mathf.wgsl"
//#include "nn_hidden_common.wgsl"

// indirect dispatch arguments (x, y, z): [0..2] main, [3..5] moments, [6..8] nonzero_cols of
// nn_layers.wgsl, [9..11] the cubic matmul; (0, 0, 1) until the coefficients ask
@group(0) @binding(11) var<storage, read_write> aux: array<atomic<u32>>;
// A from element 0, C from P.q0, the bias terms from 2·P.q0 (B×H each), s_b (nn_cube.wgsl) from 3·P.q0
@group(0) @binding(13) var<storage, read_write> pco: array<f32>;
// by the bits: under WGSL's finite-math rules a compiler may fold v - v == 0 to true
fn finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

fn fail() {
  // the grids' x come in P.q1, P.q2, P.r0; y is 1 (the host takes this path only then)
  atomicStore(&aux[0], P.q1);
  atomicStore(&aux[1], 1u);
  atomicStore(&aux[3], P.q2);
  atomicStore(&aux[4], 1u);
  atomicStore(&aux[6], P.r0);
  atomicStore(&aux[7], 1u);
}

// |φ1| of pair (b, j) without its cancellation: σ'(a)·Σ_k |W2[j][k]|·(y_k + t_k). D's
// rounding is relative to this (the change sums y_k·(e_c - e_k) over k), not to φ1 itself,
// which can vanish while φ3 does not.
fn natural(b: u32, j: u32) -> f32 {
  var n = 0.0;
  for (var k = 0u; k < P.K; k = k + 1u) {
    var tk = 0.0;
    if (ONEHOT) { tk = abs(t[b * P.K + k]); } else if (k == u32(t[b])) { tk = 1.0; }
    n = n + abs(W2[j * P.K + k]) * (y[b * P.K + k] + tk);
  }
  return z1[b * P.H + j] * zm[b * P.H + j] * n;
}

fn need_cubic() {
  atomicStore(&aux[9], P.r1); // the cubic matmul's workgroups
  atomicStore(&aux[10], 1u);
}

// one lane per (b, j): A, C and the bias term
@compute @workgroup_size(WG)
fn coeffs(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let p = ng_lane(gid, nwg);
  if (p >= P.B * P.H) { return; }
  let b = p / P.H;
  let j = p % P.H;
  let wmax = w2max(j);
  let s = pco[3u * P.q0 + b];
  let hb = change_pm(b, j, P.h, wmax);
  let bias = (hb.x - hb.y) * P.invB2h;
  var a = 0.0;
  var c = 0.0;
  var ok = finite(bias) && finite(s);
  if (s > 0.0) {
    let d = P.h * s;
    // d·max(1, wmax) < 2^-9 bounds the dropped terms; below 2^-100 D could underflow
    ok = ok && d * max(1.0, wmax) < SMALL && d > 7.888609e-31;
    var c1 = hb;
    if (d != P.h) { c1 = change_pm(b, j, d, wmax); } // s_b = 1 (MNIST rows): D(δ) is the bias lane's D(h)
    let c2 = change_pm(b, j, 0.5 * d, wmax);
    let D1 = c1.x - c1.y;
    let D2 = c2.x - c2.y;
    // A = φ1/B = (8·D2 - D1)/(6δB), C = φ3·h²/B = (D1 - 2·D2)·h²/(1.5δ³B), δ = h·s
    a = (8.0 * D2 - D1) * (P.invB2h / (3.0 * s));
    if (s > 9.094947e-13) { c = (D1 - 2.0 * D2) * (P.invB2h * 1.3333334 / (s * s * s)); } // s³ stays a normal f32
    ok = ok && finite(a) && finite(c);
    // the cubic term is measurable once D1 - 2·D2 is above the rounding of D1's linear part
    if (abs(D1 - 2.0 * D2) > 9.536743e-7 * natural(b, j) * d) { need_cubic(); } // 2^-20
  }
  if (!ok) { fail(); }
  pco[p] = a;
  pco[P.q0 + p] = c;
  pco[2u * P.q0 + p] = bias;
}

// one lane per hidden unit j: g[I·H + j] = the bias terms summed over b (compensated, in order)
@compute @workgroup_size(WG)
fn bias_sum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let j = ng_lane(gid, nwg);
  if (j >= P.H) { return; }
  var acc = 0.0;
  var comp = 0.0;
  for (var b = 0u; b < P.B; b = b + 1u) {
    let v = pco[2u * P.q0 + b * P.H + j] - comp;
    let sum = acc + v;
    comp = (sum - acc) - v;
    acc = sum;
  }
  g[P.I * P.H + j] = acc;
}
