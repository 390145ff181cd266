// Small helpers for f32 matrices living in pooled GPU buffers: allocation, views with fewer
// rows, uploads into existing buffers, and one readback for several buffers at once.
import { READBACK, STORAGE_RW } from '../../../gpu/flags';
import { mapAndCopy } from '../../../gpu/readback';
import type { GpuRuntime } from '../../../gpu/runtime';
import type { DMat } from './kernels';

export function alloc(rt: GpuRuntime, rows: number, cols: number, label: string): DMat {
  return { buf: rt.pool.acquire(Math.max(16, rows * cols * 4), STORAGE_RW, label), rows, cols };
}

/** The first `rows` rows of m (same buffer). */
export function view(m: DMat, rows: number, cols = m.cols): DMat {
  return { buf: m.buf, rows, cols };
}

/** Writes float64 data (rounded to f32) at element `offset` of m's buffer. */
export function write(rt: GpuRuntime, m: DMat, data: ArrayLike<number>, offset = 0): void {
  if (data.length === 0) return;
  const f = Float32Array.from(data as ArrayLike<number>);
  rt.device.queue.writeBuffer(m.buf, offset * 4, f.buffer, f.byteOffset, f.byteLength);
}

/**
 * Copies `parts` (buffer, element count) into one staging buffer, submits `enc` with the
 * copies and maps once. Returns one Float32Array per part.
 */
export async function readMany(rt: GpuRuntime, enc: GPUCommandEncoder, parts: { buf: GPUBuffer; count: number }[]): Promise<Float32Array[]> {
  rt.check();
  const total = parts.reduce((s, p) => s + p.count, 0);
  const staging = rt.pool.acquire(Math.max(4, total * 4), READBACK, 'numgrad-nn-readback');
  try {
    let off = 0;
    for (const p of parts) {
      if (p.count > 0) enc.copyBufferToBuffer(p.buf, 0, staging, off * 4, p.count * 4);
      off += p.count;
    }
    rt.submit(enc);
    const all = new Float32Array(await mapAndCopy(staging, Math.max(4, total * 4)));
    rt.check();
    const out: Float32Array[] = [];
    off = 0;
    for (const p of parts) {
      out.push(all.slice(off, off + p.count));
      off += p.count;
    }
    return out;
  } catch (e) {
    if (rt.lostError) throw rt.lostError;
    throw e;
  } finally {
    rt.pool.release(staging);
  }
}
