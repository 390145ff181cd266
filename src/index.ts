// Public exports shared by the browser and Node entries.
export { Context, type BackendChoice, type ContextOptions } from './context';
export type { AdapterInfo } from './webgpu/device';
export {
  NumgradError,
  ArgumentError,
  NoAdapterError,
  DeviceLostError,
  ShaderCompileError,
  GpuError,
  DisposedError,
} from './errors';

// --- differentiation exports ---

// --- networks exports ---
