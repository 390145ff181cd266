// For the matmul forms of the structured gradients (nn_grad_poly.wgsl, nn_grad_out_poly.wgsl):
// one workgroup per row b of a (rows × cols): its row of a³, and s_b = max_i |a[b][i]| (a
// tree in workgroup memory; a is finite: x is checked on input, activations are σ's).
override WG: u32; // LANE_WG (src/gpu/constants.ts): a power of two for the tree

struct Params { rows: u32, cols: u32, p0: u32, p1: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> a3: array<f32>;
@group(0) @binding(2) var<storage, read_write> smax: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;
var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.rows) { return; } // uniform per workgroup
  let n = P.cols;
  var m = 0.0;
  for (var i = lid; i < n; i = i + WG) {
    let v = a[b * n + i];
    a3[b * n + i] = v * v * v;
    m = max(m, abs(v));
  }
  red[lid] = m;
  workgroupBarrier();
  for (var w = WG / 2u; w > 0u; w = w / 2u) {
    if (lid < w) { red[lid] = max(red[lid], red[lid + w]); }
    workgroupBarrier();
  }
  if (lid == 0u) { smax[b] = red[0]; }
}
