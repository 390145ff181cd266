// Structured numerical gradient of the hidden layer of a TwoLayerNet
// (a1 = x·W1 + b1, z1 = σ(a1), a2 = z1·W2 + b2, y = softmax(a2), cross-entropy loss).
// One lane per parameter, both sides. W1[i][j] ± h moves a1[b][j] by d = ±h·x[b][i]
// (b1[j]: d = ±h). With m = expm1(-d), σ(a+d) = z/(1 + zm·m), so z1[b][j] moves by
//   δz = σ(a+d) - σ(a) = -z·zm·m / (1 + zm·m)        (z = σ(a), zm = σ(-a); no cancellation)
// and every logit k by Δ_k = δz·W2[j][k]. Then, per sample, with e_k = expm1(Δ_k):
//   S = 1 + sum_k y_k e_k,  y'_c - y_c = y_c·sum_k y_k (e_c - e_k) / S
//   change = -sum_c t_c log1p((y'_c - y_c)/(y_c + 1e-7))
// and g = sum_b (change_b(+h) - change_b(-h)) / B / 2h.
// Samples with x[b][i] == 0 change nothing: W1 lanes walk only the nonzero samples of
// column i (nz, built by nn_layers.wgsl nonzero_cols, ended by -1 when shorter than B);
// lanes of one workgroup mostly share i, so their trip counts agree.
// Row chunks (mode bit 0: first, bit 1: last) carry the raw sum in g and its compensation
// in gc, as in nn_grad_out.wgsl: the chunked batch gives the same bits as one piece.
// The input's own step d = ±h·x also uses the 3-term expm1 when |d| < 2^-9 (h = 1e-4 and
// MNIST's x ≤ 1 always do): the full expm1f per sample and side was half the kernel's time.
// Fast path (label targets, every |Δ_k| of the sample below 2^-9): e_k = Δ_k + Δ_k²/2 + Δ_k³/6
// to below 2^-27 relative, so with Δ_k = δz·w_k the sums over k are polynomials in δz whose
// coefficients depend only on (b, j) — the same for all I lanes of column j — and are
// precomputed once by `moments` (power sums of W2[j][·] weighted by y):
//   S - 1 = δz·M1 + δz²·M2/2 + δz³·M3/6,             Mn = sum_k y_k w_k^n
//   sum_k y_k (e_c - e_k) = δz·N1 + δz²·N2/2 + δz³·N3/6, Nn = sum_k y_k (w_c^n - w_k^n)
// (w_c^n - w_k^n formed as (w_c - w_k)·(...), no cancellation). This is the same finite
// loss change evaluated with fewer operations, not a derivative: the O(h²) truncation of the
// central difference is untouched. Otherwise expm1/log1p run per k (nn_mathf.wgsl).
// Needs nn_mathf.wgsl in front.
//#include "../../../gpu/shaders/lanes.wgsl"
//#include "nn_mathf.wgsl"
//#include "nn_hidden_common.wgsl"
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let p = ng_lane(gid, nwg);
  if (p >= P.lanes) { return; }
  let H = P.H;
  let K = P.K;
  let IH = P.I * H;
  let IHp = P.I * P.Hp;
  let isBias = p >= IHp;
  var i = 0u;
  var j = p - IHp;
  if (!isBias) { i = p / P.Hp; j = p % P.Hp; }
  if (j >= H) { return; }
  let out = select(i * H + j, IH + j, isBias); // g's layout: W1 (I×H), then b1
  let w = j * K;
  var wmax = 0.0;
  for (var k = 0u; k < K; k = k + 1u) { wmax = max(wmax, abs(W2[w + k])); }
  var acc = 0.0;
  var comp = 0.0; // Kahan compensation
  if ((P.mode & 1u) == 0u) {
    acc = g[out];
    comp = gc[out];
  }
  for (var q = 0u; q < P.B; q = q + 1u) {
    var b = q;
    var xv = 1.0;
    if (!isBias) {
      let bf = nz[i * P.B + q];
      if (bf < 0.0) { break; }
      b = u32(bf);
      xv = x[b * P.I + i];
    }
    let d = P.h * xv;
    // |d| = h·|x| is tiny for the usual h (1e-4): three terms give expm1 to 2^-29 relative
    var m: vec2<f32>;
    if (abs(d) < SMALL) { m = expm1_small(vec2<f32>(-d, d)); } else { m = vec2<f32>(expm1f(-d), expm1f(d)); }
    let zz = z1[b * H + j];
    let s = zm[b * H + j];
    let dz = sigmoid_move(zz, s, m);
    let fast = max(abs(dz.x), abs(dz.y)) * wmax < SMALL;
    let o = b * K;
    var ch = vec2<f32>(0.0);
    if (!ONEHOT && fast) {
      let tN = tab[2u * (b * H + j)];
      let tM = tab[2u * (b * H + j) + 1u];
      let num = dz * (tN.x + dz * (tN.y + dz * tN.z));
      let sm1 = dz * (tM.x + dz * (tM.y + dz * tM.z));
      ch = -log1p_small(tN.w * num / (1.0 + sm1));
    } else if (ONEHOT) {
      for (var c = 0u; c < K; c = c + 1u) {
        let tc = t[o + c];
        if (tc != 0.0) { ch = ch - tc * change_c(o, w, c, dz, fast); }
      }
    } else {
      ch = -change_c(o, w, u32(t[b]), dz, fast);
    }
    let v = (ch.x - ch.y) - comp;
    let sum = acc + v;
    comp = (sum - acc) - v;
    acc = sum;
  }
  if ((P.mode & 2u) != 0u) {
    g[out] = acc * P.invB2h;
  } else {
    g[out] = acc;
    gc[out] = comp;
  }
}

// the fast path's coefficients, one lane per (b, j) (label targets)
@compute @workgroup_size(WG)
fn moments(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let p = ng_lane(gid, nwg);
  if (p >= P.B * P.H) { return; }
  let b = p / P.H;
  let j = p % P.H;
  let K = P.K;
  let o = b * K;
  let w = j * K;
  let c = u32(t[b]);
  let wc = W2[w + c];
  var N = vec3<f32>(0.0);
  var M = vec3<f32>(0.0);
  var wmax = 0.0;
  for (var k = 0u; k < K; k = k + 1u) {
    let wk = W2[w + k];
    let yk = y[o + k];
    let dw = wc - wk;
    N = N + yk * vec3<f32>(dw, dw * (wc + wk), dw * (wc * wc + wc * wk + wk * wk));
    M = M + yk * vec3<f32>(wk, wk * wk, wk * wk * wk);
    wmax = max(wmax, abs(wk));
  }
  let yv = y[o + c];
  tab[2u * p] = vec4<f32>(N.x, N.y * 0.5, N.z * 0.16666667, yv / (yv + EPS));
  tab[2u * p + 1u] = vec4<f32>(M.x, M.y * 0.5, M.z * 0.16666667, wmax);
}
