/**
 * Pairwise (tree) sum in float64 with the same association as the GPU's reduce_sum
 * kernel's outer passes: error grows with log2(n), not n, and the result depends only on
 * the input, never on timing.
 */
export function pairwiseSum(v: ArrayLike<number>, start = 0, end = v.length): number {
  const n = end - start;
  if (n <= 8) {
    let s = 0;
    for (let i = start; i < end; i++) s += v[i];
    return s;
  }
  const mid = start + (n >> 1);
  return pairwiseSum(v, start, mid) + pairwiseSum(v, mid, end);
}
