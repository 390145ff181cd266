import { DeviceLostError, DisposedError, GpuError } from '../core/errors';
import { BufferPool } from './buffers';
import { READBACK, STORAGE_RW, Usage } from './flags';
import { grid } from './grid';
import { PipelineCache, type Constants } from './pipelines';
import { mapAndCopy } from './readback';
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
  private readonly uncaptured: string[] = [];
  private readonly lostListeners = new Set<(e: DeviceLostError) => void>();
  private gpu: GPU | null;
  private readonly pending: GPUBuffer[] = [];

  private constructor(readonly device: GPUDevice, acquired: AcquiredAdapter) {
    this.gpu = acquired.gpu;
    this.source = acquired.source;
    this.info = describeAdapter(acquired.adapter);
    this.limits = device.limits;
    this.pool = new BufferPool(device, device.limits.maxBufferSize);
    this.pipelines = new PipelineCache(device);
    device.lost.then((info) => {
      if (this.disposed) return;
      this.lostError = new DeviceLostError(info.reason ?? 'unknown', info.message ?? '');
      for (const l of this.lostListeners) l(this.lostError);
    });
    // Never swallowed: kept and thrown at the next call, and logged at once.
    device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      const msg = ev.error?.message ?? String(ev.error);
      this.uncaptured.push(msg);
      console.error(`numgrad: uncaptured WebGPU error: ${msg}`);
    };
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
    return new GpuRuntime(device, acquired);
  }

  onLost(listener: (e: DeviceLostError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Throws if the runtime can no longer be used, or the device reported an error. */
  check(): void {
    if (this.lostError) throw this.lostError; // before 'disposed': a lost device is disposed by its context
    if (this.disposed) throw new DisposedError();
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

  /** A pooled storage buffer of `bytes`, its first `bytes` filled with f32 NaN so unwritten lanes show. */
  output(bytes: number, label?: string): GPUBuffer {
    const nan = new Float32Array(Math.ceil(bytes / 4)).fill(NaN);
    return this.upload(nan, STORAGE_RW, label);
  }

  /** A small uniform buffer (u32/f32 params). */
  uniform(data: ArrayBufferView): GPUBuffer {
    return this.upload(data, Usage.UNIFORM | Usage.COPY_DST, 'numgrad-uniform');
  }

  release(...bufs: (GPUBuffer | undefined | null)[]): void {
    for (const b of bufs) if (b) this.pool.release(b);
  }

  /** Records one 1-D kernel of `lanes` invocations (2-D grid past the per-dimension limit). */
  dispatch(
    encoder: GPUCommandEncoder,
    pipeline: GPUComputePipeline,
    bindings: Binding[],
    lanes: number,
    workgroupSize: number,
    group = 0,
  ): void {
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(group),
      entries: bindings.map((b) => ({
        binding: b.binding,
        resource: { buffer: b.buffer, offset: b.offset ?? 0, size: b.size },
      })),
    });
    const [x, y] = grid(lanes, workgroupSize, this.limits.maxComputeWorkgroupsPerDimension);
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(group, bindGroup);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  encoder(label = 'numgrad'): GPUCommandEncoder {
    this.check();
    return this.device.createCommandEncoder({ label });
  }

  /**
   * Buffers that recorded-but-unsubmitted work still uses go back to the pool only after
   * the next submit: queue.writeBuffer runs before unsubmitted commands, so reusing them
   * earlier would overwrite their data.
   */
  releaseAfterSubmit(...bufs: (GPUBuffer | undefined | null)[]): void {
    for (const b of bufs) if (b) this.pending.push(b);
  }

  submit(encoder: GPUCommandEncoder): void {
    this.device.queue.submit([encoder.finish()]);
    this.release(...this.pending.splice(0));
  }

  /** Reads f32 data back (one mapAsync). A pending encoder is submitted with the copy. */
  async readF32(src: GPUBuffer, count: number, offsetElems = 0, encoder?: GPUCommandEncoder): Promise<Float32Array> {
    this.check();
    const bytes = count * 4;
    const staging = this.pool.acquire(bytes, READBACK, 'numgrad-readback');
    try {
      const enc = encoder ?? this.encoder('numgrad-readback');
      enc.copyBufferToBuffer(src, offsetElems * 4, staging, 0, bytes);
      this.submit(enc);
      const ab = await mapAndCopy(staging, bytes);
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

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.pool.dispose();
    this.device.destroy();
    this.gpu = null;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
}
