// The step ladder ('auto') in float32, the twin of src/features/diff/ladder.ts. One group of
// 2·LK lanes per component (point r, parameter j): lane s evaluates f at x_j + h_k (s even)
// or x_j − h_k (s odd), k = s / 2, with h_k = H0·max(|x_j|, 1)/r^k formed here from x (so
// only x is uploaded; r is ngh_ratio, ladderRatio in ladder.ts). Each lane stores the
// perturbed coordinate itself and the realised step is formed after the barrier by another
// lane: written as (x + h) − x in one lane, the compiler may fold it to h (lavapipe did, on
// one side), and f was evaluated at the rounded x + h. Then the workgroup's first lanes take
// one component each: f(x) where the ladder needs it (ngh_need), the three Richardson
// ladders (central, forward, backward; three lanes a component) and the reduction to
// [value, error estimate, step, status].
// The user's code (user_f and any data bindings from DIFF_DATA_BINDING on) is appended.
//#include "prelude.wgsl"
const LK: u32 = 8u;  // LADDER_STEPS (checked against ladder.ts by test/layout.test.ts)
const LG: u32 = 16u;         // lanes per component, 2·LK
override H0: f32;            // LADDER_H0
override ULPS: f32;          // LADDER_ULPS.webgpu
override REL_TOL: f32;       // GPU_REL_TOL
const EPS: f32 = 1.1920929e-7;
const BELOW: f32 = 4.0;      // LADDER_BELOW
const RATIO_MAX: f32 = 32.0; // LADDER_RATIO_MAX

struct NghParams {
  comps: u32,  // components in this chunk
  j0: u32,
  nj: u32,
  steps: u32,  // LK, passed at run time so the compiler keeps the loops (unrolled, they took seconds to compile);
               // bit 8: the x binding ends with the bounds, lo[N] then hi[N] (ladder.ts's LADDER_BOUNDED in gpu.ts)
}

@group(0) @binding(0) var<storage, read> ngh_x: array<f32>;          // this chunk's points, row-major
@group(0) @binding(2) var<storage, read_write> ngh_out: array<f32>;  // 4 words per component
@group(0) @binding(3) var<uniform> ngh_params: NghParams;

var<private> ngh_base: u32;
var<workgroup> ngh_wv: array<f32, WG>;
var<workgroup> ngh_wd: array<f32, WG>;  // the perturbed coordinate of each lane (NaN: not evaluated)
var<workgroup> ngh_wf0: array<f32, WG>;
var<workgroup> ngh_needs: array<u32, WG>;  // per group: f(x) was needed and evaluated

fn ngh_steps_n() -> u32 {
  return ngh_params.steps & 0xffu;
}

// x + h (or x − h) is inside the bounds, when the call has any
fn ngh_inside(xs: f32, j: u32) -> bool {
  if ((ngh_params.steps & 0x100u) == 0u) { return true; }
  let at = arrayLength(&ngh_x) - 2u * N;
  return xs >= ngh_x[at + j] && xs <= ngh_x[at + N + j];
}

fn ngh_point(i: u32) -> f32 {
  return ngh_x[ngh_base + i];
}

fn ngh_finite(v: f32) -> bool {
  // by bits: the compiler may assume floats are finite
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// NaN and Infinity cannot be constant expressions in WGSL: built from a runtime value
fn ngh_nan() -> f32 {
  var bits = 0x7fc00000u;
  return bitcast<f32>(bits);
}

fn ngh_inf() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}

// The ladder's ratio at x (ladderRatio in ladder.ts): 8, widened for 0 < |x| < 1/512 so the
// finest step is H0·|x|/8^BELOW, at most RATIO_MAX.
fn ngh_ratio(x: f32) -> f32 {
  let a = abs(x);
  if (a == 0.0 || a >= 1.0) { return 8.0; }
  return clamp(exp2(log2(exp2(3.0 * BELOW) / a) / f32(LK - 1u)), 8.0, RATIO_MAX);
}

