import type { Backend } from './backend';
import { CpuBackend } from './cpu/backend';
import { ArgumentError, DeviceLostError, DisposedError, NoAdapterError } from './errors';
import { acquireAdapter, type AdapterInfo, type AdapterSource } from './webgpu/device';
import { WebGpuBackend } from './webgpu/backend';
import { GpuRuntime } from './webgpu/runtime';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface ContextOptions {
  /** 'auto' (default): WebGPU when an adapter is found, else the CPU path; 'webgpu': fail without one; 'cpu': float64 reference. */
  backend?: BackendChoice;
  /** Log a line when 'auto' falls back to the CPU path (default true). */
  warn?: boolean;
}

/**
 * A numgrad context: one backend (and, on WebGPU, one device with its buffers and
 * pipelines) for its whole life. An 'auto' context whose device is lost carries on, on the
 * CPU path, and says so in `fallbackReason`.
 */
export class Context {
  private current: Backend;
  private reason: string | null;
  private disposed = false;

  /** @internal use createContext() */
  constructor(backend: Backend, readonly requested: BackendChoice, fallbackReason: string | null, private readonly warn: boolean) {
    this.current = backend;
    this.reason = fallbackReason;
    if (backend instanceof WebGpuBackend && requested === 'auto') {
      backend.rt.onLost((e) => this.fallBack(e));
    }
  }

  /** The path in use: what 'auto' chose, or 'cpu' after an auto context lost its device. */
  get backend(): 'webgpu' | 'cpu' {
    return this.current.kind;
  }
  get adapterInfo(): AdapterInfo | null {
    return this.current.adapterInfo;
  }
  get fallbackReason(): string | null {
    return this.reason;
  }
  get limits(): Readonly<Record<string, number>> {
    return this.current.limits;
  }
  /** @internal the backend operations (for the concern modules) */
  get impl(): Backend {
    if (this.disposed) throw new DisposedError();
    return this.current;
  }
  /** @internal the GPU runtime, when on WebGPU */
  get runtime(): GpuRuntime | null {
    return this.current instanceof WebGpuBackend ? this.current.rt : null;
  }

  /**
   * Runs an operation on the current backend. If an 'auto' context's device is lost during
   * it, the context switches to the CPU path and the operation runs again there.
   */
  async run<T>(op: (b: Backend) => Promise<T>): Promise<T> {
    const b = this.impl;
    try {
      return await op(b);
    } catch (e) {
      const lost = e instanceof DeviceLostError ? e : b instanceof WebGpuBackend ? b.rt.lostError : null;
      if (lost && this.requested === 'auto' && !this.disposed) {
        this.fallBack(lost);
        return op(this.impl);
      }
      throw e;
    }
  }

  private fallBack(e: DeviceLostError): void {
    if (this.current.kind === 'cpu' || this.disposed) return;
    const lost = this.current;
    this.current = new CpuBackend();
    this.reason = `${e.message}; continuing on the CPU path`;
    if (this.warn) console.warn(`numgrad: ${this.reason}`);
    void lost.dispose().catch(() => {});
  }

  /** Sum with a deterministic pairwise order on either backend. */
  sum(values: ArrayLike<number>): Promise<number> {
    return this.run((b) => b.sum(Float64Array.from(values)));
  }

  // --- differentiation (src/fn.ts, src/diff/, src/optim/): methods forward to those modules ---

  // --- end differentiation ---

  // --- networks and checks (src/nn/, src/check/): methods forward to those modules ---

  // --- end networks ---

  /** Frees every GPU buffer and pipeline and the device itself. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.current.dispose();
  }
}

/** Node and browser entries differ in where adapters come from and how to get one. */
export const NODE_HINT = 'run `bash scripts/setup-webgpu.sh` (Mesa lavapipe) for a software GPU on Linux';
export const BROWSER_HINT = 'use a browser with WebGPU enabled (Chrome/Edge 113+, or --enable-unsafe-webgpu)';

export async function createContextWith(sources: AdapterSource[], options: ContextOptions = {}, hint = NODE_HINT): Promise<Context> {
  const choice = options.backend ?? 'auto';
  if (choice !== 'auto' && choice !== 'webgpu' && choice !== 'cpu') {
    throw new ArgumentError('backend', `expected 'auto', 'webgpu' or 'cpu', got ${JSON.stringify(choice)}`);
  }
  const warn = options.warn ?? true;
  if (choice === 'cpu') return new Context(new CpuBackend(), choice, null, warn);
  const { acquired, attempts } = await acquireAdapter(sources);
  if (acquired) {
    try {
      const rt = await GpuRuntime.create(acquired);
      return new Context(new WebGpuBackend(rt), choice, null, warn);
    } catch (e) {
      attempts.push(`${acquired.source}: requestDevice failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (choice === 'webgpu') throw new NoAdapterError(attempts, hint);
  const reason = `no WebGPU adapter (${attempts.join('; ')}); ${hint}`;
  return new Context(new CpuBackend(), choice, reason, warn);
}
