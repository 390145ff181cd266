/**
 * When `numericalGradient` uses structure-aware differences for an expression that is a sum
 * of terms (see docs/design.md, "Sums in O(n)"). Mutable, for comparisons and benchmarks:
 * set `enabled = false` to get the whole-function lanes.
 *
 * @example
 * ```ts
 * import { exprSumsConfig } from 'numgrad';
 * exprSumsConfig.enabled = false; // every lane re-evaluates the whole sum (O(n²) for n terms)
 * ```
 */
export const exprSumsConfig = {
  /** use the local form of a sum when one exists (default true) */
  enabled: true,
  /** from this many parameters per point on (below it the whole function is as cheap, and
   *  results stay bit-identical to the whole-function ladder); expressions with data arrays
   *  use it at any n (once their only storage-bound path; kept so their results stay as they were) */
  minN: 32,
};
