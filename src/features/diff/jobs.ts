import type { DiffFunction } from '../../functions/fn';

import type { Stencil, Step } from '../../core/steps';

export type { Stencil, Step };

/** rows points of n parameters each, row-major in `x`. */
export interface PointsJob {
  f: DiffFunction;
  x: Float64Array;
  /** x as the caller's Float32Array, when it was one (the GPU uploads it without a conversion) */
  x32?: Float32Array;
  /** max |x[i]| when the reader knew it */
  maxAbs?: number;
  rows: number;
  n: number;
  /** the shape of one point, for JS functions (which see their argument nested) */
  pointShape: number[];
}

export interface GradientJob extends PointsJob {
  h: Step;
  stencil: Stencil;
  /** the ladder's domain per parameter (n each): no step leaves [lo, hi] */
  bounds?: { lo: Float64Array; hi: Float64Array };
}

export interface GradientOut {
  /** rows·n partial derivatives, row-major */
  grad: Float64Array;
  /** the same values as float32, when the path computed them so (the GPU): a Float32Array result uses it as it is */
  grad32?: Float32Array;
  /** flat indices (r·n + j) of components whose step vanished (x ± h rounded to x), first 100 */
  vanished: number[];
  vanishedCount: number;
  /** with the ladder ('auto'): estimated absolute error, the step used and a status code per component */
  error?: Float64Array;
  step?: Float64Array;
  status?: Uint32Array;
}

/** Vanished components listed individually (the count is always exact). */
export const MAX_VANISHED_LISTED = 100;
