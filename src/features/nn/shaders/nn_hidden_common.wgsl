// What the hidden-layer gradient kernels share (nn_grad_hidden.wgsl: one lane per
// parameter; nn_grad_poly.wgsl: the same loss changes applied through a matmul): the
// parameters, the bindings and the per-sample loss change of one hidden unit's move.
// Needs lanes.wgsl and nn_mathf.wgsl in front.
override ONEHOT: bool = false;
const EPS: f32 = 1e-7;
const SMALL: f32 = 0.001953125; // 2^-9

// Hp: H rounded up to a multiple of 8. W1 lanes are laid out i-major over Hp slots (the
// last Hp - H of each i idle), so a SIMD group of 8 lanes always shares its input column i:
// one trip count and one sample list per group (with H = 50 lanes per i, most groups of 8
// straddled two columns and ran both lists, every load a gather).
// q0..q2 and r0, r1: the matmul form's offsets and the grids it hands over (nn_grad_poly.wgsl)
struct Params { B: u32, I: u32, H: u32, K: u32, lanes: u32, h: f32, invB2h: f32, mode: u32, Hp: u32, q0: u32, q1: u32, q2: u32, r0: u32, r1: u32, r2: u32, r3: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> z1: array<f32>;
@group(0) @binding(2) var<storage, read> zm: array<f32>;
@group(0) @binding(3) var<storage, read> W2: array<f32>;
@group(0) @binding(4) var<storage, read> y: array<f32>;
@group(0) @binding(5) var<storage, read> t: array<f32>;
@group(0) @binding(6) var<storage, read_write> g: array<f32>;
@group(0) @binding(7) var<uniform> P: Params;
@group(0) @binding(8) var<storage, read> nz: array<f32>;      // I x B sample indices, -1 ends a column
@group(0) @binding(9) var<storage, read_write> gc: array<f32>; // compensation between chunks
// per (b, j): [N1, N2/2, N3/6, y_c/(y_c + 1e-7)] then [M1, M2/2, M3/6, max_k |w_k|]
@group(0) @binding(10) var<storage, read_write> tab: array<vec4<f32>>;

// e^u - 1 for |u| < 2^-9 (dropped u^4/24 is below 2^-29 relative)
fn expm1_small(u: vec2<f32>) -> vec2<f32> {
  return u * (1.0 + u * (0.5 + u * 0.16666667));
}

// log(1 + r) for |r| < 2^-7 (dropped r^5/5 is below 2^-30 relative)
fn log1p_small(r: vec2<f32>) -> vec2<f32> {
  return r * (1.0 - r * (0.5 - r * (0.33333334 - r * 0.25)));
}

// the log-ratio of class c, both sides (dz.x: +h, dz.y: -h); `fast` when all |Δ| < 2^-9
fn change_c(o: u32, w: u32, c: u32, dz: vec2<f32>, fast: bool) -> vec2<f32> {
  var num = vec2<f32>(0.0);
  var sm1 = vec2<f32>(0.0);
  let yv = y[o + c];
  if (fast) {
    let ec = expm1_small(dz * W2[w + c]);
    for (var k = 0u; k < P.K; k = k + 1u) {
      let e = expm1_small(dz * W2[w + k]);
      let yk = y[o + k];
      sm1 = sm1 + yk * e;
      num = num + yk * (ec - e);
    }
    return log1p_small((yv / (yv + EPS)) * num / (1.0 + sm1));
  }
  let ec = vec2<f32>(expm1f(dz.x * W2[w + c]), expm1f(dz.y * W2[w + c]));
  for (var k = 0u; k < P.K; k = k + 1u) {
    let wk = W2[w + k];
    let e = vec2<f32>(expm1f(dz.x * wk), expm1f(dz.y * wk));
    let yk = y[o + k];
    sm1 = sm1 + yk * e;
    num = num + yk * (ec - e);
  }
  let r = (yv / (yv + EPS)) * num / (1.0 + sm1);
  return vec2<f32>(log1pf(r.x), log1pf(r.y));
}


// σ(a + d) - σ(a) = -z·zm·m / (1 + zm·m) with m = expm1(-d), z = σ(a), zm = σ(-a); a step
// so large that m overflows (h·x past ~88) moves σ to 0: the change is -z (Inf/Inf was NaN)
fn sigmoid_move(z: f32, zm: f32, m: vec2<f32>) -> vec2<f32> {
  let big = (bitcast<vec2<u32>>(m) & vec2<u32>(0x7fffffffu)) == vec2<u32>(0x7f800000u);
  return select(-(z * zm * m) / (1.0 + zm * m), vec2<f32>(-z), big);
}

// The loss change of sample b when a1[b][j] moves by +d (x) and -d (y), formed as main forms
// it per sample but without the moments table: σ(a ± d) - σ(a) through expm1, the logits'
// softmax change through expm1/log1p (series when every |Δ_k| < 2^-9). wmax = max_k |W2[j][k]|.
fn change_pm(b: u32, j: u32, d: f32, wmax: f32) -> vec2<f32> {
  var m: vec2<f32>;
  if (abs(d) < SMALL) { m = expm1_small(vec2<f32>(-d, d)); } else { m = vec2<f32>(expm1f(-d), expm1f(d)); }
  let zz = z1[b * P.H + j];
  let s = zm[b * P.H + j];
  let dz = sigmoid_move(zz, s, m);
  let fast = max(abs(dz.x), abs(dz.y)) * wmax < SMALL;
  let o = b * P.K;
  let w = j * P.K;
  var ch = vec2<f32>(0.0);
  if (ONEHOT) {
    for (var c = 0u; c < P.K; c = c + 1u) {
      let tc = t[o + c];
      if (tc != 0.0) { ch = ch - tc * change_c(o, w, c, dz, fast); }
    }
  } else {
    ch = -change_c(o, w, u32(t[b]), dz, fast);
  }
  return ch;
}

fn w2max(j: u32) -> f32 {
  var m = 0.0;
  for (var k = 0u; k < P.K; k = k + 1u) { m = max(m, abs(W2[j * P.K + k])); }
  return m;
}
