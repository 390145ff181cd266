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
  /**
   * A GPUDevice the app already has: numgrad computes on it and never destroys it (dispose
   * releases only numgrad's buffers and pipelines), so an app and numgrad share one device.
   */
  device?: GPUDevice;
}

const CPU: Backend = { kind: 'cpu' };
const OPTION_KEYS = ['backend', 'warn', 'device'];

/**
 * A numgrad context: one backend (and, on WebGPU, one device with its buffers and
 * pipelines) for its whole life. An 'auto' context whose device is lost carries on, on the
 * CPU path, and says so in `fallbackReason`.
 */
export class Context implements Runner {
  private cur: Backend;
  private reason: string | null;
  private disposed = false;
  private disposing: Promise<void> | null = null;
  /** calls running now: dispose() and the retirement of a lost device wait for them */
  private readonly inflight = new Set<Promise<unknown>>();

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
  /** The GPUDevice in use (null on the CPU path): share it with your own WebGPU code. */
  get device(): GPUDevice | null {
    return this.cur.kind === 'webgpu' ? this.cur.rt.device : null;
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
    return this.run((b) => runOp(b, op, job), op.name);
  }

  /**
   * @internal Runs a body on the current backend. If an 'auto' context's device is lost
   * during it, the context switches to the CPU path and the body runs again there; on a
   * 'webgpu' context the loss is thrown, naming the operation.
   */
  run<T>(body: (b: Backend) => Promise<T>, operation = 'a numgrad call'): Promise<T> {
    if (this.disposed) return Promise.reject(new DisposedError());
    const p = this.attempt(this.cur, body, operation);
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  private async attempt<T>(b: Backend, body: (b: Backend) => Promise<T>, operation: string): Promise<T> {
    try {
      return await body(b);
    } catch (e) {
      const lost = e instanceof DeviceLostError ? e : b.kind === 'webgpu' ? b.rt.lostError : null;
      if (!lost) throw e;
      if (this.disposed) throw new DisposedError();
      if (this.requested !== 'auto') throw lost.during(operation);
      this.fallBack(lost);
      return body(this.current());
    }
  }

  private fallBack(e: DeviceLostError): void {
    if (this.cur.kind === 'cpu' || this.disposed) return;
    const lost = this.cur.rt;
    this.cur = CPU;
    this.reason = `${e.message}; continuing on the CPU path`;
    if (this.warn) console.warn(`numgrad: ${this.reason}`);
    // Retire the lost runtime only after the calls that were using it have settled.
    lost.close();
    void Promise.allSettled([...this.inflight]).then(() => lost.dispose()).catch(() => {});
  }

  /**
   * Frees every GPU buffer and pipeline, and the device itself unless the app supplied it.
   * Calls still running fail with DisposedError at their next step; dispose resolves once
   * they have settled and the queue is idle. Idempotent.
   */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.disposed = true;
      const rt = this.cur.kind === 'webgpu' ? this.cur.rt : null;
      rt?.close();
      await Promise.allSettled([...this.inflight]);
      await rt?.dispose();
    })();
    return this.disposing;
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
export const NODE_HINT = "in Node, `npm i webgpu`; on Linux without a GPU, also Mesa's lavapipe (a recent `mesa-vulkan-drivers`)";
export const BROWSER_HINT = 'use a browser with WebGPU enabled (Chrome/Edge 113+, or --enable-unsafe-webgpu)';

export async function createContextWith(sources: AdapterSource[], options: ContextOptions = {}, hint = NODE_HINT): Promise<Context> {
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'expected { backend?, warn?, device? }');
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new ArgumentError(k, `is not an option of createContext (accepted: ${OPTION_KEYS.join(', ')})`);
  }
  const choice = options.backend ?? 'auto';
  if (choice !== 'auto' && choice !== 'webgpu' && choice !== 'cpu') {
    throw new ArgumentError('backend', `expected 'auto', 'webgpu' or 'cpu', got ${typeof choice === 'string' ? JSON.stringify(choice) : String(choice)}`);
  }
  const warn = options.warn ?? true;
  if (typeof warn !== 'boolean') throw new ArgumentError('warn', `expected true or false, got ${String(warn)}`);
  if (options.device !== undefined) {
    const d = options.device as Partial<GPUDevice> | null;
    if (!d || typeof d !== 'object' || typeof d.createBuffer !== 'function' || !d.queue) {
      throw new ArgumentError('device', 'expected a GPUDevice, as an adapter gives it');
    }
    if (choice === 'cpu') throw new ArgumentError('device', "was given with backend: 'cpu'; leave one of them out");
    return new Context({ kind: 'webgpu', rt: GpuRuntime.fromDevice(options.device) }, choice, null, warn);
  }
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
  if (warn) console.warn(`numgrad: falling back to the CPU path: ${reason}`);
  return new Context(CPU, choice, reason, warn);
}
