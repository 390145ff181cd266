import { ShaderCompileError } from '../core/errors';

export type Constants = Record<string, number>;

/** Pipelines kept per device before the least recently used one is dropped. */
export const PIPELINE_CACHE_SIZE = 128;

/**
 * Compiled compute pipelines keyed by shader name + sorted override constants. The cache
 * stores promises, so concurrent callers of the same key share one compile. It keeps the
 * `capacity` most recently used pipelines (a Map iterates in insertion order, and a hit is
 * moved to the end); a dropped pipeline's module goes too once no kept pipeline uses it,
 * so every distinct expression does not hold its compiled code for the life of the context.
 */
export class PipelineCache {
  private readonly pipelines = new Map<string, { module: string; p: Promise<GPUComputePipeline> }>();
  private readonly modules = new Map<string, Promise<GPUShaderModule>>();
  /** number of pipelines actually compiled (for tests of reuse) */
  compiles = 0;
  /** pipelines dropped to stay within capacity */
  evictions = 0;

  /** pipelines kept; lowered in tests to exercise eviction */
  capacity = PIPELINE_CACHE_SIZE;

  constructor(private readonly device: GPUDevice) {}

  /** Forgets every pipeline and module (dispose). */
  clear(): void {
    this.pipelines.clear();
    this.modules.clear();
  }

  get moduleCount(): number {
    return this.modules.size;
  }

  static key(name: string, constants: Constants = {}): string {
    const keys = Object.keys(constants).sort();
    return name + '|' + keys.map((k) => `${k}=${constants[k]}`).join(',');
  }

  get size(): number {
    return this.pipelines.size;
  }

  /**
   * `name` identifies `code`: two different codes must never share a name (generated
   * shaders include a hash of their text in the name).
   */
  get(name: string, code: string, constants: Constants = {}, entryPoint = 'main'): Promise<GPUComputePipeline> {
    const key = PipelineCache.key(name, constants) + '|' + entryPoint;
    const hit = this.pipelines.get(key);
    if (hit) {
      this.pipelines.delete(key);
      this.pipelines.set(key, hit);
      return hit.p;
    }
    const p = this.compile(name, code, constants, entryPoint);
    this.pipelines.set(key, { module: name, p });
    // A failed compile must not poison the cache: the next caller gets a fresh try.
    p.catch(() => {
      if (this.pipelines.get(key)?.p === p) this.pipelines.delete(key);
    });
    this.evict();
    return p;
  }

  private evict(): void {
    while (this.pipelines.size > this.capacity) {
      const [oldest, entry] = this.pipelines.entries().next().value as [string, { module: string }];
      this.pipelines.delete(oldest);
      this.evictions++;
      let used = false;
      for (const e of this.pipelines.values()) if (e.module === entry.module) { used = true; break; }
      if (!used) this.modules.delete(entry.module);
    }
  }

  private module(name: string, code: string): Promise<GPUShaderModule> {
    let m = this.modules.get(name);
    if (!m) {
      m = compileModule(this.device, name, code);
      this.modules.set(name, m);
      m.catch(() => this.modules.delete(name));
    }
    return m;
  }

  private async compile(name: string, code: string, constants: Constants, entryPoint: string): Promise<GPUComputePipeline> {
    const module = await this.module(name, code);
    this.device.pushErrorScope('validation');
    let pipeline: GPUComputePipeline | undefined;
    let thrown: unknown;
    try {
      pipeline = await this.device.createComputePipelineAsync({
        label: name,
        layout: 'auto',
        compute: { module, entryPoint, constants },
      });
    } catch (e) {
      thrown = e;
    }
    const err = await this.device.popErrorScope();
    if (thrown || err || !pipeline) {
      const msg = err?.message ?? (thrown instanceof Error ? thrown.message : String(thrown));
      throw new ShaderCompileError(name, 0, 0, `pipeline creation failed: ${msg}`, code);
    }
    this.compiles++;
    return pipeline;
  }
}

/** Creates a shader module and turns compilation errors into a ShaderCompileError with line:col. */
export async function compileModule(device: GPUDevice, name: string, code: string): Promise<GPUShaderModule> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: name, code });
  const info = await module.getCompilationInfo();
  const scopeError = await device.popErrorScope();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0 || scopeError) {
    const lines = code.split('\n');
    const first = errors[0];
    const text = errors.length
      ? errors
          .map((m) => {
            const src = lines[m.lineNum - 1] ?? '';
            const caret = ' '.repeat(Math.max(0, m.linePos - 1)) + '^';
            return `  ${name}:${m.lineNum}:${m.linePos}: ${m.message}\n    ${src}\n    ${caret}`;
          })
          .join('\n')
      : `  ${scopeError!.message}`;
    throw new ShaderCompileError(name, first?.lineNum ?? 0, first?.linePos ?? 0, text, code);
  }
  return module;
}
