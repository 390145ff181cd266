// Generic numerical gradient of a net's loss: one lane per (parameter, side), each running
// a whole forward pass and loss on a copy of the parameters with that one perturbed
// (w -> wp or wm, rounded on the host). Slow (P·B·(I·H + H·K) work): a cross-check for
// the structured kernels on small nets, not the production path.
// Parameters, flat: LAYERS == 2: [W1 (I×H), b1 (H), W2 (H×K), b2 (K)], a = σ(x·W1 + b1)·W2 + b2;
//                   LAYERS == 1: [W (I×K)], a = x·W (SimpleNet).
// Writes the mean loss -(1/B) sum_b sum_c t_c log(y_c + 1e-7) of lane 2p + s (s = 0: wp, 1: wm);
// B is P.div, the whole batch, so the host adds up the lanes of the batch's row chunks.
// Needs nn_mathf.wgsl in front.
//#include "../../../gpu/shaders/lanes.wgsl"
//#include "nn_mathf.wgsl"
override ONEHOT: bool = false;
override LAYERS: u32 = 2u;
const EPS: f32 = 1e-7;
const MAXK: u32 = 64u;

struct Params { B: u32, I: u32, H: u32, K: u32, nparams: u32, div: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> wpm: array<f32>; // wp then wm, P each
@group(0) @binding(3) var<storage, read> t: array<f32>;
@group(0) @binding(4) var<storage, read_write> L: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

var<private> pidx: u32;
var<private> pval: f32;

fn prm(idx: u32) -> f32 {
  if (idx == pidx) { return pval; }
  return w[idx];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lane = ng_lane(gid, nwg);
  if (lane >= 2u * P.nparams) { return; }
  pidx = lane / 2u;
  pval = wpm[(lane % 2u) * P.nparams + pidx];
  let I = P.I;
  let H = P.H;
  let K = P.K;
  var a2: array<f32, MAXK>;
  var total = 0.0;
  for (var b = 0u; b < P.B; b = b + 1u) {
    for (var k = 0u; k < K; k = k + 1u) { a2[k] = 0.0; }
    if (LAYERS == 2u) {
      let oW2 = I * H + H;
      for (var j = 0u; j < H; j = j + 1u) {
        var a = 0.0;
        for (var i = 0u; i < I; i = i + 1u) { a = a + x[b * I + i] * prm(i * H + j); }
        let z = sigmoidf(a + prm(I * H + j));
        for (var k = 0u; k < K; k = k + 1u) { a2[k] = a2[k] + z * prm(oW2 + j * K + k); }
      }
      for (var k = 0u; k < K; k = k + 1u) { a2[k] = a2[k] + prm(oW2 + H * K + k); }
    } else {
      for (var i = 0u; i < I; i = i + 1u) {
        let xv = x[b * I + i];
        for (var k = 0u; k < K; k = k + 1u) { a2[k] = a2[k] + xv * prm(i * K + k); }
      }
    }
    var m = a2[0];
    for (var k = 1u; k < K; k = k + 1u) { m = max(m, a2[k]); }
    var s = 0.0;
    for (var k = 0u; k < K; k = k + 1u) { a2[k] = exp(a2[k] - m); s = s + a2[k]; }
    var lb = 0.0;
    if (ONEHOT) {
      for (var c = 0u; c < K; c = c + 1u) {
        let tc = t[b * K + c];
        if (tc != 0.0) { lb = lb - tc * log(a2[c] / s + EPS); }
      }
    } else {
      lb = -log(a2[u32(t[b])] / s + EPS);
    }
    total = total + lb;
  }
  L[lane] = total / f32(P.div);
}
