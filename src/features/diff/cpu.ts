import { cpuEvaluator, ExprFunction, type DiffFunction } from '../../functions/fn';
import { CHUNK } from '../../expr/batch-kernels';
import { BOOK_H } from '../../core/steps';
import { MAX_VANISHED_LISTED, type GradientJob, type GradientOut, type PointsJob } from './jobs';
import { LADDER_STEPS, LADDER_ULPS, ladderRatio, ladderStep, reduceLadder, settleFlat, STATUS } from './ladder';

/** float64 ε, and the relative error estimate above which the CPU path flags a component. */
const EPS_F64 = 2 ** -52;
export const CPU_REL_TOL = 1e-8;

/** Points per call of the batched machine (its point lists stay a few MB). */
const BLOCK_POINTS = 1 << 16;

/** An expression evaluates its points together, on the batched machine (src/expr/batch.ts),
 *  with the bits it gives one point at a time; JS functions and WGSL twins point by point. */
function batched(f: DiffFunction): f is ExprFunction {
  return f instanceof ExprFunction && f.outputs === 1;
}

/** f at each point, float64. */
export function cpuEvaluate(job: PointsJob): Float64Array {
  if (batched(job.f) && job.rows > 0) return job.f.evalBatch({ base: job.x.subarray(0, job.rows * job.n), n: job.n, points: job.rows });
  const f = cpuEvaluator(job.f, job.pointShape);
  const out = new Float64Array(job.rows);
  for (let r = 0; r < job.rows; r++) out[r] = f(job.x.slice(r * job.n, (r + 1) * job.n));
  return out;
}

/** The gradient on the CPU path: the step ladder for 'auto', else a fixed step. */
export function cpuGradient(job: GradientJob): GradientOut {
  return job.h === 'auto' ? cpuLadderGradient(job) : cpuFixedGradient(job, job.h === 'book' ? BOOK_H : job.h);
}

/**
 * The ladder in float64 (see ladder.ts): per component, f at x ± h_k for the LADDER_STEPS
 * steps, f(x) once per point, reduced to a value, an error estimate, the step and a status.
 */
export function cpuLadderGradient(job: GradientJob): GradientOut {
  const f = cpuEvaluator(job.f, job.pointShape);
  return ladderLoop(job, (x) => f(x), false, batched(job.f) ? job.f : undefined);
}

/**
 * The per-component ladder loop, shared with the structured ladder (features/sums/cpu.ts):
 * `g(x, j)` is f itself, or the terms of f that read x_j. With `perComponent` false, g(x) is
 * the same for every j: f(x) is computed once per point, and only if some component's ladder
 * needs it (ladderNeedsF0). With it true, g at x is computed for every component (so a term
 * non-finite at x flags the components that read it, as on the GPU's structured kernel).
 * With `batch` (f itself as an expression), the ladder's points of many components are
 * evaluated together on the batched machine: the same values, the same reduction.
 */
