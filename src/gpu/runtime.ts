import { DeviceLostError, DisposedError, GpuError } from '../core/errors';
import { BindGroupCache } from './bind-groups';
import { BufferPool } from './buffers';
import { READBACK, STORAGE_RW, Usage } from './flags';
import { grid } from './grid';
import { PipelineCache, type Constants } from './pipelines';
import { mapAndCopy } from './readback';
import { endPass, onePass, repeatPass } from './passes';
import { UniformCache } from './uniforms';
import type { AcquiredAdapter, AdapterInfo } from './device';
import { describeAdapter, requestDevice } from './device';

export interface Binding {
  binding: number;
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

/**
 * Owns one GPUDevice and everything made on it: the buffer pool, the pipeline cache, and
 * the device's fate (lost, uncaptured errors). Kernels go through `dispatch`, results come
 * back through `read` (one mapAsync per call).
 */
export class GpuRuntime {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly limits: GPUSupportedLimits;
  readonly info: AdapterInfo;
  readonly source: string;
  /** set once the device is lost; every later call throws it */
  lostError: DeviceLostError | null = null;
  private disposed = false;
  /** set by close(): calls already running fail at their next step with DisposedError */
  private closing = false;
  private disposing: Promise<void> | null = null;
  private readonly uncaptured: string[] = [];
  private readonly lostListeners = new Set<(e: DeviceLostError) => void>();
  /** validation errors of submitted work, one promise per submit, awaited at the next readback */
  private scopes: Promise<GPUError | null>[] = [];
  /** the GPU instance the device came from, held until the device is gone (Dawn needs it alive) */
  private gpu: GPU | null;
  /** per encoder: buffers its recorded work reads, released when it is submitted or dropped */
  private readonly pending = new Map<GPUCommandEncoder, GPUBuffer[]>();

  private constructor(readonly device: GPUDevice, info: AdapterInfo, source: string, gpu: GPU | null, readonly ownsDevice: boolean) {
    this.gpu = gpu;
    this.source = source;
    this.info = info;
    this.limits = device.limits;
    this.pool = new BufferPool(device, device.limits.maxBufferSize);
    this.pipelines = new PipelineCache(device);
    this.kept = new UniformCache(device);
    device.lost.then((info) => {
      if (this.disposed) return;
      this.lostError = new DeviceLostError(info.reason ?? 'unknown', info.message ?? '');
      for (const l of this.lostListeners) l(this.lostError);
    });
    // Every submit has its own error scope, so this only sees errors from outside numgrad's
    // calls (an app sharing the device): kept and thrown at the next call, never printed.
    const onError = (ev: Event) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      this.uncaptured.push(e?.message ?? String(e));
    };
    if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
    else (device as GPUDevice).onuncapturederror = onError;
  }

  /** The limits numgrad plans with, as plain numbers (ctx.limits). */
  get keyLimits(): Record<string, number> {
    const l = this.limits;
    return {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    };
  }

  static async create(acquired: AcquiredAdapter): Promise<GpuRuntime> {
    const device = await requestDevice(acquired.adapter);
    return new GpuRuntime(device, describeAdapter(acquired.adapter), acquired.source, acquired.gpu, true);
  }

  /** A runtime on a device the app already has; numgrad never destroys it. */
  static fromDevice(device: GPUDevice): GpuRuntime {
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const compat = !device.features.has('core-features-and-limits' as GPUFeatureName);
    return new GpuRuntime(device, {
      vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', device: info?.device ?? '',
      description: info?.description ?? '', isFallbackAdapter: false, featureLevel: compat ? 'compatibility' : 'core',
    }, 'app device', null, false);
  }

