// Row-wise and element-wise kernels of the nets, one entry point each (one lane per
// element or per row; 1-D lanes over a possibly 2-D grid, see src/gpu/grid.ts).
//   sigmoid_fwd: z = sigma(a), zm = sigma(-a) (1 - z without the cancellation)
//   sigmoid_back: d = g · z · zm (back through the sigmoid)
//   softmax_rows: y = softmax(a) per row, max subtracted; yc[k] = sum over c != k of y[c]
//                 (1 - y_k without cancellation, for the loss differences and backprop)
//   sgd_step: w = w - lr · g
//   nonzero_cols: for column i of x (rows x cols): o1[i·rows + n] = the n-th row b with
//                 x[b][i] != 0 (as f32, exact), then -1 if fewer than rows; o2[i] = how
//                 many (the sparse walk of the hidden-layer gradient: MNIST rows are ~80 %
//                 zeros; the -1 lets that kernel stop without binding o2)
//#include "../../../gpu/shaders/lanes.wgsl"
//#include "nn_mathf.wgsl"

struct Params { count: u32, cols: u32, scale: f32, pad: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> o1: array<f32>;
@group(0) @binding(3) var<storage, read_write> o2: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn sigmoid_fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ng_lane(gid, nwg);
  if (i >= P.count) { return; }
  o1[i] = sigmoidf(a[i]);
  o2[i] = sigmoidf(-a[i]);
}

// a: z, g: upstream gradient, o2 (read here as a second input): zm, o1: result
@compute @workgroup_size(WG)
fn sigmoid_back(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ng_lane(gid, nwg);
  if (i >= P.count) { return; }
  o1[i] = g[i] * a[i] * o2[i];
}

@compute @workgroup_size(WG)
fn softmax_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = ng_lane(gid, nwg);
  if (r >= P.count) { return; }
  let K = P.cols;
  let o = r * K;
  var m = a[o];
  for (var k = 1u; k < K; k = k + 1u) { m = max(m, a[o + k]); }
  var s = 0.0;
  for (var k = 0u; k < K; k = k + 1u) {
    let e = exp(a[o + k] - m);
    o1[o + k] = e;
    s = s + e;
  }
  for (var k = 0u; k < K; k = k + 1u) {
    var rest = 0.0;
    for (var c = 0u; c < K; c = c + 1u) {
      if (c != k) { rest = rest + o1[o + c]; }
    }
    o2[o + k] = rest / s;
  }
  for (var k = 0u; k < K; k = k + 1u) { o1[o + k] = o1[o + k] / s; }
}

// o1: w (updated in place), g: gradient
@compute @workgroup_size(WG)
fn sgd_step(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ng_lane(gid, nwg);
  if (i >= P.count) { return; }
  o1[i] = o1[i] - P.scale * g[i];
}

// a: x (count rows x cols), one lane per column
@compute @workgroup_size(WG)
fn nonzero_cols(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ng_lane(gid, nwg);
  if (i >= P.cols) { return; }
  var n = 0u;
  for (var b = 0u; b < P.count; b = b + 1u) {
    if (a[b * P.cols + i] != 0.0) {
      o1[i * P.count + n] = f32(b);
      n = n + 1u;
    }
  }
  if (n < P.count) { o1[i * P.count + n] = -1.0; }
  o2[i] = f32(n);
}
