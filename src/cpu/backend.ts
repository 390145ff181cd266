import type { Backend } from '../backend';
import { pairwiseSum } from './sum';
import { cpuEvaluate, cpuGradient } from '../diff/cpu';
import type { DescentJob, DescentOut, GradientJob, GradientOut, PointsJob } from '../diff/ops';
import { cpuDescent } from '../optim/cpu';
import type { FlatParams, NetImpl, NetSpec } from '../nn/ops';
import { CpuNet } from '../nn/cpu-net';

/** The float64 reference path: plain JavaScript, no device. */
export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly adapterInfo = null;
  readonly limits = {};

  async sum(values: Float64Array): Promise<number> {
    return pairwiseSum(values);
  }

  async evaluate(job: PointsJob): Promise<Float64Array> {
    return cpuEvaluate(job);
  }
  async gradient(job: GradientJob): Promise<GradientOut> {
    return cpuGradient(job);
  }
  async descent(job: DescentJob): Promise<DescentOut> {
    return cpuDescent(job);
  }

  createNet(spec: NetSpec, params: FlatParams): NetImpl {
    return new CpuNet(spec, params);
  }

  async dispose(): Promise<void> {}
}
