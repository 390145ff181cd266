// The structured ladder in float64: per component j, the ladder of L(x, j) (the terms that
// read x_j) instead of f, so the gradient of a sum of n terms costs O(n) term evaluations.
import type { ExprFunction } from '../../functions/fn';
import { CPU_REL_TOL } from '../diff/cpu';
import { MAX_VANISHED_LISTED, type GradientJob, type GradientOut } from '../diff/jobs';
import { LADDER_STEPS, LADDER_ULPS, ladderStep, reduceLadder, settleFlat, STATUS } from '../diff/ladder';

const EPS_F64 = 2 ** -52;

export function cpuSumsGradient(job: GradientJob): GradientOut {
  const { n, rows } = job;
  const K = LADDER_STEPS;
  const expr = (job.f as ExprFunction).expr;
  const total = rows * n;
  const grad = new Float64Array(total), error = new Float64Array(total), step = new Float64Array(total);
  const status = new Uint32Array(total);
  const fp = new Float64Array(K), fm = new Float64Array(K), dp = new Float64Array(K), dm = new Float64Array(K);
  const vanished: number[] = [];
  let vanishedCount = 0;
  const x = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    x.set(job.x.subarray(r * n, (r + 1) * n));
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      const f0 = expr.evalLocal(x, j);
      for (let k = 0; k < K; k++) {
        const h = ladderStep(xj, k);
        const xp = xj + h, xm = xj - h;
        dp[k] = Number.isFinite(xp) ? xp - xj : 0;
        dm[k] = Number.isFinite(xm) ? xj - xm : 0;
        x[j] = xp;
        fp[k] = dp[k] > 0 ? expr.evalLocal(x, j) : NaN;
        x[j] = xm;
        fm[k] = dm[k] > 0 ? expr.evalLocal(x, j) : NaN;
      }
      x[j] = xj;
      const res = reduceLadder(f0, fp, fm, dp, dm, EPS_F64, CPU_REL_TOL, LADDER_ULPS.cpu, xj);
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
