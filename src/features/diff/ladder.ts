// The default derivative ('auto'): a ladder of LADDER_STEPS steps per component, evaluated
// on both sides, Richardson-extrapolated along the ladder, and the estimate with the
// smallest estimated error kept. The same rule runs in float64 here and in float32 in
// shaders/ladder.wgsl (the constants below are passed to it as overrides); see
// docs/design.md, "The step ladder".

/**
 * Steps per component: 2 evaluations each, 16 per component (8× one 3-point difference),
 * plus f(x): once per point on the CPU, once per component on the GPU (lane 0 of its group).
 */
export const LADDER_STEPS = 8;
/** Ratio between consecutive steps: 8^7 ≈ 2·10⁶ spans both the |x| scale and the unit scale. */
export const LADDER_RATIO = 8;
/**
 * Below |x| < 1 the ladder also reaches LADDER_BELOW ratio-8 steps under |x| (a domain edge
 * at 0, such as sqrt at 1e-4, needs steps well below |x|), by widening the ratio up to
 * LADDER_RATIO_MAX; it starts at LADDER_H0 still, so the unit scale stays inside.
 */
export const LADDER_BELOW = 4;
export const LADDER_RATIO_MAX = 32;
/** The largest step is LADDER_H0·max(|x|, 1). */
export const LADDER_H0 = 0.5;
/** Rounding error assumed per evaluation of f, in units of the working precision's ε
 *  (float64 JS Math is within ~1 ulp; float32 GPU builtins within a few). */
export const LADDER_ULPS = { cpu: 2, webgpu: 4 } as const;

/**
 * f's float32 rounding in ulps on the GPU: LADDER_ULPS.webgpu, plus √m for an expression that
 * sums m data values (a float32 sum of m terms carries ~√m ulps of noise, far beyond 4: at
 * m = 10⁵ the ladder otherwise took that noise for convergence and chose too fine a step).
 */
export function gpuUlps(f: { kind: string; data?: ReadonlyArray<{ values: ArrayLike<number> }> }): number {
  let m = 0;
  if (f.kind === 'expr' && f.data) for (const d of f.data) m += d.values.length;
  return LADDER_ULPS.webgpu + Math.sqrt(m);
}

/** float32: the relative error estimate above which the GPU path flags a component. */
export const GPU_REL_TOL = 1e-3;

/** Why a component is not plainly 'ok'. The codes are shared with the shader. */
export const STATUS = {
  ok: 0,
  /** a one-sided ladder was used: the other side was non-finite or crossed a bound */
  oneSided: 1,
  /** the error estimate is large relative to the value, beyond what rounding explains */
  notConverged: 2,
  /** the error estimate is large relative to the value, and rounding explains it */
  roundingLimited: 3,
  /** f is non-finite at x, or at every usable step on both sides: no derivative */
  nonFinite: 4,
  /** f did not change at any step although x ± h did: exact for a constant, or f saturated */
  saturated: 5,
  /** x ± h rounded to x at every step */
  vanished: 6,
} as const;
export type StatusName = keyof typeof STATUS;
export const STATUS_NAMES = Object.keys(STATUS) as StatusName[];
/** Bits above the code: which side produced a non-finite value somewhere on the ladder. */
export const PLUS_NONFINITE = 0x100;
export const MINUS_NONFINITE = 0x200;

export interface LadderResult {
  value: number;
  error: number;
  /** the smallest step of the window the value came from */
  step: number;
  status: number;
}

/**
 * Whether a component's ladder needs f(x): for one-sided differences (some step usable on one
 * side only), to tell a flat or once-moving ladder (saturation) from a symmetric f, or when
 * no two neighbouring central differences exist. Otherwise the central ladder alone decides
 * and f(x) is never evaluated, so the ladder costs 2·LADDER_STEPS evaluations, 8× one
 * 3-point difference. The shader decides the same way (ngh_need).
 */
