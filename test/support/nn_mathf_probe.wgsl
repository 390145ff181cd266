// Evaluates the nn_mathf.wgsl helpers on an array, for tests against float64:
// o[3i] = expm1f(u[i]), o[3i+1] = log1pf(u[i]), o[3i+2] = sigmoidf(u[i]).
//#include "../../src/gpu/shaders/lanes.wgsl"
//#include "../../src/features/nn/shaders/nn_mathf.wgsl"

@group(0) @binding(0) var<storage, read> u: array<f32>;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ng_lane(gid, nwg);
  if (i >= arrayLength(&u)) { return; }
  let v = u[i];
  o[3u * i] = expm1f(v);
  o[3u * i + 1u] = log1pf(v);
  o[3u * i + 2u] = sigmoidf(v);
}
