// Gradient descent with x kept on the device. Each step is two dispatches on one encoder:
// `grad` (one lane per parameter: x ± h formed here in f32, where + and − are correctly
// rounded, so they equal the host's Math.fround(x ± h) for the same f32 h) and `update`
// (one workgroup: x ← x − lr·g, history row, divergence and vanished bookkeeping).
// The user's code (user_f and data bindings from DESCENT_DATA_BINDING on) is appended.
//#include "../../diff/shaders/prelude.wgsl"

struct ngh_DescParams {
  lr: f32,
  h: f32,          // fixed step, used when c == 0
  c: f32,          // 'auto': h = c·max(|x|, 1)
  explode2: f32,   // ‖x‖² beyond this counts as diverged (the run carries on)
  hard: f32,       // |x| beyond this (or non-finite) stops the run, x kept as before the step
  history: u32,    // 1: write each new x as a row of ngh_hist
  pad0: u32,
  pad1: u32,
}

// Status words: 0 steps done, 1 first diverged step (0 none), 2 stopped, 3 a lane vanished
// in this step, 4 steps with a vanished lane, 5 first such step (0 none).
@group(0) @binding(0) var<storage, read_write> ngh_dx: array<f32>;
@group(0) @binding(1) var<storage, read_write> ngh_dg: array<f32>;
@group(0) @binding(2) var<storage, read_write> ngh_hist: array<f32>;
@group(0) @binding(3) var<storage, read_write> ngh_st: array<atomic<u32>, 8>;
@group(0) @binding(4) var<uniform> ngh_dp: ngh_DescParams;

fn ngh_point(i: u32) -> f32 {
  return ngh_dx[i];
}

fn ngh_non_finite(v: f32) -> bool {
  // by bits: the compiler may assume floats are finite, so no isnan-style comparisons
  return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u;
}

@compute @workgroup_size(WG)
fn grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lane = ng_lane(gid, nwg);
  if (lane >= N) { return; }
  if (atomicLoad(&ngh_st[2]) != 0u) { return; }
  ngh_j = lane;
  let xv = ngh_dx[lane];
  var h = ngh_dp.h;
  if (ngh_dp.c > 0.0) { h = ngh_dp.c * max(abs(xv), 1.0); }
  let r = ngh_derivative(xv + h, xv - h, xv + 2.0 * h, xv - 2.0 * h);
  ngh_dg[lane] = r.x;
  if (r.y != 0.0) { atomicOr(&ngh_st[3], 1u); }
}

var<workgroup> ngh_w_stop: u32;
var<workgroup> ngh_w_step: u32;
var<workgroup> ngh_w_bad: atomic<u32>;
var<workgroup> ngh_w_sq: array<f32, WG>;

@compute @workgroup_size(WG)
fn update(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    ngh_w_stop = atomicLoad(&ngh_st[2]);
    ngh_w_step = atomicLoad(&ngh_st[0]) + 1u;
    atomicStore(&ngh_w_bad, 0u);
  }
  let stopped = workgroupUniformLoad(&ngh_w_stop);
  if (stopped != 0u) { return; }
  let k = workgroupUniformLoad(&ngh_w_step);
  var sq = 0.0;
  for (var j = lid; j < N; j += WG) {
    let v = ngh_dx[j] - ngh_dp.lr * ngh_dg[j];
    if (ngh_non_finite(v) || abs(v) > ngh_dp.hard) { atomicOr(&ngh_w_bad, 1u); }
    sq += v * v;
  }
  ngh_w_sq[lid] = sq;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { ngh_w_sq[lid] = ngh_w_sq[lid] + ngh_w_sq[lid + s]; }
    workgroupBarrier();
  }
  let bad = atomicLoad(&ngh_w_bad);
  if (lid == 0u) {
    if (atomicLoad(&ngh_st[3]) != 0u) {
      atomicStore(&ngh_st[3], 0u);
      atomicAdd(&ngh_st[4], 1u);
      if (atomicLoad(&ngh_st[5]) == 0u) { atomicStore(&ngh_st[5], k); }
    }
    let explode = ngh_non_finite(ngh_w_sq[0]) || ngh_w_sq[0] > ngh_dp.explode2;
    if ((bad != 0u || explode) && atomicLoad(&ngh_st[1]) == 0u) { atomicStore(&ngh_st[1], k); }
    if (bad != 0u) { atomicStore(&ngh_st[2], 1u); } else { atomicStore(&ngh_st[0], k); }
  }
  if (bad != 0u) { return; }
  for (var j = lid; j < N; j += WG) {
    let v = ngh_dx[j] - ngh_dp.lr * ngh_dg[j];
    ngh_dx[j] = v;
    if (ngh_dp.history != 0u) { ngh_hist[k * N + j] = v; }
  }
}