  onLost(listener: (e: DeviceLostError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Throws if the runtime can no longer be used, or the device reported an error. */
  check(): void {
    if (this.lostError) throw this.lostError; // before 'disposed': a lost device is disposed by its context
    if (this.disposed || this.closing) throw new DisposedError();
    if (this.uncaptured.length) {
      const msgs = this.uncaptured.splice(0);
      throw new GpuError(`numgrad: WebGPU reported: ${msgs.join('; ')}`);
    }
  }

  /** Largest storage binding in bytes; lowered in tests to exercise chunking. */
  bindingLimit: number | null = null;
  get maxBinding(): number {
    return this.bindingLimit ?? Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
  }

  pipeline(name: string, code: string, constants?: Constants, entryPoint = 'main'): Promise<GPUComputePipeline> {
    this.check();
    return this.pipelines.get(name, code, constants, entryPoint);
  }

  /** A pooled storage buffer holding `data` (f32/u32/i32 views). Release with `release`. */
  upload(data: ArrayBufferView, usage = STORAGE_RW, label?: string): GPUBuffer {
    this.check();
    if (data.byteLength % 4 !== 0) throw new RangeError('numgrad: uploads must be whole 4-byte words');
    const buf = this.pool.acquire(data.byteLength, usage, label);
    if (data.byteLength > 0) this.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
    return buf;
  }

  /** A pooled storage buffer holding `parts` back to back (one buffer, no host-side concatenation). */
  uploadParts(parts: ArrayBufferView[], usage = STORAGE_RW, label?: string): GPUBuffer {
    this.check();
    const bytes = parts.reduce((s, p) => s + p.byteLength, 0);
    if (parts.some((p) => p.byteLength % 4 !== 0)) throw new RangeError('numgrad: uploads must be whole 4-byte words');
    const buf = this.pool.acquire(bytes, usage, label);
    let at = 0;
    for (const p of parts) {
      if (p.byteLength > 0) this.device.queue.writeBuffer(buf, at, p.buffer, p.byteOffset, p.byteLength);
      at += p.byteLength;
    }
    return buf;
  }

  /** A pooled storage buffer of `bytes`, its first `bytes` filled with f32 NaN so unwritten lanes show. */
  output(bytes: number, label?: string): GPUBuffer {
    const nan = new Float32Array(Math.ceil(bytes / 4)).fill(NaN);
    return this.upload(nan, STORAGE_RW, label);
  }

  /**
   * A pooled storage buffer of `bytes` with whatever it held before: for outputs a kernel
   * writes in full (no host-side fill, no upload; `output` is the NaN-filled kind).
   */
  scratch(bytes: number, label?: string): GPUBuffer {
    this.check();
    return this.pool.acquire(bytes, STORAGE_RW, label);
  }

  /** A small uniform buffer (u32/f32 params). */
  uniform(data: ArrayBufferView): GPUBuffer {
    return this.upload(data, Usage.UNIFORM | Usage.COPY_DST, 'numgrad-uniform');
  }

  /** Parameter blocks kept by content (uniforms.ts): bind, never release; null when full (use uniform). */
  readonly kept: UniformCache;

  release(...bufs: (GPUBuffer | undefined | null)[]): void {
    for (const b of bufs) if (b) this.pool.release(b);
  }

  /** Storage buffers one kernel may bind; lowered in tests to check the refusal. */
  storageBufferLimit: number | null = null;

  /**
   * A bind group for `pipeline`. The number of storage buffers is checked against the
   * device's maxStorageBuffersPerShaderStage first, so a kernel that needs more than this
   * device allows fails with its name and both numbers instead of a validation error.
   */
  bindGroup(pipeline: GPUComputePipeline, bindings: Binding[], group = 0): GPUBindGroup {
    this.check();
    const limit = this.storageBufferLimit ?? this.limits.maxStorageBuffersPerShaderStage;
    const storage = bindings.filter((b) => (b.buffer.usage & Usage.STORAGE) !== 0).length;
    if (storage > limit) {
      throw new GpuError(`numgrad: kernel '${pipeline.label}' binds ${storage} storage buffers but this device allows ${limit} per shader stage (maxStorageBuffersPerShaderStage)`);
    }
    return this.bindGroups.get(pipeline, bindings, group, () => this.createBindGroup(pipeline, bindings, group));
  }

  /** Bind groups reused across calls (see bind-groups.ts). */
  readonly bindGroups = new BindGroupCache();

  private createBindGroup(pipeline: GPUComputePipeline, bindings: Binding[], group: number): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(group),
      entries: bindings.map((b) => ({
        binding: b.binding,
        resource: { buffer: b.buffer, offset: b.offset ?? 0, size: b.size },
      })),
    });
  }

  /** Records one 1-D kernel of `lanes` invocations (2-D grid past the per-dimension limit). */
  dispatch(encoder: GPUCommandEncoder, pipeline: GPUComputePipeline, bindings: Binding[] | GPUBindGroup, lanes: number, workgroupSize: number, group = 0): void {
    const bindGroup = Array.isArray(bindings) ? this.bindGroup(pipeline, bindings, group) : bindings;
    onePass(encoder, pipeline, bindGroup, group, (pass) => pass.dispatchWorkgroups(...this.grid(lanes, workgroupSize)));
  }

  /**
   * Records one kernel whose workgroup counts (x, y, z as u32) an earlier kernel of the same
   * submit wrote into `args` at byte `offset`: work that only the device knows it needs.
   */
  dispatchIndirect(encoder: GPUCommandEncoder, pipeline: GPUComputePipeline, bindings: Binding[], args: GPUBuffer, offset: number, group = 0): void {
    onePass(encoder, pipeline, this.bindGroup(pipeline, bindings, group), group, (pass) => pass.dispatchWorkgroupsIndirect(args, offset));
  }

  /** The workgroup grid for `lanes` invocations (see grid.ts). */
  grid(lanes: number, workgroupSize: number): [number, number] {
    return grid(lanes, workgroupSize, this.limits.maxComputeWorkgroupsPerDimension);
  }

  /**
   * Records `times` repetitions of a sequence of dispatches in one compute pass. Dispatches
   * in one pass see each other's storage writes (WebGPU orders them), so an iterative
   * method can run many steps per submit without a readback.
   */
  repeat(encoder: GPUCommandEncoder, steps: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number] }[], times: number): void {
    repeatPass(encoder, steps, times);
  }

  /** Records a buffer-to-buffer copy (offsets and size in bytes). */
  copy(encoder: GPUCommandEncoder, src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes <= 0) return;
    endPass(encoder);
    encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Writes `data` into an existing buffer at a byte offset (queued before the next submit). */
  write(buf: GPUBuffer, byteOffset: number, data: ArrayBufferView): void {
    this.check();
    if (data.byteLength > 0) this.device.queue.writeBuffer(buf, byteOffset, data.buffer, data.byteOffset, data.byteLength);
  }

  encoder(label = 'numgrad'): GPUCommandEncoder {
    this.check();
    return this.device.createCommandEncoder({ label });
  }

  /**
   * Buffers that work recorded on `encoder` still uses go back to the pool only after that
   * encoder is submitted (queue.writeBuffer runs before unsubmitted commands, so reusing
   * them earlier would overwrite their data), or when it is dropped unsubmitted.
   */
  releaseAfterSubmit(encoder: GPUCommandEncoder, ...bufs: (GPUBuffer | undefined | null)[]): void {
    let list = this.pending.get(encoder);
    if (!list) this.pending.set(encoder, (list = []));
    for (const b of bufs) if (b) list.push(b);
  }

  /**
   * Submits `encoder` inside its own validation scope (push and pop are synchronous around
   * finish and submit, so concurrent calls cannot interleave scopes); the scope's result is
   * awaited by the next readback or settle, which rejects with it.
   */
  submit(encoder: GPUCommandEncoder): void {
    const list = this.pending.get(encoder);
    this.pending.delete(encoder);
    this.device.pushErrorScope('validation');
    try {
      endPass(encoder);
      this.device.queue.submit([encoder.finish()]);
    } finally {
      this.scopes.push(this.device.popErrorScope().catch(() => null));
      this.release(...(list ?? []));
    }
  }

  /** Throws the first validation error of the work submitted so far, if any. */
  private async checkScopes(): Promise<void> {
    if (this.scopes.length === 0) return;
    const errs = await Promise.all(this.scopes.splice(0));
    const first = errs.find((e) => e);
    if (first) throw new GpuError(`numgrad: WebGPU rejected the submitted work: ${first.message}`);
  }

  /** Gives back what an encoder that will never be submitted was holding. */
  discard(encoder: GPUCommandEncoder): void {
    const list = this.pending.get(encoder);
    this.pending.delete(encoder);
    this.release(...(list ?? []));
  }

  /** Runs `body` with a fresh encoder; if it throws before submitting, the encoder is discarded. */
  async withEncoder<T>(label: string, body: (encoder: GPUCommandEncoder) => Promise<T>): Promise<T> {
    const encoder = this.encoder(label);
    try {
      return await body(encoder);
    } catch (e) {
      this.discard(encoder);
      throw e;
    }
  }

  /** Reads f32 data back (one mapAsync). A pending encoder is submitted with the copy. */
  async readF32(src: GPUBuffer, count: number, offsetElems = 0, encoder?: GPUCommandEncoder): Promise<Float32Array> {
    this.check();
    const bytes = count * 4;
    const staging = this.pool.acquire(bytes, READBACK, 'numgrad-readback');
    try {
      const enc = encoder ?? this.encoder('numgrad-readback');
      endPass(enc);
      enc.copyBufferToBuffer(src, offsetElems * 4, staging, 0, bytes);
      this.submit(enc);
      const ab = await mapAndCopy(staging, bytes);
      await this.checkScopes();
      this.check();
      return new Float32Array(ab);
    } catch (e) {
      // A map that fails because the device died reports as the loss, not as an abort.
      if (this.lostError) throw this.lostError;
      throw e;
    } finally {
      this.pool.release(staging);
    }
  }

  /**
   * Copies `parts` (buffer, f32 count) into one staging buffer, submits `encoder` with the
   * copies and maps once. Returns one Float32Array per part.
   */
  async readMany(encoder: GPUCommandEncoder, parts: { buf: GPUBuffer; count: number }[]): Promise<Float32Array[]> {
    this.check();
    const total = parts.reduce((s, p) => s + p.count, 0);
    const staging = this.pool.acquire(Math.max(4, total * 4), READBACK, 'numgrad-readback');
    try {
      let off = 0;
      for (const p of parts) {
        this.copy(encoder, p.buf, 0, staging, off * 4, p.count * 4);
        off += p.count;
      }
      this.submit(encoder);
      const all = new Float32Array(await mapAndCopy(staging, Math.max(4, total * 4)));
      await this.checkScopes();
      this.check();
      off = 0;
      return parts.map((p) => all.slice(off, (off += p.count)));
    } catch (e) {
      if (this.lostError) throw this.lostError;
      throw e;
    } finally {
      this.pool.release(staging);
    }
  }

  /** Waits until the queue has finished the work submitted so far (no readback). */
  async settle(): Promise<void> {
    this.check();
    await this.device.queue.onSubmittedWorkDone();
    await this.checkScopes();
    this.check();
  }

  /** Refuses new work: every later check() throws DisposedError (dispose() follows). */
  close(): void {
    this.closing = true;
  }

  /**
   * Releases everything, in an order Dawn survives: the queue drains first (nothing may
   * still read a buffer we destroy), then buffers and pipelines go, then the device (only
   * if numgrad created it), and the GPU instance is let go only after Dawn has delivered
   * the device's last callbacks. Idempotent; concurrent callers share one disposal.
   */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.closing = true;
      if (!this.lostError) await this.device.queue.onSubmittedWorkDone().catch(() => {});
      await Promise.all(this.scopes.splice(0));
      this.disposed = true;
      this.pipelines.clear();
      this.pool.dispose();
      this.kept.dispose();
      for (const list of this.pending.values()) list.length = 0;
      this.pending.clear();
      if (this.ownsDevice) {
        this.device.destroy();
        await this.device.lost.catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 0));
      this.gpu = null;
    })();
    return this.disposing;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
}
