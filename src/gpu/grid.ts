/**
 * Workgroup grid for `lanes` invocations of a 1-D kernel. Past the per-dimension limit
 * (65,535 workgroups) the grid becomes 2-D; kernels recover the flat lane index as
 *   lane = gid.x + gid.y * (num_workgroups.x * WG)
 * and must guard `lane < count` (the grid can overshoot).
 */
export function grid(lanes: number, workgroupSize: number, maxPerDim: number): [number, number] {
  const groups = Math.max(1, Math.ceil(lanes / workgroupSize));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  const x = Math.ceil(groups / y);
  if (y > maxPerDim) throw new RangeError(`numgrad: ${lanes} lanes exceed a ${maxPerDim}² workgroup grid`);
  return [x, y];
}

/**
 * Splits `rows` rows of `bytesPerRow` bytes into consecutive [start, end) chunks whose
 * binding stays within `limitBytes` (maxStorageBufferBindingSize), so big problems run as
 * several dispatches instead of failing.
 */
export function chunkRows(rows: number, bytesPerRow: number, limitBytes: number): [number, number][] {
  const per = Math.max(1, Math.floor(limitBytes / Math.max(1, bytesPerRow)));
  const out: [number, number][] = [];
  for (let s = 0; s < rows; s += per) out.push([s, Math.min(rows, s + per)]);
  if (out.length === 0) out.push([0, 0]);
  return out;
}