// The realised steps (x + h_k) − x and x − (x − h_k) of step k of the group at g, 0 when
// not usable (the coordinates were stored by other lanes: see the top of the file).
fn ngh_steps(g: u32, k: u32, xj: f32) -> vec2<f32> {
  var dp = ngh_wd[g + 2u * k] - xj;
  var dm = xj - ngh_wd[g + 2u * k + 1u];
  if (!(dp > 0.0) || !ngh_finite(dp)) { dp = 0.0; }
  if (!(dm > 0.0) || !ngh_finite(dm)) { dm = 0.0; }
  return vec2<f32>(dp, dm);
}

struct NghPick {
  value: f32,
  err: f32,
  rnd: f32,
  step: f32,
  interior: bool,
  found: bool,
  consistent: bool,
}

// Better of two picks: one consistent with the finest plain difference beats one that is
// not, then the smaller error (see better() in ladder.ts).
fn ngh_better(a: NghPick, b: NghPick) -> bool {
  if (!b.found) { return false; }
  if (!a.found) { return true; }
  if (b.consistent != a.consistent) { return b.consistent; }
  return b.err < a.err;
}

// See best() in ladder.ts: the Richardson table of d (error ∝ h^p, h^2p, ...) and the entry
// with the smallest change to its column neighbours plus rounding bound.
fn ngh_best(d0: array<f32, LK>, size: array<f32, LK>, den: array<f32, LK>, step_of_den: f32, p: u32) -> NghPick {
  var d = d0;
  var rnd: array<f32, LK>;
  var out = NghPick(0.0, 0.0, 0.0, 0.0, false, false, false);
  for (var k = 0u; k < ngh_steps_n(); k++) {
    rnd[k] = 2.0 * ULPS * EPS * size[k] / den[k];
  }
  // the reference: the median of the finest three plain differences, with a tolerance
  // from their spread and rounding bounds (see best() in ladder.ts)
  var n3 = 0u;
  var f3 = vec3<f32>(0.0);
  var r3 = 0.0;
  for (var i = 0u; i < ngh_steps_n(); i++) {
    let k = LK - 1u - i;
    if (n3 < 3u && ngh_finite(d[k])) {
      f3[n3] = d[k];
      r3 = max(r3, rnd[k]);
      n3 = n3 + 1u;
    }
  }
  var fine = ngh_nan();
  var fine_rnd = 0.0;
  if (n3 == 1u) { fine = f3.x; fine_rnd = r3; }
  if (n3 == 2u) { fine = min(f3.x, f3.y); fine_rnd = abs(f3.x - f3.y) + r3; }
  if (n3 == 3u) {
    fine = max(min(f3.x, f3.y), min(max(f3.x, f3.y), f3.z));
    fine_rnd = max(max(f3.x, f3.y), f3.z) - min(min(f3.x, f3.y), f3.z) + r3;
  }
  var len = ngh_steps_n();
  for (var level = 0u; level < min(3u, ngh_steps_n()); level++) {
    for (var k = 0u; k < len; k++) {
      let e = d[k];
      if (!ngh_finite(e)) { continue; }
      let hasPrev = k > 0u && ngh_finite(d[max(k, 1u) - 1u]);
      let hasNext = k + 1u < len && ngh_finite(d[min(k + 1u, LK - 1u)]);
      if (!hasPrev && !hasNext) { continue; }
      var prev = 0.0;
      var next = 0.0;
      if (hasPrev) { prev = abs(e - d[max(k, 1u) - 1u]); }
      if (hasNext) { next = abs(d[min(k + 1u, LK - 1u)] - e); }
      let interior = hasPrev && hasNext;
      var change = max(prev, next);
      if (!interior) {
        change = 4.0 * change;
        // the coarse end: nor surer than its neighbour's own next change (see best() in ladder.ts)
        if (!hasPrev && k + 2u < len && ngh_finite(d[min(k + 2u, LK - 1u)])) {
          change = max(change, abs(d[min(k + 2u, LK - 1u)] - d[min(k + 1u, LK - 1u)]));
        }
      }
      let err = change + rnd[k];
      let consistent = abs(e - fine) <= 4.0 * (err + fine_rnd) + 1e-3 * abs(fine);
      let cand = NghPick(e, err, rnd[k], den[min(k + level, LK - 1u)] * step_of_den, interior, true, consistent);
      if (ngh_better(out, cand)) { out = cand; }
    }
    if (len < 2u) { break; }
    // Neville in t = h^p with the realised steps' ratio (see best() in ladder.ts)
    for (var k = 0u; k + 1u < len; k++) {
      var w = den[k] / den[min(k + level + 1u, LK - 1u)];
      if (p == 2u) { w = w * w; }
      w = w - 1.0;
      d[k] = d[k + 1u] + (d[k + 1u] - d[k]) / w;
      rnd[k] = rnd[k + 1u] * (1.0 + 2.0 / w);
    }
    len = len - 1u;
  }
  return out;
}