export function ladderNeedsF0(fp: ArrayLike<number>, fm: ArrayLike<number>, dp: ArrayLike<number>, dm: ArrayLike<number>): boolean {
  let movingC = 0, adjacent = false, prev = false;
  for (let k = 0; k < fp.length; k++) {
    const okP = dp[k] > 0 && Number.isFinite(fp[k]);
    const okM = dm[k] > 0 && Number.isFinite(fm[k]);
    if (okP !== okM) return true;
    const both = okP && okM;
    if (both && fp[k] !== fm[k]) movingC++;
    if (both && prev) adjacent = true;
    prev = both;
  }
  return movingC <= 1 || !adjacent;
}

/**
 * Reduces the samples of one component. fp[k], fm[k]: f at x + h_k and x − h_k (NaN where
 * not evaluated); dp[k], dm[k]: the realised steps (x + h_k) − x and x − (x − h_k), 0 when
 * they vanished; f0 = f(x), or a function giving it, called only when ladderNeedsF0; eps:
 * the working precision; relTol: the relative error above which a result is flagged; ulps:
 * f's assumed rounding; x: the coordinate (for scale).
 */
export function reduceLadder(
  f0In: number | (() => number), fp: ArrayLike<number>, fm: ArrayLike<number>, dp: ArrayLike<number>, dm: ArrayLike<number>,
  eps: number, relTol: number, ulps: number, x = 1,
): LadderResult {
  const K = fp.length;
  let flags = 0;
  for (let k = 0; k < K; k++) {
    if (dp[k] > 0 && !Number.isFinite(fp[k])) flags |= PLUS_NONFINITE;
    if (dm[k] > 0 && !Number.isFinite(fm[k])) flags |= MINUS_NONFINITE;
  }
  let anyStep = false;
  for (let k = 0; k < K; k++) if (dp[k] > 0 || dm[k] > 0) anyStep = true;
  if (!anyStep) return { value: 0, error: Infinity, step: 0, status: STATUS.vanished | flags };
  const known = typeof f0In === 'number' || ladderNeedsF0(fp, fm, dp, dm);
  const f0 = typeof f0In === 'number' ? f0In : known ? f0In() : NaN;
  if (known && !Number.isFinite(f0)) return { value: NaN, error: Infinity, step: 0, status: STATUS.nonFinite | flags };
  if (!known) return centralOnly(fp, fm, dp, dm, eps, relTol, ulps, x, flags);

  const { central, forward, backward, fc, ff, fb, den } = scratch(K);
  let allFlat = true;
  let moving = 0;
  for (let k = 0; k < K; k++) {
    const okP = dp[k] > 0 && Number.isFinite(fp[k]);
    const okM = dm[k] > 0 && Number.isFinite(fm[k]);
    central[k] = okP && okM ? (fp[k] - fm[k]) / (dp[k] + dm[k]) : NaN;
    forward[k] = okP ? (fp[k] - f0) / dp[k] : NaN;
    backward[k] = okM ? (f0 - fm[k]) / dm[k] : NaN;
    // the size of what each difference subtracts, for its rounding bound
    fc[k] = Math.max(Math.abs(fp[k]), Math.abs(fm[k]));
    ff[k] = Math.max(Math.abs(fp[k]), Math.abs(f0));
    fb[k] = Math.max(Math.abs(fm[k]), Math.abs(f0));
    if ((okP && fp[k] !== f0) || (okM && fm[k] !== f0)) {
      allFlat = false;
      moving++;
    }
    den[k] = dp[k] + dm[k];
  }
  if (allFlat) {
    // no difference at any step: exact for a constant; flagged when f is not 0 (saturation)
    let hMax = 0;
    for (let k = 0; k < K; k++) hMax = Math.max(hMax, dp[k], dm[k]);
    // (settleFlat below clears the flag where the row shows that 0 is simply exact)
    return { value: 0, error: (ulps * eps * Math.abs(f0)) / hMax, step: hMax, status: (f0 === 0 ? STATUS.ok : STATUS.saturated) | flags };
  }
  if (moving === 1) {
    // f changed at one step only (the coarsest, as tanh at 10 in float32): a difference with
    // nothing to converge against says nothing about the derivative beyond its own size
    let err = 0, hMax = 0;
    for (let k = 0; k < K; k++) {
      for (const v of [central[k], forward[k], backward[k]]) if (Number.isFinite(v)) err = Math.max(err, Math.abs(v));
      hMax = Math.max(hMax, dp[k], dm[k]);
    }
    err = Math.max(err, (ulps * eps * Math.abs(f0)) / hMax);
    return { value: 0, error: err, step: hMax, status: STATUS.saturated | flags };
  }
  const c = best(central, fc, den, 0.5, 2, eps * ulps);
  const fw = best(forward, ff, dp, 1, 1, eps * ulps);
  const bw = best(backward, fb, dm, 1, 1, eps * ulps);
  let pick = c;
  let oneSided = false;
  // one-sided ladders only where the central one lost samples (a side non-finite or out of
  // range): elsewhere their coarse, noisy entries can look converged and win wrongly
  let edge = !c;
  for (let k = 0; k < K; k++) if ((dp[k] > 0 && Number.isFinite(fp[k])) !== (dm[k] > 0 && Number.isFinite(fm[k]))) edge = true;
  for (const s of edge ? [fw, bw] : []) {
    if (s && (!pick || better(pick, s.consistent, s.interior, s.error * 2))) {
      pick = s;
      oneSided = true;
    }
  }
  if (!pick) return { value: NaN, error: Infinity, step: 0, status: STATUS.nonFinite | flags };
  let status: number = oneSided ? STATUS.oneSided : STATUS.ok;
  // flagged relative to the value, or to f's own scale per unit of x when the value is ~0;
  // not when f is even around x at every step (x² at 0): that 0 is no cancellation
  const scale = Math.max(Math.abs(pick.value), Math.abs(f0) / Math.max(Math.abs(x), 1));
  if (!(!oneSided && pick.value === 0 && evenAround(fp, fm, dp, dm)) && !(pick.error <= relTol * scale)) status = pick.error <= 4 * pick.rounding ? STATUS.roundingLimited : STATUS.notConverged;
  return { value: pick.value, error: pick.error, step: pick.step, status: status | flags };
}

