// C (M x N) = op(A) · op(B) (+ bias), tiled through workgroup memory.
// op(A) is A (M x K, row-major) or, with TA, A stored K x M (a weight gradient z^T·delta);
// op(B) is B (K x N) or, with TB, B stored N x K (back through a weight, delta·W^T).
// A workgroup computes an R x 64 block of C: its 64 lanes own one column each and keep R
// accumulators; the R x TK panel of A is staged in workgroup memory and read by all lanes
// at the same address (a broadcast, which a SIMD software GPU turns into one scalar load),
// while each lane streams its own column of B. This cuts the per-element loads that a
// square 16x16 tiling costs on CPU-backed adapters (lavapipe) by ~8x.
// The bias is read at bias[biasOff + col], so a [W | b] parameter buffer can serve as both.
// With ACCUM, C += result (weight gradients summed over the row chunks of a large batch).
// Each output is a sum over k in increasing order: deterministic, same bits every run.
// Workgroups are laid out 1-D (wid.x + wid.y * nwg.x, see src/gpu/grid.ts) over the blocks.
override TA: bool = false;
override TB: bool = false;
override HAS_BIAS: bool = false;
override ACCUM: bool = false;
// TN and TK come from src/gpu/constants.ts; R sizes a function-scope array, so it must be a
// const here (test/layout.test.ts checks it equals MATMUL_R).
override TN: u32;
override TK: u32;
const R: u32 = 8u;

struct Params { M: u32, K: u32, N: u32, tilesN: u32, biasOff: u32, p0: u32, p1: u32, p2: u32 }

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

var<workgroup> tA: array<f32, R * TK>;

fn loadA(r: u32, k: u32) -> f32 {
  if (r >= P.M || k >= P.K) { return 0.0; }
  if (TA) { return A[k * P.M + r]; }
  return A[r * P.K + k];
}

fn loadB(k: u32, c: u32) -> f32 {
  if (c >= P.N) { return 0.0; }
  if (TB) { return B[c * P.K + k]; }
  return B[k * P.N + c];
}

@compute @workgroup_size(TN)
fn main(@builtin(local_invocation_index) lid: u32,
        @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let tile = wid.x + wid.y * nwg.x;
  let row0 = (tile / P.tilesN) * R;
  let col = (tile % P.tilesN) * TN + lid;
  var acc: array<f32, R>;
  for (var r = 0u; r < R; r = r + 1u) { acc[r] = 0.0; }
  for (var k0 = 0u; k0 < P.K; k0 = k0 + TK) {
    for (var e = lid; e < R * TK; e = e + TN) {
      tA[e] = loadA(row0 + e / TK, k0 + e % TK);
    }
    workgroupBarrier();
    let kn = min(TK, P.K - k0);
    for (var kk = 0u; kk < kn; kk = kk + 1u) {
      let b = loadB(k0 + kk, col);
      for (var r = 0u; r < R; r = r + 1u) {
        acc[r] = acc[r] + tA[r * TK + kk] * b;
      }
    }
    workgroupBarrier();
  }
  if (col >= P.N) { return; }
  for (var r = 0u; r < R; r = r + 1u) {
    let row = row0 + r;
    if (row < P.M) {
      var v = acc[r];
      if (HAS_BIAS) { v = v + bias[P.biasOff + col]; }
      if (ACCUM) { v = C[row * P.N + col] + v; }
      C[row * P.N + col] = v;
    }
  }
}
