// C (M x N) = op(A) · op(B) (+ bias).
// op(A) is A (M x K, row-major) or, with TA, A stored K x M (a weight gradient z^T·delta);
// op(B) is B (K x N) or, with TB, B stored N x K (back through a weight, delta·W^T).
// Each lane computes an R x 4 block of C (R rows, 4 adjacent columns, R vec4 accumulators);
// a workgroup is TN such lanes side by side, so it covers R rows x 4·TN columns, and TN is
// chosen per call to fit N (kernels.ts), so narrow outputs (N = 10 or 50) leave few lanes
// idle. All lanes of a workgroup read the same A element at each k (one address: a
// broadcast on SIMD software GPUs, a cache hit on hardware), so every A load serves 4·TN
// multiply-adds and every B load R of them. Measured on lavapipe for x·W1 (100 x 784 x 50):
// 1.4-1.8 ms against 8-10 ms for the previous 64-lane tiling that staged A through
// workgroup memory (most of its lanes had no column; barriers cost more than they saved).
// The bias is read at bias[biasOff + col], so a [W | b] parameter buffer can serve as both.
// With ACCUM, C += result (weight gradients summed over the row chunks of a large batch).
// Each output is a sum over k in increasing order: deterministic, same bits every run.
// Workgroups are laid out 1-D (wid.x + wid.y * nwg.x, see src/gpu/grid.ts) over the blocks.
override TA: bool = false;
override TB: bool = false;
override HAS_BIAS: bool = false;
override ACCUM: bool = false;
// TN (lanes per workgroup) comes from kernels.ts; R sizes a function-scope array, so it
// must be a const here (test/layout.test.ts checks it equals MATMUL_R).
override TN: u32;
const R: u32 = 8u;

struct Params { M: u32, K: u32, N: u32, tilesN: u32, biasOff: u32, p0: u32, p1: u32, p2: u32 }

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

// r and c are clamped into range by the caller: out-of-range rows and columns compute a
// duplicate that is never stored, so the inner loop has no branches.
fn loadA(r: u32, k: u32) -> f32 {
  if (TA) { return A[k * P.M + r]; }
  return A[r * P.K + k];
}

fn loadB(k: u32, c: u32) -> f32 {
  if (TB) { return B[c * P.K + k]; }
  return B[k * P.N + c];
}

@compute @workgroup_size(TN)
fn main(@builtin(local_invocation_index) lid: u32,
        @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let tile = wid.x + wid.y * nwg.x;
  let row0 = (tile / P.tilesN) * R;
  let col = ((tile % P.tilesN) * TN + lid) * 4u;
  if (row0 >= P.M) { return; } // past the last block (a 2-D grid rounds up); uniform per workgroup
  let last = P.N - 1u;
  let c0 = min(col, last);
  let c1 = min(col + 1u, last);
  let c2 = min(col + 2u, last);
  let c3 = min(col + 3u, last);
  var rows: array<u32, R>;
  var acc: array<vec4<f32>, R>;
  for (var r = 0u; r < R; r = r + 1u) {
    rows[r] = min(row0 + r, P.M - 1u);
    acc[r] = vec4<f32>(0.0);
  }
  var a: array<f32, R>;
  for (var k = 0u; k < P.K; k = k + 1u) {
    var nonzero = false;
    for (var r = 0u; r < R; r = r + 1u) {
      a[r] = loadA(rows[r], k);
      nonzero = nonzero || a[r] != 0.0;
    }
    // the block's R values of A at k are the same for every lane of the workgroup, so this
    // branch is uniform: sparse inputs (MNIST: ~80 % zeros, whole runs of them) skip the
    // B loads and multiply-adds of a zero block (a NaN or Inf in B there is not spread)
    if (!nonzero) { continue; }
    let b = vec4<f32>(loadB(k, c0), loadB(k, c1), loadB(k, c2), loadB(k, c3));
    for (var r = 0u; r < R; r = r + 1u) {
      acc[r] = acc[r] + vec4<f32>(a[r]) * b;
    }
  }
  for (var r = 0u; r < R; r = r + 1u) {
    let row = row0 + r;
    if (row >= P.M) { break; }
    for (var j = 0u; j < 4u; j = j + 1u) {
      let c = col + j;
      if (c < P.N) {
        var v = acc[r][j];
        if (HAS_BIAS) { v = v + bias[P.biasOff + c]; }
        if (ACCUM) { v = C[row * P.N + c] + v; }
        C[row * P.N + c] = v;
      }
    }
  }
}
