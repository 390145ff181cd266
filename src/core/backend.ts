// The seam between the features and the two execution paths. A feature (src/features/*)
// writes each operation once as an Op: a float64 CPU function and a GPU function over the
// runtime. The context picks the path; features never see the Context class, only Runner.
import type { GpuRuntime } from '../gpu/runtime';

/** The float64 reference path: plain JavaScript, no device. */
export interface CpuBackend {
  readonly kind: 'cpu';
}

/** The float32 WebGPU path: every buffer and pipeline goes through the runtime. */
export interface GpuBackend {
  readonly kind: 'webgpu';
  readonly rt: GpuRuntime;
}

export type Backend = CpuBackend | GpuBackend;
export type BackendKind = Backend['kind'];

/** One operation on both paths. The CPU side is the reference the GPU side must agree with. */
export interface Op<J, R> {
  /** what the user called, for error messages ("numericalGradient", "twoLayerNet.train") */
  readonly name: string;
  cpu(job: J): R | Promise<R>;
  webgpu(rt: GpuRuntime, job: J): Promise<R>;
}

/** What a feature needs from a context: which path is in use, and a way to run an Op on it. */
export interface Runner {
  readonly backend: BackendKind;
  /** The backend in use now; throws DisposedError after dispose(). */
  current(): Backend;
  /**
   * Runs `op` on the current backend. An 'auto' context whose device is lost while it
   * runs switches to the CPU path and runs `op` again there.
   */
  exec<J, R>(op: Op<J, R>, job: J): Promise<R>;
  /** Runs a body that needs the backend itself (nets keep state on it), with the same fallback. */
  run<T>(body: (b: Backend) => Promise<T>, operation?: string): Promise<T>;
}

/** Runs an Op on a given backend. */
export function runOp<J, R>(b: Backend, op: Op<J, R>, job: J): Promise<R> {
  return b.kind === 'cpu' ? Promise.resolve(op.cpu(job)) : op.webgpu(b.rt, job);
}
