// Numbers that TypeScript and WGSL must agree on, in one place. Each is handed to the
// shaders as a pipeline-overridable constant (the shaders declare them without defaults,
// so a pipeline created without one fails instead of silently using another value).
// The few that WGSL cannot take as overrides (sizes of function-scope arrays) are checked
// against the shader text by test/layout.test.ts.

/** Workgroup size of the 1-D lane kernels (override WG in gpu/shaders/lanes.wgsl). */
export const LANE_WG = 64;
/** Workgroup size of the step ladder (diff/shaders/ladder.wgsl, and the structured sums'
 *  copy): 16 components a workgroup, whose per-component reductions then fill two SIMD rows
 *  of a CPU adapter instead of one row each (a power of two, a multiple of 2·LADDER_STEPS). */
export const LADDER_WG = 256;
/** Workgroup size of reduce_sum (each workgroup sums 2·REDUCE_WG inputs). */
export const REDUCE_WG = 256;
/** nn_matmul: at most MATMUL_TN lanes per workgroup, each computing MATMUL_R rows × 4 columns
 *  (the lanes per call come from matmulLanes(N) in nn/gpu/kernels.ts). */
export const MATMUL_TN = 64;
/** rows per matmul block: a function-scope array size in WGSL, so a const there (checked). */
export const MATMUL_R = 8;
/** First binding of a WGSL function's data arrays in the gradient harness and in descent. */
export const DIFF_DATA_BINDING = 4;
export const DESCENT_DATA_BINDING = 5;
