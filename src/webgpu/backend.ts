import type { Backend } from '../backend';
import type { AdapterInfo } from './device';
import type { GpuRuntime } from './runtime';
import { gpuSum } from './sum';

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