// One of the three ladders of a component (0 central, 1 forward, 2 backward) from the
// shared samples; lanes 0, 1 and 2 of a group run one each, side by side.
fn ngh_side(g: u32, which: u32, xj: f32) -> NghPick {
  let f0 = ngh_wf0[g];
  var d: array<f32, LK>;
  var size: array<f32, LK>;
  var den: array<f32, LK>;
  for (var k = 0u; k < ngh_steps_n(); k++) {
    let fp = ngh_wv[g + 2u * k];
    let fm = ngh_wv[g + 2u * k + 1u];
    let st = ngh_steps(g, k, xj);
    let dp = st.x;
    let dm = st.y;
    let okp = dp > 0.0 && ngh_finite(fp);
    let okm = dm > 0.0 && ngh_finite(fm);
    d[k] = ngh_nan();
    if (which == 0u) {
      if (okp && okm) { d[k] = (fp - fm) / (dp + dm); }
      size[k] = max(abs(fp), abs(fm));
      den[k] = dp + dm;
    } else if (which == 1u) {
      if (okp) { d[k] = (fp - f0) / dp; }
      size[k] = max(abs(fp), abs(f0));
      den[k] = dp;
    } else {
      if (okm) { d[k] = (f0 - fm) / dm; }
      size[k] = max(abs(fm), abs(f0));
      den[k] = dm;
    }
  }
  // one call site: the compiler inlines ngh_best, and a second copy doubled compile time
  var step_of_den = 1.0;
  var p = 1u;
  if (which == 0u) {
    step_of_den = 0.5;
    p = 2u;
  }
  return ngh_best(d, size, den, step_of_den, p);
}

var<workgroup> ngh_pv: array<vec4<f32>, WG>;  // per group and side: value, error, rounding, step
var<workgroup> ngh_pf: array<u32, WG>;        // found | interior << 1 | consistent << 2

// Whether the group at g needs f(x) (ladderNeedsF0 in ladder.ts): a step usable on one side
// only, at most one step where f(x + h) != f(x − h), or no two neighbouring central differences.
fn ngh_need(g: u32, xj: f32) -> bool {
  var moving = 0u;
  var adjacent = false;
  var prev = false;
  for (var k = 0u; k < ngh_steps_n(); k++) {
    let fp = ngh_wv[g + 2u * k];
    let fm = ngh_wv[g + 2u * k + 1u];
    let st = ngh_steps(g, k, xj);
    let okp = st.x > 0.0 && ngh_finite(fp);
    let okm = st.y > 0.0 && ngh_finite(fm);
    if (okp != okm) { return true; }
    let both = okp && okm;
    if (both && fp != fm) { moving = moving + 1u; }
    if (both && prev) { adjacent = true; }
    prev = both;
  }
  return moving <= 1u || !adjacent;
}

