// One pass of a deterministic pairwise (tree) sum: workgroup w sums elements
// [w*2*WG, (w+1)*2*WG) of `src` into dst[w]. The host repeats passes until one value is left,
// so the order of additions depends only on the length, never on scheduling.
override WG: u32; // REDUCE_WG in src/gpu/constants.ts

struct Params { count: u32 }

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32,
        @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let group = wid.x + wid.y * nwg.x;
  let base = group * 2u * WG;
  let i = base + lid;
  let j = i + WG;
  var a = 0.0;
  if (i < params.count) { a = src[i]; }
  if (j < params.count) { a = a + src[j]; }
  partial[lid] = a;
  workgroupBarrier();
  var stride = WG / 2u;
  loop {
    if (stride == 0u) { break; }
    if (lid < stride) { partial[lid] = partial[lid] + partial[lid + stride]; }
    workgroupBarrier();
    stride = stride / 2u;
  }
  if (lid == 0u && base < params.count) { dst[group] = partial[0]; }
}
