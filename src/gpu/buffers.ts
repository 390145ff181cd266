import { ArgumentError } from '../core/errors';

/**
 * Pool of GPU buffers bucketed by (usage, size class). Size classes are powers of two and
 * 1.5× powers of two (≤ 33 % waste), at least 256 bytes, so repeated calls of similar size
 * reuse the same buffers instead of allocating every time.
 */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  private inUse = 0;
  private allocated = 0;
  /** buffers created since the pool was made (for tests of reuse) */
  created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferSize: number,
  ) {}

  static sizeClass(bytes: number): number {
    const b = Math.max(256, Math.ceil(bytes / 4) * 4);
    const p = 2 ** Math.ceil(Math.log2(b));
    return (p * 3) / 4 >= b && p >= 512 ? (p * 3) / 4 : p;
  }

  get bytesInUse(): number {
    return this.inUse;
  }
  get bytesAllocated(): number {
    return this.allocated;
  }

  acquire(bytes: number, usage: number, label = 'numgrad'): GPUBuffer {
    const size = BufferPool.sizeClass(bytes);
    if (size > this.maxBufferSize) {
      throw new ArgumentError(
        'size',
        `a buffer of ${bytes} bytes exceeds this device's maxBufferSize (${this.maxBufferSize}); split the problem into smaller calls`,
      );
    }
    const key = `${usage}:${size}`;
    const list = this.free.get(key);
    let buf = list?.pop();
    if (!buf) {
      buf = this.device.createBuffer({ size, usage, label });
      this.live.add(buf);
      this.allocated += size;
      this.created++;
    }
    this.inUse += size;
    return buf;
  }

  release(buf: GPUBuffer): void {
    if (!this.live.has(buf)) return; // destroyed by dispose(), or not ours
    this.inUse -= buf.size;
    const key = `${buf.usage}:${buf.size}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buf);
  }

  /** Destroys the buffers nobody holds; keeps those in use. */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.live.delete(b);
        this.allocated -= b.size;
        b.destroy();
      }
    }
    this.free.clear();
  }

  dispose(): void {
    for (const b of this.live) b.destroy();
    this.live.clear();
    this.free.clear();
    this.inUse = 0;
    this.allocated = 0;
  }
}
