// A numgrad context: one backend for its whole life, and the methods every feature adds
// (src/features/index.ts). The features see a context only as a Runner (core/backend.ts).
import { runOp, type Backend, type BackendKind, type Op, type Runner } from './core/backend';
import { ArgumentError, DeviceLostError, DisposedError, NoAdapterError } from './core/errors';
import { featureMethods, type FeatureMethods } from './features/index';
import { acquireAdapter, type AdapterInfo, type AdapterSource } from './gpu/device';
import { GpuRuntime } from './gpu/runtime';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface ContextOptions {
  /** 'auto' (default): WebGPU when an adapter is found, else the CPU path; 'webgpu': fail without one; 'cpu': float64 reference. */
  backend?: BackendChoice;
  /** Log a line when 'auto' falls back to the CPU path (default true). */
  warn?: boolean;
}

const CPU: Backend = { kind: 'cpu' };

/**
 * A numgrad context: one backend (and, on WebGPU, one device with its buffers and
 * pipelines) for its whole life. An 'auto' context whose device is lost carries on, on the
 * CPU path, and says so in `fallbackReason`.
 */
export class Context implements Runner {
  private cur: Backend;
  private reason: string | null;
  private disposed = false;

  /** @internal use createContext() */
  constructor(backend: Backend, readonly requested: BackendChoice, fallbackReason: string | null, private readonly warn: boolean) {
    this.cur = backend;
    this.reason = fallbackReason;
    if (backend.kind === 'webgpu' && requested === 'auto') backend.rt.onLost((e) => this.fallBack(e));
  }

  /** The path in use: what 'auto' chose, or 'cpu' after an auto context lost its device. */
  get backend(): BackendKind {
    return this.cur.kind;
  }
  get adapterInfo(): AdapterInfo | null {
    return this.cur.kind === 'webgpu' ? this.cur.rt.info : null;
  }
  get fallbackReason(): string | null {
    return this.reason;
  }
  get limits(): Readonly<Record<string, number>> {
    return this.cur.kind === 'webgpu' ? this.cur.rt.keyLimits : {};
  }
  /** @internal the GPU runtime, when on WebGPU (tests and benchmarks look at its pool) */
  get runtime(): GpuRuntime | null {
    return this.cur.kind === 'webgpu' ? this.cur.rt : null;
  }

  /** @internal */
  current(): Backend {
    if (this.disposed) throw new DisposedError();
    return this.cur;
  }

  /** @internal */
  exec<J, R>(op: Op<J, R>, job: J): Promise<R> {
    return this.run((b) => runOp(b, op, job));
  }

  /**
   * @internal Runs a body on the current backend. If an 'auto' context's device is lost
   * during it, the context switches to the CPU path and the body runs again there.
   */
  async run<T>(body: (b: Backend) => Promise<T>): Promise<T> {
    const b = this.current();
    try {
      return await body(b);
    } catch (e) {
      const lost = e instanceof DeviceLostError ? e : b.kind === 'webgpu' ? b.rt.lostError : null;
      if (lost && this.requested === 'auto' && !this.disposed) {
        this.fallBack(lost);
        return body(this.current());
      }
      throw e;
    }
  }

  private fallBack(e: DeviceLostError): void {
    if (this.cur.kind === 'cpu' || this.disposed) return;
    const lost = this.cur.rt;
    this.cur = CPU;
    this.reason = `${e.message}; continuing on the CPU path`;
    if (this.warn) console.warn(`numgrad: ${this.reason}`);
    void lost.dispose().catch(() => {});
  }

  /** Frees every GPU buffer and pipeline and the device itself. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.cur.kind === 'webgpu') await this.cur.rt.dispose();
  }
}

// The features' methods, typed by FeatureMethods (overloads kept) and installed once.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Context extends FeatureMethods {}
for (const methods of featureMethods) {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(Context.prototype, name, { value: fn, writable: true, configurable: true });
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
  if (choice === 'cpu') return new Context(CPU, choice, null, warn);
  const { acquired, attempts } = await acquireAdapter(sources);
  if (acquired) {
    try {
      const rt = await GpuRuntime.create(acquired);
      return new Context({ kind: 'webgpu', rt }, choice, null, warn);
    } catch (e) {
      attempts.push(`${acquired.source}: requestDevice failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (choice === 'webgpu') throw new NoAdapterError(attempts, hint);
  const reason = `no WebGPU adapter (${attempts.join('; ')}); ${hint}`;
  return new Context(CPU, choice, reason, warn);
}
