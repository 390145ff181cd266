// The sample kernel of src/features/jacobian: one invocation per (lane, output k), k fastest,
// so a workgroup shares one point. Lane l is a base row plus up to two coordinates set to
// given values (the host formed every perturbed coordinate in f32, so it knows each realised
// step); the invocation writes output k of f there. The reductions (ladder, Richardson)
// run on the host from these samples. The user's code (user_fm, or user_f with the shim
// below, and data bindings from DIFF_DATA_BINDING on) is appended.
//#include "../../../gpu/shaders/lanes.wgsl"
override N: u32;       // parameters per point
override ngh_m: u32;   // outputs

struct ngh_Params {
  total: u32,   // invocations in this chunk: lanes · ngh_m
  l0: u32,      // the chunk's first lane (the lane table is bound from it)
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<storage, read> ngh_x: array<f32>;          // base rows, row-major
@group(0) @binding(1) var<storage, read> ngh_lane: array<u32>;       // 5 words per lane: row, i1, i2, v1, v2 (f32 bits)
@group(0) @binding(2) var<storage, read_write> ngh_out: array<f32>;  // lanes · ngh_m
@group(0) @binding(3) var<uniform> ngh_params: ngh_Params;

var<private> ngh_base: u32;
var<private> ngh_i1: u32;
var<private> ngh_i2: u32;
var<private> ngh_v1: f32;
var<private> ngh_v2: f32;

fn p(i: u32) -> f32 {
  if (i == ngh_i1) { return ngh_v1; }
  if (i == ngh_i2) { return ngh_v2; }
  if (i >= N) { return 0.0; }   // out of range reads 0 rather than the next row
  return ngh_x[ngh_base + i];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = ng_lane(gid, nwg);
  _ = &ngh_x; // binding 0 stays in the 'auto' layout when the body never calls p()
  if (t >= ngh_params.total) { return; }
  let lane = t / ngh_m;
  let k = t % ngh_m;
  let o = 5u * lane;
  ngh_base = ngh_lane[o] * N;
  ngh_i1 = ngh_lane[o + 1u];
  ngh_i2 = ngh_lane[o + 2u];
  ngh_v1 = bitcast<f32>(ngh_lane[o + 3u]);
  ngh_v2 = bitcast<f32>(ngh_lane[o + 4u]);
  ngh_out[t] = user_fm(k);
}