export function ladderLoop(job: GradientJob, g: (x: Float64Array, j: number) => number, perComponent: boolean, batch?: ExprFunction): GradientOut {
  const { n, rows } = job;
  const K = LADDER_STEPS;
  const total = rows * n;
  const grad = new Float64Array(total), error = new Float64Array(total), step = new Float64Array(total);
  const status = new Uint32Array(total);
  const fp = new Float64Array(K), fm = new Float64Array(K), dp = new Float64Array(K), dm = new Float64Array(K);
  const vanished: number[] = [];
  let vanishedCount = 0;
  const x = new Float64Array(n);
  const lo = job.bounds?.lo, hi = job.bounds?.hi;
  let blk: LadderValues | null = null;
  for (let r = 0; r < rows; r++) {
    x.set(job.x.subarray(r * n, (r + 1) * n));
    let f0 = NaN, have = false;
    // x is back at the point whenever the reduction asks (x[j] is restored before it)
    const getF0 = () => (have ? f0 : ((have = true), (f0 = g(x, 0))));
    if (batch) {
      for (let j0 = 0; j0 < n; j0 += LADDER_BLOCK) {
        const j1 = Math.min(n, j0 + LADDER_BLOCK);
        // a few parameters: the points of several rows in one evaluation
        if (!blk || r >= blk.r1 || blk.j0 !== j0) blk = ladderBlock(batch, job, r, n <= LADDER_BLOCK ? Math.min(rows, r + Math.floor(LADDER_BLOCK / n)) : r + 1, j0, j1);
        for (let j = j0; j < j1; j++) {
          const o = blk.at(r, j) * K;
          for (let k = 0; k < K; k++) {
            dp[k] = blk.dp[o + k]; dm[k] = blk.dm[o + k];
            fp[k] = dp[k] > 0 ? blk.f[2 * (o + k)] : NaN;
            fm[k] = dm[k] > 0 ? blk.f[2 * (o + k) + 1] : NaN;
          }
          const res = reduceLadder(getF0, fp, fm, dp, dm, EPS_F64, CPU_REL_TOL, LADDER_ULPS.cpu, x[j]);
          const l = r * n + j;
          grad[l] = res.value; error[l] = res.error; step[l] = res.step; status[l] = res.status;
          if ((res.status & 0xff) === STATUS.vanished && vanishedCount++ < MAX_VANISHED_LISTED) vanished.push(l);
        }
      }
      continue;
    }
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      const h0 = ladderStep(xj, 0), lr = Math.log2(ladderRatio(xj));
      for (let k = 0; k < K; k++) {
        const h = h0 * 2 ** (-k * lr);
        const xp = xj + h, xm = xj - h;
        // a step that leaves float64's range or the bounds is not taken
        dp[k] = Number.isFinite(xp) && !(hi && xp > hi[j]) ? xp - xj : 0;
        dm[k] = Number.isFinite(xm) && !(lo && xm < lo[j]) ? xj - xm : 0;
        x[j] = xp;
        fp[k] = dp[k] > 0 ? g(x, j) : NaN;
        x[j] = xm;
        fm[k] = dm[k] > 0 ? g(x, j) : NaN;
      }
      x[j] = xj;
      const res = reduceLadder(perComponent ? g(x, j) : getF0, fp, fm, dp, dm, EPS_F64, CPU_REL_TOL, LADDER_ULPS.cpu, xj);
      const l = r * n + j;
      grad[l] = res.value;
      error[l] = res.error;
      step[l] = res.step;
      status[l] = res.status;
      if ((res.status & 0xff) === STATUS.vanished && vanishedCount++ < MAX_VANISHED_LISTED) vanished.push(l);
    }
  }
  settleFlat(status, grad, error, rows, n, CPU_REL_TOL);
  return { grad, vanished, vanishedCount, error, step, status };
}

/** Components per batched evaluation of the ladder (2·LADDER_STEPS points each). */
const LADDER_BLOCK = Math.max(1, Math.floor(BLOCK_POINTS / (2 * LADDER_STEPS)));

/** f at the ladder's points of rows r0 … r1 − 1, components j0 … j1 − 1, and the realised steps. */
interface LadderValues { r0: number; r1: number; j0: number; f: Float64Array; dp: Float64Array; dm: Float64Array; at: (r: number, c: number) => number }

/** Where the points of (row r, component c) start, in units of a component's points: row by
 *  row, or — when a row has fewer points than a chunk of the machine — component by component,
 *  so a chunk spans rows with one replaced coordinate and the others are per row there
 *  (computed once per row: src/expr/batch-source.ts). */
function layout(r0: number, r1: number, j0: number, j1: number, perComponent: number): (r: number, c: number) => number {
  return perComponent * (j1 - j0) < CHUNK ? (r, c) => (c - j0) * (r1 - r0) + r - r0 : (r, c) => (r - r0) * (j1 - j0) + c - j0;
}

/** The ladder's points x ± h_k·e_j evaluated together: for row r, component c, step k, with
 *  q = at(r, c)·K + k (see layout), f(x + h_k e_c) in f[2q] and f(x − h_k e_c) in f[2q + 1],
 *  the realised steps in dp[q], dm[q] (0: not taken), formed as the per-point loop forms them. */
function ladderBlock(f: ExprFunction, job: GradientJob, r0: number, r1: number, j0: number, j1: number): LadderValues {
  const K = LADDER_STEPS, n = job.n, points = 2 * K * (j1 - j0) * (r1 - r0);
  const row = new Uint32Array(points), j = new Uint32Array(points), v = new Float64Array(points);
  const dp = new Float64Array(points / 2), dm = new Float64Array(points / 2);
  const lo = job.bounds?.lo, hi = job.bounds?.hi, at = layout(r0, r1, j0, j1, 2 * K);
  for (let c = j0; c < j1; c++) {
    for (let r = r0; r < r1; r++) {
      const xj = job.x[r * n + c];
      const h0 = ladderStep(xj, 0), lr = Math.log2(ladderRatio(xj));
      for (let k = 0; k < K; k++) {
        const h = h0 * 2 ** (-k * lr);
        const xp = xj + h, xm = xj - h, q = at(r, c) * K + k;
        dp[q] = Number.isFinite(xp) && !(hi && xp > hi[c]) ? xp - xj : 0;
        dm[q] = Number.isFinite(xm) && !(lo && xm < lo[c]) ? xj - xm : 0;
        row[2 * q] = row[2 * q + 1] = r - r0;
        j[2 * q] = j[2 * q + 1] = c;
        v[2 * q] = xp; v[2 * q + 1] = xm;
      }
    }
  }
  const vals = f.evalBatch({ base: job.x.subarray(r0 * n, r1 * n), n, points, row, j1: j, v1: v });
  return { r0, r1, j0, f: vals, dp, dm, at };
}

