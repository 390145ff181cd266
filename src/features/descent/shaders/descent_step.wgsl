// Gradient descent with x kept on the device. Each step is two dispatches on one encoder:
// `grad` (one lane per parameter: x ± h formed here in f32, where + and − are correctly
// rounded, so they equal the host's Math.fround(x ± h) for the same f32 h) and `update`
// (one workgroup: x ← x − lr·g, history row, divergence and vanished bookkeeping).
// The user's code (user_f and data bindings from DESCENT_DATA_BINDING on) is appended.
//#include "../../diff/shaders/prelude.wgsl"

struct DescParams {
  lr: f32,
  h: f32,          // fixed step, used when c == 0
  c: f32,          // 'auto': h = c·max(|x|, 1)
  explode2: f32,   // ‖x‖² beyond this counts as diverged (the run carries on)
  hard: f32,       // |x| beyond this (or non-finite) stops the run, x kept as before the step
  history: u32,    // 1: write each new x as a row of hist
  pad0: u32,
  pad1: u32,
}

// Status words: 0 steps done, 1 first diverged step (0 none), 2 stopped, 3 a lane vanished
// in this step, 4 steps with a vanished lane, 5 first such step (0 none).
@group(0) @binding(0) var<storage, read_write> dx: array<f32>;
@group(0) @binding(1) var<storage, read_write> dg: array<f32>;
@group(0) @binding(2) var<storage, read_write> hist: array<f32>;
@group(0) @binding(3) var<storage, read_write> st: array<atomic<u32>, 8>;
@group(0) @binding(4) var<uniform> dp: DescParams;

fn ngh_point(i: u32) -> f32 {
  return dx[i];
}

fn non_finite(v: f32) -> bool {
  // by bits: the compiler may assume floats are finite, so no isnan-style comparisons
  return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u;
}

@compute @workgroup_size(WG)
fn grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lane = ng_lane(gid, nwg);
  if (lane >= N) { return; }
  if (atomicLoad(&st[2]) != 0u) { return; }
  ngh_j = lane;
  let xv = dx[lane];
  var h = dp.h;
  if (dp.c > 0.0) { h = dp.c * max(abs(xv), 1.0); }
  let r = ngh_derivative(xv + h, xv - h, xv + 2.0 * h, xv - 2.0 * h);
  dg[lane] = r.x;
  if (r.y != 0.0) { atomicOr(&st[3], 1u); }
}

var<workgroup> w_stop: u32;
var<workgroup> w_step: u32;
var<workgroup> w_bad: atomic<u32>;
var<workgroup> w_sq: array<f32, WG>;

@compute @workgroup_size(WG)
fn update(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    w_stop = atomicLoad(&st[2]);
    w_step = atomicLoad(&st[0]) + 1u;
    atomicStore(&w_bad, 0u);
  }
  let stopped = workgroupUniformLoad(&w_stop);
  if (stopped != 0u) { return; }
  let k = workgroupUniformLoad(&w_step);
  var sq = 0.0;
  for (var j = lid; j < N; j += WG) {
    let v = dx[j] - dp.lr * dg[j];
    if (non_finite(v) || abs(v) > dp.hard) { atomicOr(&w_bad, 1u); }
    sq += v * v;
  }
  w_sq[lid] = sq;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { w_sq[lid] = w_sq[lid] + w_sq[lid + s]; }
    workgroupBarrier();
  }
  let bad = atomicLoad(&w_bad);
  if (lid == 0u) {
    if (atomicLoad(&st[3]) != 0u) {
      atomicStore(&st[3], 0u);
      atomicAdd(&st[4], 1u);
      if (atomicLoad(&st[5]) == 0u) { atomicStore(&st[5], k); }
    }
    let explode = non_finite(w_sq[0]) || w_sq[0] > dp.explode2;
    if ((bad != 0u || explode) && atomicLoad(&st[1]) == 0u) { atomicStore(&st[1], k); }
    if (bad != 0u) { atomicStore(&st[2], 1u); } else { atomicStore(&st[0], k); }
  }
  if (bad != 0u) { return; }
  for (var j = lid; j < N; j += WG) {
    let v = dx[j] - dp.lr * dg[j];
    dx[j] = v;
    if (dp.history != 0u) { hist[k * N + j] = v; }
  }
}