/** The common case (ladderNeedsF0 false): the central ladder alone, f's scale from its finest usable sample pair. */
function centralOnly(fp: ArrayLike<number>, fm: ArrayLike<number>, dp: ArrayLike<number>, dm: ArrayLike<number>,
  eps: number, relTol: number, ulps: number, x: number, flags: number): LadderResult {
  const K = fp.length;
  const { central, fc, den } = scratch(K);
  let fs = 0;
  for (let k = 0; k < K; k++) {
    const ok = dp[k] > 0 && dm[k] > 0 && Number.isFinite(fp[k]) && Number.isFinite(fm[k]);
    central[k] = ok ? (fp[k] - fm[k]) / (dp[k] + dm[k]) : NaN;
    fc[k] = Math.max(Math.abs(fp[k]), Math.abs(fm[k]));
    den[k] = dp[k] + dm[k];
    if (ok) fs = Math.abs(fp[k] + fm[k]) / 2;
  }
  const pick = best(central, fc, den, 0.5, 2, eps * ulps)!; // two neighbouring entries exist
  let status: number = STATUS.ok;
  const scale = Math.max(Math.abs(pick.value), fs / Math.max(Math.abs(x), 1));
  if (!(pick.value === 0 && evenAround(fp, fm, dp, dm)) && !(pick.error <= relTol * scale)) status = pick.error <= 4 * pick.rounding ? STATUS.roundingLimited : STATUS.notConverged;
  return { value: pick.value, error: pick.error, step: pick.step, status: status | flags };
}