/** cpuFixedGradient for an expression: every row's perturbed points on the batched machine. */
function fixedBatched(f: ExprFunction, job: GradientJob, h: number): GradientOut {
  const { n, rows } = job;
  const s = job.stencil === 5 ? 4 : 2;
  const grad = new Float64Array(rows * n);
  const vanished: number[] = [];
  let vanishedCount = 0;
  const per = Math.max(1, Math.floor(BLOCK_POINTS / (s * n)));
  for (let r0 = 0; r0 < rows; r0 += per) {
    const r1 = Math.min(rows, r0 + per), points = (r1 - r0) * n * s;
    const row = new Uint32Array(points), j1 = new Uint32Array(points), v1 = new Float64Array(points);
    const at = layout(r0, r1, 0, n, s);
    for (let j = 0; j < n; j++) {
      for (let r = r0; r < r1; r++) {
        const tmp = job.x[r * n + j], p = at(r, j) * s;
        row.fill(r - r0, p, p + s); j1.fill(j, p, p + s);
        v1[p] = tmp + h; v1[p + 1] = tmp - h;
        if (s === 4) { v1[p + 2] = tmp + 2 * h; v1[p + 3] = tmp - 2 * h; }
      }
    }
    const vals = f.evalBatch({ base: job.x.subarray(r0 * n, r1 * n), n, points, row, j1, v1 });
    for (let r = r0; r < r1; r++) {
      for (let j = 0; j < n; j++) {
        const tmp = job.x[r * n + j], p = at(r, j) * s;
        let g = s === 4 ? (8 * (vals[p] - vals[p + 1]) - (vals[p + 2] - vals[p + 3])) / (12 * h) : (vals[p] - vals[p + 1]) / (2 * h);
        if (tmp + h === tmp - h) {
          g = 0; // as cpuFixedGradient
          if (vanishedCount++ < MAX_VANISHED_LISTED) vanished.push(r * n + j);
        }
        grad[r * n + j] = g;
      }
    }
  }
  return { grad, vanished, vanishedCount };
}

/**
 * Central differences in float64 with a fixed step, exactly as the book: x[i] ± h set in
 * place, then (f(x+h) − f(x−h)) / 2h — dividing by 2h, not by the realised step, so the
 * book's printed values (0.1999999999990898, …) reproduce bit for bit with h: 'book'. The
 * 5-point stencil is (8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))) / 12h.
 */
export function cpuFixedGradient(job: GradientJob, h: number): GradientOut {
  // the batch pays where a row's 2n points share work: a sum over an index, or 16 parameters
  // and more. Below that the per-point closures cost less than setting the batch up (x0² + x1²
  // at 10⁵ points: 11.5 against 21 ms; 16 parameters: 81 against 72 ms); the bits are the same.
  if (batched(job.f) && job.rows * job.n * (job.stencil === 5 ? 4 : 2) >= 16 && (job.n >= 16 || job.f.hasIndexSum())) return fixedBatched(job.f, job, h);
  const { n, rows } = job;
  const f = cpuEvaluator(job.f, job.pointShape);
  const grad = new Float64Array(rows * n);
  const vanished: number[] = [];
  let vanishedCount = 0;
  const x = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    x.set(job.x.subarray(r * n, (r + 1) * n));
    for (let j = 0; j < n; j++) {
      const tmp = x[j];
      x[j] = tmp + h;
      const fp = f(x);
      x[j] = tmp - h;
      const fm = f(x);
      let g: number;
      if (job.stencil === 5) {
        x[j] = tmp + 2 * h;
        const fp2 = f(x);
        x[j] = tmp - 2 * h;
        const fm2 = f(x);
        g = (8 * (fp - fm) - (fp2 - fm2)) / (12 * h);
      } else {
        g = (fp - fm) / (2 * h);
      }
      x[j] = tmp;
      if (tmp + h === tmp - h) {
        g = 0; // x ± h rounded to x: no information, reported rather than hidden
        if (vanishedCount++ < MAX_VANISHED_LISTED) vanished.push(r * n + j);
      }
      grad[r * n + j] = g;
    }
  }
  return { grad, vanished, vanishedCount };
}
