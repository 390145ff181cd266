import { MapMode } from './flags';

/**
 * Waits for one mapAsync on `staging` (already filled by submitted work) and returns a
 * copy of its first `bytes`. Unmaps in `finally`, so a failed map never leaves it mapped.
 */
export async function mapAndCopy(staging: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const padded = Math.ceil(bytes / 4) * 4;
  await staging.mapAsync(MapMode.READ, 0, padded);
  try {
    return staging.getMappedRange(0, padded).slice(0, bytes);
  } finally {
    staging.unmap();
  }
}