/** Every usable central pair (at least two) has f(x + h) === f(x − h): f is even around x. */
function evenAround(fp: ArrayLike<number>, fm: ArrayLike<number>, dp: ArrayLike<number>, dm: ArrayLike<number>): boolean {
  let pairs = 0;
  for (let k = 0; k < fp.length; k++) {
    if (!(dp[k] > 0 && dm[k] > 0 && Number.isFinite(fp[k]) && Number.isFinite(fm[k]))) continue;
    if (fp[k] !== fm[k]) return false;
    pairs++;
  }
  return pairs >= 2;
}

interface Pick {
  value: number;
  error: number;
  rounding: number;
  step: number;
  /** it had a neighbour on both sides in its column */
  interior: boolean;
  /** it agrees with the finest plain difference within the error bars */
  consistent: boolean;
}

/**
 * The Richardson table of one ladder of differences d[k] = Δf/den[k] (error ∝ h^p, h^2p, ...
 * with p = 2 central, 1 one-sided) and the entry with the smallest estimated error: the
 * change from the previous entry of its column (truncation, and any noise) plus a bound on
 * the rounding of f, carried through the extrapolation weights.
 */
function best(d: Float64Array, size: Float64Array, den: ArrayLike<number>, stepOfDen: number, p: number, unit: number): Pick | null {
  const K = d.length;
  let out: Pick | null = null;
  const { col, rnd } = scratch(K);
  col.set(d);
  // rounding bound of each entry: f's own rounding over the realised step, grown by the extrapolation weights
  for (let k = 0; k < K; k++) rnd[k] = (2 * unit * size[k]) / den[k];
  // the reference: the median of the finest three plain differences (unbiased by
  // truncation), with a tolerance from their spread and rounding bounds, so rounding that
  // the bound misses (cancellation inside f) widens it instead of rejecting good entries
  let n3 = 0;
  const f3 = [NaN, NaN, NaN], r3 = [0, 0, 0];
  for (let k = K - 1; k >= 0 && n3 < 3; k--) {
    if (Number.isFinite(d[k])) {
      f3[n3] = d[k];
      r3[n3++] = rnd[k];
    }
  }
  const got = f3.slice(0, n3).sort((a, b) => a - b);
  const fine = n3 ? got[(n3 - 1) >> 1] : NaN;
  const fineRnd = n3 ? got[n3 - 1] - got[0] + Math.max(...r3.slice(0, n3)) : 0;
  let len = K;
  for (let level = 0; level < 3; level++) {
    for (let k = 0; k < len; k++) {
      const e = col[k];
      if (!Number.isFinite(e)) continue;
      // the change to both neighbours in the column: one can agree with e by coincidence
      // (a periodic f, a pole between the samples), two rarely do
      const hasPrev = k > 0 && Number.isFinite(col[k - 1]);
      const hasNext = k + 1 < len && Number.isFinite(col[k + 1]);
      if (!hasPrev && !hasNext) continue;
      // an entry with one neighbour only (an end of the usable ladder) has a less certain
      // error: its change counts 4 times
      const interior = hasPrev && hasNext;
      const prev = hasPrev ? Math.abs(e - col[k - 1]) : 0;
      const next = hasNext ? Math.abs(col[k + 1] - e) : 0;
      let change = interior ? Math.max(prev, next) : 4 * Math.max(prev, next);
      // nor can the coarse end be surer than its one neighbour's own next (finer) change:
      // where the column has not settled past the neighbour, agreeing with it is a
      // coincidence (float32 sin(x)·exp(−x²/4) at 2.7238899: the coarsest step matched its
      // neighbour to 1e-6, both 1e-3 off). Not at the fine end: toward coarser steps the
      // change grows with the truncation, as it should.
      if (!hasPrev && k + 2 < len && Number.isFinite(col[k + 2])) change = Math.max(change, Math.abs(col[k + 2] - col[k + 1]));
      const error = change + rnd[k];
      // consistent with the finest plain difference (unbiased by truncation, within its
      // rounding): a coarse entry of an aliased or diverging ladder can look converged, this
      // rules it out
      const consistent = Math.abs(e - fine) <= 4 * (error + fineRnd) + 1e-3 * Math.abs(fine);
      if (!out || better(out, consistent, interior, error)) {
        out = { value: e, error, rounding: rnd[k], step: den[k + level] * stepOfDen, interior, consistent };
      }
    }
    if (len < 2) break;
    // next column, in place (Neville in t = h^p): eliminate the next power of h^p, with the
    // ratio of the realised steps (on the GPU x ± h rounds, so the nominal ratio is not exact)
    for (let k = 0; k + 1 < len; k++) {
      const w = (den[k] / den[k + level + 1]) ** p - 1;
      col[k] = col[k + 1] + (col[k + 1] - col[k]) / w;
      rnd[k] = rnd[k + 1] * (1 + 2 / w);
    }
    len--;
  }
  return out;
}

