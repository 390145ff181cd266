// Test kernel: out[lane] = lane for every lane < count, with the 2-D grid convention.
struct Params { count: u32 }
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lane = gid.x + gid.y * nwg.x * WG;
  if (lane >= params.count) { return; }
  out[lane] = f32(lane);
}
