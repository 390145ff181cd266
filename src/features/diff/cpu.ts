import { cpuEvaluator } from '../../functions/fn';
import { CPU_AUTO_H } from '../../core/steps';
import { MAX_VANISHED_LISTED, type GradientJob, type GradientOut, type PointsJob } from './jobs';

/** f at each point, float64. */
export function cpuEvaluate(job: PointsJob): Float64Array {
  const f = cpuEvaluator(job.f, job.pointShape);
  const out = new Float64Array(job.rows);
  for (let r = 0; r < job.rows; r++) out[r] = f(job.x.slice(r * job.n, (r + 1) * job.n));
  return out;
}

/**
 * Central differences in float64, exactly as the book: x[i] ± h set in place, then
 * (f(x+h) − f(x−h)) / 2h — dividing by 2h, not by the realised step, so the book's printed
 * values (0.1999999999990898, …) reproduce bit for bit. The 5-point stencil is
 * (8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))) / 12h. 'auto' is h = 1e-4 (the book's).
 */
export function cpuGradient(job: GradientJob): GradientOut {
  const { n, rows } = job;
  const h = job.h === 'auto' ? CPU_AUTO_H : job.h;
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
