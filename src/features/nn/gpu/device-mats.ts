// Small helpers for f32 matrices living in pooled GPU buffers: allocation, views with fewer
// rows, uploads into existing buffers, and one readback for several buffers at once.
import { STORAGE_RW } from '../../../gpu/flags';
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
  rt.write(m.buf, offset * 4, Float32Array.from(data as ArrayLike<number>));
}

/** Submits `enc` with copies of `parts` and maps once: one Float32Array per part. */
export function readMany(rt: GpuRuntime, enc: GPUCommandEncoder, parts: { buf: GPUBuffer; count: number }[]): Promise<Float32Array[]> {
  return rt.readMany(enc, parts);
}
