// The Jacobian and jvp on the step ladder of src/features/diff/ladder.ts: the same steps
// (LADDER_STEPS of ladderStep: h_k = LADDER_H0·max(|x_j|, 1)/8^k), the same reduction (reduceLadder,
// imported, run per output and column on the samples of either path) and the same status
// codes. One plan lane per (point, column or colour, step, side), plus f(x) per point.
import { LADDER_STEPS, ladderStep, reduceLadder, settleFlat } from '../diff/ladder';
import type { Colouring, EntriesOut, JacobianJob, JvpJob } from './jobs';
import { NONE, Plan, type Round, type Samples } from './plan';

const K = LADDER_STEPS;

/** Precision of a path: its ε, the rounding units of f, the flag tolerance and the rounding. */
export interface Precision {
  eps: number;
  ulps: number;
  relTol: number;
  round: Round;
}

/** A column's ladder at x (already rounded): realised steps and perturbed values; dp/dm 0 where unusable. */
function columnLadder(xj: number, round: Round) {
  const vp = new Float64Array(K), vm = new Float64Array(K), dp = new Float64Array(K), dm = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    // the gradient's own steps (diff/ladder.ts); the reduction divides by the realised ones
    const h = round(ladderStep(xj, k));
    vp[k] = round(xj + h);
    vm[k] = round(xj - h);
    dp[k] = Number.isFinite(vp[k]) ? vp[k] - xj : 0;
    dm[k] = Number.isFinite(vm[k]) ? xj - vm[k] : 0;
  }
  return { vp, vm, dp, dm };
}

/** Reduces lane samples (NaN lanes: -1) of output i into one entry. */
function reduceEntry(s: Samples, f0Lane: number, lp: Int32Array, lm: Int32Array, at: number, i: number, dp: Float64Array, dm: Float64Array, xj: number, pr: Precision) {
  const m = s.m, v = s.values;
  const fp = new Float64Array(K), fm = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    fp[k] = lp[at + k] >= 0 ? v[lp[at + k] * m + i] : NaN;
    fm[k] = lm[at + k] >= 0 ? v[lm[at + k] * m + i] : NaN;
  }
  return reduceLadder(v[f0Lane * m + i], fp, fm, dp, dm, pr.eps, pr.relTol, pr.ulps, xj);
}

function newOut(size: number, evaluations: number): EntriesOut {
  return { value: new Float64Array(size), error: new Float64Array(size), step: new Float64Array(size), status: new Uint32Array(size), evaluations };
}

/**
 * Dense: per point, f(x) and per column j the 2·K ladder points; entries rows × m × n.
 * Sparse (job.colouring): per point and colour c, the K points with every column of c moved
 * by its own ladder step; entry (i, j) reads colour(j)'s samples at output i.
 */
export function jacobianPlan(job: JacobianJob, pr: Precision) {
  const { rows, n } = job;
  const plan = new Plan(n, pr.round);
  const groups = job.colouring ? job.colouring.colours : n;
  const f0 = new Int32Array(rows);
  const lp = new Int32Array(rows * groups * K).fill(-1), lm = new Int32Array(rows * groups * K).fill(-1);
  const ladders: ReturnType<typeof columnLadder>[] = [];
  const members: number[][] = [];
  if (job.colouring) {
    for (let c = 0; c < groups; c++) members.push([]);
    job.colouring.colour.forEach((c, j) => members[c].push(j));
  }
  for (let r = 0; r < rows; r++) {
    const base = plan.addRow(job.x.subarray(r * n, (r + 1) * n));
    f0[r] = plan.lane(base);
    for (let j = 0; j < n; j++) ladders[r * n + j] = columnLadder(plan.at(base, j), pr.round);
    for (let g = 0; g < groups; g++) {
      for (let k = 0; k < K; k++) {
        const at = (r * groups + g) * K + k;
        if (!job.colouring) {
          const L = ladders[r * n + g];
          if (L.dp[k] > 0) lp[at] = plan.lane(base, g, L.vp[k]);
          if (L.dm[k] > 0) lm[at] = plan.lane(base, g, L.vm[k]);
          continue;
        }
        // a colour: one row with all its columns moved (a column whose step is unusable stays)
        const pt = Float64Array.from(job.x.subarray(r * n, (r + 1) * n), pr.round);
        const mt = Float64Array.from(pt);
        let any = false;
        for (const j of members[g]) {
          const L = ladders[r * n + j];
          if (L.dp[k] > 0) { pt[j] = L.vp[k]; any = true; }
          if (L.dm[k] > 0) { mt[j] = L.vm[k]; any = true; }
        }
        if (any) {
          lp[at] = plan.lane(plan.addRow(pt));
          lm[at] = plan.lane(plan.addRow(mt));
        }
      }
    }
  }
  const reduce = (s: Samples): EntriesOut => {
    const m = s.m;
    const col = job.colouring;
    // sparse: the pattern's entries only (column by column), so n = 10⁴ never allocates n²
    const nnz = col ? col.cols.reduce((t, c) => t + c.length, 0) : 0;
    const out = newOut(col ? rows * nnz : rows * m * n, plan.lanes);
    for (let r = 0; r < rows; r++) {
      let e0 = r * nnz;
      for (let j = 0; j < n; j++) {
        const L = ladders[r * n + j];
        const g = col ? col.colour[j] : j;
        const at = (r * groups + g) * K;
        const outRows = col ? col.cols[j] : null;
        const count = outRows ? outRows.length : m;
        for (let q = 0; q < count; q++) {
          const i = outRows ? outRows[q] : q;
          const e = reduceEntry(s, f0[r], lp, lm, at, i, L.dp, L.dm, pr.round(job.x[r * n + j]), pr);
          const o = col ? e0++ : (r * m + i) * n + j;
          out.value[o] = e.value;
          out.error[o] = e.error;
          out.step[o] = e.step;
          out.status[o] = e.status;
        }
      }
    }
    if (!col) settleFlat(out.status, out.value, out.error, rows * m, n, pr.relTol);
    if (col) out.outside = outsideEntries(s, job, col, members, f0, lp, lm, groups, pr);
    return out;
  };
  return { plan, reduce };
}