// The reduction of one component (reduceLadder in ladder.ts); g is its first lane.
fn ngh_reduce(g: u32, xj: f32) -> vec4<f32> {
  let need = ngh_needs[g] != 0u;
  let f0 = ngh_wf0[g];
  var fs = 0.0;    // f's scale from the finest usable pair, when f(x) was not evaluated
  var flags = 0u;
  var any_step = false;
  var all_flat = true;
  var edge = false;  // some step is usable on one side only
  var hmax = 0.0;
  var moving = 0u;
  var dmax = 0.0;  // the largest difference, for a ladder that moved at one step only
  var even = 0u;   // usable central pairs with f(x + h) == f(x − h) exactly
  var pairs = 0u;
  for (var k = 0u; k < ngh_steps_n(); k++) {
    let fp = ngh_wv[g + 2u * k];
    let fm = ngh_wv[g + 2u * k + 1u];
    let st = ngh_steps(g, k, xj);
    let dp = st.x;
    let dm = st.y;
    if (dp > 0.0 && !ngh_finite(fp)) { flags |= 0x100u; }
    if (dm > 0.0 && !ngh_finite(fm)) { flags |= 0x200u; }
    if (dp > 0.0 || dm > 0.0) { any_step = true; }
    let okp = dp > 0.0 && ngh_finite(fp);
    let okm = dm > 0.0 && ngh_finite(fm);
    hmax = max(hmax, max(dp, dm));
    if (okp != okm) { edge = true; }
    if ((okp && fp != f0) || (okm && fm != f0)) {
      all_flat = false;
      moving = moving + 1u;
    }
    if (okp && okm) {
      pairs = pairs + 1u;
      if (fp == fm) { even = even + 1u; }
      dmax = max(dmax, abs(fp - fm) / (dp + dm));
      fs = abs(fp + fm) * 0.5;
    }
    if (okp) { dmax = max(dmax, abs(fp - f0) / dp); }
    if (okm) { dmax = max(dmax, abs(f0 - fm) / dm); }
  }
  if (!any_step) { return vec4<f32>(0.0, ngh_inf(), 0.0, bitcast<f32>(6u | flags)); }
  if (need && !ngh_finite(f0)) { return vec4<f32>(ngh_nan(), ngh_inf(), 0.0, bitcast<f32>(4u | flags)); }
  if (need && all_flat) {
    var st = 5u;
    if (f0 == 0.0) { st = 0u; }
    return vec4<f32>(0.0, ULPS * EPS * abs(f0) / hmax, hmax, bitcast<f32>(st | flags));
  }
  if (need && moving == 1u) {
    // f changed at one step only (tanh at 10): nothing to converge against (see reduceLadder)
    return vec4<f32>(0.0, max(dmax, ULPS * EPS * abs(f0) / hmax), hmax, bitcast<f32>(5u | flags));
  }
  var pick = NghPick(0.0, 0.0, 0.0, 0.0, false, false, false);
  var one_sided = false;
  // one-sided ladders only where the central one lost samples (see reduceLadder)
  var sides = min(3u, ngh_steps_n());
  let central_ok = (ngh_pf[g] & 1u) != 0u;
  if (!need || (!edge && central_ok)) { sides = 1u; }
  for (var which = 0u; which < sides; which++) {
    let v = ngh_pv[g + which];
    let fl = ngh_pf[g + which];
    let cand = NghPick(v.x, v.y, v.z, v.w, (fl & 2u) != 0u, (fl & 1u) != 0u, (fl & 4u) != 0u);
    if (which == 0u) {
      pick = cand;
    } else if (ngh_better(pick, NghPick(cand.value, 2.0 * cand.err, cand.rnd, cand.step, cand.interior, cand.found, cand.consistent))) {
      // a one-sided ladder must halve the error to win on equal terms
      pick = cand;
      one_sided = true;
    }
  }
  if (!pick.found) { return vec4<f32>(ngh_nan(), ngh_inf(), 0.0, bitcast<f32>(4u | flags)); }
  var st = 0u;
  if (one_sided) { st = 1u; }
  // flagged relative to the value, or to f's own scale per unit of x when the value is ~0
  let scale = max(abs(pick.value), select(fs, abs(f0), need) / max(abs(xj), 1.0));
  // f even around x at every step (x² at 0): the 0 is no cancellation, nothing to flag
  let symmetric = !one_sided && pairs >= 2u && even == pairs && pick.value == 0.0;
  if (!symmetric && !(pick.err <= REL_TOL * scale)) {
    st = 2u;
    if (pick.err <= 4.0 * pick.rnd) { st = 3u; }
  }
  return vec4<f32>(pick.value, pick.err, pick.step, bitcast<f32>(st | flags));
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let slot = lid / LG;
  let s = lid % LG;
  let C = WG / LG; // components per workgroup
  let first = (wid.x + wid.y * nwg.x) * C;
  let comp = first + slot;
  let live = comp < ngh_params.comps;
  if (live) {
    ngh_base = (comp / ngh_params.nj) * N;
    let j = ngh_params.j0 + comp % ngh_params.nj;
    let xj = ngh_point(j);
    let k = s / 2u;
    let h = H0 * max(abs(xj), 1.0) * exp2(-f32(k) * log2(ngh_ratio(xj)));
    var xs = xj + h;
    if (s % 2u == 1u) { xs = xj - h; }
    var v = ngh_nan();
    if (!ngh_finite(xs) || xs == xj || !ngh_inside(xs, j)) {
      xs = ngh_nan();
    } else {
      ngh_j = j;
      v = ngh_at(xs);
    }
    ngh_wv[lid] = v;
    ngh_wd[lid] = xs;
  }
  workgroupBarrier();
  // The per-component work below runs on the first lanes of the workgroup, one (or three)
  // per component side by side: on a CPU adapter's SIMD rows (lavapipe: 8 lanes) the lanes
  // 0, LG, 2·LG, ... each had a row of their own with one lane active.
  // f(x) only where the samples show it is needed: usually the ladder is 2·LK evaluations
  if (lid < C && first + lid < ngh_params.comps) {
    let comp = first + lid;
    let g = lid * LG;
    ngh_base = (comp / ngh_params.nj) * N;
    let j = ngh_params.j0 + comp % ngh_params.nj;
    let need = ngh_need(g, ngh_point(j));
    ngh_needs[g] = select(0u, 1u, need);
    if (need) {
      ngh_j = 0xffffffffu;
      ngh_wf0[g] = user_f();
    }
  }
  workgroupBarrier();
  // the three ladders of each component c: central on lane c, forward on C + c, backward on
  // 2C + c (the one-sided ones run only where the central ladder lost samples, so the
  // central ones fill whole SIMD rows by themselves)
  let q = lid % C;
  let side = lid / C;
  if (lid < 3u * C && first + q < ngh_params.comps && (side == 0u || ngh_needs[q * LG] != 0u)) {
    let cq = first + q;
    let g = q * LG;
    ngh_base = (cq / ngh_params.nj) * N;
    let pk = ngh_side(g, side, ngh_point(ngh_params.j0 + cq % ngh_params.nj));
    ngh_pv[g + side] = vec4<f32>(pk.value, pk.err, pk.rnd, pk.step);
    ngh_pf[g + side] = select(0u, 1u, pk.found) | select(0u, 2u, pk.interior) | select(0u, 4u, pk.consistent);
  }
  workgroupBarrier();
  if (lid < C && first + lid < ngh_params.comps) {
    let cr = first + lid;
    ngh_base = (cr / ngh_params.nj) * N;
    let r = ngh_reduce(lid * LG, ngh_point(ngh_params.j0 + cr % ngh_params.nj));
    let o = cr * 4u;
    ngh_out[o] = r.x;
    ngh_out[o + 1u] = r.y;
    ngh_out[o + 2u] = r.z;
    ngh_out[o + 3u] = r.w;
  }
}
