// The Jacobian family's operations on both paths: each builds its plan in the path's
// precision, evaluates it (float64 here, float32 on the device) and reduces the samples.
import type { Op } from '../../core/backend';
import type { GpuRuntime } from '../../gpu/runtime';
import { CPU_REL_TOL } from '../diff/cpu';
import { GPU_REL_TOL, LADDER_ULPS } from '../diff/ladder';
import { cpuGradientSamples, cpuSamples } from './evaluate-cpu';
import { ExprFunction } from '../../functions/fn';
import { gradientHvpPlan } from './hvp-gradient';
import { gpuSamples } from './evaluate-gpu';
import { hessianPlan, hvpPlan } from './hessian-plan';
import { sparseHessianGradientPlan, sparseHessianPlan } from './sparse-hessian';
import type { EntriesOut, HessianJob, HvpJob, JacobianJob, JvpJob, PointsJob } from './jobs';
import { jacobianPlan, jvpPlan, type Precision } from './ladder-jac';
import { MIXED_REL_TOL } from './mixed';
import type { Plan, Samples } from './plan';

export const CPU_PRECISION: Precision = { eps: 2 ** -52, ulps: LADDER_ULPS.cpu, relTol: CPU_REL_TOL, round: (v) => v };
export const GPU_PRECISION: Precision = { eps: 2 ** -23, ulps: LADDER_ULPS.webgpu, relTol: GPU_REL_TOL, round: Math.fround };

type Built = { plan: Plan; reduce: (s: Samples) => EntriesOut };

/** An Op from a planner: the same plan and reduction on both paths, evaluated by each. */
function planned<J extends PointsJob>(name: string, build: (job: J, pr: Precision, path: 'cpu' | 'webgpu') => Built): Op<J, EntriesOut> {
  return {
    name,
    cpu(job) {
      const b = build(job, CPU_PRECISION, 'cpu');
      return b.reduce(cpuSamples(job.f, b.plan, job.m, job.pointShape));
    },
    async webgpu(rt: GpuRuntime, job) {
      const b = build(job, GPU_PRECISION, 'webgpu');
      return b.reduce(await gpuSamples(rt, job.f, b.plan, job.m));
    },
  };
}

export const jacobianOp = planned<JacobianJob>('jacobian', (job, pr) => jacobianPlan(job, pr));
export const jvpOp = planned<JvpJob>('jvp', (job, pr) => jvpPlan(job, pr));
export const hvpOp = planned<HvpJob>('hessianVectorProduct', (job, pr, path) => hvpPlan(job, pr, path, MIXED_REL_TOL[path]));

function sparseHessian(job: HessianJob, path: 'cpu' | 'webgpu') {
  return sparseHessianPlan(job, job.colouring!, path === 'cpu' ? CPU_PRECISION : GPU_PRECISION, path, MIXED_REL_TOL[path]);
}

export const hessianOp: Op<HessianJob, EntriesOut> = {
  name: 'hessian',
  cpu(job) {
    if (job.colouring && job.byGradient) {
      const b = sparseHessianGradientPlan(job, job.colouring, CPU_PRECISION, 'cpu', MIXED_REL_TOL.cpu);
      return b.reduce(cpuGradientSamples(job.f as ExprFunction, b.plan));
    }
    if (job.colouring) {
      const s = sparseHessian(job, 'cpu');
      return s.finish(s.plans.map((p) => cpuSamples(job.f, p.plan, 1, job.pointShape)));
    }
    const b = hessianPlan(job, CPU_PRECISION, 'cpu', MIXED_REL_TOL.cpu);
    return b.reduce(cpuSamples(job.f, b.plan, 1, job.pointShape));
  },
  async webgpu(rt, job) {
    if (job.colouring && job.byGradient) {
      const b = sparseHessianGradientPlan(job, job.colouring, GPU_PRECISION, 'webgpu', MIXED_REL_TOL.webgpu);
      return b.reduce(await gpuSamples(rt, job.f, b.plan, job.n, true));
    }
    if (job.colouring) {
      const s = sparseHessian(job, 'webgpu');
      const got: Samples[] = [];
      for (const p of s.plans) got.push(await gpuSamples(rt, job.f, p.plan, 1));
      return s.finish(got);
    }
    const b = hessianPlan(job, GPU_PRECISION, 'webgpu', MIXED_REL_TOL.webgpu);
    return b.reduce(await gpuSamples(rt, job.f, b.plan, 1));
  },
};

/** H·v as a difference of the expression's symbolic gradients (4 gradient evaluations per direction). */
export const gradientHvpOp: Op<HvpJob, EntriesOut> = {
  name: 'hessianVectorProduct',
  cpu(job) {
    const b = gradientHvpPlan(job, CPU_PRECISION, 'cpu', MIXED_REL_TOL.cpu);
    return b.reduce(cpuGradientSamples(job.f as ExprFunction, b.plan));
  },
  async webgpu(rt, job) {
    const b = gradientHvpPlan(job, GPU_PRECISION, 'webgpu', MIXED_REL_TOL.webgpu);
    return b.reduce(await gpuSamples(rt, job.f, b.plan, job.n, true));
  },
};