/**
 * A pattern's free check: at an output with no pattern entry in colour c, f must not change
 * when c's columns move. A change beyond rounding at any of the three largest steps is an
 * entry the pattern lacks.
 */
function outsideEntries(s: Samples, job: JacobianJob, col: Colouring, members: number[][], f0: Int32Array, lp: Int32Array, lm: Int32Array, groups: number, pr: Precision) {
  const out: { row: number; columns: number[]; point: number }[] = [];
  const m = s.m, v = s.values;
  for (let r = 0; r < job.rows && out.length < 10; r++) {
    for (let g = 0; g < groups && out.length < 10; g++) {
      const covered = new Uint8Array(m);
      for (const j of members[g]) for (const i of col.cols[j]) covered[i] = 1;
      for (let i = 0; i < m && out.length < 10; i++) {
        if (covered[i]) continue;
        const y0 = v[f0[r] * m + i];
        for (let k = 0; k < 3; k++) {
          const at = (r * groups + g) * K + k;
          const ys = [lp[at], lm[at]].filter((l) => l >= 0).map((l) => v[l * m + i]);
          if (ys.some((y) => Math.abs(y - y0) > 64 * pr.ulps * pr.eps * Math.max(Math.abs(y), Math.abs(y0)) || (Number.isFinite(y0) && !Number.isFinite(y)))) {
            out.push({ row: i, columns: members[g].slice(0, 8), point: r });
            break;
          }
        }
      }
    }
  }
  return out;
}

/**
 * jvp: g(t) = f(x + t·v/‖v‖∞) on the ladder t_k = LADDER_H0·s/8^k, s = max(|x_i|, 1) over
 * the coordinates v moves; 2·K evaluations per direction plus f(x) per point. Entries
 * rows × count × m (J·v, scaled back by ‖v‖∞).
 */
/** The largest error of a jvp step's realised displacement, relative to the step (see jvpPlan). */
export const DIRECTION_BEND = 2 ** -12;

export function jvpPlan(job: JvpJob, pr: Precision) {
  const { rows, n, count } = job;
  const plan = new Plan(n, pr.round);
  const f0 = new Int32Array(rows);
  const lp = new Int32Array(rows * count * K).fill(-1), lm = new Int32Array(rows * count * K).fill(-1);
  const norms = new Float64Array(count);
  const steps = new Float64Array(rows * count * K);
  const scales = new Float64Array(rows * count);
  for (let d = 0; d < count; d++) for (let i = 0; i < n; i++) norms[d] = Math.max(norms[d], Math.abs(job.dirs[d * n + i]));
  const pt = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const x = job.x.subarray(r * n, (r + 1) * n);
    const base = plan.addRow(x);
    f0[r] = plan.lane(base);
    for (let d = 0; d < count; d++) {
      if (norms[d] === 0) continue;
      let s = 1;
      for (let i = 0; i < n; i++) if (job.dirs[d * n + i] !== 0) s = Math.max(s, Math.abs(plan.at(base, i)));
      scales[r * count + d] = s;
      for (let k = 0; k < K; k++) {
        const t = ladderStep(s, k); // s ≥ 1: LADDER_H0·s/8^k
        const at = (r * count + d) * K + k;
        steps[at] = t;
        for (const sign of [1, -1]) {
          let moved = false, finite = true, bent = 0;
          for (let i = 0; i < n; i++) {
            const want = (sign * t * job.dirs[d * n + i]) / norms[d];
            pt[i] = pr.round(plan.at(base, i) + want);
            if (pt[i] !== plan.at(base, i)) moved = true;
            if (!Number.isFinite(pt[i])) finite = false;
            bent = Math.max(bent, Math.abs(pt[i] - plan.at(base, i) - want));
          }
          // each coordinate of x + t·u rounds on its own, so the realised displacement is not
          // t·u: past DIRECTION_BEND·t that error (∝ ulp(x)/t, times |J|·|u|) outweighs what
          // a finer step gains (float32 at t ~ 1e-7 bends the direction by tens of %)
          if (moved && finite && bent <= DIRECTION_BEND * t) (sign > 0 ? lp : lm)[at] = plan.lane(plan.addRow(pt));
        }
      }
    }
  }
  const reduce = (s: Samples): EntriesOut => {
    const m = s.m;
    const out = newOut(rows * count * m, plan.lanes);
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < count; d++) {
        const at = (r * count + d) * K;
        const dp = new Float64Array(K), dm = new Float64Array(K);
        for (let k = 0; k < K; k++) {
          dp[k] = lp[at + k] >= 0 ? steps[at + k] : 0;
          dm[k] = lm[at + k] >= 0 ? steps[at + k] : 0;
        }
        for (let i = 0; i < m; i++) {
          const o = (r * count + d) * m + i;
          if (norms[d] === 0) continue; // J·0 = 0 exactly
          const e = reduceEntry(s, f0[r], lp, lm, at, i, dp, dm, scales[r * count + d], pr);
          out.value[o] = e.value * norms[d];
          out.error[o] = e.error * norms[d];
          out.step[o] = e.step;
          out.status[o] = e.status;
        }
      }
    }
    return out;
  };
  return { plan, reduce };
}

export { NONE };
