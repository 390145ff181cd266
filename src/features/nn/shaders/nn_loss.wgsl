// Per-sample cross-entropy, correctness and the output layer's exact gradient.
// Targets: with ONEHOT, t is B x K rows (soft rows allowed); else t[b] holds the label
// (an integer stored as f32, exact below 2^24). The batch sums go through the tree
// reduction (reduce_sum.wgsl), so the loss is deterministic.
//   xent_rows:   o[b] = -sum_c t_c · log(y_c + 1e-7)     (the book's, per sample)
//   correct_rows: o[b] = 1 if argmax(y_b) == label_b (one-hot: argmax of t_b; ties → first)
//   logit_grad:  o[b][k] = dL/da_k of L = -(1/B) sum_b sum_c t_c log(y_c + 1e-7), exactly
//                (the 1e-7 included): (y_k·R - r_k)/B, r_c = t_c·y_c/(y_c + 1e-7), R = sum r_c,
//                written as y_k·(R - r_k) - r_k·(1 - y_k) with 1 - y_k = yc_k (no cancellation)
//#include "../../../gpu/shaders/lanes.wgsl"
override ONEHOT: bool = false;
// col_sums adds into o (bias gradients summed over the row chunks of a large batch)
override ACCUM: bool = false;
const EPS: f32 = 1e-7;

struct Params { rows: u32, K: u32, invB: f32, outOff: u32 }

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> yc: array<f32>;
@group(0) @binding(2) var<storage, read> t: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn xent_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = ng_lane(gid, nwg);
  if (b >= P.rows) { return; }
  let K = P.K;
  if (ONEHOT) {
    var s = 0.0;
    for (var c = 0u; c < K; c = c + 1u) {
      let tc = t[b * K + c];
      if (tc != 0.0) { s = s + tc * log(y[b * K + c] + EPS); }
    }
    o[b] = -s;
  } else {
    o[b] = -log(y[b * K + u32(t[b])] + EPS);
  }
}

fn argmax_row(off: u32, K: u32, fromT: bool) -> u32 {
  var best = 0u;
  for (var k = 1u; k < K; k = k + 1u) {
    if (fromT) {
      if (t[off + k] > t[off + best]) { best = k; }
    } else {
      if (y[off + k] > y[off + best]) { best = k; }
    }
  }
  return best;
}

@compute @workgroup_size(WG)
fn correct_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = ng_lane(gid, nwg);
  if (b >= P.rows) { return; }
  let K = P.K;
  var label = 0u;
  if (ONEHOT) { label = argmax_row(b * K, K, true); } else { label = u32(t[b]); }
  o[b] = select(0.0, 1.0, argmax_row(b * K, K, false) == label);
}

@compute @workgroup_size(WG)
fn logit_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = ng_lane(gid, nwg);
  if (b >= P.rows) { return; }
  let K = P.K;
  let o0 = b * K;
  if (ONEHOT) {
    var R = 0.0;
    for (var c = 0u; c < K; c = c + 1u) {
      let yv = y[o0 + c];
      R = R + t[o0 + c] * (yv / (yv + EPS));
    }
    for (var k = 0u; k < K; k = k + 1u) {
      let yk = y[o0 + k];
      let rk = t[o0 + k] * (yk / (yk + EPS));
      o[o0 + k] = (yk * (R - rk) - rk * yc[o0 + k]) * P.invB;
    }
  } else {
    let l = u32(t[b]);
    let yl = y[o0 + l];
    let R = yl / (yl + EPS);
    for (var k = 0u; k < K; k = k + 1u) {
      if (k == l) {
        o[o0 + k] = -R * yc[o0 + k] * P.invB;
      } else {
        o[o0 + k] = y[o0 + k] * R * P.invB;
      }
    }
  }
}

// column sums of a rows x K matrix (bias gradients) into o[outOff..], one lane per column, rows in order
@compute @workgroup_size(WG)
fn col_sums(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let k = ng_lane(gid, nwg);
  if (k >= P.K) { return; }
  var s = 0.0;
  for (var r = 0u; r < P.rows; r = r + 1u) { s = s + y[r * P.K + k]; }
  if (ACCUM) { s = o[P.outOff + k] + s; }
  o[P.outOff + k] = s;
}
