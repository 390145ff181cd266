// Device memory as the bench reports it: the pool's bytes allocated and in use, and the
// peak in use during a group (the pool's acquire/release are wrapped to follow it).
export function poolWatch(gpu) {
  const pool = gpu.runtime?.pool;
  if (!pool) return null;
  let peak = pool.bytesInUse;
  const acquire = pool.acquire.bind(pool);
  pool.acquire = (...a) => {
    const b = acquire(...a);
    peak = Math.max(peak, pool.bytesInUse);
    return b;
  };
  return {
    /** Starts a new peak window at what is in use now. */
    reset() { peak = pool.bytesInUse; },
    snapshot() { return { bytesAllocated: pool.bytesAllocated, bytesInUse: pool.bytesInUse, peakInUse: peak }; },
  };
}

export const mib = (b) => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

/** One line for the table: after a group. */
export function memoryLine(group, s) {
  return s ? `Device memory after ${group}: numgrad's pool holds ${mib(s.bytesAllocated)} allocated, ${mib(s.bytesInUse)} in use; peak in use during the group ${mib(s.peakInUse)}.` : '';
}
