// Structured numerical gradient of an output layer a = z·W (+ b), y = softmax(a), with
// the book's loss L = -(1/B) sum_b sum_c t_c log(y_c + 1e-7). One lane per parameter,
// both sides: W[j][k] ± h moves only logit k of sample b, by ±h·z[b][j] (b[k]: ±h).
// The loss *change* of each sample is formed from small quantities (no two nearly equal
// losses are subtracted):
//   e = expm1(Δ), S = 1 + y_k·e,  y'_c - y_c = y_c·(e·[c == k] - y_k·e)/S
//   (for c == k: y_k·e·(1 - y_k)/S with 1 - y_k = yc_k, no cancellation)
//   change = -sum_c t_c·log1p((y'_c - y_c)/(y_c + 1e-7))
// and g = sum_b (change_b(+h) - change_b(-h)) / B / 2h, h exact (Δ is formed from h itself).
// The per-lane sum over b runs in sample order with a compensation term: deterministic.
// A batch too big for one binding comes in row chunks (mode bit 0: first chunk, bit 1: last):
// between chunks g holds the raw sum and gc its compensation, and invB2h uses the whole
// batch, so the chunked result sums the same terms in the same order (same bits).
// Samples with z == 0 change nothing and are skipped. Needs nn_mathf.wgsl in front.
//#include "../../../gpu/shaders/lanes.wgsl"
//#include "nn_mathf.wgsl"
override ONEHOT: bool = false;
const EPS: f32 = 1e-7;

struct Params { B: u32, J: u32, K: u32, lanes: u32, h: f32, invB2h: f32, mode: u32, pad1: u32 }

@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> yc: array<f32>;
@group(0) @binding(3) var<storage, read> t: array<f32>;
@group(0) @binding(4) var<storage, read_write> g: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;
@group(0) @binding(6) var<storage, read_write> gc: array<f32>; // compensation between chunks

// loss change of sample b when logit k moves by d
fn change1(b: u32, k: u32, d: f32) -> f32 {
  let K = P.K;
  let o = b * K;
  let e = expm1f(d);
  let yk = y[o + k];
  let S = 1.0 + yk * e;
  if (ONEHOT) {
    var ch = 0.0;
    for (var c = 0u; c < K; c = c + 1u) {
      let tc = t[o + c];
      if (tc == 0.0) { continue; }
      let yv = y[o + c];
      let num = select(-yk * e, e * yc[o + c], c == k);
      ch = ch - tc * log1pf((yv / (yv + EPS)) * num / S);
    }
    return ch;
  }
  let l = u32(t[b]);
  let yl = y[o + l];
  let num = select(-yk * e, e * yc[o + l], l == k);
  return -log1pf((yl / (yl + EPS)) * num / S);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let p = ng_lane(gid, nwg);
  if (p >= P.lanes) { return; }
  let JK = P.J * P.K;
  let isBias = p >= JK;
  var j = 0u;
  var k = p - JK;
  if (!isBias) { j = p / P.K; k = p % P.K; }
  var acc = 0.0;
  var comp = 0.0; // Kahan compensation
  if ((P.mode & 1u) == 0u) {
    acc = g[p];
    comp = gc[p];
  }
  for (var b = 0u; b < P.B; b = b + 1u) {
    var zv = 1.0;
    if (!isBias) { zv = z[b * P.J + j]; }
    if (zv == 0.0) { continue; }
    let d = P.h * zv;
    let v = (change1(b, k, d) - change1(b, k, -d)) - comp;
    let s = acc + v;
    comp = (s - acc) - v;
    acc = s;
  }
  if ((P.mode & 2u) != 0u) {
    g[p] = acc * P.invB2h;
  } else {
    g[p] = acc;
    gc[p] = comp;
  }
}
