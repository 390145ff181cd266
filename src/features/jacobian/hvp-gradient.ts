// H·v as a difference of gradients, for expressions (whose symbolic gradient numgrad has on
// both paths: gradJs in float64, user_df in WGSL): (∇f(x + t·u) − ∇f(x − t·u))/2t at t and
// 2t, u = v/‖v‖∞, one Richardson step: 4 gradient evaluations per direction. The step is
// t = c·s with s = max(|x_i|, 1) over the coordinates v moves: after the Richardson step
// the truncation is O(t⁴) and rounding ~ε|∇f|/t, balanced at t ~ ε^(1/5) (7.4e-4 in
// float64, 0.041 in float32): c = 2⁻¹⁰ and 2⁻⁵.
import { STATUS } from '../diff/ladder';
import type { EntriesOut, HvpJob } from './jobs';
import type { Precision } from './ladder-jac';
import { Plan, type Samples } from './plan';

export const GRAD_HVP_C = { cpu: 2 ** -10, webgpu: 2 ** -5 } as const;

/** Lanes: per point and direction, x ± a·t·u for a ∈ {1, 2}; each lane's n "outputs" are ∇f there. */
export function gradientHvpPlan(job: HvpJob, pr: Precision, path: 'cpu' | 'webgpu', relTol: number) {
  const { rows, n, count } = job;
  const plan = new Plan(n, pr.round);
  const norms = new Float64Array(count);
  for (let d = 0; d < count; d++) for (let i = 0; i < n; i++) norms[d] = Math.max(norms[d], Math.abs(job.dirs[d * n + i]));
  const lanes = new Int32Array(rows * count * 4).fill(-1);
  const steps = new Float64Array(rows * count);
  const pt = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const x = job.x.subarray(r * n, (r + 1) * n);
    for (let d = 0; d < count; d++) {
      if (norms[d] === 0) continue;
      let s = 1;
      for (let i = 0; i < n; i++) if (job.dirs[d * n + i] !== 0) s = Math.max(s, Math.abs(x[i]));
      const t = GRAD_HVP_C[path] * s;
      steps[r * count + d] = t;
      [1, -1, 2, -2].forEach((a, q) => {
        for (let i = 0; i < n; i++) pt[i] = x[i] + (a * t * job.dirs[d * n + i]) / norms[d];
        lanes[(r * count + d) * 4 + q] = plan.lane(plan.addRow(pt));
      });
    }
  }
  const reduce = (smp: Samples): EntriesOut => {
    const v = smp.values, m = smp.m; // m = n: the gradient's components
    const size = rows * count * n;
    const out: EntriesOut = { value: new Float64Array(size), error: new Float64Array(size), step: new Float64Array(size), status: new Uint32Array(size), evaluations: plan.lanes };
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < count; d++) {
        if (norms[d] === 0) continue;
        const L = lanes.subarray((r * count + d) * 4, (r * count + d) * 4 + 4);
        const t = steps[r * count + d];
        for (let i = 0; i < n; i++) {
          const g = [0, 1, 2, 3].map((q) => v[L[q] * m + i]);
          const o = (r * count + d) * n + i;
          const d1 = (g[0] - g[1]) / (2 * t), d2 = (g[2] - g[3]) / (4 * t);
          const value = d1 + (d1 - d2) / 3;
          const rnd = (2 * pr.ulps * pr.eps * Math.max(...g.map(Math.abs))) / t;
          const err = Math.abs(d1 - d2) / 3 + rnd;
          out.value[o] = value * norms[d];
          out.error[o] = err * norms[d];
          out.step[o] = t;
          out.status[o] = !g.every(Number.isFinite) ? STATUS.nonFinite
            : err <= relTol * Math.max(Math.abs(value), ...g.map(Math.abs)) ? STATUS.ok : err <= 4 * rnd ? STATUS.roundingLimited : STATUS.notConverged;
          if (out.status[o] === STATUS.nonFinite) { out.value[o] = NaN; out.error[o] = Infinity; }
        }
      }
    }
    return out;
  };
  return { plan, reduce };
}
