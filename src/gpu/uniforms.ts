// Small uniform buffers kept by content: a call that repeats (the same function, size and
// step) binds the very buffer it bound before, so it writes nothing to the queue for its
// parameters and meets its cached bind group. Owned by the runtime, outside the pool (they
// are never "in use" by a call), destroyed with it.
import { Usage } from './flags';

/** Distinct parameter blocks kept, at most; past it, callers upload as before. */
export const UNIFORMS_KEPT = 1024;

export class UniformCache {
  private readonly kept = new Map<string, GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  /** The kept buffer holding exactly `words` (written once), or null when the cache is full. */
  get(words: Uint32Array): GPUBuffer | null {
    let key = '';
    for (let i = 0; i < words.length; i++) key += words[i].toString(36) + ',';
    let buf = this.kept.get(key);
    if (buf) return buf;
    if (this.kept.size >= UNIFORMS_KEPT) return null;
    const size = Math.max(16, Math.ceil(words.byteLength / 16) * 16);
    buf = this.device.createBuffer({ size, usage: Usage.UNIFORM | Usage.COPY_DST, label: 'numgrad-uniform-kept' });
    this.device.queue.writeBuffer(buf, 0, words.buffer, words.byteOffset, words.byteLength);
    this.kept.set(key, buf);
    return buf;
  }

  dispose(): void {
    for (const b of this.kept.values()) b.destroy();
    this.kept.clear();
  }
}
