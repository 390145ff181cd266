import { cpuEvaluator } from '../../functions/fn';
import { BOOK_H } from '../../core/steps';
import { MAX_VANISHED_LISTED, type GradientJob, type GradientOut, type PointsJob } from './jobs';
import { LADDER_STEPS, LADDER_ULPS, ladderRatio, ladderStep, reduceLadder, settleFlat, STATUS } from './ladder';

/** float64 ε, and the relative error estimate above which the CPU path flags a component. */
const EPS_F64 = 2 ** -52;
export const CPU_REL_TOL = 1e-8;

/** f at each point, float64. */
export function cpuEvaluate(job: PointsJob): Float64Array {
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
  return ladderLoop(job, (x) => f(x), false);
}

/**
 * The per-component ladder loop, shared with the structured ladder (features/sums/cpu.ts):
 * `g(x, j)` is f itself, or the terms of f that read x_j. With `perComponent` false, g(x) is
 * the same for every j: f(x) is computed once per point, and only if some component's ladder
 * needs it (ladderNeedsF0). With it true, g at x is computed for every component (so a term
 * non-finite at x flags the components that read it, as on the GPU's structured kernel).
 */
export function ladderLoop(job: GradientJob, g: (x: Float64Array, j: number) => number, perComponent: boolean): GradientOut {
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
  for (let r = 0; r < rows; r++) {
    x.set(job.x.subarray(r * n, (r + 1) * n));
    let f0 = NaN, have = false;
    // x is back at the point whenever the reduction asks (x[j] is restored before it)
    const getF0 = () => (have ? f0 : ((have = true), (f0 = g(x, 0))));
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

/**
 * Central differences in float64 with a fixed step, exactly as the book: x[i] ± h set in
 * place, then (f(x+h) − f(x−h)) / 2h — dividing by 2h, not by the realised step, so the
 * book's printed values (0.1999999999990898, …) reproduce bit for bit with h: 'book'. The
 * 5-point stencil is (8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))) / 12h.
 */
export function cpuFixedGradient(job: GradientJob, h: number): GradientOut {
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
