// Batched numerical gradient: one invocation per (point r, parameter j) of a chunk.
// Lane l covers point r = l / nj and parameter j = j0 + l % nj (nj = N unless a single
// point is split over several chunks). The host formed x ± h (and x ± 2h) per lane with
// Math.fround; this kernel evaluates user_f at them and divides by the realised step.
// The user's code (user_f and any data bindings from DIFF_DATA_BINDING on) is appended.
//#include "prelude.wgsl"

struct ngh_Params {
  lanes: u32,
  j0: u32,
  nj: u32,
  pad: u32,
}

@group(0) @binding(0) var<storage, read> ngh_x: array<f32>;           // this chunk's points, row-major
@group(0) @binding(1) var<storage, read> ngh_pert: array<f32>;        // per lane: xp, xm (, xp2, xm2)
@group(0) @binding(2) var<storage, read_write> ngh_out: array<f32>;   // per lane: ∂f/∂x_j
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
  let k = select(2u, 4u, STENCIL == 5u);
  let b = lane * k;
  var xp2 = 0.0;
  var xm2 = 0.0;
  if (STENCIL == 5u) {
    xp2 = ngh_pert[b + 2u];
    xm2 = ngh_pert[b + 3u];
  }
  ngh_out[lane] = ngh_derivative(ngh_pert[b], ngh_pert[b + 1u], xp2, xm2).x;
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
