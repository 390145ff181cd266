// Structure-aware step ladder: the ladder of diff/shaders/ladder.wgsl (its sampling,
// Richardson tables, error estimates and reduction, included below) applied to the local
// form of a sum. A component (point r, parameter j) evaluates only
// user_local(j) = the terms of f that read x_j (appended by src/expr, wgslLocal), at x and at
// x_j ± h_k: f(x ± h_k·e_j) − f(x) equals that difference exactly, so a lane costs a few
// terms instead of all n and no large sums are subtracted. The entry point `sums_main` is
// the ladder's `main` with `ngs_comp = j;` added after each line that sets j (the sampling
// lanes, and the lanes that evaluate f(x)), derived from its text at load
// (src/features/sums/entry.ts), so the two cannot drift apart.
//#include "../../diff/shaders/ladder.wgsl"

var<private> ngs_comp: u32;  // the parameter whose terms user_f sums

fn user_f() -> f32 {
  return user_local(ngs_comp);
}
