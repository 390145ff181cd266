import { BOOK_H } from '../../core/steps';
import { cpuFixedGradient } from '../diff/cpu';
import { EXPLODE_FACTOR, HARD_LIMIT, type DescentJob, type DescentOut } from './jobs';

/**
 * The book's gradient_descent in float64 on a fresh copy of x0: `steps` times
 * x ← x − lr·numerical_gradient(f, x). Divergence rule (same on the GPU): a step that makes
 * any xᵢ non-finite or |xᵢ| > 1e30 is not applied and the run stops (`stopped`); a run whose
 * ‖x‖ exceeds 1e6·max(1, ‖x₀‖) is reported as diverged but carries on, so the book's
 * lr = 10 example still returns its printed x.
 */
export function cpuDescent(job: DescentJob): DescentOut {
  const n = job.x0.length;
  const x = Float64Array.from(job.x0);
  const next = new Float64Array(n);
  const history = job.history ? new Float64Array((job.steps + 1) * n) : null;
  history?.set(x, 0);
  const limit2 = (EXPLODE_FACTOR * Math.max(1, norm(x))) ** 2;
  let divergedAt: number | null = null;
  let stopped = false;
  let vanishedSteps = 0;
  let firstVanishedAt: number | null = null;
  let done = 0;
  for (let k = 1; k <= job.steps; k++) {
    // one fixed-step gradient per update: 'auto' is the book's h = 1e-4 here (the ladder would cost 8×)
    const g = cpuFixedGradient({ f: job.f, x, rows: 1, n, pointShape: job.pointShape, h: job.h, stencil: job.stencil }, typeof job.h === 'number' ? job.h : BOOK_H);
    if (g.vanishedCount > 0) {
      vanishedSteps++;
      firstVanishedAt ??= k;
    }
    let bad = false;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      next[i] = x[i] - job.lr * g.grad[i];
      if (!(Math.abs(next[i]) <= HARD_LIMIT)) bad = true; // also catches NaN
      sq += next[i] * next[i];
    }
    if (bad) {
      divergedAt ??= k;
      stopped = true;
      break;
    }
    x.set(next);
    done = k;
    history?.set(x, k * n);
    if (sq > limit2) divergedAt ??= k;
  }
  return {
    x,
    history: history ? history.slice(0, (done + 1) * n) : null,
    stepsDone: done,
    divergedAt,
    stopped,
    vanishedSteps,
    firstVanishedAt,
  };
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
