// Batched numerical gradient with a fixed step: one invocation per (point r, parameter j) of
// a chunk. Lane l covers point r = l / nj and parameter j = j0 + l % nj (nj = N unless a
// single point is split over several chunks). x ± h (and x ± 2h) are formed here in f32 from
// x and the f32 step h (IEEE + and − are correctly rounded, so the host's twin is
// Math.fround(x + h)); the kernel divides by the realised step and writes ∂f/∂x_j (0 where
// x ± h rounded to x; the host finds those lanes from x and h itself, so one word per lane
// comes back).
// The user's code (user_f and any data bindings from DIFF_DATA_BINDING on) is appended.
//#include "prelude.wgsl"

struct ngh_Params {
  lanes: u32,
  j0: u32,
  nj: u32,
  h: f32,
}

@group(0) @binding(0) var<storage, read> ngh_x: array<f32>;           // this chunk's points, row-major
@group(0) @binding(2) var<storage, read_write> ngh_out: array<f32>;   // one word per lane
@group(0) @binding(3) var<uniform> ngh_params: ngh_Params;

var<private> ngh_base: u32;

fn ngh_point(i: u32) -> f32 {
  return ngh_x[ngh_base + i];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lane = ng_lane(gid, nwg);
  _ = &ngh_x; // binding 0 stays in the 'auto' layout when the body never calls p()
  if (lane >= ngh_params.lanes) { return; }
  ngh_base = (lane / ngh_params.nj) * N;
  ngh_j = ngh_params.j0 + lane % ngh_params.nj;
  let xv = ngh_point(ngh_j);
  let h = ngh_params.h;
  let r = ngh_derivative(xv + h, xv - h, xv + 2.0 * h, xv - 2.0 * h);
  ngh_out[lane] = r.x;
}

// f at each point of the chunk (lanes = points): no parameter is perturbed.
@compute @workgroup_size(WG)
fn values(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lane = ng_lane(gid, nwg);
  _ = &ngh_x;
  if (lane >= ngh_params.lanes) { return; }
  ngh_base = lane * N;
  ngh_j = 0xffffffffu;
  ngh_out[lane] = user_f();
}
