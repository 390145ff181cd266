import type { Backend } from '../backend';
import type { AdapterInfo } from './device';
import type { GpuRuntime } from './runtime';
import { gpuSum } from './sum';
import type { DescentJob, DescentOut, GradientJob, GradientOut, PointsJob } from '../diff/ops';
import { gpuEvaluate, gpuGradient } from '../diff/webgpu';
import { gpuDescent } from '../optim/webgpu';
import type { FlatParams, NetImpl, NetSpec } from '../nn/ops';
import { GpuNet } from '../nn/gpu/net';

/** The float32 WebGPU path; every operation goes through the runtime's pool and cache. */
export class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly adapterInfo: AdapterInfo;
  readonly limits: Readonly<Record<string, number>>;

  constructor(readonly rt: GpuRuntime) {
    this.adapterInfo = rt.info;
    this.limits = keyLimits(rt.limits);
  }

  sum(values: Float64Array): Promise<number> {
    return gpuSum(this.rt, values);
  }

  evaluate(job: PointsJob): Promise<Float64Array> {
    return gpuEvaluate(this.rt, job);
  }
  gradient(job: GradientJob): Promise<GradientOut> {
    return gpuGradient(this.rt, job);
  }
  descent(job: DescentJob): Promise<DescentOut> {
    return gpuDescent(this.rt, job);
  }

  createNet(spec: NetSpec, params: FlatParams): NetImpl {
    return new GpuNet(this.rt, spec, params);
  }

  dispose(): Promise<void> {
    return this.rt.dispose();
  }
}

function keyLimits(l: GPUSupportedLimits): Record<string, number> {
  return {
    maxBufferSize: l.maxBufferSize,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
  };
}