/**
 * Whether a candidate beats `out`: consistency with the finest difference first, then the
 * error. (Preferring entries with two neighbours as well was tried: it made sin at 1e4 and
 * the fine end of short ladders worse, and only x⁹⁹ better.)
 */
function better(out: Pick, consistent: boolean, _interior: boolean, error: number): boolean {
  if (consistent !== out.consistent) return consistent;
  return error < out.error;
}

// Scratch arrays, reused: the reduction runs once per component, millions of times a call.
let scratchK = 0;
let scratchArrays: Record<'central' | 'forward' | 'backward' | 'fc' | 'ff' | 'fb' | 'den' | 'col' | 'rnd', Float64Array>;
function scratch(K: number) {
  if (K !== scratchK) {
    scratchK = K;
    const a = () => new Float64Array(K);
    scratchArrays = { central: a(), forward: a(), backward: a(), fc: a(), ff: a(), fb: a(), den: a(), col: a(), rnd: a() };
  }
  return scratchArrays;
}

/**
 * The ratio of the ladder at x: LADDER_RATIO, widened for 0 < |x| < 1/512 so the finest step
 * is LADDER_H0·|x|/8^LADDER_BELOW (at most LADDER_RATIO_MAX). The shader computes the same.
 */
export function ladderRatio(x: number): number {
  const a = Math.abs(x);
  if (a === 0 || a >= 1) return LADDER_RATIO;
  const r = 2 ** (Math.log2(LADDER_RATIO ** LADDER_BELOW / a) / (LADDER_STEPS - 1));
  return Math.min(LADDER_RATIO_MAX, Math.max(LADDER_RATIO, r));
}

/** The nominal steps of the ladder at x: h_k = LADDER_H0·max(|x|, 1)/r^k, r = ladderRatio(x). */
export function ladderStep(x: number, k: number): number {
  return LADDER_H0 * Math.max(Math.abs(x), 1) * 2 ** (-k * Math.log2(ladderRatio(x)));
}

/**
 * A flat ladder (no step changed f) is exact for a parameter f does not depend on, and a
 * symptom for one whose effect is below f's rounding (saturation, or f ≈ 1e307 + x1). The
 * row tells them apart: when the rounding bound is negligible beside the row's largest
 * derivative, the 0 is taken as exact; otherwise it stays flagged.
 */
export function settleFlat(status: Uint32Array, grad: Float64Array, error: Float64Array, rows: number, n: number, relTol: number): void {
  for (let r = 0; r < rows; r++) {
    let big = 0;
    for (let j = 0; j < n; j++) if (Number.isFinite(grad[r * n + j])) big = Math.max(big, Math.abs(grad[r * n + j]));
    for (let j = 0; j < n; j++) {
      const l = r * n + j;
      if ((status[l] & 0xff) === STATUS.saturated && error[l] <= relTol * big) status[l] = (status[l] & ~0xff) | STATUS.ok;
    }
  }
}
