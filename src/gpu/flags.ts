// WebGPU's GPUBufferUsage / GPUMapMode values. Dawn in Node does not put the GPU* globals
// on globalThis, so numgrad uses the spec's numbers instead of the browser globals.
export const Usage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
} as const;

export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;

/** Storage buffer that kernels read and write and that can be copied in and out. */
export const STORAGE_RW = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;
/** Staging buffer for readback. */
export const READBACK = Usage.MAP_READ | Usage.COPY_DST;
