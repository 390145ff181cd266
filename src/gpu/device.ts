/**
 * Where a WebGPU adapter comes from. The browser build knows only `navigator.gpu`; the
 * Node build adds Dawn (the `webgpu` package), loaded lazily so that nothing pays for it
 * until a context asks for a GPU.
 */
export interface AdapterSource {
  readonly name: string;
  /** null when this source has no adapter; throws only for unexpected failures */
  request(): Promise<AcquiredAdapter | null>;
}

export interface AcquiredAdapter {
  adapter: GPUAdapter;
  /** the GPU instance; held only as long as the context lives (Dawn keeps Node alive while it is referenced) */
  gpu: GPU;
  source: string;
}

/** What {@link Context.adapterInfo} says about the GPU in use (GPUAdapterInfo, plus the feature level). */
export interface AdapterInfo {
  /** e.g. 'nvidia', 'mesa'; may be empty (browsers can hide it) */
  vendor: string;
  /** e.g. 'turing', 'software' */
  architecture: string;
  /** a device name or id */
  device: string;
  /** a human-readable name, e.g. 'llvmpipe (LLVM 15.0.6)' */
  description: string;
  /** true for a software or otherwise fallback adapter (lavapipe, SwiftShader) */
  isFallbackAdapter: boolean;
  /** 'compatibility' for adapters without core WebGPU (e.g. OpenGL ES) */
  featureLevel: 'core' | 'compatibility';
}

export function navigatorSource(): AdapterSource {
  return {
    name: 'navigator.gpu',
    async request() {
      const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
      if (!gpu) return null;
      const adapter =
        (await gpu.requestAdapter({ powerPreference: 'high-performance' })) ??
        (await gpu.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions));
      return adapter ? { adapter, gpu, source: 'navigator.gpu' } : null;
    },
  };
}

/** Acquires from the first source that has an adapter; records why each earlier one failed. */
export async function acquireAdapter(sources: AdapterSource[]): Promise<{ acquired: AcquiredAdapter | null; attempts: string[] }> {
  const attempts: string[] = [];
  for (const s of sources) {
    try {
      const acquired = await s.request();
      if (acquired) return { acquired, attempts };
      attempts.push(`${s.name}: no adapter`);
    } catch (e) {
      attempts.push(`${s.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { acquired: null, attempts };
}

export function describeAdapter(adapter: GPUAdapter): AdapterInfo {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const compat = !adapter.features.has('core-features-and-limits' as GPUFeatureName);
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
    featureLevel: compat ? 'compatibility' : 'core',
  };
}

/** Requests a device with the adapter's own limits for the few that numgrad uses heavily. */
export async function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const a = adapter.limits;
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
    maxBufferSize: a.maxBufferSize,
    maxComputeWorkgroupStorageSize: a.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: a.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: a.maxComputeWorkgroupSizeX,
    maxStorageBuffersPerShaderStage: a.maxStorageBuffersPerShaderStage,
  };
  return adapter.requestDevice({ requiredLimits, label: 'numgrad' });
}
